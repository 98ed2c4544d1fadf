// Service auto scaling end to end, as a user drives it: `kubectl apply` of an EcsService with
// spec.autoscaling, the operator running as its own process (resync every 10s) against the real
// apiserver, and the AWS emulator, read back with the AWS SDK the way an SRE would check it.
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

/** Every write the operator can make to Application Auto Scaling and CloudWatch. */
const SCALING_WRITES = [
  'application-autoscaling:RegisterScalableTarget',
  'application-autoscaling:DeregisterScalableTarget',
  'application-autoscaling:PutScalingPolicy',
  'application-autoscaling:DeleteScalingPolicy',
  'application-autoscaling:PutScheduledAction',
  'application-autoscaling:DeleteScheduledAction',
  'cloudwatch:PutMetricAlarm',
  'cloudwatch:DeleteAlarms',
] as const;

let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  ns = await createNamespace('e2e-autoscaling');
  operator = await startOperator({ namespaces: [ns], resyncPeriod: '10s', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

type Condition = { type: string; status: string; reason: string; message: string };
interface ServiceStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  desiredCount?: number;
  desiredCountOwner?: string;
  autoscaling?: {
    resourceId?: string;
    scalableTargetArn?: string;
    minCapacity?: number;
    maxCapacity?: number;
    policies?: { name: string; policyType: string; policyArn?: string; alarms?: { alarmName: string; alarmArn?: string }[] }[];
    scheduledActions?: { name: string; scheduledActionArn?: string; schedule?: string }[];
  };
}
interface ServiceObject {
  metadata: { generation: number };
  status?: ServiceStatus;
}

/** Two tasks on Fargate, unless `spec` says otherwise. */
const service = (name: string, spec: Record<string, unknown> = {}) => serviceManifest(world, name, { desiredCount: 2, launchType: 'FARGATE', ...spec });

const OFFICE_HOURS_START = '2030-01-01T00:00:00Z';

function autoscaling(cpuTarget: number) {
  return {
    minCapacity: 1,
    maxCapacity: 6,
    targetTracking: [{ name: 'cpu', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: cpuTarget, scaleInCooldown: 300, scaleOutCooldown: 60 }],
    stepScaling: [
      {
        name: 'backlog',
        adjustmentType: 'ChangeInCapacity',
        stepAdjustments: [
          { metricIntervalLowerBound: 0, metricIntervalUpperBound: 100, scalingAdjustment: 1 },
          { metricIntervalLowerBound: 100, scalingAdjustment: 3 },
        ],
        cooldown: 120,
        metricAggregationType: 'Maximum',
        alarm: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: [{ name: 'QueueName', value: 'jobs' }],
          statistic: 'Average',
          period: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          threshold: 500,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
        },
      },
    ],
    scheduled: [{ name: 'office-hours', schedule: 'cron(0 8 ? * MON-FRI *)', timezone: 'Europe/Berlin', startTime: OFFICE_HOURS_START, minCapacity: 2, maxCapacity: 6 }],
  };
}

async function apply(...objects: object[]): Promise<{ code: number; stderr: string }> {
  return kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
}

async function applyOk(...objects: object[]): Promise<void> {
  const res = await apply(...objects);
  expect(res.code, res.stderr).toBe(0);
}

const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator.logs() });

async function get(name: string): Promise<ServiceObject | undefined> {
  const res = await kubectl(['get', 'ecsservice', name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as ServiceObject) : undefined;
}

/** The operator has seen the latest spec and reports it Ready. */
async function isReady(name: string): Promise<boolean> {
  const obj = await get(name);
  return obj?.status?.observedGeneration === obj?.metadata.generation && obj?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

async function calls(op: string): Promise<number> {
  return (await operator.awsCalls()).get(op) ?? 0;
}

async function scalingWrites(): Promise<Record<string, number>> {
  const all = await operator.awsCalls();
  return Object.fromEntries(SCALING_WRITES.map((op) => [op, all.get(op) ?? 0]));
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).flatMap(([op, n]) => (n - (before[op] ?? 0) > 0 ? [[op, n - (before[op] ?? 0)]] : [])));
}

/**
 * Waits until the operator has reconciled the scaling of its services at least `n` more times:
 * every reconcile of a service with autoscaling reads its scalable target once.
 */
async function waitForReconciles(n: number): Promise<void> {
  const start = await calls('application-autoscaling:DescribeScalableTargets');
  await waitFor(`${n} more reconciles`, async () => (await calls('application-autoscaling:DescribeScalableTargets')) >= start + n, 90_000);
}

const aws = () => world.aws.region().clients;

function resourceId(name: string): string {
  return `service/${world.cluster}/${name}`;
}

async function describeService(name: string): Promise<Service | undefined> {
  const out = await aws().ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
  return out.services?.find((s) => s.status !== 'INACTIVE');
}

async function scalableTargets(name: string) {
  const out = await aws().autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId(name)], ScalableDimension: 'ecs:service:DesiredCount' }));
  return out.ScalableTargets ?? [];
}

async function scalingPolicies(name: string): Promise<ScalingPolicy[]> {
  const out = await aws().autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId(name), ScalableDimension: 'ecs:service:DesiredCount' }));
  return out.ScalingPolicies ?? [];
}

async function scheduledActions(name: string) {
  const out = await aws().autoscaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId(name), ScalableDimension: 'ecs:service:DesiredCount' }));
  return out.ScheduledActions ?? [];
}

async function alarms(names: string[]) {
  const out = await (await aws().cloudwatch()).send(new DescribeAlarmsCommand({ AlarmNames: names }));
  return out.MetricAlarms ?? [];
}

/** Sets the service's count in ECS directly, as Application Auto Scaling would. */
async function scaleInEcs(name: string, desiredCount: number): Promise<void> {
  await aws().ecs.send(new UpdateServiceCommand({ cluster: world.cluster, service: name, desiredCount }));
}

describe('an EcsService with target tracking, a step policy with its alarm and a scheduled action', () => {
  const name = `as-${shortId()}`;
  /** The manifest's names, known once the first test has read status. */
  let statusAlarm = '';

  it('creates the scalable target, both policies, the alarm and the scheduled action with the manifest values, and reports them in status', async () => {
    await applyOk(taskDefinitionManifest(name), service(name, { autoscaling: autoscaling(60) }));
    await waitFor('the service to be Ready with its scaling in status', async () => (await isReady(name)) && ((await get(name))?.status?.autoscaling?.policies?.length ?? 0) === 2);

    const [target, ...moreTargets] = await scalableTargets(name);
    expect(moreTargets).toEqual([]);
    expect(target).toMatchObject({ MinCapacity: 1, MaxCapacity: 6, SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } });

    const policies = await scalingPolicies(name);
    expect(policies).toHaveLength(2);
    const cpu = policies.find((p) => p.PolicyType === 'TargetTrackingScaling');
    const step = policies.find((p) => p.PolicyType === 'StepScaling');
    expect(cpu?.PolicyName).toMatch(/cpu$/);
    expect(cpu?.TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      ScaleInCooldown: 300,
      ScaleOutCooldown: 60,
    });
    expect(step?.PolicyName).toMatch(/backlog$/);
    expect(step?.StepScalingPolicyConfiguration).toMatchObject({
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 120,
      MetricAggregationType: 'Maximum',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 100, ScalingAdjustment: 3 },
      ],
    });

    const status = (await get(name))?.status;
    const stepStatus = status?.autoscaling?.policies?.find((p) => p.name === 'backlog');
    statusAlarm = stepStatus?.alarms?.[0]?.alarmName ?? '';
    expect(statusAlarm).not.toBe('');
    const [alarm] = await alarms([statusAlarm]);
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'jobs' }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 500,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [step?.PolicyARN],
    });

    const [action, ...moreActions] = await scheduledActions(name);
    expect(moreActions).toEqual([]);
    expect(action?.ScheduledActionName).toMatch(/office-hours$/);
    expect(action).toMatchObject({ Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 6 } });
    expect(action?.StartTime?.toISOString()).toBe(new Date(OFFICE_HOURS_START).toISOString());

    // Status: the count, who owns it, and every scaling resource with its ARN.
    expect((await describeService(name))?.desiredCount).toBe(2);
    expect(status?.desiredCount).toBe(2);
    expect(status?.desiredCountOwner).toBe('Autoscaling');
    expect(status?.autoscaling).toMatchObject({ resourceId: resourceId(name), minCapacity: 1, maxCapacity: 6 });
    if (target?.ScalableTargetARN) expect(status?.autoscaling?.scalableTargetArn).toBe(target.ScalableTargetARN);
    expect(status?.autoscaling?.policies).toEqual([
      { name: 'backlog', policyType: 'StepScaling', policyArn: step?.PolicyARN, alarms: [{ alarmName: statusAlarm, alarmArn: alarm?.AlarmArn }] },
      expect.objectContaining({ name: 'cpu', policyType: 'TargetTrackingScaling', policyArn: cpu?.PolicyARN }),
    ]);
    expect(status?.autoscaling?.scheduledActions).toEqual([expect.objectContaining({ name: 'office-hours', schedule: 'cron(0 8 ? * MON-FRI *)' })]);
    expect(status?.autoscaling?.scheduledActions?.[0]?.scheduledActionArn).toBe(action?.ScheduledActionARN);
  });

  it('updates only the target tracking policy when its target value changes', async () => {
    // Settled first: resyncs of an unchanged manifest write nothing.
    const settled = await scalingWrites();
    await waitForReconciles(1);
    expect(delta(await scalingWrites(), settled)).toEqual({});

    const before = await scalingWrites();
    const stepBefore = (await scalingPolicies(name)).find((p) => p.PolicyType === 'StepScaling');
    await applyOk(service(name, { autoscaling: autoscaling(75) }));
    await waitFor('target value 75 in Application Auto Scaling', async () => (await scalingPolicies(name)).find((p) => p.PolicyType === 'TargetTrackingScaling')?.TargetTrackingScalingPolicyConfiguration?.TargetValue === 75);
    await waitFor('Ready at the new generation', () => isReady(name));
    // And stays so across a resync.
    await waitForReconciles(1);
    expect(delta(await scalingWrites(), before)).toEqual({ 'application-autoscaling:PutScalingPolicy': 1 });

    const after = await scalingPolicies(name);
    expect(after.find((p) => p.PolicyType === 'StepScaling')).toEqual(stepBefore);
    expect((await alarms([statusAlarm]))[0]?.Threshold).toBe(500);
  });

  it('leaves a count that autoscaling set inside [min, max] alone across resyncs, and says autoscaling owns it', async () => {
    const updates = await calls('ecs:UpdateService');
    const before = await scalingWrites();
    await scaleInEcs(name, 5);
    await waitForReconciles(3);
    expect((await describeService(name))?.desiredCount).toBe(5);
    expect(await calls('ecs:UpdateService')).toBe(updates);
    expect(delta(await scalingWrites(), before)).toEqual({});
    await waitFor('status to show the count of 5', async () => (await get(name))?.status?.desiredCount === 5);
    const status = (await get(name))?.status;
    expect(status?.desiredCountOwner).toBe('Autoscaling');
    expect(status?.conditions?.find((c) => c.type === 'Drifted')?.status).not.toBe('True');
  });

  it('moves a count outside [min, max] into range by registering the scalable target, never by UpdateService', async () => {
    const updates = await calls('ecs:UpdateService');
    const registers = await calls('application-autoscaling:RegisterScalableTarget');
    await scaleInEcs(name, 9);
    await waitFor('a RegisterScalableTarget', async () => (await calls('application-autoscaling:RegisterScalableTarget')) > registers);
    await waitFor('the count back at maxCapacity 6', async () => (await describeService(name))?.desiredCount === 6);
    await waitFor('status to show the count of 6', async () => (await get(name))?.status?.desiredCount === 6);
    // In range again: nothing more to do.
    await waitForReconciles(2);
    const [target] = await scalableTargets(name);
    expect(target).toMatchObject({ MinCapacity: 1, MaxCapacity: 6 });
    expect(await calls('ecs:UpdateService')).toBe(updates);
    expect(await calls('application-autoscaling:RegisterScalableTarget')).toBe(registers + 1);
    const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=DesiredCountIntoRange`, '-o', 'jsonpath={.items[*].note}'], { namespace: ns });
    expect(events.stdout).toContain('desiredCount 9 was outside the autoscaling range');
  });

  it('removes the target, its policies, alarm and scheduled action when the autoscaling block is removed, and returns to the manifest count', async () => {
    const policyArns = (await scalingPolicies(name)).map((p) => p.PolicyARN);
    expect(policyArns).toHaveLength(2);
    await applyOk(service(name));
    await waitFor('the scalable target to be gone', async () => (await scalableTargets(name)).length === 0);
    await waitFor('the manifest count of 2 in ECS', async () => (await describeService(name))?.desiredCount === 2);
    await waitFor('Ready with the manifest owning the count', async () => (await isReady(name)) && (await get(name))?.status?.desiredCountOwner === 'Manifest');

    expect(await scalingPolicies(name)).toEqual([]);
    expect(await scheduledActions(name)).toEqual([]);
    expect(await alarms([statusAlarm])).toEqual([]);
    const status = (await get(name))?.status;
    expect(status?.autoscaling).toBeUndefined();
    expect(status?.desiredCount).toBe(2);
  });
});

describe('changing the autoscaling range, with resyncs far apart', () => {
  // Its own namespace and operator with the default 5 minute resync: what status shows here comes
  // from the reconcile that the manifest change caused, not from a resync shortly after it.
  let slowNs: string;
  let slow: OperatorProcess;
  const name = `range-${shortId()}`;

  beforeAll(async () => {
    slowNs = await createNamespace('e2e-autoscaling-slow');
    slow = await startOperator({ namespaces: [slowNs], resyncPeriod: '5m', extraArgs: [`--cluster-id=${world.clusterId}-slow`] });
  });

  afterAll(async () => {
    await slow?.stop();
  });

  async function applyHere(...objects: object[]): Promise<void> {
    const res = await kubectl(['apply', '-f', '-'], { namespace: slowNs, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
    expect(res.code, res.stderr).toBe(0);
  }

  async function statusHere(): Promise<{ generation: number; status: ServiceStatus | undefined }> {
    const res = await kubectl(['get', 'ecsservice', name, '-o', 'json'], { namespace: slowNs });
    const obj = JSON.parse(res.stdout) as ServiceObject;
    return { generation: obj.metadata.generation, status: obj.status };
  }

  const waitHere = waiter({ timeoutMs: 60_000, logs: () => slow.logs(), logLines: 30 });

  /** Ready at `count` tasks: nothing in flight that would make the operator look again soon. */
  const steadyAt = (count: number) => async () => {
    const { generation, status } = await statusHere();
    return status?.observedGeneration === generation && status.desiredCount === count && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  };

  const slowCalls = async (op: string) => (await slow.awsCalls()).get(op) ?? 0;

  it('adding autoscaling with a minimum above the running count raises it to the minimum through Application Auto Scaling, and status shows it', async () => {
    await applyHere(taskDefinitionManifest(name), service(name));
    await waitHere('the service steady at 2 tasks', steadyAt(2));
    const updates = await slowCalls('ecs:UpdateService');

    await applyHere(service(name, { autoscaling: { minCapacity: 3, maxCapacity: 6 } }));
    await waitHere('the count raised to 3 in ECS', async () => (await describeService(name))?.desiredCount === 3);
    await waitHere('status to show the count of 3 owned by autoscaling', async () => {
      const { generation, status } = await statusHere();
      return status?.observedGeneration === generation && status.desiredCount === 3 && status.desiredCountOwner === 'Autoscaling';
    });
    expect(await slowCalls('ecs:UpdateService')).toBe(updates);
    expect(await slowCalls('application-autoscaling:RegisterScalableTarget')).toBe(1);
    const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=DesiredCountIntoRange`, '-o', 'jsonpath={.items[*].note}'], { namespace: slowNs });
    expect(events.stdout).toContain('desiredCount 2 was outside the autoscaling range');
  });

  it('lowering maxCapacity below the running count lowers it through Application Auto Scaling, and status shows it', async () => {
    // Steady first (Ready, nothing requeued), so that only the manifest change makes the operator look.
    await waitHere('the service steady at 3 tasks', steadyAt(3));
    await scaleInEcs(name, 5);
    await waitHere('5 tasks running in ECS', async () => (await describeService(name))?.runningCount === 5);
    const updates = await slowCalls('ecs:UpdateService');
    await applyHere(service(name, { autoscaling: { minCapacity: 3, maxCapacity: 4 } }));
    await waitHere('the count lowered to 4 in ECS', async () => (await describeService(name))?.desiredCount === 4);
    await waitHere('status to show the count of 4', async () => {
      const { generation, status } = await statusHere();
      return status?.observedGeneration === generation && status.desiredCount === 4 && status.autoscaling?.maxCapacity === 4;
    });
    expect(await slowCalls('ecs:UpdateService')).toBe(updates);
    expect(await slowCalls('application-autoscaling:RegisterScalableTarget')).toBe(2);
  });
});

describe('deleting an autoscaled EcsService', () => {
  it('deregisters its scalable target and deletes its policies, alarm and scheduled action with the ECS service', async () => {
    const name = `asdel-${shortId()}`;
    await applyOk(taskDefinitionManifest(name), service(name, { autoscaling: autoscaling(60) }));
    await waitFor('Ready with both policies', async () => (await isReady(name)) && ((await get(name))?.status?.autoscaling?.policies?.length ?? 0) === 2);
    const alarmName = (await get(name))?.status?.autoscaling?.policies?.find((p) => p.name === 'backlog')?.alarms?.[0]?.alarmName ?? '';
    expect(await alarms([alarmName])).toHaveLength(1);

    const res = await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=90s'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    expect(await describeService(name)).toBeUndefined();
    expect(await scalableTargets(name)).toEqual([]);
    expect(await scalingPolicies(name)).toEqual([]);
    expect(await scheduledActions(name)).toEqual([]);
    expect(await alarms([alarmName])).toEqual([]);
  });
});

describe('invalid autoscaling', () => {
  async function rejected(manifest: object): Promise<string> {
    const res = await apply(manifest);
    expect(res.code).not.toBe(0);
    return res.stderr;
  }

  it('rejects minCapacity above maxCapacity at apply time', async () => {
    const name = `bad-${shortId()}`;
    const stderr = await rejected(service(name, { autoscaling: { minCapacity: 5, maxCapacity: 2 } }));
    expect(stderr).toContain('spec.autoscaling.minCapacity');
    expect(stderr).toContain('minCapacity must not exceed maxCapacity');
    expect(await get(name)).toBeUndefined();
  });

  it('rejects autoscaling on a DAEMON service at apply time', async () => {
    const name = `bad-${shortId()}`;
    const stderr = await rejected(service(name, { schedulingStrategy: 'DAEMON', launchType: 'EC2', desiredCount: undefined, networkConfiguration: undefined, autoscaling: { minCapacity: 1, maxCapacity: 2 } }));
    expect(stderr).toContain('spec.autoscaling');
    expect(stderr).toContain('a DAEMON service cannot be autoscaled');
    expect(await get(name)).toBeUndefined();
  });

  it('rejects ALBRequestCountPerTarget without a load balancer at apply time', async () => {
    const name = `bad-${shortId()}`;
    const stderr = await rejected(
      service(name, { autoscaling: { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'requests', predefinedMetric: 'ALBRequestCountPerTarget', targetValue: 100 }] } }),
    );
    expect(stderr).toContain('spec.autoscaling.targetTracking');
    expect(stderr).toContain('ALBRequestCountPerTarget needs a load balancer');
    expect(await get(name)).toBeUndefined();
  });

  it('stalls, naming the field, when ALBRequestCountPerTarget follows a target group that no load balancer uses', async () => {
    const name = `alb-${shortId()}`;
    const tg = await world.targetGroup(`tg-${shortId()}`);
    await applyOk(
      taskDefinitionManifest(name),
      service(name, {
        loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }],
        autoscaling: { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'requests', predefinedMetric: 'ALBRequestCountPerTarget', targetValue: 100 }] },
      }),
    );
    await waitFor('a Stalled condition', async () => (await get(name))?.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') === true);
    const status = (await get(name))?.status;
    const stalled = status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.reason).toBe('InvalidAutoscaling');
    expect(stalled?.message).toContain('spec.loadBalancers[0]');
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(await scalableTargets(name)).toEqual([]);
  });
});
