// End to end, tasks that EventBridge starts: an hourly Fargate schedule (EventBridge Scheduler) and
// an S3 "Object Created" rule (EventBridge) whose container override carries the object key. One
// operator process, the real apiserver and the AWS emulator, whose control endpoint fires a
// schedule or delivers an event now, calling RunTask as the services would (test/aws/README.md).
import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, UpdateScheduleCommand, type GetScheduleOutput } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, KINDS } from '../../src/api/index.js';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { join, resolve } from 'node:path';
import { runCli } from '../support/cli.js';
import { createNamespace, kubectl, testEnv, uniqueName } from '../support/env.js';
import { taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';

let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  ns = await createNamespace('e2e-sched');
  operator = await startOperator({ namespaces: [ns], resyncPeriod: '10m', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

const ROLE = 'arn:aws:iam::123456789012:role/ecs-events-run-task';
const waitFor = waiter({ timeoutMs: 60_000, logs: () => operator.logs() });

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

async function patch(kind: string, name: string, body: object): Promise<void> {
  const res = await kubectl(['patch', kind, name, '--type=merge', '-p', JSON.stringify(body)], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
}

const poke = (name: string) => patch(KINDS.EcsScheduledTask, name, { metadata: { annotations: { 'e2e.ecs.operator.dev/poke': shortId() } } });

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
type Obj = { metadata: { generation: number }; status?: Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number } };

async function get(kind: string, name: string): Promise<Obj | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as Obj) : undefined;
}

const conditionOf = async (name: string, type: string) => (await get(KINDS.EcsScheduledTask, name))?.status?.conditions?.find((c) => c.type === type);

async function control<T>(path: string, body: object): Promise<T> {
  const res = await fetch(`${testEnv().awsEndpoint}/moto-api/ecs-operator/${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function describeTasks(arns: string[]): Promise<Task[]> {
  const out = await world.aws.region().clients.ecs.send(new DescribeTasksCommand({ cluster: world.cluster, tasks: arns }));
  return out.tasks ?? [];
}

const scheduleOf = async (name: string) => (await world.aws.region().clients.scheduler()).send(new GetScheduleCommand({ GroupName: 'default', Name: name }));

const target = (td: string, overrides: object) => ({
  cluster: world.cluster,
  taskDefinitionRef: { name: td },
  launchType: 'FARGATE',
  networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
  overrides,
});

describe('an hourly Fargate schedule', () => {
  const name = `hourly-${shortId()}`;
  const td = `report-${shortId()}`;
  let family: string;

  it('is created in EventBridge Scheduler as AWS holds it, starting the latest revision with the overrides as input', async () => {
    await apply(
      taskDefinitionManifest(td, { containerName: 'app', ports: [] }),
      {
        apiVersion: API_VERSION,
        kind: KINDS.EcsScheduledTask,
        metadata: { name },
        spec: { schedule: { expression: 'cron(0 * * * ? *)', timezone: 'Europe/Paris' }, roleArn: ROLE, driftPolicy: 'Report', target: target(td, { containerOverrides: [{ name: 'app', command: ['report', '--hourly'] }] }) },
      },
    );
    await waitFor(`${name} Ready`, async () => (await conditionOf(name, 'Ready'))?.status === 'True');
    const tdArn = String((await get(KINDS.EcsTaskDefinition, td))?.status?.taskDefinitionArn);
    family = tdArn.split('/').pop()?.split(':')[0] ?? '';
    const schedule = await scheduleOf(name);
    expect(schedule).toMatchObject({ Name: name, GroupName: 'default', ScheduleExpression: 'cron(0 * * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(schedule.Target).toMatchObject({ RoleArn: ROLE, EcsParameters: { TaskDefinitionArn: tdArn, TaskCount: 1, LaunchType: 'FARGATE' } });
    expect(schedule.Target?.Arn).toMatch(new RegExp(`:cluster/${world.cluster}$`));
    expect(JSON.parse(schedule.Target?.Input ?? '')).toEqual({ containerOverrides: [{ name: 'app', command: ['report', '--hourly'] }] });
    expect(schedule.Description).toContain(`${ns}/${name}`);
    const status = (await get(KINDS.EcsScheduledTask, name))?.status;
    expect(status).toMatchObject({ mode: 'Schedule', arn: schedule.Arn, state: 'ENABLED', targetRevision: `${family}:1` });
    // Hourly on Paris time: the next full hour, within the hour to come.
    const next = Date.parse(String(status?.nextFireTime));
    expect(new Date(next).getUTCMinutes()).toBe(0);
    expect(next - Date.now()).toBeGreaterThan(0);
    expect(next - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('fired, starts one task on the current revision, which status lists with its exit code', async () => {
    const fired = await control<{ fired: boolean; taskArns: string[] }>('schedules/fire', { name });
    expect(fired.fired).toBe(true);
    expect(fired.taskArns).toHaveLength(1);
    const [task] = await describeTasks(fired.taskArns);
    expect(task?.taskDefinitionArn).toMatch(new RegExp(`:task-definition/${family}:1$`));
    expect(task?.overrides?.containerOverrides?.[0]?.command).toEqual(['report', '--hourly']);
    await control('clock/advance', { steps: 10 });
    await poke(name);
    await waitFor(`${name} lists its task, stopped with exit code 0`, async () => {
      const last = (await get(KINDS.EcsScheduledTask, name))?.status?.lastTasks as { taskArn: string; lastStatus?: string; exitCodes?: Record<string, string> }[] | undefined;
      const first = last?.[0];
      return first?.taskArn === fired.taskArns[0] && first?.lastStatus === 'STOPPED' && first?.exitCodes?.app === '0';
    });
  });

  it('follows a new task definition revision', async () => {
    await patch(KINDS.EcsTaskDefinition, td, { spec: { containerDefinitions: [{ name: 'app', image: 'nginx:1.28' }] } });
    await waitFor('schedule on revision 2', async () => (await scheduleOf(name)).Target?.EcsParameters?.TaskDefinitionArn?.endsWith(`/${family}:2`) === true);
    const fired = await control<{ taskArns: string[] }>('schedules/fire', { name });
    const [task] = await describeTasks(fired.taskArns);
    expect(task?.taskDefinitionArn).toMatch(new RegExp(`/${family}:2$`));
    await waitFor('status on revision 2', async () => (await get(KINDS.EcsScheduledTask, name))?.status?.targetRevision === `${family}:2`);
  });

  it('reports, under driftPolicy Report, an expression changed outside the operator, and leaves it', async () => {
    const held: GetScheduleOutput = await scheduleOf(name);
    const { Arn: _arn, CreationDate: _c, LastModificationDate: _m, $metadata: _meta, ...rest } = held as GetScheduleOutput & { $metadata: unknown };
    await (await world.aws.region().clients.scheduler()).send(new UpdateScheduleCommand({ ...rest, Name: name, ScheduleExpression: 'cron(30 * * * ? *)', FlexibleTimeWindow: held.FlexibleTimeWindow ?? { Mode: 'OFF' }, Target: held.Target! }));
    await poke(name);
    await waitFor(`${name} Drifted`, async () => (await conditionOf(name, 'Drifted'))?.status === 'True');
    const drift = (await get(KINDS.EcsScheduledTask, name))?.status?.drift as { differences?: { path: string; desired?: unknown; actual?: unknown }[] };
    expect(drift.differences).toContainEqual({ path: 'spec.schedule.expression', desired: 'cron(0 * * * ? *)', actual: 'cron(30 * * * ? *)' });
    expect((await scheduleOf(name)).ScheduleExpression).toBe('cron(30 * * * ? *)');
  });

  it('is left in EventBridge Scheduler when the object is deleted with deletionPolicy Retain', async () => {
    await patch(KINDS.EcsScheduledTask, name, { spec: { deletionPolicy: 'Retain' } });
    await waitFor(`${name} observed Retain`, async () => {
      const obj = await get(KINDS.EcsScheduledTask, name);
      return obj?.status?.observedGeneration === obj?.metadata.generation;
    });
    const res = await kubectl(['delete', KINDS.EcsScheduledTask, name, '--wait=true', '--timeout=60s'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    expect((await scheduleOf(name)).Name).toBe(name);
  });
});

describe('an S3 "Object Created" rule', () => {
  const name = `uploads-${shortId()}`;
  const td = `thumb-${shortId()}`;
  const bucket = `uploads-${shortId()}`;
  const s3Event = (bucketName: string, key: string) => ({ event: { source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: bucketName }, object: { key, size: 1024 } }, resources: [`arn:aws:s3:::${bucketName}`] } });
  type Delivery = { matchedRules: string[]; invocations: { rule: string; taskArns?: string[]; error?: unknown }[] };
  const startedBy = `events-rule/${name}`.slice(0, 36);
  const tasksStarted = async () => (await world.aws.region().clients.ecs.send(new ListTasksCommand({ cluster: world.cluster, startedBy }))).taskArns ?? [];

  it('starts one task per matching event, whose container override carries the object key', async () => {
    await apply(taskDefinitionManifest(td, { containerName: 'app', ports: [] }), {
      apiVersion: API_VERSION,
      kind: KINDS.EcsScheduledTask,
      metadata: { name },
      spec: {
        eventPattern: JSON.stringify({ source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [bucket] } } }),
        inputTransformer: { inputPathsMap: { key: '$.detail.object.key' } },
        roleArn: ROLE,
        target: target(td, { containerOverrides: [{ name: 'app', environment: [{ name: 'OBJECT_KEY', value: '<key>' }] }] }),
      },
    });
    await waitFor(`${name} Ready`, async () => (await conditionOf(name, 'Ready'))?.status === 'True');
    const delivered = await control<Delivery>('events/deliver', s3Event(bucket, 'photos/cat.jpg'));
    expect(delivered.matchedRules).toEqual([name]);
    const arns = delivered.invocations.flatMap((i) => i.taskArns ?? []);
    expect(arns).toHaveLength(1);
    const [task] = await describeTasks(arns);
    expect(task?.overrides?.containerOverrides?.[0]?.environment).toEqual([{ name: 'OBJECT_KEY', value: 'photos/cat.jpg' }]);
    expect((await get(KINDS.EcsScheduledTask, name))?.status).toMatchObject({ mode: 'Event', state: 'ENABLED' });
  });

  it('starts nothing for an event that does not match', async () => {
    const before = await tasksStarted();
    const delivered = await control<Delivery>('events/deliver', s3Event(`other-${shortId()}`, 'photos/dog.jpg'));
    expect(delivered.matchedRules).not.toContain(name);
    expect(await tasksStarted()).toEqual(before);
  });

  it('is deleted from EventBridge, target first, when the object is deleted', async () => {
    const res = await kubectl(['delete', KINDS.EcsScheduledTask, name, '--wait=true', '--timeout=60s'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    await expect((await world.aws.region().clients.eventbridge()).send(new DescribeRuleCommand({ Name: name }))).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    const delivered = await control<Delivery>('events/deliver', s3Event(bucket, 'photos/after.jpg'));
    expect(delivered.matchedRules).not.toContain(name);
  });
});

const examplesDir = join(resolve(import.meta.dirname, '..', '..'), 'examples', 'scheduled-tasks');

describe('admission by the API server', () => {
  it('admits the examples, and refuses a cron expression with seven fields, naming the rule', async () => {
    const ok = await kubectl(['apply', '--dry-run=server', '-f', examplesDir], { namespace: ns });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = { apiVersion: API_VERSION, kind: KINDS.EcsScheduledTask, metadata: { name: 'bad-cron' }, spec: { schedule: { expression: 'cron(0 * * * ? * *)' }, roleArn: ROLE, target: target('x', {}) } };
    const refused = await kubectl(['apply', '--dry-run=server', '-f', '-'], { namespace: ns, input: JSON.stringify(bad) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('a cron expression has six fields');
  });
});

describe('examples/scheduled-tasks with the CLI', () => {
  const dir = examplesDir;
  const clusterId = uniqueName('sched-examples');
  const cli = (args: string[]) => runCli([...args, '-f', dir, `--endpoint=${testEnv().awsEndpoint}`, `--cluster-id=${clusterId}`], { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', NO_COLOR: '1' });

  it('apply -f creates the schedule and the rule, and drift -f then finds AWS as the manifests say (exit 0)', async () => {
    // The examples run in the ECS cluster "batch"; only this test uses that name on the emulator.
    await world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: 'batch', capacityProviders: ['FARGATE'] }));
    const drifted = await cli(['drift', '-o', 'json']);
    expect(drifted.code, drifted.stdout).toBe(2);
    const before = JSON.parse(drifted.stdout) as { summary: object; objects: { kind: string; status: string }[] };
    expect(before.summary).toMatchObject({ objects: 4, errors: 0 });
    expect(before.objects.filter((o) => o.kind === 'EcsScheduledTask').map((o) => o.status)).toEqual(['Missing', 'Missing']);
    const applied = await cli(['apply', '--wait', '--timeout', '1m']);
    expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);
    expect(applied.stdout).toContain('all objects Ready');
    const schedule = await (await world.aws.region().clients.scheduler()).send(new GetScheduleCommand({ GroupName: 'default', Name: 'report-hourly' }));
    expect(schedule).toMatchObject({ ScheduleExpression: 'cron(0 * * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 } });
    expect(schedule.Target).toMatchObject({ RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:report-missed' } });
    const after = await cli(['drift', '-o', 'json']);
    expect(after.code, after.stdout).toBe(0);
    expect(JSON.parse(after.stdout).summary).toMatchObject({ objects: 4, inSync: 4, differences: 0 });
  });
});
