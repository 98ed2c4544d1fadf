// Standalone tasks, schedules and events as the operator's SDK meets them in the emulator: RunTask
// and DescribeTasks on the deterministic clock, the exit codes a test sets, a schedule fired and an
// S3 event delivered through the control endpoint (each calling RunTask as the AWS service would),
// with the Scheduler's REST-JSON and EventBridge's JSON requests checked against their models.
// Uses an emulator of its own (manual clock).
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient, TagResourceCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';

const accessKeyId = 'AKIAEMULATORTASKS001';
const role = 'arn:aws:iam::123456789012:role/ecs-invoker';
let emulator: Emulator;
let ecs: ECSClient;
let clusterArn: string;
let taskDefinitionArn: string;
let subnet: string;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  const config = { endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'testing' } };
  ecs = new ECSClient(config);
  const ec2 = new EC2Client(config);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId;
  subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet?.SubnetId ?? '';
  ec2.destroy();
  clusterArn = (await ecs.send(new CreateClusterCommand({ clusterName: 'jobs', capacityProviders: ['FARGATE'] }))).cluster?.clusterArn ?? '';
  taskDefinitionArn =
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'migrate',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: 'registry.example/migrate:1', memory: 128 }],
        }),
      )
    ).taskDefinition?.taskDefinitionArn ?? '';
});

afterAll(async () => {
  ecs?.destroy();
  await emulator?.stop();
});

async function describeTasks(arns: string[]): Promise<Task[]> {
  return (await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: arns }))).tasks ?? [];
}

async function untilStopped(arns: string[]): Promise<Task[]> {
  for (let tick = 0; tick < 20; tick++) {
    const tasks = await describeTasks(arns);
    if (tasks.every((t) => t.lastStatus === 'STOPPED')) return tasks;
    await emulator.control.advance();
  }
  throw new Error('the tasks did not stop');
}

describe('standalone tasks in the emulator', () => {
  it('runs a task once per client token and reports the exit code a test set', async () => {
    await emulator.control.setTaskOutcome({ taskDefinition: 'migrate', startedBy: 'failing', exitCodes: { app: 3 }, runTicks: 1 });
    const request = { cluster: clusterArn, taskDefinition: taskDefinitionArn, launchType: 'FARGATE' as const, startedBy: 'failing', clientToken: 'generation-1', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } };
    const first = (await ecs.send(new RunTaskCommand(request))).tasks ?? [];
    const again = (await ecs.send(new RunTaskCommand(request))).tasks ?? [];
    expect(again.map((t) => t.taskArn)).toEqual(first.map((t) => t.taskArn));
    expect(first[0]?.lastStatus).toBe('PROVISIONING');

    const [task] = await untilStopped(first.map((t) => t.taskArn ?? ''));
    expect(task?.stopCode).toBe('EssentialContainerExited');
    expect(task?.containers?.map((c) => [c.name, c.exitCode])).toEqual([['app', 3]]);
  });
});

describe('schedules and events in the emulator', () => {
  it('fires a schedule: one task on the target revision, started by the scheduler', async () => {
    const scheduler = new SchedulerClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'testing' } });
    try {
      const target = {
        Arn: clusterArn,
        RoleArn: role,
        EcsParameters: { TaskDefinitionArn: taskDefinitionArn, LaunchType: 'FARGATE' as const, NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnet] } } },
        Input: JSON.stringify({ containerOverrides: [{ name: 'app', command: ['report'] }] }),
      };
      const { ScheduleArn } = await scheduler.send(new CreateScheduleCommand({ Name: 'hourly', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }));
      expect((await scheduler.send(new GetScheduleCommand({ Name: 'hourly' }))).Target?.EcsParameters).toEqual(target.EcsParameters);

      await emulator.control.expectModelViolation({ operation: 'TagResource', member: 'resourceArn', accessKeyId });
      await expect(scheduler.send(new TagResourceCommand({ ResourceArn: ScheduleArn, Tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject({ name: 'ValidationException' });

      const fired = await emulator.control.fireSchedule({ scheduleArn: ScheduleArn ?? '' });
      const [task] = await describeTasks(fired.taskArns ?? []);
      expect(task?.startedBy).toBe('chronos-schedule/hourly');
      expect(task?.taskDefinitionArn).toBe(taskDefinitionArn);
      expect(task?.overrides?.containerOverrides?.[0]?.command).toEqual(['report']);
    } finally {
      scheduler.destroy();
    }
  });

  it('delivers an S3 event: the matching rule starts one task carrying the object key, another event nothing', async () => {
    const events = new EventBridgeClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'testing' } });
    try {
      const pattern = { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'uploads/' }] } } };
      await events.send(new PutRuleCommand({ Name: 'uploads', EventPattern: JSON.stringify(pattern) }));
      await events.send(
        new PutTargetsCommand({
          Rule: 'uploads',
          Targets: [
            {
              Id: 'import',
              Arn: clusterArn,
              RoleArn: role,
              EcsParameters: { TaskDefinitionArn: taskDefinitionArn, LaunchType: 'FARGATE', NetworkConfiguration: { awsvpcConfiguration: { Subnets: [subnet] } } },
              InputTransformer: {
                InputPathsMap: { key: '$.detail.object.key' },
                InputTemplate: '{"containerOverrides": [{"name": "app", "environment": [{"name": "OBJECT_KEY", "value": "<key>"}]}]}',
              },
            },
          ],
        }),
      );
      const s3Event = (key: string) => ({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'inbox' }, object: { key } } });

      expect((await emulator.control.deliverEvent(s3Event('other/a.csv'))).matchedRules).toEqual([]);
      const delivered = await emulator.control.deliverEvent(s3Event('uploads/a.csv'));
      expect(delivered.matchedRules).toEqual(['uploads']);
      const [task] = await describeTasks(delivered.invocations[0]?.taskArns ?? []);
      expect(task?.startedBy).toBe('events-rule/uploads');
      expect(task?.overrides?.containerOverrides?.[0]?.environment).toEqual([{ name: 'OBJECT_KEY', value: 'uploads/a.csv' }]);
    } finally {
      events.destroy();
    }
  });
});
