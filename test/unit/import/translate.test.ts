// The pure half of `ecs-operator import`: what DescribeServices, DescribeTaskDefinition and the
// Application Auto Scaling / CloudWatch reads return, as manifests. The manifests must read, to the
// reconcilers' own comparisons, exactly as AWS holds things (the round trip), leave AWS's
// defaults out, and list what they cannot say.
import type { ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import type { CapacityProvider, Cluster, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { validateManifest } from '../../../src/api/validate.js';
import { buildDriftReport } from '../../../src/drift/index.js';
import { translateCluster } from '../../../src/import/cluster.js';
import { manifestsOf } from '../../../src/import/index.js';
import { kubeName } from '../../../src/import/names.js';
import { translateService, translateTaskDefinition, type ObservedScaling } from '../../../src/import/translate.js';
import { sameJson } from '../../../src/reconcile/canonical.js';
import { desiredCluster } from '../../../src/reconcile/cluster/desired.js';
import { planCluster } from '../../../src/reconcile/cluster/plan.js';
import { desiredScaling } from '../../../src/reconcile/scaling/desired.js';
import { adoptedNamesOf, ScalingNames } from '../../../src/reconcile/scaling/naming.js';
import { planScaling } from '../../../src/reconcile/scaling/plan.js';
import { desiredService } from '../../../src/reconcile/service/desired.js';
import { SERVICE_FIELDS } from '../../../src/reconcile/service/fields.js';
import { desiredTaskDefinition } from '../../../src/reconcile/taskdefinition/desired.js';
import { canonicalTaskDefinition } from '../../../src/reconcile/taskdefinition/normalize.js';
import { planTaskDefinition } from '../../../src/reconcile/taskdefinition/plan.js';

const REGION = 'us-east-1';
const TD_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:7';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef';

/** A revision as DescribeTaskDefinition answers: ECS's defaults filled in, read-only members added. */
function revision(extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    taskDefinitionArn: TD_ARN,
    family: 'api',
    revision: 7,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    cpu: '512',
    memory: '1024',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    registeredAt: new Date('2026-01-01T00:00:00Z'),
    containerDefinitions: [
      {
        name: 'api',
        image: 'example/api:1',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        secrets: [{ name: 'DB', valueFrom: SECRET }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1' }, secretOptions: [] },
        healthCheck: { command: ['CMD-SHELL', 'true'], interval: 30, timeout: 5, retries: 3, startPeriod: 0 },
      },
    ],
    volumes: [],
    placementConstraints: [],
    ...extra,
  };
}

function service(extra: Partial<Service> = {}): Service {
  return {
    serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/Payments_API',
    serviceName: 'Payments_API',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    status: 'ACTIVE',
    taskDefinition: TD_ARN,
    desiredCount: 3,
    runningCount: 3,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } },
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
    loadBalancers: [{ targetGroupArn: TG, containerName: 'api', containerPort: 8080 }],
    healthCheckGracePeriodSeconds: 0,
    placementConstraints: [],
    placementStrategy: [],
    serviceRegistries: [],
    enableECSManagedTags: false,
    enableExecuteCommand: false,
    propagateTags: 'NONE',
    tags: [{ key: 'team', value: 'pay' }],
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: TD_ARN }],
    events: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...extra,
  };
}

const names = { service: 'payments-api', taskDefinition: 'api' };

describe('translateTaskDefinition', () => {
  const { manifest, unexpressed } = translateTaskDefinition({ taskDefinition: revision(), tags: [{ key: 'team', value: 'pay' }, { key: 'aws:cloudformation:stack-name', value: 'x' }] }, 'api', REGION);

  test('reads to the plan as the very revision it came from (no new revision on apply)', () => {
    expect(unexpressed).toEqual([]);
    expect(sameJson(desiredTaskDefinition(manifest, REGION).canonical, canonicalTaskDefinition(revision()))).toBe(true);
    expect(validateManifest(structuredClone(manifest)).ok).toBe(true);
  });

  test('leaves out ECS defaults and read-only members, keeps secrets as ARNs and the user tags', () => {
    expect(manifest.spec).toEqual({
      containerDefinitions: [
        {
          name: 'api',
          image: 'example/api:1',
          portMappings: [{ containerPort: 8080 }],
          secrets: [{ name: 'DB', valueFrom: SECRET }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1' } },
          healthCheck: { command: ['CMD-SHELL', 'true'] },
        },
      ],
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: 512,
      memory: 1024,
      region: REGION,
      tags: [{ key: 'team', value: 'pay' }],
      adoptExisting: true,
    });
  });

  test('keeps the family when the object name differs from it', () => {
    const { manifest } = translateTaskDefinition({ taskDefinition: revision({ family: 'Api_V2' }), tags: [] }, 'api-v2', REGION);
    expect(manifest.spec.family).toBe('Api_V2');
  });

  test('lists what the schema cannot hold instead of dropping it', () => {
    const td = revision({ containerDefinitions: [{ ...revision().containerDefinitions![0]!, restartPolicy: { enabled: true, restartAttemptPeriod: 60 } }] });
    const { unexpressed } = translateTaskDefinition({ taskDefinition: { ...td, ...({ futureSetting: { on: true } } as object) }, tags: [] }, 'api', REGION);
    expect(unexpressed.map((u) => u.field).sort()).toEqual(['spec.containerDefinitions[api].restartPolicy', 'spec.futureSetting']);
  });
});

describe('translateService', () => {
  test('reads to every service field comparison as the service it came from', () => {
    const { manifest, unexpressed } = translateService({ service: service() }, names, REGION);
    expect(unexpressed).toEqual([]);
    const d = desiredService(manifest, REGION, { ref: TD_ARN, familyRevision: 'api:7' }, [{ targetGroupArn: TG, containerName: 'api', containerPort: 8080 }]);
    for (const f of SERVICE_FIELDS) {
      const want = f.desired(d);
      if (want === undefined) continue;
      const have = f.observed(service(), d);
      expect(f.matches ? f.matches(want, have) : sameJson(want, have), f.name).toBe(true);
    }
    expect(validateManifest(structuredClone(manifest)).ok).toBe(true);
  });

  test('is minimal (no LATEST platform, no ECS controller), references the imported task definition, keeps the ECS name and takes the service over', () => {
    const { manifest } = translateService({ service: service() }, names, REGION);
    expect(manifest.metadata.name).toBe('payments-api');
    expect(manifest.spec).toEqual({
      cluster: 'prod',
      serviceName: 'Payments_API',
      region: REGION,
      taskDefinitionRef: { name: 'api' },
      desiredCount: 3,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-b', 'subnet-a'], securityGroups: ['sg-1'] } },
      loadBalancers: [{ targetGroupArn: TG, containerName: 'api', containerPort: 8080 }],
      tags: [{ key: 'team', value: 'pay' }],
      adoptExisting: true,
    } satisfies EcsService['spec']);
  });

  test('lists Service Connect, volume and VPC Lattice configurations, a service role and a classic load balancer', () => {
    const { unexpressed } = translateService(
      {
        service: service({
          roleArn: 'arn:aws:iam::123456789012:role/ecsServiceRole',
          loadBalancers: [{ loadBalancerName: 'classic', containerName: 'api', containerPort: 8080 }],
          deployments: [
            {
              status: 'PRIMARY',
              serviceConnectConfiguration: { enabled: true, namespace: 'ns' },
              volumeConfigurations: [{ name: 'data', managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ebs' } }],
              vpcLatticeConfigurations: [{ roleArn: 'arn:aws:iam::123456789012:role/l', targetGroupArn: TG, portName: 'http' }],
            },
          ],
        }),
      },
      names,
      REGION,
    );
    expect(unexpressed.map((u) => u.field)).toEqual(
      expect.arrayContaining(['spec.serviceConnectConfiguration', 'spec.volumeConfigurations', 'spec.vpcLatticeConfigurations', 'spec.role', 'spec.loadBalancers[api].loadBalancerName']),
    );
  });
});

test('does not list settings the schema lacks at the value every new service gets (zone rebalancing), and carries a native deployment strategy', () => {
  const s = service({ availabilityZoneRebalancing: 'ENABLED', deploymentConfiguration: { ...service().deploymentConfiguration, strategy: 'ROLLING' } });
  expect(translateService({ service: s }, names, REGION).unexpressed).toEqual([]);
  const blueGreen = service({ availabilityZoneRebalancing: 'DISABLED', deploymentConfiguration: { ...service().deploymentConfiguration, strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } });
  const translated = translateService({ service: blueGreen }, names, REGION);
  expect(translated.unexpressed.map((u) => u.field)).toEqual(['spec.availabilityZoneRebalancing']);
  expect(JSON.stringify(translated)).toContain('"strategy":"BLUE_GREEN"');
  expect(JSON.stringify(translated)).toContain('"bakeTimeInMinutes":5');
});

describe('autoscaling', () => {
  const resourceId = 'service/prod/Payments_API';
  const ids = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
  const stepArn = 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/prod/Payments_API:policyName/queue depth';
  const observed: ObservedScaling = {
    target: { ...ids, MinCapacity: 2, MaxCapacity: 10, RoleARN: 'arn:aws:iam::123456789012:role/x', CreationTime: new Date(), SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false } },
    policies: [
      {
        ...ids,
        PolicyName: 'cpu70',
        PolicyARN: 'arn:cpu70',
        PolicyType: 'TargetTrackingScaling',
        CreationTime: new Date(),
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, ScaleInCooldown: 300, ScaleOutCooldown: 60, DisableScaleIn: false },
      },
      {
        ...ids,
        PolicyName: 'queue depth',
        PolicyARN: stepArn,
        PolicyType: 'StepScaling',
        CreationTime: new Date(),
        StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', Cooldown: 300, MetricAggregationType: 'Average', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 2 }] },
        Alarms: [{ AlarmName: 'queue-high', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:queue-high' }],
      },
    ] satisfies ScalingPolicy[],
    scheduledActions: [{ ...ids, ScheduledActionName: 'office-hours', ScheduledActionARN: 'arn:sa', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'UTC', CreationTime: new Date(), ScalableTargetAction: { MinCapacity: 4 } }],
    alarms: [
      {
        AlarmName: 'queue-high',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'jobs' }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'missing',
        ActionsEnabled: true,
        AlarmActions: [stepArn],
        OKActions: [],
        InsufficientDataActions: [],
      },
    ],
  };
  const { manifest, unexpressed } = translateService({ service: service(), scaling: observed }, names, REGION);

  test('is what the scaling plan finds already there: nothing to create, update or delete', () => {
    expect(unexpressed).toEqual([]);
    const autoscaling = manifest.spec.autoscaling!;
    const owner = { clusterId: 'c', kind: 'EcsService' as const, namespace: 'default', name: 'payments-api' };
    const names = new ScalingNames(owner, adoptedNamesOf(autoscaling));
    const desired = desiredScaling(autoscaling, { names, resourceId });
    expect(desired.kind).toBe('ok');
    if (desired.kind !== 'ok') return;
    expect(planScaling(desired.desired, { ...observed, alarms: observed.alarms }, { names, resourceId, driftPolicy: 'Correct', serviceDesiredCount: 3 })).toEqual([]);
  });

  test('adopts each resource by its AWS name, leaves the defaults out, and lets autoscaling own the count', () => {
    expect(manifest.spec.desiredCount).toBeUndefined();
    expect(manifest.spec.autoscaling).toEqual({
      minCapacity: 2,
      maxCapacity: 10,
      targetTracking: [{ name: 'cpu70', policyName: 'cpu70', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 70, scaleOutCooldown: 60 }],
      stepScaling: [
        {
          name: 'queue-depth',
          policyName: 'queue depth',
          adjustmentType: 'ChangeInCapacity',
          stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 2 }],
          alarm: {
            namespace: 'AWS/SQS',
            metricName: 'ApproximateNumberOfMessagesVisible',
            dimensions: [{ name: 'QueueName', value: 'jobs' }],
            statistic: 'Average',
            period: 60,
            evaluationPeriods: 2,
            threshold: 50,
            comparisonOperator: 'GreaterThanThreshold',
            alarmName: 'queue-high',
          },
        },
      ],
      scheduled: [{ name: 'office-hours', scheduledActionName: 'office-hours', schedule: 'cron(0 8 ? * MON-FRI *)', minCapacity: 4 }],
    });
  });

  test('lists an alarm setting the manifest cannot say (a notification on OK)', () => {
    const withOk: ObservedScaling = { ...observed, alarms: [{ ...observed.alarms[0]!, OKActions: ['arn:aws:sns:us-east-1:123456789012:ops'] }] };
    const { unexpressed } = translateService({ service: service(), scaling: withOk }, names, REGION);
    expect(unexpressed.map((u) => u.field)).toEqual(['spec.autoscaling.stepScaling[queue-depth].alarm.okActions']);
  });
});

describe('manifestsOf', () => {
  const now = new Date('2026-12-07T01:00:00Z');
  const td = (rev: number) => ({ taskDefinition: revision({ taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/api:${rev}`, revision: rev }), tags: [] });
  const svc = (name: string, rev: number) => ({ service: service({ serviceName: name, serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/prod/${name}`, taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/api:${rev}` }) });

  test('writes a revision several services run once, with the first of them', () => {
    const result = manifestsOf('prod', { services: [svc('b', 7), svc('a', 7)], taskDefinitions: new Map([[td(7).taskDefinition.taskDefinitionArn!, td(7)]]) }, { region: REGION, now });
    expect(result.services.map((s) => [s.name, s.manifests.map((m) => m.kind)])).toEqual([
      ['a', ['EcsTaskDefinition', 'EcsService']],
      ['b', ['EcsService']],
    ]);
    expect(result.services[0]!.text).toMatch(/^# Imported by ecs-operator import at 2026-12-07T01:00:00Z\n# from account 123456789012, region us-east-1, cluster prod\n# service arn:aws:ecs:us-east-1:123456789012:service\/prod\/a\n/);
  });

  test('names the objects of two revisions of one family apart', () => {
    const tds = new Map([7, 8].map((r) => [td(r).taskDefinition.taskDefinitionArn!, td(r)]));
    const result = manifestsOf('prod', { services: [svc('a', 7), svc('b', 8)], taskDefinitions: tds }, { region: REGION, now });
    expect(result.services.flatMap((s) => s.manifests.filter((m) => m.kind === 'EcsTaskDefinition').map((m) => [m.metadata.name, m.spec.family]))).toEqual([
      ['api-7', 'api'],
      ['api-8', 'api'],
    ]);
  });
});

describe('kubeName', () => {
  test('turns ECS names into DNS-1123 names, two ECS names never into one', () => {
    const taken = new Set<string>();
    expect(kubeName('Payments_API', taken)).toBe('payments-api');
    expect(kubeName('payments-api', taken)).toMatch(/^payments-api-[0-9a-f]{8}$/);
    expect(kubeName('web', taken)).toBe('web');
  });
});

describe('adoption is no drift', () => {
  test('a task definition revision that matches, registered outside the operator, is adopted, not registered again', () => {
    const { manifest } = translateTaskDefinition({ taskDefinition: revision(), tags: [] }, 'api', REGION);
    const desired = desiredTaskDefinition(manifest, REGION);
    const latest = { ref: { taskDefinitionArn: TD_ARN, revision: 7 }, specHash: undefined, canonical: canonicalTaskDefinition(revision()), tags: [], adopted: true as const };
    const plan = planTaskDefinition(desired, { kind: 'searched', latest, owned: [], active: new Set([TD_ARN]) }, { history: [], limit: 5, inUse: new Set(), managedTagKeys: [] });
    expect(plan.changes.map((c) => [c.action, c.adoption])).toEqual([['Adopt', true]]);
    expect(plan.current?.taskDefinitionArn).toBe(TD_ARN);
    const report = buildDriftReport([{ identity: { kind: 'EcsTaskDefinition', namespace: 'default', name: 'api' }, plan: plan.changes }], new Date());
    expect(report.summary).toMatchObject({ inSync: 1, drifted: 0, differences: 0 });
  });
});

describe('translateCluster', () => {
  const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/Prod_Cluster';
  const ASG_ARN = 'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0a1b2c3d-0000-4000-8000-000000000001:autoScalingGroupName/ecs-asg';
  const NAMESPACE = 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdefghijklmnop';
  /** A cluster as DescribeClusters (include SETTINGS, CONFIGURATIONS, TAGS) answers. */
  const described = (extra: Partial<Cluster> = {}): Cluster => ({
    clusterArn: CLUSTER_ARN,
    clusterName: 'Prod_Cluster',
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: 3,
    pendingTasksCount: 0,
    activeServicesCount: 2,
    statistics: [],
    settings: [{ name: 'containerInsights', value: 'enhanced' }],
    configuration: { executeCommandConfiguration: { logging: 'OVERRIDE', logConfiguration: { cloudWatchLogGroupName: '/ecs/exec', cloudWatchEncryptionEnabled: false } } },
    serviceConnectDefaults: { namespace: NAMESPACE },
    capacityProviders: ['ec2', 'FARGATE_SPOT', 'FARGATE'],
    defaultCapacityProviderStrategy: [
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 0 },
    ],
    tags: [{ key: 'team', value: 'platform' }, { key: 'aws:cloudformation:stack-name', value: 'prod' }],
    attachments: [],
    ...extra,
  });
  /** An Auto Scaling group provider as DescribeCapacityProviders answers: ECS's defaults filled in. */
  const ec2: CapacityProvider = {
    name: 'ec2',
    capacityProviderArn: 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/ec2',
    status: 'ACTIVE',
    updateStatus: 'UPDATE_COMPLETE',
    autoScalingGroupProvider: {
      autoScalingGroupArn: ASG_ARN,
      managedScaling: { status: 'ENABLED', targetCapacity: 80, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
      managedTerminationProtection: 'DISABLED',
      managedDraining: 'ENABLED',
    },
    tags: [],
  };
  const owner = { clusterId: 'import', kind: 'EcsCluster' as const, namespace: 'default', name: 'prod-cluster' };
  const planOf = (cluster: Cluster, providers: CapacityProvider[]) => {
    const { manifest, unexpressed } = translateCluster({ cluster, providers }, 'prod-cluster', REGION);
    const observed = { cluster, providers: new Map(providers.map((p) => [p.name ?? '', p])) };
    const plan = planCluster(desiredCluster(manifest, REGION), observed, { owner, managedTagKeys: [], ownedProviderNames: [], previousClusterName: undefined });
    return { manifest, unexpressed, plan };
  };

  test('reads to the cluster plan as the cluster it came from: adopting it and its provider is all there is, and no drift', () => {
    const { unexpressed, plan } = planOf(described(), [ec2]);
    expect(unexpressed).toEqual([]);
    expect(plan.blocked).toBeUndefined();
    expect(plan.changes.map((c) => [c.action, c.adoption])).toEqual([
      ['AdoptCapacityProvider', true],
      ['AdoptCluster', true],
    ]);
    const report = buildDriftReport([{ identity: { kind: 'EcsCluster', namespace: 'default', name: 'prod-cluster' }, plan: plan.changes }], new Date());
    expect(report.summary).toMatchObject({ inSync: 1, drifted: 0, differences: 0 });
  });

  test('is minimal: only what differs from a new cluster, Fargate providers by name, the group provider with its own settings', () => {
    const { manifest } = planOf(described(), [ec2]);
    expect(validateManifest(manifest).ok).toBe(true);
    expect(manifest.spec).toEqual({
      clusterName: 'Prod_Cluster',
      region: REGION,
      settings: { containerInsights: 'enhanced' },
      configuration: { executeCommandConfiguration: { logging: 'OVERRIDE', logConfiguration: { cloudWatchLogGroupName: '/ecs/exec' } } },
      serviceConnectDefaults: { namespace: NAMESPACE },
      capacityProviders: [{ name: 'ec2', autoScalingGroup: ASG_ARN, managedScaling: { status: 'ENABLED', targetCapacity: 80 } }, { name: 'FARGATE_SPOT' }, { name: 'FARGATE' }],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 4 }],
      tags: [{ key: 'team', value: 'platform' }],
      adoptExisting: true,
    });
  });

  test('a cluster as CreateCluster makes it with no settings is adoptExisting and nothing else', () => {
    const bare = described({ clusterName: 'prod-cluster', settings: [{ name: 'containerInsights', value: 'disabled' }], configuration: undefined, serviceConnectDefaults: undefined, capacityProviders: [], defaultCapacityProviderStrategy: [], tags: [] });
    const { manifest, unexpressed, plan } = planOf(bare, []);
    expect(manifest.spec).toEqual({ region: REGION, adoptExisting: true });
    expect(unexpressed).toEqual([]);
    expect(plan.changes.map((c) => c.action)).toEqual(['AdoptCluster']);
  });

  test('lists what the EcsCluster schema cannot hold (managed storage encryption)', () => {
    const withStorage = described({ configuration: { managedStorageConfiguration: { fargateEphemeralStorageKmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k' } } });
    const { unexpressed } = planOf(withStorage, [ec2]);
    expect(unexpressed.map((u) => u.field)).toEqual(['spec.configuration.managedStorageConfiguration']);
  });

  test('the imported services name the EcsCluster by clusterRef, written ahead of them', () => {
    const cluster = described({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', clusterName: 'prod' });
    const td = { taskDefinition: revision(), tags: [] };
    const result = manifestsOf('prod', { services: [{ service: service() }], taskDefinitions: new Map([[TD_ARN, td]]), cluster: { cluster, providers: [ec2] } }, { region: REGION, now: new Date('2026-12-07T01:00:00Z') });
    expect(result.cluster?.name).toBe('prod');
    const svc = result.services[0]!.manifests.find((m): m is EcsService => m.kind === 'EcsService')!;
    expect(svc.spec.clusterRef).toEqual({ name: 'prod' });
    expect(svc.spec.cluster).toBeUndefined();
    expect(validateManifest(svc).ok).toBe(true);
    expect(result.services[0]!.text).toMatch(/^# Imported by ecs-operator import at 2026-12-07T01:00:00Z\n# from account 123456789012, region us-east-1\n# cluster arn:aws:ecs:us-east-1:123456789012:cluster\/prod\napiVersion: \S+\nkind: EcsCluster\n/);
  });
});
