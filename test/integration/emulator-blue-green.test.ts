// ECS-native blue/green deployments in the emulator, driven with the AWS SDK for JavaScript against
// an emulator of its own (manual clock): the lifecycle stages of a service deployment as
// DescribeServiceDeployments shows them, the production listener rule's weights moving to the
// alternate target group, and a lifecycle hook that the control endpoint makes fail rolling the
// next deployment back. The worked example for code that observes rollouts by service deployment.
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';

let emulator: Emulator;
let ecs: ECSClient;
let ec2: EC2Client;
let elbv2: ElasticLoadBalancingV2Client;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  const config = { endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  ecs = new ECSClient(config);
  ec2 = new EC2Client(config);
  elbv2 = new ElasticLoadBalancingV2Client(config);
});

afterAll(async () => {
  ecs?.destroy();
  ec2?.destroy();
  elbv2?.destroy();
  await emulator?.stop();
});

const cluster = 'blue-green';
const hook = 'arn:aws:lambda:us-east-1:123456789012:function:smoke-test';

async function current(): Promise<ServiceDeployment> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }));
  const arn = services?.[0]?.currentServiceDeployment ?? '';
  const { serviceDeployments } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = serviceDeployments?.[0];
  if (!found) throw new Error(`service deployment ${arn} not found`);
  return found;
}

/** `status stage` after each tick until the status is `until`, without repeats. */
async function follow(until: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    const deployment = await current();
    const line = `${deployment.status} ${deployment.lifecycleStage ?? ''}`.trim();
    if (seen.at(-1) !== line) seen.push(line);
    if (deployment.status === until) return seen;
    await emulator.control.advance();
  }
  throw new Error(`${until} not reached: ${seen.join(', ')}`);
}

it('runs a BLUE_GREEN deployment through its stages and rolls back the next one when a hook fails', async () => {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const subnets = await Promise.all(
    [['10.0.1.0/24', 'us-east-1a'], ['10.0.2.0/24', 'us-east-1b']].map(async ([CidrBlock, AvailabilityZone]) => {
      const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock, AvailabilityZone }));
      return Subnet?.SubnetId ?? '';
    }),
  );
  const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: subnets }));
  const [blue, green] = await Promise.all(
    ['blue', 'green'].map(async (Name) => {
      const { TargetGroups } = await elbv2.send(
        new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 80, VpcId: Vpc?.VpcId, TargetType: 'ip' }),
      );
      return TargetGroups?.[0]?.TargetGroupArn ?? '';
    }),
  );
  const { Listeners } = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    }),
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
  const weights = async (): Promise<string> => {
    const { Rules: [rule] = [] } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [productionRule] }));
    return (rule?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? []).map((g) => `${g.TargetGroupArn === blue ? 'blue' : 'green'}=${g.Weight}`).sort().join(' ');
  };

  await ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE'] }));
  const register = async (image: string): Promise<string> => {
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 80 }] }],
      }),
    );
    return taskDefinition?.taskDefinitionArn ?? '';
  };
  const first = await register('nginx:1.27');
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[0] ?? ''] } },
      loadBalancers: [
        {
          targetGroupArn: blue,
          containerName: 'app',
          containerPort: 80,
          advancedConfiguration: {
            alternateTargetGroupArn: green,
            productionListenerRule: productionRule,
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
          },
        },
      ],
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 2,
        lifecycleHooks: [{ hookTargetArn: hook, roleArn: 'arn:aws:iam::123456789012:role/hookRole', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    }),
  );
  // A service's first deployment has nothing to shift traffic from: it is not staged.
  expect(await follow('SUCCESSFUL')).toEqual(['IN_PROGRESS', 'SUCCESSFUL']);

  const second = await register('nginx:1.28');
  await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: second }));
  expect(await follow('SUCCESSFUL')).toEqual([
    'IN_PROGRESS PRE_SCALE_UP',
    'IN_PROGRESS SCALE_UP',
    'IN_PROGRESS POST_SCALE_UP',
    'IN_PROGRESS TEST_TRAFFIC_SHIFT',
    'IN_PROGRESS POST_TEST_TRAFFIC_SHIFT',
    'IN_PROGRESS PRODUCTION_TRAFFIC_SHIFT',
    'IN_PROGRESS POST_PRODUCTION_TRAFFIC_SHIFT',
    'IN_PROGRESS BAKE_TIME',
    'IN_PROGRESS CLEAN_UP',
    'SUCCESSFUL CLEAN_UP',
  ]);
  expect(await weights()).toBe('blue=0 green=100');
  expect((await emulator.control.lifecycleHookInvocations()).map((i) => `${i.stage} ${i.status}`)).toEqual(['POST_TEST_TRAFFIC_SHIFT SUCCEEDED']);

  await emulator.control.setLifecycleHookOutcome({ outcome: 'FAILED', service: 'web', hookTargetArn: hook });
  await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: first }));
  const rolledBack = await follow('ROLLBACK_SUCCESSFUL');
  expect(rolledBack.slice(-2)).toEqual(['ROLLBACK_IN_PROGRESS POST_TEST_TRAFFIC_SHIFT', 'ROLLBACK_SUCCESSFUL POST_TEST_TRAFFIC_SHIFT']);
  const failed = await current();
  expect(failed.statusReason).toContain(hook);
  expect(failed.rollback?.reason).toBe(failed.statusReason);
  expect(failed.rollback?.serviceRevisionArn).toBe(failed.sourceServiceRevisions?.[0]?.arn);
  // The second deployment had moved production to the green group; the rollback leaves it there.
  expect(await weights()).toBe('blue=0 green=100');

  const { serviceDeployments } = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'web' }));
  expect(serviceDeployments?.map((d) => d.status)).toEqual(['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL']);
  expect(serviceDeployments?.[0]?.createdAt).toBeInstanceOf(Date);
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }));
  expect(services?.[0]?.taskDefinition).toBe(second);
});
