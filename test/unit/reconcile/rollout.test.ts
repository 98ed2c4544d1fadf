import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { judgeRollout, startedRollout } from '../../../src/reconcile/service/rollout.js';
import { runningService, TD_ARN } from './fixtures.js';

const TD4 = TD_ARN.replace(/:3$/, ':4');

function deployment(id: string, fields: Partial<Deployment>): Deployment {
  return { id, status: 'PRIMARY', desiredCount: 2, runningCount: 0, pendingCount: 0, failedTasks: 0, ...fields };
}

function service(deployments: Deployment[], fields: Partial<Service> = {}): Service {
  return runningService({ deployments, ...fields });
}

const ours = { deploymentId: 'ecs-svc/2', taskDefinitionArn: TD4, state: 'IN_PROGRESS', startedTime: '2026-11-24T10:00:00Z' };

describe('startedRollout', () => {
  test('a write that made a new PRIMARY deployment started a rollout', () => {
    const before = service([deployment('ecs-svc/1', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED' })]);
    const after = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS' }), deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN })]);
    expect(startedRollout(before, after, new Date('2026-11-24T10:00:00.123Z'))).toEqual({ ...ours, deploymentId: 'ecs-svc/2' });
  });

  test('a write that kept the PRIMARY deployment (desiredCount only) started none', () => {
    const s = service([deployment('ecs-svc/1', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED' })]);
    expect(startedRollout(s, s, new Date())).toBeUndefined();
  });
});

describe('judgeRollout', () => {
  test('Ready once the PRIMARY deployment completed and every desired task runs', () => {
    const s = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD4 });
    const j = judgeRollout(s, ours, 'web:4');
    expect(j.health).toMatchObject({ kind: 'ready', reason: 'RolloutCompleted' });
    expect(j.rollout?.state).toBe('COMPLETED');
    expect(j.requeueAfterMs).toBeUndefined();
  });

  test('a rollout under way: Reconciling, looked at again in seconds', () => {
    const s = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', runningCount: 1 }), deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { runningCount: 3 });
    const j = judgeRollout(s, ours, 'web:4');
    expect(j.health).toMatchObject({ kind: 'progressing', reason: 'RolloutInProgress' });
    expect(j.requeueAfterMs).toBeGreaterThan(0);
    expect(j.requeueAfterMs).toBeLessThanOrEqual(10_000);
  });

  test('a completed deployment with fewer tasks running than desired is not Ready', () => {
    const s = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED', runningCount: 1 })], { runningCount: 1 });
    expect(judgeRollout(s, ours, 'web:4').health).toMatchObject({ kind: 'progressing', reason: 'WaitingForTasks' });
  });

  test('our deployment FAILED and the circuit breaker rolled back: Stalled RolloutFailed, the failed revision kept', () => {
    // The rollback runs the previous revision and looks healthy: only our own deployment tells the truth.
    const s = service(
      [
        deployment('ecs-svc/3', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2, rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.' }),
        deployment('ecs-svc/2', { status: 'ACTIVE', taskDefinition: TD4, rolloutState: 'FAILED', failedTasks: 4, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }),
      ],
      { taskDefinition: TD_ARN },
    );
    const j = judgeRollout(s, ours, 'web:4');
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
    expect(j.health.message).toContain('rollout of web:4 failed: ECS deployment circuit breaker: tasks failed to start.');
    expect(j.health.message).toContain('runs web:3');
    expect(j.rollout).toMatchObject({ deploymentId: 'ecs-svc/2', taskDefinitionArn: TD4, state: 'FAILED' });
  });

  test('our deployment gone while the service runs another revision (the rollback finished unseen): failed', () => {
    const s = service([deployment('ecs-svc/3', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD_ARN });
    const j = judgeRollout(s, ours, 'web:4');
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
    expect(j.rollout?.state).toBe('FAILED');
  });

  test('a failed rollout stays failed on later looks, until the manifest asks for another revision', () => {
    const failed = { ...ours, state: 'FAILED', reason: 'tasks failed to start' };
    const s = service([deployment('ecs-svc/3', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD_ARN });
    expect(judgeRollout(s, failed, 'web:4').health.kind).toBe('stalled');
    // The manifest went back to web:3, which runs: the failure is history.
    const reverted = judgeRollout(s, failed, 'web:3');
    expect(reverted.health.kind).toBe('ready');
    expect(reverted.rollout).toBeUndefined();
  });

  test('without a rollout of its own (an adopted service), the PRIMARY deployment is judged', () => {
    const s = service([deployment('ecs-svc/9', { taskDefinition: TD_ARN, rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' })]);
    expect(judgeRollout(s, undefined, 'web:3').health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
  });
});
