// What the controller writes and does after a reconcile: the "looking again in" note of a reported
// failure and its backoff, and an Event for every Stalled or Reconciling reason.
import type { EventsV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/kube/conditions.js';
import { EventRecorder, type EventSink } from '../../../src/kube/events.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { AwsError } from '../../../src/aws/errors.js';
import { StatusWriter } from '../../../src/kube/status.js';
import { markDriftUnknown, nextAttempt, recordEvents } from '../../../src/operator/status-binding.js';
import { conditionsFor, unsyncedConditions, IN_SYNC } from '../../../src/reconcile/outcome.js';

const NOW = new Date('2026-12-07T01:00:00Z');
const invalid = { kind: 'stalled' as const, reason: 'InvalidRequest', message: 'reconciling ECS service web: CreateService failed: InvalidParameterException: bad' };

function object(conditions: Omit<Condition, 'message'>[] = [], generation = 2) {
  return { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: { name: 'web', namespace: 'ns', uid: 'uid-web', generation }, status: { conditions: conditions.map((c) => ({ message: '', ...c })) } };
}

describe('nextAttempt', () => {
  it('says in the Stalled message when a failure is looked at again, and backs off from its start', () => {
    const next = nextAttempt(object(), { conditions: unsyncedConditions(invalid), backoff: 'stalled' }, undefined, NOW);
    expect(next.result).toEqual({ kind: 'backoff', afterMs: 30_000, sinceMs: NOW.getTime() });
    const byType = Object.fromEntries(next.conditions.map((c) => [c.type, c]));
    expect(byType.Stalled).toMatchObject({ status: 'True', reason: 'InvalidRequest', message: `${invalid.message} (looking again in 30s)` });
    // The other conditions point at Stalled instead of repeating its text.
    expect(byType.Ready).toMatchObject({ status: 'False', reason: 'InvalidRequest', message: 'Not ready: Stalled (see that condition)' });
    expect(byType.Synced).toMatchObject({ status: 'False', reason: 'InvalidRequest', message: 'The manifest is not carried out in AWS (see the Stalled condition)' });
    expect(byType.Reconciling).toMatchObject({ status: 'False', message: 'No change in progress' });
  });

  it('waits longer the longer the failure has lasted, as the controller remembers it', () => {
    const since = NOW.getTime() - 10 * 60_000;
    const next = nextAttempt(object(), { conditions: unsyncedConditions(invalid), backoff: 'stalled' }, since, NOW);
    expect(next.result).toEqual({ kind: 'backoff', afterMs: 10 * 60_000, sinceMs: since });
    expect(next.conditions.find((c) => c.type === 'Stalled')?.message).toMatch(/\(looking again in 10m\)$/);
  });

  it('after a restart, reads when the failure began from the same Stalled condition of this generation', () => {
    const stalledSince = '2026-12-07T00:20:00Z';
    const restarted = object([{ type: 'Stalled', status: 'True', reason: 'InvalidRequest', lastTransitionTime: stalledSince, observedGeneration: 2 }]);
    expect(nextAttempt(restarted, { conditions: unsyncedConditions(invalid), backoff: 'stalled' }, undefined, NOW).result).toEqual({ kind: 'backoff', afterMs: 30 * 60_000, sinceMs: Date.parse(stalledSince) });
    // Another reason, or an older generation, is another failure: it starts now.
    const other = object([{ type: 'Stalled', status: 'True', reason: 'AccessDenied', lastTransitionTime: stalledSince, observedGeneration: 2 }]);
    expect(nextAttempt(other, { conditions: unsyncedConditions(invalid), backoff: 'stalled' }, undefined, NOW).result).toMatchObject({ afterMs: 30_000 });
    const edited = object([{ type: 'Stalled', status: 'True', reason: 'InvalidRequest', lastTransitionTime: stalledSince, observedGeneration: 1 }]);
    expect(nextAttempt(edited, { conditions: unsyncedConditions(invalid), backoff: 'stalled' }, undefined, NOW).result).toMatchObject({ afterMs: 30_000 });
  });

  it('waits 5 s first for AWS to settle (Reconciling)', () => {
    const waiting = { kind: 'progressing' as const, reason: 'TargetGroupNotAttached', message: 'CreateService failed: does not have an associated load balancer' };
    const next = nextAttempt(object(), { conditions: unsyncedConditions(waiting), backoff: 'waiting' }, undefined, NOW);
    expect(next.result).toMatchObject({ kind: 'backoff', afterMs: 5_000 });
    expect(next.conditions.find((c) => c.type === 'Reconciling')?.message).toMatch(/\(looking again in 5s\)$/);
  });

  it('leaves conditions alone and keeps the requeue when nothing failed', () => {
    const ready = conditionsFor({ kind: 'progressing', reason: 'RolloutInProgress', message: '1 of 2 tasks running' }, IN_SYNC);
    const next = nextAttempt(object(), { conditions: ready, requeueAfterMs: 5_000 }, undefined, NOW);
    expect(next).toEqual({ conditions: ready, result: { kind: 'requeue', afterMs: 5_000 } });
    expect(nextAttempt(object(), { conditions: ready }, undefined, NOW).result).toEqual({ kind: 'done' });
  });
});

class FakeSink implements EventSink {
  readonly created: EventsV1Event[] = [];
  readonly series: number[] = [];
  async create(_namespace: string, event: EventsV1Event): Promise<void> {
    this.created.push(event);
  }
  async updateSeries(_ns: string, _name: string, s: { count: number }): Promise<void> {
    this.series.push(s.count);
  }
}

describe('recordEvents', () => {
  const recorder = (sink: FakeSink) => new EventRecorder({ sink, reportingController: 'test', reportingInstance: 'r1', log: silentLogger() });

  it.each([
    ['Stalled', 'NotOwned', 'Warning', { kind: 'stalled' as const, reason: 'NotOwned', message: 'ECS service web exists and was not created by this operator' }],
    ['Stalled', 'OwnedByAnotherObject', 'Warning', { kind: 'stalled' as const, reason: 'OwnedByAnotherObject', message: 'ECS service web belongs to ns/other' }],
    ['Stalled', 'ReplacementRequired', 'Warning', { kind: 'stalled' as const, reason: 'ReplacementRequired', message: 'spec.launchType cannot change in place' }],
    ['Reconciling', 'WaitingForTaskDefinition', 'Normal', { kind: 'progressing' as const, reason: 'WaitingForTaskDefinition', message: 'EcsTaskDefinition web has no registered revision yet' }],
    ['Reconciling', 'ServiceDraining', 'Normal', { kind: 'progressing' as const, reason: 'ServiceDraining', message: 'ECS service web is draining' }],
  ])('a %s %s condition is a %s Event', async (_type, reason, eventType, health) => {
    const sink = new FakeSink();
    const r = recorder(sink);
    recordEvents(r, object(), [], unsyncedConditions(health));
    await r.flush();
    expect(sink.created.map((e) => [e.type, e.reason, e.note])).toEqual([[eventType, reason, health.message]]);
  });

  it('records no second Event for a condition whose reason an Event of the reconcile already gives', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    recordEvents(r, object(), [{ type: 'Warning', reason: 'InvalidRequest', message: invalid.message }], unsyncedConditions(invalid));
    await r.flush();
    expect(sink.created.map((e) => e.reason)).toEqual(['InvalidRequest']);
  });

  it('makes a reason that lasts over many reconciles one Event with a count, even as its message changes', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    for (let running = 0; running < 5; running++) {
      const rollout = conditionsFor({ kind: 'progressing', reason: 'RolloutInProgress', message: `deployment ecs-svc/1 of web in progress: ${running} of 5 tasks running` }, IN_SYNC);
      recordEvents(r, object(), [], rollout);
    }
    await r.flush();
    expect(sink.created).toHaveLength(1);
    expect(sink.created[0]).toMatchObject({ type: 'Normal', reason: 'RolloutInProgress', note: 'deployment ecs-svc/1 of web in progress: 0 of 5 tasks running' });
    expect(sink.series).toEqual([5]);
  });

  it('records nothing for a Ready object', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    recordEvents(r, object(), [], conditionsFor({ kind: 'ready', reason: 'Ready', message: 'ok' }, IN_SYNC));
    await r.flush();
    expect(sink.created).toEqual([]);
  });
});

describe('markDriftUnknown', () => {
  type Obj = ReturnType<typeof object> & { status: { observedGeneration?: number; conditions?: Condition[] } };
  function writerFor() {
    const written: Obj[] = [];
    const writer = new StatusWriter<Obj['status'], Obj>({ resource: 'ecsservices', get: async () => undefined, replaceStatus: async (o) => (written.push(o), o) }, silentLogger());
    return { writer, written };
  }
  const throttled = new AwsError({ kind: 'throttled', retryable: true, code: 'ThrottlingException', message: 'Rate exceeded' }, 'ecs', 'DescribeServices');

  it('says Drifted Unknown when a reconcile of an already observed generation threw an AWS error', async () => {
    const { writer, written } = writerFor();
    const observed: Obj = { ...object([{ type: 'Drifted', status: 'False', reason: 'NoDrift', lastTransitionTime: '2026-12-07T00:00:00Z', observedGeneration: 2 }]), status: { observedGeneration: 2, conditions: [{ type: 'Drifted', status: 'False', reason: 'NoDrift', message: 'AWS matches the manifest', lastTransitionTime: '2026-12-07T00:00:00Z', observedGeneration: 2 }] } };
    await markDriftUnknown(writer, observed, throttled, NOW, silentLogger());
    expect(written[0]?.status.conditions).toEqual([
      { type: 'Drifted', status: 'Unknown', reason: 'AwsNotRead', message: 'not known: the last reconcile failed: ecs:DescribeServices failed: ThrottlingException: Rate exceeded', lastTransitionTime: '2026-12-07T01:00:00Z', observedGeneration: 2 },
    ]);
  });

  it('writes nothing for a generation not yet observed (its Ready would be the last one\'s) or an error that is not AWS\'s', async () => {
    const { writer, written } = writerFor();
    const edited: Obj = { ...object([]), status: { observedGeneration: 1, conditions: [] } };
    await markDriftUnknown(writer, edited, throttled, NOW, silentLogger());
    const observed: Obj = { ...object([]), status: { observedGeneration: 2, conditions: [] } };
    await markDriftUnknown(writer, observed, new Error('bug'), NOW, silentLogger());
    expect(written).toEqual([]);
  });
});
