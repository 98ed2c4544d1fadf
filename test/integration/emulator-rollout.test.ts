// The scripted rollout, driven with the AWS SDK for JavaScript against an emulator of its own
// (manual clock): a service with the circuit breaker and rollback completes its first deployment,
// an update to a task definition whose tasks keep failing goes FAILED, and the rollback to the last
// COMPLETED deployment completes, with DescribeServices and the service events as ECS shows them.
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';

let emulator: Emulator;
let ecs: ECSClient;
let ec2: EC2Client;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  const config = { endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  ecs = new ECSClient(config);
  ec2 = new EC2Client(config);
});

afterAll(async () => {
  ecs?.destroy();
  ec2?.destroy();
  await emulator?.stop();
});

const cluster = 'rollout';

async function describe(): Promise<Service> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }));
  const service = services?.[0];
  if (!service) throw new Error('service web not found');
  return service;
}

/** One line per deployment: status, task definition revision, rollout state and counts. */
function summary(service: Service): string {
  return (service.deployments ?? [])
    .map((d) => `${d.status} ${d.taskDefinition?.split('/').pop()} ${d.rolloutState} desired=${d.desiredCount} pending=${d.pendingCount} running=${d.runningCount} failed=${d.failedTasks}`)
    .join(' | ');
}

/** Advances the clock one step at a time until `done`, returning the service after each step. */
async function advanceUntil(done: (s: Service) => boolean, maxSteps = 15): Promise<{ steps: string[]; seen: Service[]; service: Service }> {
  const seen: Service[] = [];
  for (let i = 0; i < maxSteps; i++) {
    await emulator.control.advance();
    const service = await describe();
    seen.push(service);
    if (done(service)) return { steps: seen.map(summary), seen, service };
  }
  throw new Error(`not done after ${maxSteps} steps: ${seen.map(summary).join('\n')}`);
}

const completed = (s: Service): boolean => s.deployments?.length === 1 && s.deployments[0]?.rolloutState === 'COMPLETED';
const task = '\\(task [0-9a-f-]{36}\\)';

it('rolls a failing deployment back to the last completed one, as ECS does', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24' }));
  await ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE'] }));
  const register = async (image: string): Promise<string> => {
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image, essential: true }],
      }),
    );
    return taskDefinition?.taskDefinitionArn ?? '';
  };
  const good = await register('nginx:1.27');

  const { service: created } = await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: 'web', // the family: ECS resolves it to the latest revision's ARN
      desiredCount: 2,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: [Subnet?.SubnetId ?? ''] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
    }),
  );
  expect(created?.taskDefinition).toBe(good);
  expect(created?.launchType).toBeUndefined();
  expect(created?.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE', weight: 1, base: 0 }]);
  expect(created?.createdAt).toBeInstanceOf(Date);
  expect(summary(created ?? {})).toBe('PRIMARY web:1 IN_PROGRESS desired=2 pending=0 running=0 failed=0');

  const first = await advanceUntil(completed);
  expect(first.steps).toEqual([
    'PRIMARY web:1 IN_PROGRESS desired=2 pending=2 running=0 failed=0',
    'PRIMARY web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
  ]);
  const goodDeployment = first.service.deployments?.[0]?.id ?? '';
  expect(goodDeployment).toMatch(/^ecs-svc\/\d+$/);

  const bad = await register('nginx:does-not-exist');
  await emulator.control.failTasks(bad, 'CannotPullContainerError: manifest for nginx:does-not-exist not found');
  const { service: updated } = await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: 'web:2' }));
  expect(updated?.taskDefinition).toBe(bad);
  expect(summary(updated ?? {})).toBe(
    'PRIMARY web:2 IN_PROGRESS desired=2 pending=0 running=0 failed=0 | ACTIVE web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
  );
  const badDeployment = updated?.deployments?.[0]?.id ?? '';

  const rollout = await advanceUntil(completed);
  expect(rollout.steps).toEqual([
    // the new tasks start while the old ones keep running (maximumPercent 200)
    'PRIMARY web:2 IN_PROGRESS desired=2 pending=2 running=0 failed=0 | ACTIVE web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
    // they fail to start and are replaced
    'PRIMARY web:2 IN_PROGRESS desired=2 pending=2 running=0 failed=2 | ACTIVE web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
    // the circuit breaker's threshold (3 for 2 tasks) is passed: FAILED, and a rollback deployment starts
    'PRIMARY web:1 IN_PROGRESS desired=2 pending=2 running=0 failed=0 | ACTIVE web:2 FAILED desired=2 pending=0 running=0 failed=4 | ACTIVE web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
    'PRIMARY web:1 IN_PROGRESS desired=2 pending=0 running=2 failed=0 | ACTIVE web:2 FAILED desired=2 pending=0 running=0 failed=4 | ACTIVE web:1 COMPLETED desired=0 pending=0 running=2 failed=0',
    'PRIMARY web:1 COMPLETED desired=2 pending=0 running=2 failed=0 | ACTIVE web:2 FAILED desired=2 pending=0 running=0 failed=4 | ACTIVE web:1 COMPLETED desired=0 pending=0 running=0 failed=0',
    'PRIMARY web:1 COMPLETED desired=2 pending=0 running=2 failed=0',
  ]);

  const [rollingBack, failed] = rollout.seen[2]?.deployments ?? [];
  expect(failed?.id).toBe(badDeployment);
  expect(failed?.rolloutStateReason).toBe('ECS deployment circuit breaker: tasks failed to start.');
  expect(rollingBack?.rolloutStateReason).toBe(`ECS deployment circuit breaker: rolling back to deploymentId ${goodDeployment}.`);
  expect(rollout.seen[2]?.taskDefinition).toBe(good);

  const final = rollout.service;
  const rollback = final.deployments?.[0];
  expect(final.taskDefinition).toBe(good);
  expect([final.status, final.desiredCount, final.runningCount, final.pendingCount]).toEqual(['ACTIVE', 2, 2, 0]);
  expect(rollback?.taskDefinition).toBe(good);
  expect(rollback?.id).not.toBe(goodDeployment);
  expect(rollback?.rolloutStateReason).toBe(`ECS deployment ${rollback?.id} completed.`);

  const messages = (final.events ?? []).map((e) => e.message ?? '').reverse();
  const expected = [
    `\\(service web\\) has started 2 tasks: ${task} ${task}\\.`,
    `\\(service web\\) \\(deployment ${goodDeployment}\\) deployment completed\\.`,
    '\\(service web\\) has reached a steady state\\.',
    `\\(service web\\) has started 2 tasks: ${task} ${task}\\.`,
    `\\(service web\\) has started 2 tasks: ${task} ${task}\\.`,
    `\\(service web\\) deployment ${badDeployment} deployment failed: tasks failed to start\\.`,
    `\\(service web\\) rolling back to deployment ${goodDeployment}\\.`,
    `\\(service web\\) has started 2 tasks: ${task} ${task}\\.`,
    `\\(service web\\) has stopped 2 running tasks: ${task} ${task}\\.`,
    `\\(service web\\) \\(deployment ${rollback?.id}\\) deployment completed\\.`,
    '\\(service web\\) has reached a steady state\\.',
  ];
  expect(messages).toHaveLength(expected.length);
  messages.forEach((message, i) => expect(message).toMatch(new RegExp(`^${expected[i]}$`)));
});
