// The AWS adapter against the emulator: batching, caching, error classification and retries as a
// reconciler sees them, counted with the adapter's own call counter.
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, test } from 'vitest';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/adapter.js';
import type { AwsCallSnapshot } from '../../src/aws/call-counter.js';
import { awsClientConfig, testEnv, uniqueName } from '../support/env.js';

const adapters: AwsAdapter[] = [];

/** An adapter on the emulator. `accessKeyId` lets a test fault only its own calls. */
function adapter(options: { accessKeyId?: string; maxAttempts?: number } = {}): AwsAdapter {
  const config = awsClientConfig();
  const a = createAwsAdapter({
    ...config,
    credentials: { ...config.credentials, accessKeyId: options.accessKeyId ?? config.credentials.accessKeyId },
    maxAttempts: options.maxAttempts ?? 5,
  });
  adapters.push(a);
  return a;
}

afterEach(() => {
  adapters.splice(0).forEach((a) => a.destroy());
});

/** Calls of one operation made since `before`. */
function callsSince(a: AwsAdapter, before: AwsCallSnapshot, operation: string): number {
  return (a.calls.snapshot().operations[operation]?.total ?? 0) - (before.operations[operation]?.total ?? 0);
}

/** Arms the emulator's fault injection (see test/aws/README.md) for the next `count` calls. */
async function injectFault(fault: { operation: string; count: number; kind: 'throttle' | 'error'; service: string; accessKeyId: string; status?: number; code?: string }) {
  const res = await fetch(`${testEnv().awsEndpoint}/moto-api/ecs-operator/faults`, { method: 'POST', body: JSON.stringify(fault) });
  expect(res.status).toBe(200);
}

async function clusterWithServices(a: AwsAdapter, count: number): Promise<{ cluster: string; services: string[] }> {
  const r = a.region();
  const cluster = uniqueName('adapter');
  await r.clients.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const { taskDefinition } = await r.ecs.registerTaskDefinition({ family: cluster, containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 128 }] });
  const services = Array.from({ length: count }, (_, i) => `svc-${i}`);
  for (const serviceName of services) {
    await r.ecs.createService({
      cluster,
      serviceName,
      taskDefinition: taskDefinition.taskDefinitionArn,
      desiredCount: 0,
      clientToken: `${cluster}-${serviceName}`,
      tags: [{ key: 'ecs.operator.dev/owner', value: `default/${serviceName}` }],
    });
  }
  return { cluster, services };
}

describe('AWS adapter on the emulator', () => {
  test('25 concurrent reads of services in one cluster cost 3 DescribeServices calls', async () => {
    const a = adapter();
    const { cluster, services } = await clusterWithServices(a, 25);
    const before = a.calls.snapshot();

    const observed = await Promise.all(services.map((s) => a.region().services.describe(cluster, s)));

    expect(callsSince(a, before, 'ecs:DescribeServices')).toBe(3);
    observed.forEach((o, i) => {
      expect(o.kind).toBe('found');
      if (o.kind === 'found') {
        expect(o.service.serviceName).toBe(`svc-${i}`);
        expect(o.service.tags).toEqual([{ key: 'ecs.operator.dev/owner', value: `default/svc-${i}` }]);
      }
    });
  });

  test('a missing service comes back notFound to its caller only, in the same single call', async () => {
    const a = adapter();
    const { cluster } = await clusterWithServices(a, 2);
    const before = a.calls.snapshot();

    const [first, missing, second] = await Promise.all([
      a.region().services.describe(cluster, 'svc-0'),
      a.region().services.describe(cluster, 'never-created'),
      a.region().services.describe(cluster, 'svc-1'),
    ]);

    expect(first.kind).toBe('found');
    expect(missing).toEqual({ kind: 'notFound' });
    expect(second.kind).toBe('found');
    expect(callsSince(a, before, 'ecs:DescribeServices')).toBe(1);
  });

  test('a missing cluster fails every read of the batch as notFound', async () => {
    const a = adapter();
    const cluster = uniqueName('nocluster');

    const settled = await Promise.allSettled([a.region().services.describe(cluster, 'a'), a.region().services.describe(cluster, 'b')]);

    for (const s of settled) expect(s).toMatchObject({ status: 'rejected', reason: { kind: 'notFound', code: 'ClusterNotFoundException' } });
  });

  test('throttled and failing calls are retried by the SDK, and every attempt is counted', async () => {
    const accessKeyId = `AKIDTHROTTLE${Date.now()}`;
    const a = adapter({ accessKeyId });
    const { cluster } = await clusterWithServices(a, 1);
    await injectFault({ operation: 'DescribeServices', count: 2, kind: 'throttle', service: 'ecs', accessKeyId });
    await injectFault({ operation: 'DescribeServices', count: 1, kind: 'error', service: 'ecs', accessKeyId });
    const before = a.calls.snapshot();

    await expect(a.region().services.describe(cluster, 'svc-0')).resolves.toMatchObject({ kind: 'found' });

    const outcomes = a.calls.snapshot().operations['ecs:DescribeServices']?.outcomes ?? {};
    expect((outcomes.throttled ?? 0) - (before.operations['ecs:DescribeServices']?.outcomes.throttled ?? 0)).toBe(2);
    expect(outcomes.InternalFailure).toBe(1);
    expect(callsSince(a, before, 'ecs:DescribeServices')).toBe(4);
  });

  test('throttling beyond the attempts surfaces as a retryable throttled error', async () => {
    const accessKeyId = `AKIDSTORM${Date.now()}`;
    const a = adapter({ accessKeyId, maxAttempts: 2 });
    const { cluster } = await clusterWithServices(a, 1);
    await injectFault({ operation: 'DescribeServices', count: 2, kind: 'throttle', service: 'ecs', accessKeyId });

    await expect(a.region().services.describe(cluster, 'svc-0')).rejects.toMatchObject({ kind: 'throttled', retryable: true });
  });

  test('a registered revision is never read back, and another one is read once', async () => {
    const a = adapter();
    const r = a.region();
    const family = uniqueName('td');
    const registered = await r.ecs.registerTaskDefinition({
      family,
      containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 128 }],
      tags: [{ key: 'ecs.operator.dev/owner', value: 'default/web' }],
    });
    const arn = registered.taskDefinition.taskDefinitionArn!;

    const fresh = adapter();
    await Promise.all([fresh.region().taskDefinitions.describe(arn), fresh.region().taskDefinitions.describe(arn)]);
    const reread = await fresh.region().taskDefinitions.describe(`${family}:1`);
    await r.taskDefinitions.describe(arn);

    expect(a.calls.snapshot().operations['ecs:DescribeTaskDefinition']).toBeUndefined();
    expect(fresh.calls.snapshot().operations['ecs:DescribeTaskDefinition']?.total).toBe(1);
    expect(reread.tags).toEqual([{ key: 'ecs.operator.dev/owner', value: 'default/web' }]);
    expect(await r.ecs.listTaskDefinitionArns(family)).toEqual([arn]);
  });

  test('target groups resolve by name in one call, and an unknown name fails only its caller', async () => {
    const a = adapter();
    const { Vpc } = await new EC2Client(awsClientConfig()).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const names = [uniqueName('tg'), uniqueName('tg')];
    for (const Name of names) {
      await (await a.region().clients.elbv2()).send(new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 80, VpcId: Vpc!.VpcId, TargetType: 'ip' }));
    }
    const before = a.calls.snapshot();

    const [first, second] = await Promise.all(names.map((name) => a.region().targetGroups.resolve({ name })));
    expect(first?.TargetGroupName).toBe(names[0]);
    expect(second?.TargetGroupName).toBe(names[1]);
    expect(callsSince(a, before, 'elasticloadbalancing:DescribeTargetGroups')).toBe(1);

    const missing = uniqueName('tg');
    const settled = await Promise.allSettled([a.region().targetGroups.resolve({ name: missing }), a.region().targetGroups.resolve({ arn: first!.TargetGroupArn! })]);
    expect(settled[0]).toMatchObject({ status: 'rejected', reason: { kind: 'notFound', code: 'TargetGroupNotFoundException' } });
    expect(settled[1]).toMatchObject({ status: 'fulfilled', value: { TargetGroupName: names[0] } });
  });

  test('scaling target, policy, scheduled action and alarm round-trip, and a concurrent update is retried', async () => {
    const accessKeyId = `AKIDSCALING${Date.now()}`;
    const a = adapter({ accessKeyId });
    const { cluster } = await clusterWithServices(a, 1);
    const r = a.region();
    const target = { ServiceNamespace: 'ecs' as const, ResourceId: `service/${cluster}/svc-0`, ScalableDimension: 'ecs:service:DesiredCount' as const };

    await r.autoscaling.registerScalableTarget({ ...target, MinCapacity: 1, MaxCapacity: 4 });
    await injectFault({ operation: 'PutScalingPolicy', count: 1, kind: 'error', status: 400, code: 'ConcurrentUpdateException', service: 'application-autoscaling', accessKeyId });
    const policy = await r.autoscaling.putScalingPolicy({
      ...target,
      PolicyName: 'step',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
    });
    await r.autoscaling.putScheduledAction({ ...target, ScheduledActionName: 'night', Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } });
    const alarmName = `${cluster}-step`;
    await r.alarms.putMetricAlarm({
      AlarmName: alarmName,
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'ClusterName', Value: cluster }, { Name: 'ServiceName', Value: 'svc-0' }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 70,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [policy.PolicyARN!],
    });

    expect(a.calls.snapshot().operations['application-autoscaling:PutScalingPolicy']?.outcomes).toEqual({ ConcurrentUpdateException: 1, success: 1 });
    expect(await r.autoscaling.describeScalableTargets(target.ResourceId)).toMatchObject([{ MinCapacity: 1, MaxCapacity: 4 }]);
    expect((await r.autoscaling.describeScalingPolicies(target.ResourceId)).map((p) => p.PolicyName)).toEqual(['step']);
    expect((await r.autoscaling.describeScheduledActions(target.ResourceId)).map((s) => s.ScheduledActionName)).toEqual(['night']);
    expect(await r.alarms.describeAlarms({ prefix: cluster })).toMatchObject([{ AlarmName: alarmName, AlarmActions: [policy.PolicyARN] }]);

    await r.alarms.deleteAlarms([alarmName]);
    await r.autoscaling.deleteScheduledAction({ ...target, ScheduledActionName: 'night' });
    await r.autoscaling.deleteScalingPolicy({ ...target, PolicyName: 'step' });
    await r.autoscaling.deregisterScalableTarget(target);
    expect(await r.alarms.describeAlarms({ names: [alarmName] })).toEqual([]);
    expect(await r.autoscaling.describeScalableTargets(target.ResourceId)).toEqual([]);
  });
});
