import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { judgeRollout, rolloutPollMs, startedRollout } from '../../../src/reconcile/service/rollout.js';
import { runningService, TD_ARN } from './fixtures.js';

const TD4 = TD_ARN.replace(/:3$/, ':4');

function deployment(id: string, fields: Partial<Deployment>): Deployment {
  return { id, status: 'PRIMARY', desiredCount: 2, runningCount: 0, pendingCount: 0, failedTasks: 0, ...fields };
}

function service(deployments: Deployment[], fields: Partial<Service> = {}): Service {
  return runningService({ deployments, ...fields });
}

const ours = { deploymentId: 'ecs-svc/2', taskDefinitionArn: TD4, state: 'IN_PROGRESS', startedTime: '2026-11-24T10:00:00Z' };
/** Two seconds after `ours` started, with the default deadline. */
const clock = { now: new Date('2026-11-24T10:00:02Z'), progressDeadlineSeconds: 600 };
const after = (seconds: number, progressDeadlineSeconds = 600) => ({ now: new Date(Date.parse('2026-11-24T10:00:00Z') + seconds * 1000), progressDeadlineSeconds });

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
    const j = judgeRollout(s, ours, 'web:4', clock);
    expect(j.health).toMatchObject({ kind: 'ready', reason: 'RolloutCompleted' });
    expect(j.rollout?.state).toBe('COMPLETED');
    expect(j.requeueAfterMs).toBeUndefined();
  });

  test('a rollout under way: Reconciling, looked at again in seconds', () => {
    const s = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', runningCount: 1 }), deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { runningCount: 3 });
    const j = judgeRollout(s, ours, 'web:4', clock);
    expect(j.health).toMatchObject({ kind: 'progressing', reason: 'RolloutInProgress' });
    expect(j.requeueAfterMs).toBeGreaterThan(0);
    expect(j.requeueAfterMs).toBeLessThanOrEqual(10_000);
  });

  test('a completed deployment with fewer tasks running than desired is not Ready', () => {
    const s = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED', runningCount: 1 })], { runningCount: 1 });
    expect(judgeRollout(s, ours, 'web:4', clock).health).toMatchObject({ kind: 'progressing', reason: 'WaitingForTasks' });
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
    const j = judgeRollout(s, ours, 'web:4', clock);
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
    expect(j.health.message).toContain('rollout of web:4 failed: ECS deployment circuit breaker: tasks failed to start.');
    expect(j.health.message).toContain('runs web:3');
    expect(j.rollout).toMatchObject({ deploymentId: 'ecs-svc/2', taskDefinitionArn: TD4, state: 'FAILED' });
  });

  test('our deployment gone while the service runs another revision (the rollback finished unseen): failed', () => {
    const s = service([deployment('ecs-svc/3', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD_ARN });
    const j = judgeRollout(s, ours, 'web:4', clock);
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
    expect(j.rollout?.state).toBe('FAILED');
  });

  test('a failed rollout stays failed on later looks, until the manifest asks for another revision', () => {
    const failed = { ...ours, state: 'FAILED', reason: 'tasks failed to start' };
    const s = service([deployment('ecs-svc/3', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD_ARN });
    expect(judgeRollout(s, failed, 'web:4', clock).health.kind).toBe('stalled');
    // The manifest went back to web:3, which runs: the failure is history.
    const reverted = judgeRollout(s, failed, 'web:3', clock);
    expect(reverted.health.kind).toBe('ready');
    expect(reverted.rollout).toBeUndefined();
  });

  test('without a rollout of its own (an adopted service), the PRIMARY deployment is judged', () => {
    const s = service([deployment('ecs-svc/9', { taskDefinition: TD_ARN, rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' })]);
    expect(judgeRollout(s, undefined, 'web:3', clock).health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
  });
});

describe('judgeRollout: what a rollout message counts', () => {
  test('the tasks of the deployment being rolled out, not the whole service', () => {
    // The old deployment's two tasks still run while the new one has started none.
    const s = service(
      [
        deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', desiredCount: 2, runningCount: 0, pendingCount: 2 }),
        deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN, rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2 }),
      ],
      { desiredCount: 2, runningCount: 2, pendingCount: 2 },
    );
    const { message } = judgeRollout(s, ours, 'web:4', clock).health;
    expect(message).toContain('rollout of web:4 to web (deployment ecs-svc/2) in progress: 0 of 2 tasks running, 2 pending');
    expect(message).toContain('2 task(s) of the previous deployment(s) still running');
    expect(message).not.toContain('2 of 2 tasks running');
  });
});

describe('judgeRollout: progress deadline', () => {
  const stuck = service(
    [
      deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', desiredCount: 2, runningCount: 0, pendingCount: 2 }),
      deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN, rolloutState: 'COMPLETED', runningCount: 2 }),
    ],
    { runningCount: 2 },
  );

  test('a rollout not completed within progressDeadlineSeconds is Stalled ProgressDeadlineExceeded, saying since when and what is missing', () => {
    expect(judgeRollout(stuck, ours, 'web:4', after(599)).health.kind).toBe('progressing');
    const j = judgeRollout(stuck, ours, 'web:4', after(600));
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'ProgressDeadlineExceeded' });
    expect(j.health.message).toContain('has not completed within progressDeadlineSeconds (600s) since 2026-11-24T10:00:00Z: 0 of 2 tasks running, 2 pending');
    expect(j.health.message).toContain('ECS keeps trying');
    // Still looked at, so the condition clears when ECS finally completes it.
    expect(j.requeueAfterMs).toBe(60_000);
    expect(j.rollout?.state).toBe('IN_PROGRESS');
  });

  test('the deadline is spec.progressDeadlineSeconds and clears once the rollout completes', () => {
    expect(judgeRollout(stuck, ours, 'web:4', after(21, 20)).health.reason).toBe('ProgressDeadlineExceeded');
    const done = service([deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED', runningCount: 2 })], { taskDefinition: TD4 });
    expect(judgeRollout(done, ours, 'web:4', after(3_600, 20)).health).toMatchObject({ kind: 'ready', reason: 'RolloutCompleted' });
  });

  test('a rollout the operator did not start is timed from the deployment\'s creation', () => {
    const created = new Date('2026-11-24T09:00:00Z');
    const theirs = service([{ ...deployment('ecs-svc/7', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', pendingCount: 2 }), createdAt: created }]);
    expect(judgeRollout(theirs, undefined, 'web:4', after(0)).health).toMatchObject({ kind: 'stalled', reason: 'ProgressDeadlineExceeded' });
  });

  test('a DAEMON service that cannot place its tasks is Stalled once its deployment has not changed for the deadline', () => {
    const daemon = service([{ ...deployment('ecs-svc/1', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED', desiredCount: 3, runningCount: 1 }), updatedAt: new Date('2026-11-24T10:00:00Z') }], {
      schedulingStrategy: 'DAEMON',
      desiredCount: 3,
      runningCount: 1,
    });
    expect(judgeRollout(daemon, undefined, 'web:3', after(30, 60)).health).toMatchObject({ kind: 'progressing', reason: 'WaitingForTasks' });
    const late = judgeRollout(daemon, undefined, 'web:3', after(60, 60)).health;
    expect(late).toMatchObject({ kind: 'stalled', reason: 'ProgressDeadlineExceeded' });
    expect(late.message).toContain('1 of 3 tasks running');
  });

  test('the poll interval backs off from 5 s, doubling with the rollout\'s age, to a minute', () => {
    expect([0, 4, 5, 10, 20, 40, 59, 600].map((s) => rolloutPollMs(s * 1000))).toEqual([5_000, 5_000, 5_000, 10_000, 20_000, 40_000, 59_000, 60_000]);
    expect(judgeRollout(stuck, ours, 'web:4', after(2)).requeueAfterMs).toBe(5_000);
    expect(judgeRollout(stuck, ours, 'web:4', after(300)).requeueAfterMs).toBe(60_000);
  });

  test('the look after next comes no later than the deadline', () => {
    expect(judgeRollout(stuck, ours, 'web:4', after(15, 20)).requeueAfterMs).toBe(5_000);
    expect(judgeRollout(stuck, ours, 'web:4', after(590)).requeueAfterMs).toBe(10_000);
  });
});
