// The AWS SDK for JavaScript (the one the operator uses) against the emulator: its JSON and query
// protocol calls are routed and answered as AWS answers them, and the errors the control endpoint
// injects reach the SDK as the errors AWS would send. Uses an emulator of its own because faults
// are global to an emulator.
import {
  ApplicationAutoScalingClient,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
});

afterAll(async () => {
  await emulator?.stop();
});

function config(opts: { maxAttempts?: number; accessKeyId?: string } = {}) {
  return {
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? 'testing', secretAccessKey: 'testing' },
    ...(opts.maxAttempts === undefined ? {} : { maxAttempts: opts.maxAttempts }),
  };
}

/** The error a promise rejects with, as the SDK shapes it. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; $fault?: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded');
}

async function fargateService(ecs: ECSClient, ec2: EC2Client, cluster: string): Promise<void> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24' }));
  await ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE'] }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [Subnet?.SubnetId ?? ''] } },
    }),
  );
}

describe('errors injected through the control endpoint', () => {
  it('reach the ECS client as ThrottlingException with HTTP 400, which the SDK retries', async () => {
    const once = new ECSClient(config({ maxAttempts: 1, accessKeyId: 'AKIATHROTTLE' }));
    await emulator.control.throttle('ListClusters', 1, { accessKeyId: 'AKIATHROTTLE' });
    const error = await failure(once.send(new ListClustersCommand({})));
    expect([error.name, error.$metadata?.httpStatusCode, error.$fault]).toEqual(['ThrottlingException', 400, 'client']);

    const retrying = new ECSClient(config({ maxAttempts: 3, accessKeyId: 'AKIATHROTTLE' }));
    await emulator.control.throttle('ListClusters', 2, { accessKeyId: 'AKIATHROTTLE' });
    await expect(retrying.send(new ListClustersCommand({}))).resolves.toHaveProperty('clusterArns');
    expect((await emulator.control.state()).faults).toEqual([]);
  });

  it('reach the ECS client as a server fault with the status and code asked for', async () => {
    const ecs = new ECSClient(config({ maxAttempts: 1, accessKeyId: 'AKIASERVER' }));
    await emulator.control.failCalls('CreateCluster', 1, { status: 500, code: 'ServerException', accessKeyId: 'AKIASERVER' });
    const error = await failure(ecs.send(new CreateClusterCommand({ clusterName: 'lost' })));
    expect([error.name, error.$metadata?.httpStatusCode, error.$fault]).toEqual(['ServerException', 500, 'server']);
  });

  it('reach the query-protocol ELBv2 client as its XML errors', async () => {
    const elb = new ElasticLoadBalancingV2Client(config({ maxAttempts: 1, accessKeyId: 'AKIAELB' }));
    await emulator.control.throttle('DescribeLoadBalancers', 1, { code: 'Throttling', accessKeyId: 'AKIAELB' });
    const error = await failure(elb.send(new DescribeLoadBalancersCommand({})));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['Throttling', 400]);
    await expect(elb.send(new DescribeLoadBalancersCommand({}))).resolves.toHaveProperty('LoadBalancers', []);
  });
});

describe('responses the SDK parses', () => {
  it('gives ECS timestamps as Dates and the service fields as sent', async () => {
    const ecs = new ECSClient(config());
    const ec2 = new EC2Client(config());
    await fargateService(ecs, ec2, 'sdk-dates');
    await emulator.control.advance(2);
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'sdk-dates', services: ['web'] }));
    const service = services?.[0];
    expect(service?.createdAt).toBeInstanceOf(Date);
    expect(service?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(service?.deployments?.[0]?.updatedAt).toBeInstanceOf(Date);
    expect(service?.events?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(service?.launchType).toBe('FARGATE');
    expect(service?.runningCount).toBe(1);
  });

  it('lists the CloudWatch alarm (JSON 1.0 protocol) under the step scaling policy it invokes', async () => {
    const ecs = new ECSClient(config());
    const ec2 = new EC2Client(config());
    await fargateService(ecs, ec2, 'sdk-scaling');
    const scaling = new ApplicationAutoScalingClient(config());
    const cloudwatch = new CloudWatchClient(config());
    const target = { ServiceNamespace: 'ecs', ResourceId: 'service/sdk-scaling/web', ScalableDimension: 'ecs:service:DesiredCount' } as const;
    await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 3 }));
    const { PolicyARN } = await scaling.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: 'cpu-out',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] },
      }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'sdk-cpu-high',
        Namespace: 'AWS/ECS',
        MetricName: 'CPUUtilization',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [PolicyARN ?? ''],
      }),
    );
    const alarms = async () => (await scaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: target.ResourceId }))).ScalingPolicies?.[0]?.Alarms;
    expect((await alarms())?.map((a) => a.AlarmName)).toEqual(['sdk-cpu-high']);
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['sdk-cpu-high'] }));
    expect(await alarms()).toEqual([]);
  });
});
