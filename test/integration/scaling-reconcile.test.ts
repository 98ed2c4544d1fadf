// Service auto scaling against the AWS emulator: reconcileScaling and cleanupScaling on real
// Application Auto Scaling and CloudWatch calls, counted with the adapter's call counter.
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, test } from 'vitest';
import type { Autoscaling } from '../../src/api/autoscaling.js';
import type { EcsService } from '../../src/api/resources.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/adapter.js';
import type { AwsCallSnapshot } from '../../src/aws/call-counter.js';
import type { OwnerIdentity } from '../../src/reconcile/outcome.js';
import { ScalingNames, cleanupScaling, reconcileScaling, type ScalingResult } from '../../src/reconcile/scaling/index.js';
import { awsClientConfig, testEnv, uniqueName } from '../support/env.js';

const adapters: AwsAdapter[] = [];

afterEach(() => {
  adapters.splice(0).forEach((a) => a.destroy());
});

/** An adapter on the emulator; `accessKeyId` lets a test fault only its own calls. */
function adapter(accessKeyId?: string): AwsAdapter {
  const config = awsClientConfig();
  // Two attempts per call: a throttled call gives up after one SDK retry instead of four.
  const a = createAwsAdapter({ ...config, maxAttempts: 2, credentials: { ...config.credentials, accessKeyId: accessKeyId ?? config.credentials.accessKeyId } });
  adapters.push(a);
  return a;
}

/** Calls made since `before`, by `service:Operation`, leaving out operations not called. */
function callsSince(a: AwsAdapter, before: AwsCallSnapshot): Record<string, number> {
  const now = a.calls.snapshot().operations;
  const out: Record<string, number> = {};
  for (const [op, calls] of Object.entries(now)) {
    const n = calls.total - (before.operations[op]?.total ?? 0);
    if (n > 0) out[op] = n;
  }
  return out;
}

function writesSince(a: AwsAdapter, before: AwsCallSnapshot): number {
  return a.calls.snapshot().writes - before.writes;
}

function scaling(): Autoscaling {
  return {
    minCapacity: 1,
    maxCapacity: 6,
    targetTracking: [{ name: 'cpu', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60, scaleOutCooldown: 60 }],
    stepScaling: [
      {
        name: 'backlog',
        adjustmentType: 'ChangeInCapacity',
        stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 2 }],
        cooldown: 120,
        alarm: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: [{ name: 'QueueName', value: 'jobs' }],
          statistic: 'Average',
          period: 60,
          evaluationPeriods: 2,
          threshold: 100,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
        },
      },
    ],
    scheduled: [{ name: 'night', schedule: 'cron(0 22 * * ? *)', timezone: 'Europe/Berlin', minCapacity: 1, maxCapacity: 2 }],
  };
}

interface Fixture {
  a: AwsAdapter;
  cluster: string;
  svc: EcsService;
  deps: { aws: AwsAdapter; owner: OwnerIdentity };
  names: ScalingNames;
  resourceId: string;
}

/** A cluster and an ECS service in the emulator, and the EcsService object that manages it. */
async function fixture(autoscaling: Autoscaling | undefined = scaling(), serviceCount = 1, accessKeyId?: string): Promise<Fixture[]> {
  const a = adapter(accessKeyId);
  const r = a.region();
  const cluster = uniqueName('scaling');
  await r.clients.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const { taskDefinition } = await r.ecs.registerTaskDefinition({ family: cluster, containerDefinitions: [{ name: 'web', image: 'httpd:2.4', memory: 128 }] });
  const out: Fixture[] = [];
  for (let i = 0; i < serviceCount; i++) {
    const name = `web-${i}`;
    await r.ecs.createService({ cluster, serviceName: name, taskDefinition: taskDefinition.taskDefinitionArn, desiredCount: 2, clientToken: `${cluster}-${name}` });
    const owner: OwnerIdentity = { clusterId: 'integration', kind: 'EcsService', namespace: cluster, name };
    const svc: EcsService = {
      apiVersion: 'ecs.operator.dev/v1alpha1',
      kind: 'EcsService',
      metadata: { name, namespace: cluster },
      spec: { cluster, taskDefinition: cluster, desiredCount: 2, driftPolicy: 'Correct', deletionPolicy: 'Delete', ...(autoscaling && { autoscaling }) },
    };
    out.push({ a, cluster, svc, deps: { aws: a, owner }, names: new ScalingNames(owner), resourceId: `service/${cluster}/${name}` });
  }
  return out;
}

async function reconcile(f: Fixture, opts: { dryRun?: boolean; serviceDesiredCount?: number } = {}): Promise<ScalingResult> {
  const res = await reconcileScaling(f.svc, f.deps, { dryRun: opts.dryRun ?? false, serviceExists: true, ...(opts.serviceDesiredCount !== undefined && { serviceDesiredCount: opts.serviceDesiredCount }) });
  // What the controller does with the result: status.autoscaling is what the next reconcile sees.
  f.svc = { ...f.svc, status: { ...f.svc.status, ...(res.status ? { autoscaling: res.status } : {}), desiredCountOwner: res.desiredCountOwner } };
  if (!res.status) delete f.svc.status!.autoscaling;
  return res;
}

/** Arms the emulator's fault injection (test/aws/patches/faults.py) for calls signed with `accessKeyId`. */
async function injectFault(fault: { operation: string; count: number; kind: 'throttle' | 'error'; accessKeyId: string; status?: number; code?: string; message?: string }) {
  const res = await fetch(`${testEnv().awsEndpoint}/moto-api/ecs-operator/faults`, { method: 'POST', body: JSON.stringify({ service: 'application-autoscaling', ...fault }) });
  expect(res.status).toBe(200);
}

async function describeAll(f: Fixture) {
  const r = f.a.region();
  const [targets, policies, actions, ownAlarms, trackingAlarms] = await Promise.all([
    r.autoscaling.describeScalableTargets(f.resourceId),
    r.autoscaling.describeScalingPolicies(f.resourceId),
    r.autoscaling.describeScheduledActions(f.resourceId),
    r.alarms.describeAlarms({ prefix: f.names.prefix }),
    r.alarms.describeAlarms({ prefix: `TargetTracking-${f.resourceId}-` }),
  ]);
  return { targets, policies, actions, ownAlarms, trackingAlarms };
}

describe('service auto scaling on the emulator', () => {
  test('creates the target, a CPU target tracking policy, a step policy with its alarm and a scheduled action, with the manifest values', async () => {
    const [f] = await fixture();
    const res = await reconcile(f!);
    expect(res.applied).toBe(true);
    expect(res.conditions).toEqual([]);
    expect(res.desiredCountOwner).toBe('Autoscaling');

    const { targets, policies, actions, ownAlarms } = await describeAll(f!);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ MinCapacity: 1, MaxCapacity: 6 });
    const cpu = policies.find((p) => p.PolicyName === f!.names.policy('cpu'));
    expect(cpu?.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: 60, ScaleOutCooldown: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } });
    const backlog = policies.find((p) => p.PolicyName === f!.names.policy('backlog'));
    expect(backlog?.StepScalingPolicyConfiguration).toMatchObject({ AdjustmentType: 'ChangeInCapacity', Cooldown: 120, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }] });
    expect(ownAlarms).toHaveLength(1);
    expect(ownAlarms[0]).toMatchObject({
      AlarmName: f!.names.alarm('backlog'),
      AlarmActions: [backlog?.PolicyARN],
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 100,
      EvaluationPeriods: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ ScheduledActionName: f!.names.scheduledAction('night'), Schedule: 'cron(0 22 * * ? *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 } });

    expect(res.status).toMatchObject({ resourceId: f!.resourceId, minCapacity: 1, maxCapacity: 6, scheduledActions: [{ name: 'night' }] });
    const statusBacklog = res.status?.policies?.find((p) => p.name === 'backlog');
    expect(statusBacklog).toMatchObject({ policyType: 'StepScaling', policyArn: backlog?.PolicyARN, alarms: [{ alarmName: f!.names.alarm('backlog'), alarmArn: ownAlarms[0]!.AlarmArn }] });
  });

  test('a second reconcile of the same manifest makes no writes and costs one read of each kind', async () => {
    const [f] = await fixture();
    await reconcile(f!);
    const before = f!.a.calls.snapshot();
    const res = await reconcile(f!);
    expect(res.plan).toEqual([]);
    expect(res.applied).toBe(false);
    expect(writesSince(f!.a, before)).toBe(0);
    expect(callsSince(f!.a, before)).toEqual({
      'application-autoscaling:DescribeScalableTargets': 1,
      'application-autoscaling:DescribeScalingPolicies': 1,
      'application-autoscaling:DescribeScheduledActions': 1,
      'cloudwatch:DescribeAlarms': 1,
    });
    // The status a no-op reports is the same as the one the create reported, ARNs included.
    expect(res.status?.policies?.map((p) => p.policyArn)).toEqual(f!.svc.status?.autoscaling?.policies?.map((p) => p.policyArn));
  });

  test('changing one target value calls PutScalingPolicy once, for that policy only', async () => {
    const [f] = await fixture();
    await reconcile(f!);
    const arnBefore = (await describeAll(f!)).policies.find((p) => p.PolicyName === f!.names.policy('cpu'))?.PolicyARN;
    const changed = scaling();
    changed.targetTracking![0]!.targetValue = 75;
    f!.svc = { ...f!.svc, spec: { ...f!.svc.spec, autoscaling: changed } };

    const before = f!.a.calls.snapshot();
    const res = await reconcile(f!);
    expect(res.plan.map((c) => `${c.action} ${c.resource} ${c.id}`)).toEqual([`update ScalingPolicy ${f!.names.policy('cpu')}`]);
    expect(writesSince(f!.a, before)).toBe(1);
    expect(callsSince(f!.a, before)['application-autoscaling:PutScalingPolicy']).toBe(1);

    const cpu = (await describeAll(f!)).policies.find((p) => p.PolicyName === f!.names.policy('cpu'));
    expect(cpu?.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(75);
    expect(cpu?.PolicyARN).toBe(arnBefore);
  });

  test('removing autoscaling removes the target, its policies, alarms and scheduled actions, and gives the count back to the manifest', async () => {
    const [f] = await fixture();
    await reconcile(f!);
    expect((await describeAll(f!)).trackingAlarms.length).toBeGreaterThan(0);
    const { autoscaling: _removed, ...spec } = f!.svc.spec;
    f!.svc = { ...f!.svc, spec };

    const res = await reconcile(f!);
    expect(res.applied).toBe(true);
    expect(res.desiredCountOwner).toBe('Manifest');
    expect(res.status).toBeUndefined();
    const after = await describeAll(f!);
    expect(after).toEqual({ targets: [], policies: [], actions: [], ownAlarms: [], trackingAlarms: [] });

    // With nothing declared and nothing recorded, later reconciles do not read AWS at all.
    const before = f!.a.calls.snapshot();
    expect((await reconcile(f!)).plan).toEqual([]);
    expect(f!.a.calls.snapshot().total).toBe(before.total);
  });

  test('a count outside [min, max] is moved into range by registering the target again, not by UpdateService', async () => {
    const [f] = await fixture();
    await reconcile(f!, { serviceDesiredCount: 2 });
    const before = f!.a.calls.snapshot();
    const inside = await reconcile(f!, { serviceDesiredCount: 5 });
    expect(inside.plan).toEqual([]);

    const outside = await reconcile(f!, { serviceDesiredCount: 9 });
    expect(outside.plan.map((c) => `${c.action} ${c.resource}`)).toEqual(['update ScalableTarget']);
    expect(outside.events.map((e) => e.reason)).toEqual(['DesiredCountIntoRange']);
    expect(callsSince(f!.a, before)['application-autoscaling:RegisterScalableTarget']).toBe(1);
    expect(callsSince(f!.a, before)['ecs:UpdateService']).toBeUndefined();
  });

  test('resources made by hand are reported, and removed once the manifest is exclusive', async () => {
    const [f] = await fixture();
    await reconcile(f!);
    const r = f!.a.region();
    const ids = { ServiceNamespace: 'ecs' as const, ResourceId: f!.resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
    await r.autoscaling.putScalingPolicy({
      ...ids,
      PolicyName: 'memory-by-hand',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } },
    });
    await r.autoscaling.putScheduledAction({ ...ids, ScheduledActionName: 'weekend-by-hand', Schedule: 'cron(0 0 ? * SAT *)', ScalableTargetAction: { MinCapacity: 0 } });

    const reported = await reconcile(f!);
    expect(reported.plan).toEqual([]);
    expect(reported.status?.unmanaged).toEqual([
      { kind: 'ScalingPolicy', name: 'memory-by-hand' },
      { kind: 'ScheduledAction', name: 'weekend-by-hand' },
    ]);

    f!.svc = { ...f!.svc, spec: { ...f!.svc.spec, autoscaling: { ...scaling(), exclusive: true } } };
    const removed = await reconcile(f!);
    expect(removed.plan.map((c) => `${c.action} ${c.resource} ${c.id}`)).toEqual(['delete ScalingPolicy memory-by-hand', 'delete ScheduledAction weekend-by-hand']);
    expect(removed.status?.unmanaged).toBeUndefined();
    const after = await describeAll(f!);
    expect(after.policies.map((p) => p.PolicyName).sort()).toEqual([f!.names.policy('backlog'), f!.names.policy('cpu')].sort());
    expect(after.actions.map((a) => a.ScheduledActionName)).toEqual([f!.names.scheduledAction('night')]);
  });

  test('a dry run plans the whole creation and writes nothing', async () => {
    const [f] = await fixture();
    const before = f!.a.calls.snapshot();
    const res = await reconcile(f!, { dryRun: true });
    expect(res.applied).toBe(false);
    expect(res.plan.map((c) => `${c.action} ${c.resource}`)).toEqual([
      'create ScalableTarget',
      'create ScalingPolicy',
      'create ScalingPolicy',
      'create Alarm',
      'create ScheduledAction',
    ]);
    expect(writesSince(f!.a, before)).toBe(0);
  });

  test('services reconciled together share one DescribeScalableTargets call', async () => {
    const fixtures = await fixture(scaling(), 6);
    await Promise.all(fixtures.map((f) => reconcile(f)));
    const before = fixtures[0]!.a.calls.snapshot();
    const results = await Promise.all(fixtures.map((f) => reconcile(f)));
    expect(results.every((r) => r.plan.length === 0)).toBe(true);
    expect(callsSince(fixtures[0]!.a, before)['application-autoscaling:DescribeScalableTargets']).toBe(1);
  });

  test('cleanup before the service is deleted deregisters the target (and with it its policies and actions) and deletes the operator\'s alarms', async () => {
    const [f] = await fixture();
    await reconcile(f!);
    await cleanupScaling(f!.svc, f!.deps);
    expect(await describeAll(f!)).toEqual({ targets: [], policies: [], actions: [], ownAlarms: [], trackingAlarms: [] });
    // Repeating it (a retried finalizer) finds nothing left to do and does not fail.
    await expect(cleanupScaling(f!.svc, f!.deps)).resolves.toBeUndefined();
  });

  test('a request AWS rejects stops with a Stalled condition naming the field, keeping what was done before it', async () => {
    const accessKeyId = `AKIDSCALINGBAD${Date.now()}`;
    const [f] = await fixture(scaling(), 1, accessKeyId);
    await injectFault({ operation: 'PutScalingPolicy', count: 1, kind: 'error', status: 400, code: 'ValidationException', message: 'TargetValue is out of range', accessKeyId });

    const res = await reconcile(f!);
    expect(res.applied).toBe(false);
    const message = 'spec.autoscaling.targetTracking[cpu]: PutScalingPolicy failed: ValidationException: TargetValue is out of range';
    expect(res.conditions).toEqual([{ type: 'Stalled', status: 'True', reason: 'InvalidRequest', message }]);
    expect(res.events).toEqual([{ type: 'Warning', reason: 'InvalidRequest', message }]);
    // The target was registered before the policy failed, and status says so.
    expect(res.status).toMatchObject({ minCapacity: 1, maxCapacity: 6, policies: [] });

    // Once AWS accepts the request, the next reconcile finishes the job.
    expect((await reconcile(f!)).applied).toBe(true);
  });

  test('throttling that outlasts the SDK\'s retries is thrown, for the work queue to retry later', async () => {
    const accessKeyId = `AKIDSCALINGSLOW${Date.now()}`;
    const [f] = await fixture(scaling(), 1, accessKeyId);
    await injectFault({ operation: 'RegisterScalableTarget', count: 2, kind: 'throttle', accessKeyId });
    await expect(reconcile(f!)).rejects.toMatchObject({ kind: 'throttled' });
  });

  test('ALBRequestCountPerTarget tracks the load balancer in front of the service\'s target group', async () => {
    const ec2 = new EC2Client(awsClientConfig());
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const subnets = await Promise.all(
      ['a', 'b'].map((az, i) => ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: `10.1.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }))),
    );
    ec2.destroy();
    const [f] = await fixture({ minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget', targetValue: 500 }] });
    const elbv2 = await f!.a.region().clients.elbv2();
    const lbName = uniqueName('alb');
    const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: lbName, Type: 'application', Subnets: subnets.map((s) => s.Subnet!.SubnetId!) }));
    const tgName = uniqueName('tg');
    const { TargetGroups } = await elbv2.send(new CreateTargetGroupCommand({ Name: tgName, Protocol: 'HTTP', Port: 80, VpcId: Vpc!.VpcId, TargetType: 'ip' }));
    const lbArn = LoadBalancers![0]!.LoadBalancerArn!;
    const tgArn = TargetGroups![0]!.TargetGroupArn!;
    await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
    f!.svc = { ...f!.svc, spec: { ...f!.svc.spec, loadBalancers: [{ targetGroupName: tgName, containerName: 'web', containerPort: 80 }] } };

    const res = await reconcile(f!);
    expect(res.conditions).toEqual([]);
    const [policy] = (await describeAll(f!)).policies;
    const label = `${lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length)}/${tgArn.slice(tgArn.indexOf(':targetgroup/') + 1)}`;
    expect(label).toMatch(/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/);
    expect(policy?.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification).toEqual({ PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: label });
  });

  test('ALBRequestCountPerTarget without a load balancer stops with a Stalled condition naming the field, before any AWS call', async () => {
    const [f] = await fixture({ minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget', targetValue: 500 }] });
    const before = f!.a.calls.snapshot();
    const res = await reconcile(f!);
    expect(res.conditions).toEqual([
      { type: 'Stalled', status: 'True', reason: 'InvalidAutoscaling', message: 'spec.autoscaling.targetTracking: ALBRequestCountPerTarget needs a load balancer in spec.loadBalancers or an explicit resourceLabel' },
    ]);
    expect(res.plan).toEqual([]);
    expect(f!.a.calls.snapshot().total).toBe(before.total);
  });
});
