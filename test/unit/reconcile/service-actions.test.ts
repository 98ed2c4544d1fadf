// The rollback and restart annotations on plain objects and a fake ECS: which value is taken up,
// what is recorded before and after the AWS call, and what a restart of the operator between the
// two does (the record says Started, the call may or may not have happened).
import type { Service, ServiceDeploymentBrief } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { ActionRecord, EcsService, ServiceAction } from '../../../src/api/index.js';
import type { AwsAdapter } from '../../../src/aws/adapter.js';
import { actionStep, carryOutActions } from '../../../src/reconcile/service/actions.js';
import { previousRevision } from '../../../src/cli/rollback.js';

const NOW = new Date('2026-12-07T04:00:00Z');
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7';
const DEPLOYMENT_ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/abc';

function svc(annotations: Record<string, string>, actions: Partial<Record<ServiceAction, ActionRecord>> = {}): EcsService {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name: 'web', namespace: 'shop', generation: 1, annotations },
    spec: { cluster: 'demo', taskDefinitionRef: { name: 'web' } },
    status: { region: 'us-east-1', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo', serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/web', serviceName: 'web', actions },
  } as EcsService;
}

/** A fake ECS with one service whose PRIMARY deployment is `primary`; counts the writes. */
function fakeEcs(primary: string, inProgress: ServiceDeploymentBrief[] = []) {
  const state = { primary, restarts: 0, stopped: [] as string[], records: [] as { action: ServiceAction; record: ActionRecord }[] };
  const service = (): Service => ({ serviceName: 'web', taskDefinition: TD, deployments: [{ id: state.primary, status: 'PRIMARY', taskDefinition: TD, rolloutState: 'IN_PROGRESS' }] });
  const region = {
    region: 'us-east-1',
    services: { forget: () => undefined, describe: async () => ({ kind: 'found' as const, service: service() }) },
    ecs: {
      restartService: async () => {
        state.restarts++;
        state.primary = `ecs-svc/restart-${state.restarts}`;
        return service();
      },
      listServiceDeployments: async () => inProgress.filter((d) => !state.stopped.includes(d.serviceDeploymentArn ?? '')),
      stopServiceDeployment: async (arn: string) => void state.stopped.push(arn),
    },
  };
  const aws = { region: () => region } as unknown as AwsAdapter;
  return { state, aws };
}

/** `record` as the binding does it: a Started record does not replace one of the same value. */
function recorder(state: ReturnType<typeof fakeEcs>['state'], stored: Partial<Record<ServiceAction, ActionRecord>>) {
  return async (action: ServiceAction, record: ActionRecord) => {
    state.records.push({ action, record });
    if (!(record.phase === 'Started' && stored[action]?.value === record.value)) stored[action] = record;
    return stored[action];
  };
}

describe('actionStep', () => {
  it('takes up a new value, resumes one recorded as Started and leaves one recorded as Done', () => {
    expect(actionStep(undefined, undefined)).toEqual({ kind: 'none' });
    expect(actionStep('2', { value: '1', phase: 'Done', time: '' })).toEqual({ kind: 'start', value: '2' });
    expect(actionStep('1', { value: '1', phase: 'Done', time: '' })).toEqual({ kind: 'none' });
    const started: ActionRecord = { value: '1', phase: 'Started', time: '', deploymentId: 'ecs-svc/1' };
    expect(actionStep('1', started)).toEqual({ kind: 'resume', value: '1', started });
  });
});

describe('the restart annotation', () => {
  it('records the PRIMARY deployment before the call, then the deployment it started', async () => {
    const { state, aws } = fakeEcs('ecs-svc/1');
    const stored = {};
    const out = await carryOutActions(svc({ 'ecs.operator.dev/restart': 'a' }), { aws, now: () => NOW, record: recorder(state, stored) });
    expect(state.restarts).toBe(1);
    expect(state.records.map((r) => [r.record.phase, r.record.deploymentId])).toEqual([
      ['Started', 'ecs-svc/1'],
      ['Done', 'ecs-svc/restart-1'],
    ]);
    expect(out.rollout).toMatchObject({ deploymentId: 'ecs-svc/restart-1', taskDefinitionArn: TD });
    expect(out.events).toEqual([{ type: 'Normal', reason: 'Restarted', message: 'ecs.operator.dev/restart=a: started deployment ecs-svc/restart-1 of ECS service web with the same task definition' }]);
  });

  it('after a restart of the operator between the call and the Done record, finds the deployment started and does not call again', async () => {
    const { state, aws } = fakeEcs('ecs-svc/restart-by-the-lost-call');
    const started: ActionRecord = { value: 'a', phase: 'Started', time: '2026-12-07T03:59:00Z', deploymentId: 'ecs-svc/1' };
    const out = await carryOutActions(svc({ 'ecs.operator.dev/restart': 'a' }, { restart: started }), { aws, now: () => NOW, record: recorder(state, { restart: started }) });
    expect(state.restarts).toBe(0);
    expect(state.records.map((r) => r.record)).toEqual([
      { value: 'a', phase: 'Done', time: '2026-12-07T04:00:00Z', deploymentId: 'ecs-svc/restart-by-the-lost-call', message: 'deployment ecs-svc/restart-by-the-lost-call of ECS service web started after the request' },
    ]);
    expect(out.events[0]?.reason).toBe('Restarted');
  });

  it('after a restart of the operator before the call, calls once', async () => {
    const { state, aws } = fakeEcs('ecs-svc/1');
    const started: ActionRecord = { value: 'a', phase: 'Started', time: '2026-12-07T03:59:00Z', deploymentId: 'ecs-svc/1' };
    await carryOutActions(svc({ 'ecs.operator.dev/restart': 'a' }, { restart: started }), { aws, now: () => NOW, record: recorder(state, { restart: started }) });
    expect(state.restarts).toBe(1);
  });

  it('leaves a value already carried out alone, and waits while the object is paused', async () => {
    const { state, aws } = fakeEcs('ecs-svc/1');
    const done: ActionRecord = { value: 'a', phase: 'Done', time: '', deploymentId: 'ecs-svc/1' };
    await carryOutActions(svc({ 'ecs.operator.dev/restart': 'a' }, { restart: done }), { aws, now: () => NOW, record: recorder(state, {}) });
    await carryOutActions(svc({ 'ecs.operator.dev/restart': 'b', 'ecs.operator.dev/paused': 'true' }, { restart: done }), { aws, now: () => NOW, record: recorder(state, {}) });
    expect(state.restarts).toBe(0);
    expect(state.records).toEqual([]);
  });
});

describe('the rollback annotation', () => {
  it('stops the service deployment in progress with a rollback, recording it first', async () => {
    const { state, aws } = fakeEcs('ecs-svc/2', [{ serviceDeploymentArn: DEPLOYMENT_ARN, status: 'IN_PROGRESS' }]);
    const out = await carryOutActions(svc({ 'ecs.operator.dev/rollback': 't1' }), { aws, now: () => NOW, record: recorder(state, {}) });
    expect(state.stopped).toEqual([DEPLOYMENT_ARN]);
    expect(state.records.map((r) => [r.record.phase, r.record.deploymentId])).toEqual([
      ['Started', DEPLOYMENT_ARN],
      ['Done', DEPLOYMENT_ARN],
    ]);
    expect(out.events).toEqual([{ type: 'Normal', reason: 'RollbackRequested', message: `ecs.operator.dev/rollback=t1: stopped service deployment ${DEPLOYMENT_ARN} of ECS service web with a rollback` }]);
  });

  it('with nothing in progress records the value and says so in a Warning', async () => {
    const { state, aws } = fakeEcs('ecs-svc/2');
    const out = await carryOutActions(svc({ 'ecs.operator.dev/rollback': 't1' }), { aws, now: () => NOW, record: recorder(state, {}) });
    expect(state.stopped).toEqual([]);
    expect(state.records.map((r) => r.record)).toEqual([{ value: 't1', phase: 'Done', time: '2026-12-07T04:00:00Z', message: 'no service deployment of ECS service web is in progress: nothing to roll back' }]);
    expect(out.events[0]).toMatchObject({ type: 'Warning', reason: 'RollbackNotDone' });
  });

  it('after a restart of the operator between the stop and the Done record, does not stop again', async () => {
    // The stop went through: ECS no longer lists the deployment as IN_PROGRESS (ROLLBACK_REQUESTED).
    const { state, aws } = fakeEcs('ecs-svc/2');
    const started: ActionRecord = { value: 't1', phase: 'Started', time: '', deploymentId: DEPLOYMENT_ARN };
    await carryOutActions(svc({ 'ecs.operator.dev/rollback': 't1' }, { rollback: started }), { aws, now: () => NOW, record: recorder(state, { rollback: started }) });
    expect(state.stopped).toEqual([]);
    expect(state.records.map((r) => r.record.phase)).toEqual(['Done']);
    expect(state.records[0]?.record.message).toContain('is no longer in progress');
  });
});

describe('previousRevision (ecs-operator rollback)', () => {
  const arn = (r: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${r}`;

  it('is the highest ACTIVE revision below the current one, whatever the order, skipping gaps', () => {
    expect(previousRevision(arn(7), [arn(3), arn(8), arn(5), arn(7)])).toBe(arn(5));
  });

  it('is undefined when no ACTIVE revision comes before the current one', () => {
    expect(previousRevision(arn(1), [arn(1), arn(2)])).toBeUndefined();
    expect(previousRevision(arn(4), [])).toBeUndefined();
  });
});
