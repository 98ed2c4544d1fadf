// ECS-native deployment strategies as a user sees them, end to end: kubectl apply, the operator as
// its own process, and an AWS emulator of this file's own (realtime clock) that runs BLUE_GREEN,
// LINEAR and CANARY service deployments through their lifecycle stages, moving the weights of a
// real (emulated) ALB listener rule, with lifecycle hook outcomes and alarm states the test sets.
//   - per strategy, a new image rolls through its stages (status.rollout and Reconciling show the
//     stage while the bake time runs), production traffic ends on the other target group, and the
//     object is Ready once the service deployment is SUCCESSFUL, as ECS read directly confirms;
//   - a failing lifecycle hook and an alarm each roll the deployment back: Stalled naming the hook
//     or the alarm, traffic and the task definition back where they were.
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers';
const HOOK_ROLE = 'arn:aws:iam::123456789012:role/ecsLifecycleHooks';
/** Emulator ticks (750 ms each) that make one minute of bake time: a minute lasts 7.5 s here. */
const TICKS_PER_MINUTE = 10;

let emulator: Emulator;
let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  emulator = await startEmulator();
  await emulator.control.setTicksPerMinute(TICKS_PER_MINUTE);
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  ns = await createNamespace('e2e-strategies');
  operator = await startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, logLevel: 'info', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  await emulator?.stop();
});

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

interface Rollout {
  state?: string;
  strategy?: string;
  lifecycleStage?: string;
  stageSince?: string;
  serviceDeploymentArn?: string;
  serviceDeploymentStatus?: string;
  productionTrafficPercent?: number;
  rollbackTrigger?: string;
  taskDefinitionArn?: string;
}

interface Obj {
  metadata: { generation: number };
  status?: { observedGeneration?: number; taskDefinitionArn?: string; serviceArn?: string; rollout?: Rollout; conditions?: Condition[] };
}

const waitFor = waiter({ timeoutMs: 120_000, logs: () => operator.logs() });

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await waitFor(what, async () => (value = await check()) !== undefined);
  return value as T;
}

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

async function get(name: string): Promise<Obj | undefined> {
  const res = await kubectl(['get', 'ecsservice', name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as Obj) : undefined;
}

async function conditionIs(name: string, type: string, reason?: string): Promise<{ condition: Condition; obj: Obj } | undefined> {
  const obj = await get(name);
  if (obj?.status?.observedGeneration !== obj?.metadata.generation) return undefined;
  const condition = obj?.status?.conditions?.find((c) => c.type === type);
  return obj && condition?.status === 'True' && (reason === undefined || condition.reason === reason) ? { condition, obj } : undefined;
}

interface Traffic {
  blue: string;
  green: string;
  productionRule: string;
  /** `blue=N green=M` as the production listener rule forwards, read from ELBv2 directly. */
  weights(): Promise<string>;
}

/** An ALB with a blue and a green target group and a production listener rule that forwards all to blue. */
async function trafficFor(name: string): Promise<Traffic> {
  const elbv2 = await world.aws.region().clients.elbv2();
  const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: name, Subnets: world.subnets }));
  const [blue, green] = await Promise.all([world.targetGroup(`${name}-b`), world.targetGroup(`${name}-g`)]);
  const { Listeners } = await elbv2.send(
    new CreateListenerCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] }),
  );
  const { Rules } = await elbv2.send(
    new CreateRuleCommand({
      ListenerArn: Listeners?.[0]?.ListenerArn,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 100 }, { TargetGroupArn: green, Weight: 0 }] } }],
    }),
  );
  const productionRule = Rules?.[0]?.RuleArn ?? '';
  return {
    blue,
    green,
    productionRule,
    async weights() {
      const { Rules: [rule] = [] } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [productionRule] }));
      const groups = rule?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
      return groups.map((g) => `${g.TargetGroupArn === blue ? 'blue' : 'green'}=${g.Weight}`).sort().join(' ');
    },
  };
}

function service(name: string, traffic: Traffic, deploymentConfiguration: Record<string, unknown>): object {
  return serviceManifest(world, name, {
    desiredCount: 2,
    launchType: 'FARGATE',
    loadBalancers: [
      {
        targetGroupArn: traffic.blue,
        containerName: 'web',
        containerPort: 80,
        advancedConfiguration: { alternateTargetGroupArn: traffic.green, productionListenerRule: traffic.productionRule, roleArn: ROLE },
      },
    ],
    deploymentConfiguration,
  });
}

/** ECS's own record of the service's deployments, newest first, and the task definition it runs. */
async function ecsHistory(name: string): Promise<{ statuses: string[]; taskDefinition: string }> {
  const ecs = world.aws.region().clients.ecs;
  const { serviceDeployments = [] } = await ecs.send(new ListServiceDeploymentsCommand({ cluster: world.cluster, service: name }));
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
  const newestFirst = [...serviceDeployments].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  return { statuses: newestFirst.map((d) => d.status ?? ''), taskDefinition: services[0]?.taskDefinition?.split('/').pop() ?? '' };
}

async function readyOn(name: string, revision: number): Promise<Obj> {
  const ready = await eventually(`${name}:${revision} to be rolled out and Ready`, async () => {
    const r = await conditionIs(name, 'Ready', 'RolloutCompleted');
    return r?.condition.message.includes(`runs ${name}:${revision}`) ? r : undefined;
  });
  return ready.obj;
}

describe.each([
  ['BLUE_GREEN', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 }],
  ['LINEAR', { strategy: 'LINEAR', bakeTimeInMinutes: 1, linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 } }],
  ['CANARY', { strategy: 'CANARY', bakeTimeInMinutes: 1, canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 } }],
])('a %s service', (strategy, deploymentConfiguration) => {
  const name = `${strategy.toLowerCase().replace('_', '')}-${shortId()}`;

  it('rolls a new image through its stages, shows the stage while it bakes, ends with production traffic on the other target group, and is Ready once ECS says SUCCESSFUL', async () => {
    const traffic = await trafficFor(name);
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service(name, traffic, deploymentConfiguration));
    await readyOn(name, 1);
    expect(await traffic.weights()).toBe('blue=100 green=0');

    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), service(name, traffic, deploymentConfiguration));
    // A rollout under way: Reconciling names the strategy and its stage, status.rollout shows it.
    const progressing = await eventually('the rollout to show a lifecycle stage', async () => {
      const r = await conditionIs(name, 'Reconciling', 'RolloutInProgress');
      return r?.obj.status?.rollout?.lifecycleStage ? r : undefined;
    });
    expect(progressing.condition.message).toContain(`${strategy} rollout of ${name}:2 to ${name}`);
    expect(progressing.condition.message).toContain(`stage ${progressing.obj.status?.rollout?.lifecycleStage}`);
    expect(progressing.obj.status?.rollout).toMatchObject({ strategy, state: 'IN_PROGRESS', serviceDeploymentStatus: 'IN_PROGRESS' });
    expect(progressing.obj.status?.rollout?.stageSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await conditionIs(name, 'Ready')) === undefined).toBe(true);

    const ready = await readyOn(name, 2);
    expect(ready.status?.rollout).toMatchObject({ strategy, state: 'COMPLETED', serviceDeploymentStatus: 'SUCCESSFUL', productionTrafficPercent: 100 });
    // What ECS and ELB hold, read directly: all production traffic on the green group, the new
    // revision running, and the history AWS keeps of both deployments.
    expect(await traffic.weights()).toBe('blue=0 green=100');
    expect(await ecsHistory(name)).toEqual({ statuses: ['SUCCESSFUL', 'SUCCESSFUL'], taskDefinition: `${name}:2` });
    expect(ready.status?.rollout?.serviceDeploymentArn).toBeDefined();
  });
});

describe('a BLUE_GREEN rollout that is rolled back', () => {
  it('by a failing lifecycle hook is Stalled naming the hook, with traffic and the task definition back on blue', async () => {
    const name = `hook-${shortId()}`;
    const hook = `arn:aws:lambda:us-east-1:123456789012:function:${name}-smoke`;
    const traffic = await trafficFor(name);
    const config = { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1, lifecycleHooks: [{ hookTargetArn: hook, roleArn: HOOK_ROLE, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }] };
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service(name, traffic, config));
    await readyOn(name, 1);

    await emulator.control.setLifecycleHookOutcome({ outcome: 'FAILED', service: name, hookTargetArn: hook });
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), service(name, traffic, config));
    const stalled = await eventually('the rollback to show as Stalled', () => conditionIs(name, 'Stalled', 'RolloutFailed'));
    expect(stalled.condition.message).toContain(`rollout of ${name}:2 failed`);
    expect(stalled.condition.message).toContain(hook);
    // The message names what the service runs as ECS says it: the failed revision until ECS has
    // put the service back on the previous one, which a later look then reports.
    const back = await eventually('the message to name the revision rolled back to', async () => {
      const r = await conditionIs(name, 'Stalled', 'RolloutFailed');
      return r?.condition.message.includes(`runs ${name}:1`) ? r : undefined;
    });
    expect(back.condition.message).toContain(`rollout of ${name}:2 failed`);
    expect(stalled.obj.status?.rollout).toMatchObject({ state: 'FAILED', rollbackTrigger: 'LifecycleHook', strategy: 'BLUE_GREEN' });
    expect((await conditionIs(name, 'Ready')) === undefined).toBe(true);

    await waitFor('ECS to finish the rollback', async () => (await ecsHistory(name)).statuses[0] === 'ROLLBACK_SUCCESSFUL');
    expect(await ecsHistory(name)).toEqual({ statuses: ['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL'], taskDefinition: `${name}:1` });
    expect(await traffic.weights()).toBe('blue=100 green=0');
    // Still Stalled on later looks: the manifest has to change.
    await waitFor('status to show the finished rollback', async () => (await get(name))?.status?.rollout?.serviceDeploymentStatus === 'ROLLBACK_SUCCESSFUL');
    expect(await conditionIs(name, 'Stalled', 'RolloutFailed')).toBeDefined();
  });

  it('by an alarm during the bake time is Stalled naming the alarm', async () => {
    const name = `alarm-${shortId()}`;
    const alarm = `${name}-5xx`;
    const cloudwatch = await world.aws.region().clients.cloudwatch();
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: alarm, Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    const traffic = await trafficFor(name);
    const config = { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 3, alarms: { alarmNames: [alarm], enable: true, rollback: true } };
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service(name, traffic, config));
    await readyOn(name, 1);

    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), service(name, traffic, config));
    const baking = await eventually('the rollout to reach BAKE_TIME', async () => {
      const r = await conditionIs(name, 'Reconciling', 'RolloutInProgress');
      return r?.obj.status?.rollout?.lifecycleStage === 'BAKE_TIME' ? r : undefined;
    });
    expect(baking.condition.message).toContain('stage BAKE_TIME since');
    expect(await traffic.weights()).toBe('blue=0 green=100');

    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'too many 5xx' }));
    const stalled = await eventually('the rollback to show as Stalled', () => conditionIs(name, 'Stalled', 'RolloutFailed'));
    expect(stalled.condition.message).toContain(`CloudWatch alarm ${alarm} went to ALARM`);
    expect(stalled.obj.status?.rollout).toMatchObject({ state: 'FAILED', rollbackTrigger: 'Alarm' });

    await waitFor('ECS to finish the rollback', async () => (await ecsHistory(name)).statuses[0] === 'ROLLBACK_SUCCESSFUL');
    expect(await ecsHistory(name)).toEqual({ statuses: ['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL'], taskDefinition: `${name}:1` });
    expect(await traffic.weights()).toBe('blue=100 green=0');
  });
});
