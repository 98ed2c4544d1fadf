import { describe, expect, it } from 'vitest';
import { applyReport, fitToTerminal, settledState } from '../../../src/cli/apply-report.js';
import type { FileRunResult } from '../../../src/cli/reconcile-files.js';
import type { ObjectResult } from '../../../src/drift/index.js';
import type { ReconcileOutcome } from '../../../src/reconcile/outcome.js';

const web = { kind: 'EcsService' as const, namespace: 'shop', name: 'web' };
const key = 'EcsService/shop/web';

function outcome(over: Partial<ReconcileOutcome<unknown>> = {}): ReconcileOutcome<unknown> {
  return { plan: [], applied: false, status: {}, conditions: [], events: [], ...over };
}

function run(result: ObjectResult, o?: ReconcileOutcome<unknown>): FileRunResult {
  return { results: [result], outcomes: new Map(o ? [[key, o]] : []) };
}

const ready = { type: 'Ready' as const, status: 'True' as const, reason: 'RolloutCompleted', message: 'web runs web:2: 2 of 2 tasks running' };
const rolling = { type: 'Ready' as const, status: 'False' as const, reason: 'RolloutInProgress', message: 'rollout of web:2 in progress' };
const stalled = { type: 'Stalled' as const, status: 'True' as const, reason: 'RolloutFailed', message: 'rollout of web:2 failed' };
const update = { resource: 'Service' as const, id: 'web', action: 'Update', diffs: [{ path: 'spec.desiredCount', desired: 3, actual: 2 }], payload: {} };

describe('apply -o json', () => {
  it('names per object the action, the fields each change sets, the outcome and the events', () => {
    const o = outcome({ plan: [update], applied: true, events: [{ type: 'Normal', reason: 'Updated', message: 'Updated ECS service web: spec.desiredCount' }] });
    const report = applyReport([run({ identity: web, plan: [update] }, o)], undefined, { dryRun: false, elapsedMs: 1234 });
    expect(report).toEqual({
      apiVersion: 'ecs.operator.dev/v1alpha1',
      kind: 'ApplyReport',
      dryRun: false,
      elapsedSeconds: 1.2,
      objects: [
        {
          ...web,
          action: 'update',
          changes: [{ resource: 'Service', id: 'web', action: 'Update', fields: ['spec.desiredCount'] }],
          outcome: 'Applied',
          events: ['Updated ECS service web: spec.desiredCount'],
        },
      ],
      summary: { objects: 1, changed: 1, failed: 0 },
    });
  });

  it('says create for an object missing in AWS, and lists a change made in a later pass once', () => {
    const create = { resource: 'Service' as const, id: 'web', action: 'Create', diffs: [], payload: {} };
    const first = run({ identity: web, plan: [create], missing: true }, outcome({ plan: [create], applied: true }));
    const second = run({ identity: web, plan: [] }, outcome({ conditions: [ready] }));
    const progress = new Map([[key, settledState(second.results[0]!, second.outcomes.get(key), 'stable')]]);
    const report = applyReport([first, second], progress, { dryRun: false, elapsedMs: 0, waitUntil: 'stable' });
    expect(report.objects[0]).toMatchObject({ action: 'create', changes: [{ action: 'Create', fields: [] }], outcome: 'Ready', message: ready.message });
  });

  it('reports Stalled, Failed and TimedOut as failures', () => {
    const stalledRun = run({ identity: web, error: { message: stalled.message, reason: stalled.reason } }, outcome({ conditions: [stalled] }));
    expect(applyReport([stalledRun], undefined, { dryRun: false, elapsedMs: 0 }).objects[0]).toMatchObject({ outcome: 'Stalled', message: stalled.message });
    const failed = run({ identity: web, error: { message: 'ecs:CreateService failed: AccessDeniedException' } });
    expect(applyReport([failed], undefined, { dryRun: false, elapsedMs: 0 })).toMatchObject({ objects: [{ action: 'error', outcome: 'Failed' }], summary: { failed: 1 } });
    const slow = run({ identity: web, plan: [] }, outcome({ conditions: [rolling] }));
    const timedOut = new Map([[key, { state: 'timedOut' as const, message: rolling.message }]]);
    expect(applyReport([slow], timedOut, { dryRun: false, elapsedMs: 0, waitUntil: 'stable' }).objects[0]).toMatchObject({ outcome: 'TimedOut', message: rolling.message });
  });

  it('says WouldChange for a dry run that has changes', () => {
    expect(applyReport([run({ identity: web, plan: [update] }, outcome({ plan: [update] }))], undefined, { dryRun: true, elapsedMs: 0 }).objects[0]?.outcome).toBe('WouldChange');
  });
});

describe('apply --wait-until', () => {
  const completedButDraining = outcome({
    conditions: [{ ...rolling, reason: 'WaitingForTasks', message: 'web: 4 of 2 tasks running' }],
    status: { deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }, { status: 'ACTIVE', rolloutState: 'COMPLETED' }] },
  });

  it('deployed: a service whose new deployment completed is settled while old tasks drain', () => {
    expect(settledState({ identity: web, plan: [] }, completedButDraining, 'deployed').state).toBe('settled');
  });

  it('stable: the same service is still waiting until only its new tasks run (Ready)', () => {
    expect(settledState({ identity: web, plan: [] }, completedButDraining, 'stable')).toEqual({ state: 'waiting', message: 'web: 4 of 2 tasks running' });
  });

  it('a pass that failed without a verdict is not settled; a Stalled one is', () => {
    expect(settledState({ identity: web, error: { message: 'socket hang up' } }, undefined, 'stable').state).toBe('waiting');
    expect(settledState({ identity: web, error: { message: stalled.message } }, outcome({ conditions: [stalled] }), 'stable').state).toBe('stalled');
  });
});

describe('the live progress line', () => {
  it('is cut to the terminal width, one column spare', () => {
    expect(fitToTerminal('abcdefghij', 5)).toBe('abcd');
  });

  it('is never cut when the terminal reports no width', () => {
    expect(fitToTerminal('abcdefghij', 0)).toBe('abcdefghij');
    expect(fitToTerminal('abcdefghij', undefined)).toBe('abcdefghij');
  });
});
