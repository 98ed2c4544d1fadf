// Judging a rollout by ECS's service deployment (ListServiceDeployments/DescribeServiceDeployments):
// what is read when, what status.rollout shows, and which condition a user sees.
import type { Deployment, Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { judgeRollout } from '../../../src/reconcile/service/rollout.js';
import { plannedWaitMinutes, rollbackCause, serviceDeploymentToRead, withServiceDeployment } from '../../../src/reconcile/service/service-deployment.js';
import { runningService, TD_ARN } from './fixtures.js';

const TD4 = TD_ARN.replace(/:3$/, ':4');
const SD_ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/AbCdEf012345';
const now = new Date('2026-11-24T10:05:00Z');
const clock = { now, progressDeadlineSeconds: 600 };
const ours = { deploymentId: 'ecs-svc/2', taskDefinitionArn: TD4, state: 'IN_PROGRESS', startedTime: '2026-11-24T10:00:00Z', strategy: 'BLUE_GREEN' };

function deployment(id: string, fields: Partial<Deployment>): Deployment {
  return { id, status: 'PRIMARY', desiredCount: 2, runningCount: 2, pendingCount: 0, failedTasks: 0, ...fields };
}

function serviceDeployment(fields: Partial<ServiceDeployment>): ServiceDeployment {
  return {
    serviceDeploymentArn: SD_ARN,
    status: 'IN_PROGRESS',
    createdAt: new Date('2026-11-24T10:00:00Z'),
    deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 10 },
    ...fields,
  };
}

/** Blue/green: green runs every task long before the bake time ends. */
const greenUp: Service = runningService({
  taskDefinition: TD4,
  deployments: [deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS' }), deployment('ecs-svc/1', { status: 'ACTIVE', taskDefinition: TD_ARN, rolloutState: 'COMPLETED' })],
});

describe('serviceDeploymentToRead: reads only while a rollout is under way', () => {
  test('a service at rest with a finished rollout reads nothing', () => {
    expect(serviceDeploymentToRead(runningService(), { ...ours, state: 'COMPLETED', serviceDeploymentArn: SD_ARN, serviceDeploymentStatus: 'SUCCESSFUL' })).toBeUndefined();
    expect(serviceDeploymentToRead(runningService(), undefined)).toBeUndefined();
  });

  test('our rollout under way is read by the ARN status recorded', () => {
    expect(serviceDeploymentToRead(greenUp, { ...ours, serviceDeploymentArn: SD_ARN })).toEqual({ arn: SD_ARN });
  });

  test('without a recorded ARN, the one DescribeServices names as current is read', () => {
    expect(serviceDeploymentToRead({ ...greenUp, currentServiceDeployment: SD_ARN }, ours)).toEqual({ arn: SD_ARN });
  });

  test('without any ARN, the newest one created since shortly before the rollout started is listed', () => {
    expect(serviceDeploymentToRead(greenUp, ours)).toEqual({ latestAfter: new Date('2026-11-24T09:59:00Z') });
  });

  test('a deployment ECS runs that the operator did not start is read too', () => {
    expect(serviceDeploymentToRead({ ...greenUp, currentServiceDeployment: SD_ARN }, { ...ours, state: 'COMPLETED' })).toEqual({ arn: SD_ARN });
  });

  test("a new service's first ROLLING deployment is judged by DescribeServices alone; a blue/green one, or one already followed, is read", () => {
    const created = runningService({ taskDefinition: TD4, deployments: [deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'IN_PROGRESS', runningCount: 0 })], currentServiceDeployment: SD_ARN });
    const rolling = { ...ours, strategy: 'ROLLING', serviceDeploymentArn: SD_ARN };
    expect(serviceDeploymentToRead(created, rolling)).toBeUndefined();
    expect(serviceDeploymentToRead(created, { ...rolling, strategy: 'BLUE_GREEN' })).toEqual({ arn: SD_ARN });
    expect(serviceDeploymentToRead(created, { ...rolling, serviceDeploymentStatus: 'IN_PROGRESS' })).toEqual({ arn: SD_ARN });
    // An update under ROLLING, with the old deployment still listed, is followed as before.
    expect(serviceDeploymentToRead(greenUp, rolling)).toEqual({ arn: SD_ARN });
  });

  test('a rollback still running is followed until it ends', () => {
    const failed = { ...ours, state: 'FAILED', serviceDeploymentArn: SD_ARN, serviceDeploymentStatus: 'ROLLBACK_IN_PROGRESS' };
    expect(serviceDeploymentToRead(runningService(), failed)).toEqual({ arn: SD_ARN });
    expect(serviceDeploymentToRead(runningService(), { ...failed, serviceDeploymentStatus: 'ROLLBACK_SUCCESSFUL' })).toBeUndefined();
  });
});

describe('withServiceDeployment: status.rollout from the service deployment', () => {
  test('shows the strategy, the stage and since when, and the traffic the new revision gets', () => {
    const sd = serviceDeployment({ lifecycleStage: 'BAKE_TIME', targetServiceRevision: { arn: 'rev', requestedProductionTrafficWeight: 100, requestedTestTrafficWeight: 100 } });
    expect(withServiceDeployment(ours, sd, now)).toEqual({
      ...ours,
      serviceDeploymentArn: SD_ARN,
      serviceDeploymentStatus: 'IN_PROGRESS',
      lifecycleStage: 'BAKE_TIME',
      stageSince: '2026-11-24T10:05:00Z',
      productionTrafficPercent: 100,
      testTrafficPercent: 100,
    });
  });

  test('a stage seen before keeps the time it was first seen', () => {
    const seen = { ...ours, lifecycleStage: 'BAKE_TIME', stageSince: '2026-11-24T10:01:00Z' };
    expect(withServiceDeployment(seen, serviceDeployment({ lifecycleStage: 'BAKE_TIME' }), now).stageSince).toBe('2026-11-24T10:01:00Z');
  });

  test('SUCCESSFUL completes the rollout', () => {
    expect(withServiceDeployment(ours, serviceDeployment({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP' }), now)).toMatchObject({ state: 'COMPLETED', serviceDeploymentStatus: 'SUCCESSFUL' });
  });

  test('a rollback fails the rollout, naming the alarm that triggered it', () => {
    const sd = serviceDeployment({
      status: 'ROLLBACK_IN_PROGRESS',
      alarms: { status: 'TRIGGERED', alarmNames: ['web-5xx', 'web-latency'], triggeredAlarmNames: ['web-5xx'] },
      rollback: { reason: 'Service deployment rolled back because alarm(s) web-5xx went into ALARM state.' },
    });
    const rollout = withServiceDeployment(ours, sd, now);
    expect(rollout).toMatchObject({ state: 'FAILED', rollbackTrigger: 'Alarm' });
    expect(rollout.reason).toContain('CloudWatch alarm web-5xx went to ALARM');
  });

  test('a deployment ECS started on its own gets a record of its own, not the last rollout the operator started', () => {
    const earlier = { ...ours, state: 'COMPLETED', serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/older' };
    const rollout = withServiceDeployment(earlier, serviceDeployment({ startedAt: new Date('2026-11-24T10:04:00Z') }), now);
    expect(rollout.deploymentId).toBeUndefined();
    expect(rollout).toMatchObject({ state: 'IN_PROGRESS', serviceDeploymentArn: SD_ARN, startedTime: '2026-11-24T10:04:00Z' });
  });
});

describe('rollbackCause: what rolled a deployment back', () => {
  test('the circuit breaker', () => {
    expect(rollbackCause(serviceDeployment({ status: 'ROLLBACK_SUCCESSFUL', deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 } }))).toMatchObject({
      trigger: 'CircuitBreaker',
      message: 'the deployment circuit breaker tripped after 3 failed task(s)',
    });
  });

  test('a lifecycle hook that failed, with its stage', () => {
    const sd = serviceDeployment({
      status: 'ROLLBACK_IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      lifecycleHookDetails: [{ hookId: '0', targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke', status: 'FAILED' }],
    });
    expect(rollbackCause(sd)).toEqual({ trigger: 'LifecycleHook', message: 'lifecycle hook arn:aws:lambda:us-east-1:123456789012:function:smoke at POST_TEST_TRAFFIC_SHIFT failed' });
  });

  test('a requested rollback (StopServiceDeployment)', () => {
    expect(rollbackCause(serviceDeployment({ status: 'ROLLBACK_REQUESTED' })).trigger).toBe('Requested');
  });

  test('a cause ECS does not name is told in its own words', () => {
    expect(rollbackCause(serviceDeployment({ status: 'ROLLBACK_SUCCESSFUL', rollback: { reason: 'rolled back for a reason' } }))).toEqual({ trigger: 'Unknown', message: 'rolled back for a reason' });
  });
});

describe('judgeRollout with a service deployment', () => {
  test('during the bake time: Reconciling with the stage in the message, although every task runs', () => {
    const rollout = withServiceDeployment(ours, serviceDeployment({ lifecycleStage: 'BAKE_TIME', targetServiceRevision: { requestedProductionTrafficWeight: 100 } }), now);
    const j = judgeRollout({ ...greenUp, deployments: [deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED' })] }, rollout, 'web:4', clock);
    expect(j.health.kind).toBe('progressing');
    expect(j.health.message).toBe(
      'BLUE_GREEN rollout of web:4 to web (deployment ecs-svc/2) in progress, stage BAKE_TIME since 2026-11-24T10:05:00Z, the new revision gets 100% of production traffic: 2 of 2 tasks running',
    );
    expect(j.requeueAfterMs).toBeGreaterThan(0);
  });

  test('Ready only once the service deployment is SUCCESSFUL', () => {
    const rollout = withServiceDeployment(ours, serviceDeployment({ status: 'SUCCESSFUL' }), now);
    const done = runningService({ taskDefinition: TD4, deployments: [deployment('ecs-svc/2', { taskDefinition: TD4, rolloutState: 'COMPLETED' })] });
    expect(judgeRollout(done, rollout, 'web:4', clock).health).toMatchObject({ kind: 'ready', reason: 'RolloutCompleted' });
  });

  test('a hook that failed: Stalled naming the hook, the failed revision kept in status', () => {
    const sd = serviceDeployment({
      status: 'ROLLBACK_SUCCESSFUL',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      lifecycleHookDetails: [{ hookId: '0', targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke', status: 'FAILED' }],
    });
    const rolledBack = runningService({ deployments: [deployment('ecs-svc/1', { taskDefinition: TD_ARN, rolloutState: 'COMPLETED' })] });
    const j = judgeRollout(rolledBack, withServiceDeployment(ours, sd, now), 'web:4', clock);
    expect(j.health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
    expect(j.health.message).toContain('rollout of web:4 failed: lifecycle hook arn:aws:lambda:us-east-1:123456789012:function:smoke at POST_TEST_TRAFFIC_SHIFT failed');
    expect(j.health.message).toContain('runs web:3');
    expect(j.rollout).toMatchObject({ taskDefinitionArn: TD4, state: 'FAILED', rollbackTrigger: 'LifecycleHook' });
  });

  test('a failed rollout stays Stalled on the next look, which reads nothing more', () => {
    const failed = withServiceDeployment(ours, serviceDeployment({ status: 'ROLLBACK_SUCCESSFUL', alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['web-5xx'] } }), now);
    const rolledBack = runningService();
    expect(serviceDeploymentToRead(rolledBack, failed)).toBeUndefined();
    expect(judgeRollout(rolledBack, failed, 'web:4', clock).health).toMatchObject({ kind: 'stalled', reason: 'RolloutFailed' });
  });
});

describe('plannedWaitMinutes: waits a strategy makes on purpose extend the progress deadline', () => {
  test('BLUE_GREEN waits its bake time', () => {
    expect(plannedWaitMinutes({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 })).toBe(15);
  });

  test('LINEAR waits between steps but not after the last, plus the bake time', () => {
    expect(plannedWaitMinutes({ strategy: 'LINEAR', bakeTimeInMinutes: 5, linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 2 } })).toBe(5 + 3 * 2);
    // ECS's defaults: 10 percent steps, 6 minutes apart.
    expect(plannedWaitMinutes({ strategy: 'LINEAR' })).toBe(9 * 6);
  });

  test('CANARY waits its canary bake time, 10 minutes by default', () => {
    expect(plannedWaitMinutes({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 3 } })).toBe(3);
    expect(plannedWaitMinutes({ strategy: 'CANARY' })).toBe(10);
  });

  test('ROLLING waits for nothing', () => {
    expect(plannedWaitMinutes(undefined)).toBe(0);
  });
});
