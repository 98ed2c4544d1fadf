// `ecs-operator import` end to end: services made in the emulator by hand, the way people make
// them with the console or the AWS CLI (a Fargate service, one behind a load balancer, one with
// target tracking, step scaling and a scheduled action, a task definition with secrets, logs and
// a health check), imported; then the round trip that is the command's contract: `drift -f` finds
// nothing, `apply -f` writes nothing but ownership tags and registers no revision, and the
// controller, given the same files, converges to Ready with only tag writes.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/index.js';
import { runCli, type CliRun } from '../support/cli.js';
import { awsClientConfig, createNamespace, kubectl, testEnv, uniqueName } from '../support/env.js';
import { createManyServices, importFigures } from '../support/many-services.js';
import { isAwsWrite, startOperator, type OperatorProcess } from '../support/operator-process.js';

const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', NO_COLOR: '1' };
const cli = (args: string[]): Promise<CliRun> => runCli([...args, `--endpoint=${testEnv().awsEndpoint}`], ENV);

/** `ecs:TagResource=2 ecs:DescribeServices=3` from `apply --show-aws-calls`, as a map. */
function awsCalls(stderr: string): Map<string, number> {
  const line = stderr.split('\n').find((l) => l.startsWith('aws calls: ')) ?? '';
  return new Map(line.slice('aws calls: '.length).split(' ').filter(Boolean).map((pair) => [pair.slice(0, pair.lastIndexOf('=')), Number(pair.slice(pair.lastIndexOf('=') + 1))]));
}
const WRITE = /:(?!Describe|List|Get)/;
const writesOf = (calls: Map<string, number>) => new Map([...calls].filter(([op]) => WRITE.test(op)));

const cluster = uniqueName('imported');
const ACCOUNT_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf';
let targetGroupArn = '';

/** The services of one cluster, made by hand; returns the target group the API service uses. */
async function createWorld(cluster: string): Promise<string> {
  const subnets: string[] = [];
  let targetGroupArn: string;
  const config = awsClientConfig();
  const ec2 = new EC2Client(config);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const aas = new ApplicationAutoScalingClient(config);
  const cloudwatch = new CloudWatchClient(config);
  try {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const vpcId = Vpc?.VpcId ?? '';
    for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
      const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: zone }));
      subnets.push(Subnet?.SubnetId ?? '');
    }
    const securityGroup = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: uniqueName('web'), Description: 'web' }))).GroupId ?? '';
    const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: uniqueName('alb'), Type: 'application', Scheme: 'internal', Subnets: subnets }));
    const { TargetGroups } = await elbv2.send(new CreateTargetGroupCommand({ Name: uniqueName('tg'), Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'ip' }));
    targetGroupArn = TargetGroups?.[0]?.TargetGroupArn ?? '';
    await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }));

    // The cluster as the console's "Create cluster" makes it with Container Insights and Fargate Spot.
    await ecs.send(
      new CreateClusterCommand({
        clusterName: cluster,
        settings: [{ name: 'containerInsights', value: 'enabled' }],
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 4 },
        ],
        tags: [{ key: 'team', value: 'platform' }],
      }),
    );
    const fargate = (family: string, extra: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] }],
      ...extra,
    });
    const register = async (input: RegisterTaskDefinitionCommandInput) => (await ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition?.taskDefinitionArn ?? '';
    const network = { awsvpcConfiguration: { subnets, securityGroups: [securityGroup], assignPublicIp: 'DISABLED' as const } };

    // A plain Fargate service, as the console's "Create service" makes it.
    const plain = await register(fargate(`${cluster}-plain`));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'plain', taskDefinition: plain, desiredCount: 2, launchType: 'FARGATE', networkConfiguration: network }));

    // Secrets, logs and a health check; the service sits behind the load balancer. Revision 2 of
    // its family is registered after the service started, so the service runs an older revision.
    const withSecrets = await register(
      fargate(`${cluster}-api`, {
        containerDefinitions: [
          {
            name: 'api',
            image: 'public.ecr.aws/docker/library/httpd:2.4',
            essential: true,
            portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
            environment: [{ name: 'MODE', value: 'production' }],
            secrets: [{ name: 'DB_PASSWORD', valueFrom: ACCOUNT_SECRET }],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'api' } },
            healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], interval: 30, timeout: 5, retries: 3 },
          },
        ],
        tags: [{ key: 'team', value: 'payments' }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'Payments_API',
        taskDefinition: withSecrets,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn, containerName: 'api', containerPort: 8080 }],
        healthCheckGracePeriodSeconds: 60,
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: true, rollback: true } },
        tags: [{ key: 'team', value: 'payments' }],
      }),
    );
    await register(fargate(`${cluster}-api`, { cpu: '512', memory: '1024' }));

    // Autoscaling made by hand: a target, target tracking, a step policy with its alarm, a schedule.
    const scaled = await register(fargate(`${cluster}-worker`));
    await ecs.send(new CreateServiceCommand({ cluster, serviceName: 'worker', taskDefinition: scaled, desiredCount: 2, launchType: 'FARGATE', networkConfiguration: network }));
    const ids = { ServiceNamespace: 'ecs' as const, ResourceId: `service/${cluster}/worker`, ScalableDimension: 'ecs:service:DesiredCount' as const };
    await aas.send(new RegisterScalableTargetCommand({ ...ids, MinCapacity: 2, MaxCapacity: 10 }));
    await aas.send(
      new PutScalingPolicyCommand({
        ...ids,
        PolicyName: 'cpu70',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleInCooldown: 120 },
      }),
    );
    const step = await aas.send(
      new PutScalingPolicyCommand({
        ...ids,
        PolicyName: 'queue-depth',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          Cooldown: 60,
          StepAdjustments: [
            { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
            { MetricIntervalLowerBound: 100, ScalingAdjustment: 3 },
          ],
        },
      }),
    );
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: `${cluster}-queue-depth-high`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'jobs' }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [step.PolicyARN ?? ''],
      }),
    );
    await aas.send(new PutScheduledActionCommand({ ...ids, ScheduledActionName: 'office-hours', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 4 } }));
  } finally {
    for (const c of [ec2, ecs, elbv2, aas, cloudwatch]) c.destroy();
  }
  return targetGroupArn;
}

async function revisionsOf(family: string): Promise<string[]> {
  const ecs = new ECSClient(awsClientConfig());
  try {
    return (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];
  } finally {
    ecs.destroy();
  }
}

let dir: string;
let imported: CliRun;

beforeAll(async () => {
  targetGroupArn = await createWorld(cluster);
  dir = await mkdtemp(join(tmpdir(), 'import-'));
  imported = await cli(['import', '--cluster', cluster, '-o', dir]);
}, 120_000);

describe('ecs-operator import', () => {
  it('writes one file per service, with where it came from, minimal manifests and adoptExisting (exit 0)', async () => {
    expect(imported.code, imported.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['payments-api.yaml', 'plain.yaml', 'worker.yaml']);
    const api = await readFile(join(dir, 'payments-api.yaml'), 'utf8');
    expect(api).toMatch(new RegExp(`\\n---\\n# Imported by ecs-operator import at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n# from account 123456789012, region us-east-1, cluster ${cluster}\\n# service arn:aws:ecs:us-east-1:123456789012:service/${cluster}/Payments_API\\n`));
    // The cluster, ahead of the first service, with what differs from a new cluster; the services name it.
    expect(api).toMatch(new RegExp(`^# Imported by ecs-operator import at .*\\n# from account 123456789012, region us-east-1\\n# cluster arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}\\n`));
    expect(api.match(/^kind: EcsCluster$/gm)).toHaveLength(1);
    expect(api).toContain('  settings:\n    containerInsights: enabled\n');
    expect(api).toContain('    - name: FARGATE_SPOT\n');
    expect(api).toContain('      weight: 4\n');
    for (const file of ['payments-api.yaml', 'plain.yaml', 'worker.yaml']) expect(await readFile(join(dir, file), 'utf8')).toContain(`  clusterRef:\n    name: ${cluster}\n`);
    expect(api).not.toMatch(/^ {2}cluster: /m);
    // The ECS name is not a Kubernetes name: the object gets a valid one and keeps the original.
    expect(api).toContain('  name: payments-api\n');
    expect(api).toContain('  serviceName: Payments_API\n');
    expect(api).toContain(`  taskDefinitionRef:\n    name: ${cluster}-api\n`);
    expect(api).toContain(`targetGroupArn: ${targetGroupArn}`);
    expect(api).toContain(`valueFrom: ${ACCOUNT_SECRET}`);
    expect(api).toContain('adoptExisting: true');
    // The revision the service runs (cpu 256), not the family's newest (cpu 512); defaults left out.
    expect(api).toContain('cpu: 256\n');
    expect(api).not.toMatch(/essential|hostPort|protocol: tcp|interval: 30|maximumPercent: 200|assignPublicIp: DISABLED|platformVersion|deploymentController/);
    const worker = await readFile(join(dir, 'worker.yaml'), 'utf8');
    expect(worker).toContain('policyName: cpu70');
    expect(worker).toContain('policyName: queue-depth');
    expect(worker).toContain(`alarmName: ${cluster}-queue-depth-high`);
    expect(worker).toContain('scheduledActionName: office-hours');
    expect(worker).toContain('timezone: Europe/Berlin');
    expect(worker).not.toMatch(/desiredCount|cooldown: 300|metricAggregationType|treatMissingData/);
  });

  it('writes one stream with -o -, each service once', async () => {
    const res = await cli(['import', '--cluster', cluster, '--service', 'worker', '--service', 'plain', '-o', '-']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.match(/^kind: EcsService$/gm)).toHaveLength(2);
    expect(res.stdout.match(/^kind: EcsTaskDefinition$/gm)).toHaveLength(2);
  });

  it('fails with one line for a service the cluster does not have (exit 1)', async () => {
    const res = await cli(['import', '--cluster', cluster, '--service', 'nope']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^error: service .*nope.* not found in cluster/);
  });

  it('round trip: drift -f finds nothing (exit 0)', async () => {
    const res = await cli(['drift', '-f', dir, '-o', 'json']);
    const report = JSON.parse(res.stdout) as DriftReport;
    expect(report.objects.filter((o) => o.status !== 'InSync'), res.stderr).toEqual([]);
    expect(report.summary).toMatchObject({ objects: 7, inSync: 7 });
    expect(res.code).toBe(0);
  });

  it('round trip: apply -f writes only the ownership tags and registers no revision', async () => {
    const before = await revisionsOf(`${cluster}-api`);
    const clusterId = uniqueName('import');
    const res = await cli(['apply', '-f', dir, '--show-aws-calls', '--cluster-id', clusterId]);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    // The cluster, three services and three revisions tagged as owned; nothing else written.
    expect(writesOf(awsCalls(res.stderr))).toEqual(new Map([['ecs:TagResource', 7]]));
    expect(await revisionsOf(`${cluster}-api`)).toEqual(before);
    expect(res.stdout).toContain('Adopted ECS service Payments_API');
    expect(res.stdout).toContain(`Adopted ECS cluster ${cluster}`);
    // Owned now, the manifests still match.
    const again = await cli(['drift', '-f', dir, '--cluster-id', clusterId]);
    expect(again.code, again.stdout).toBe(0);
  });
});

describe('the imported files through the controller', () => {
  let operator: OperatorProcess | undefined;
  afterAll(async () => {
    await operator?.stop();
  });

  it('converges to Ready with no AWS write but the ownership tags', async () => {
    // Services of their own: the ones above are owned by the CLI's installation now.
    const other = uniqueName('imported');
    await createWorld(other);
    const dir = await mkdtemp(join(tmpdir(), 'import-controller-'));
    const res = await cli(['import', '--cluster', other, '-o', dir]);
    expect(res.code, res.stderr).toBe(0);
    const ns = await createNamespace('import');
    const clusterId = uniqueName('imported');
    operator = await startOperator({ namespaces: [ns], extraArgs: [`--cluster-id=${clusterId}`], resyncPeriod: '10s', logLevel: 'info' });
    const applied = await kubectl(['apply', '-f', dir], { namespace: ns });
    expect(applied.code, applied.stderr).toBe(0);
    const notReady = async () => {
      const res = await kubectl(['get', 'ecsclusters,ecsservices,ecstaskdefinitions', '-o', 'json'], { namespace: ns });
      const items = (JSON.parse(res.stdout) as { items: Array<{ kind: string; metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string; message: string }> } }> }).items;
      return items.filter((o) => o.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True').map((o) => `${o.kind}/${o.metadata.name}: ${JSON.stringify(o.status?.conditions)}`);
    };
    const deadline = Date.now() + 90_000;
    for (let left = await notReady(); left.length > 0; left = await notReady()) {
      if (Date.now() > deadline) throw new Error(`not Ready:\n${left.join('\n')}\n${operator.logs().split('\n').slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const writes = new Map([...(await operator.awsCalls())].filter(([key]) => isAwsWrite(key)));
    expect(writes).toEqual(new Map([['ecs:TagResource', 7]]));
  });
});

describe('what the manifests cannot express', () => {
  it('is listed on stderr and in the file, and the command exits 2', async () => {
    const other = uniqueName('unexpressed');
    const ecs = new ECSClient(awsClientConfig());
    try {
      await ecs.send(new CreateClusterCommand({ clusterName: other }));
      const { taskDefinition } = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: other,
          containerDefinitions: [{ name: 'app', image: 'example/app:1', memory: 128, restartPolicy: { enabled: true, restartAttemptPeriod: 60 } }],
        }),
      );
      await ecs.send(new CreateServiceCommand({ cluster: other, serviceName: 'app', taskDefinition: taskDefinition?.taskDefinitionArn, desiredCount: 1, launchType: 'EC2' }));
    } finally {
      ecs.destroy();
    }
    const dir = await mkdtemp(join(tmpdir(), 'import-unexpressed-'));
    const res = await cli(['import', '--cluster', other, '-o', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`not imported: arn:aws:ecs:us-east-1:123456789012:service/${other}/app: spec.containerDefinitions[app].restartPolicy: `);
    expect(res.stderr).toContain('1 setting was not imported');
    expect(await readFile(join(dir, 'app.yaml'), 'utf8')).toContain('#   spec.containerDefinitions[app].restartPolicy: ');
  });
});

describe('a cluster of many services', () => {
  // 500 services: `npm run bench:import` (bench/import.ts). The suite keeps a count it can afford.
  const COUNT = 60;

  it('imports every service with paginated, batched reads', async () => {
    const many = uniqueName('many');
    await createManyServices({ endpoint: testEnv().awsEndpoint, cluster: many, count: COUNT });
    const dir = await mkdtemp(join(tmpdir(), 'import-many-'));
    const res = await cli(['import', '--cluster', many, '-o', dir]);
    expect(res.code, res.stderr).toBe(0);
    expect(await readdir(dir)).toHaveLength(COUNT);
    const figures = importFigures(res.stderr);
    console.log(`import of ${COUNT} services: ${figures?.seconds}s, ${figures?.calls} AWS calls`);
    // DescribeClusters once, ListServices by 100, DescribeServices by 10, one DescribeTaskDefinition
    // per revision (one per 10 services here), DescribeScalableTargets by 50: no call per service.
    const pages = 1 + Math.ceil(COUNT / 100) + Math.ceil(COUNT / 10) + Math.ceil(COUNT / 10) + Math.ceil(COUNT / 50);
    expect(figures?.calls).toBe(pages);
    const drift = await cli(['drift', '-f', dir]);
    expect(drift.code, drift.stdout).toBe(0);
  }, 180_000);
});
