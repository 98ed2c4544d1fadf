// Manifests that users get wrong, each with the field and message they must see. The unit tests
// run them through the file source (validateManifest) and the integration tests through the real
// API server (kubectl apply), so both sources are held to the same table.
import { API_VERSION } from '../../../src/api/index.js';

type Json = Record<string, unknown>;

export interface InvalidCase {
  name: string;
  manifest: Json;
  /** Field path the error is reported at (Kubernetes notation). */
  path: string;
  /** Part of the message a user reads, the same from a file and from kubectl. */
  message: string;
}

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A valid Fargate task definition with spec fields replaced (undefined removes a field). */
export function taskDefinition(spec: Json = {}, name = 'td'): Json {
  return {
    apiVersion: API_VERSION,
    kind: 'EcsTaskDefinition',
    metadata: { name },
    spec: defined({
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', portMappings: [{ containerPort: 80 }] }],
      ...spec,
    }),
  };
}

/** A valid Fargate service with spec fields replaced (undefined removes a field). */
export function service(spec: Json = {}, name = 'svc'): Json {
  return {
    apiVersion: API_VERSION,
    kind: 'EcsService',
    metadata: { name },
    spec: defined({
      cluster: 'demo',
      taskDefinitionRef: { name: 'td' },
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] } },
      ...spec,
    }),
  };
}

const lb = (o: Json = {}) => ({ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef', containerName: 'app', containerPort: 80, ...o });
const stepPolicy = (alarm: Json = {}) => ({
  name: 'out',
  adjustmentType: 'ChangeInCapacity',
  stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }],
  alarm: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum', period: 60, evaluationPeriods: 2, threshold: 100, comparisonOperator: 'GreaterThanOrEqualToThreshold', ...alarm },
});
const advanced = (o: Json = {}) => ({
  alternateTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/0123456789abcdee',
  productionListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef',
  roleArn: 'arn:aws:iam::123456789012:role/ecs-infrastructure-elb',
  ...o,
});
const hook = (o: Json = {}) => ({ hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:check-green', roleArn: 'arn:aws:iam::123456789012:role/ecs-hooks', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], ...o });
const container = (o: Json = {}) => ({ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', ...o });

const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

export const invalidCases: InvalidCase[] = [
  // Tags: ECS takes 50 on a resource, the operator's ownership tags (2 on a service, 3 on a
  // revision) included, and only the characters of its TagKey/TagValue patterns.
  { name: 'more service tags than leave room for the 3 ownership tags', manifest: service({ tags: tags(48) }), path: 'spec.tags', message: 'must have at most 47 items' },
  { name: 'more task definition tags than leave room for the 4 ownership tags', manifest: taskDefinition({ tags: tags(47) }), path: 'spec.tags', message: 'must have at most 46 items' },
  { name: 'a tag key with a character ECS refuses', manifest: service({ tags: [{ key: 'team#1', value: 'x' }] }), path: 'spec.tags[0].key', message: 'should match' },
  { name: 'a tag value with a character ECS refuses', manifest: taskDefinition({ tags: [{ key: 'team', value: 'payments, eu' }] }), path: 'spec.tags[0].value', message: 'should match' },
  // EcsService
  {
    name: 'launchType together with capacityProviderStrategy',
    manifest: service({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }),
    path: 'spec.capacityProviderStrategy',
    message: 'launchType and capacityProviderStrategy are mutually exclusive',
  },
  {
    name: 'autoscaling minCapacity above maxCapacity',
    manifest: service({ autoscaling: { minCapacity: 5, maxCapacity: 2 } }),
    path: 'spec.autoscaling.minCapacity',
    message: 'minCapacity must not exceed maxCapacity',
  },
  {
    name: 'DAEMON service with desiredCount',
    manifest: service({ schedulingStrategy: 'DAEMON', launchType: 'EC2', networkConfiguration: undefined, desiredCount: 2 }),
    path: 'spec.desiredCount',
    message: 'a DAEMON service runs one task on each container instance and takes no desiredCount',
  },
  {
    name: 'DAEMON service with autoscaling',
    manifest: service({ schedulingStrategy: 'DAEMON', launchType: 'EC2', networkConfiguration: undefined, desiredCount: undefined, autoscaling: { minCapacity: 1, maxCapacity: 2 } }),
    path: 'spec.autoscaling',
    message: 'a DAEMON service cannot be autoscaled',
  },
  {
    name: 'both taskDefinitionRef and taskDefinition',
    manifest: service({ taskDefinition: 'web:3' }),
    path: 'spec',
    message: 'set exactly one of taskDefinitionRef (an EcsTaskDefinition in this namespace) and taskDefinition',
  },
  {
    name: 'neither taskDefinitionRef nor taskDefinition',
    manifest: service({ taskDefinitionRef: undefined }),
    path: 'spec',
    message: 'set exactly one of taskDefinitionRef',
  },
  {
    name: 'load balancer with an empty containerName',
    manifest: service({ loadBalancers: [lb({ containerName: '' })] }),
    path: 'spec.loadBalancers[0].containerName',
    message: 'should be at least 1 chars long',
  },
  {
    name: 'load balancer containerPort 0',
    manifest: service({ loadBalancers: [lb({ containerPort: 0 })] }),
    path: 'spec.loadBalancers[0].containerPort',
    message: 'should be greater than or equal to 1',
  },
  {
    name: 'load balancer containerPort above 65535',
    manifest: service({ loadBalancers: [lb({ containerPort: 70000 })] }),
    path: 'spec.loadBalancers[0].containerPort',
    message: 'should be less than or equal to 65535',
  },
  {
    name: 'load balancer with both targetGroupArn and targetGroupName',
    manifest: service({ loadBalancers: [lb({ targetGroupName: 'web' })] }),
    path: 'spec.loadBalancers[0]',
    message: 'a load balancer takes exactly one of targetGroupArn and targetGroupName',
  },
  {
    name: 'ALBRequestCountPerTarget without a load balancer',
    manifest: service({ autoscaling: { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget', targetValue: 100 }] } }),
    path: 'spec.autoscaling.targetTracking',
    message: 'ALBRequestCountPerTarget needs a load balancer in spec.loadBalancers or an explicit resourceLabel',
  },
  {
    name: 'launchType not spelled as ECS spells it',
    manifest: service({ launchType: 'fargate' }),
    path: 'spec.launchType',
    message: 'Unsupported value: "fargate": supported values: "FARGATE", "EC2", "EXTERNAL", "MANAGED_INSTANCES"',
  },
  {
    name: 'unknown driftPolicy',
    manifest: service({ driftPolicy: 'Ignore' }),
    path: 'spec.driftPolicy',
    message: 'Unsupported value: "Ignore": supported values: "Correct", "Report"',
  },
  {
    name: 'Fargate service without networkConfiguration',
    manifest: service({ networkConfiguration: undefined }),
    path: 'spec.networkConfiguration',
    message: 'a Fargate service needs networkConfiguration.awsvpcConfiguration',
  },
  {
    name: 'two capacity providers with a base',
    manifest: service({
      launchType: undefined,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 1 },
      ],
    }),
    path: 'spec.capacityProviderStrategy',
    message: 'only one capacity provider in a strategy can have a base greater than 0',
  },
  {
    name: 'REPLICA service without desiredCount or autoscaling',
    manifest: service({ desiredCount: undefined }),
    path: 'spec.desiredCount',
    message: 'a REPLICA service needs desiredCount',
  },
  {
    name: 'step scaling alarm with a 45 second period',
    manifest: service({ autoscaling: { minCapacity: 1, maxCapacity: 4, stepScaling: [stepPolicy({ period: 45 })] } }),
    path: 'spec.autoscaling.stepScaling[0].alarm.period',
    message: 'period must be 10, 20, 30 or a multiple of 60 seconds',
  },
  {
    name: 'target tracking with both a predefined and a customized metric',
    manifest: service({
      autoscaling: {
        minCapacity: 1,
        maxCapacity: 4,
        targetTracking: [{ name: 'cpu', predefinedMetric: 'ECSServiceAverageCPUUtilization', customizedMetric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Average' }, targetValue: 50 }],
      },
    }),
    path: 'spec.autoscaling.targetTracking[0]',
    message: 'a target tracking policy takes exactly one of predefinedMetric and customizedMetric',
  },
  {
    name: 'a misspelled field',
    manifest: service({ desiredcount: 2 }),
    path: 'spec.desiredcount',
    message: 'unknown field "spec.desiredcount"',
  },
  {
    name: 'a name with a dot and no serviceName',
    manifest: service({}, 'web.v2'),
    path: 'spec.serviceName',
    message: 'metadata.name contains a dot, which ECS service names cannot: set spec.serviceName',
  },
  {
    name: 'scheduled action that changes nothing',
    manifest: service({ autoscaling: { minCapacity: 1, maxCapacity: 4, scheduled: [{ name: 'night', schedule: 'cron(0 22 * * ? *)' }] } }),
    path: 'spec.autoscaling.scheduled[0]',
    message: 'a scheduled action needs minCapacity, maxCapacity or both',
  },
  {
    name: 'deployment minimumHealthyPercent above maximumPercent',
    manifest: service({ deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 50 } }),
    path: 'spec.deploymentConfiguration.minimumHealthyPercent',
    message: 'minimumHealthyPercent must not exceed maximumPercent',
  },
  {
    name: 'scheduled action ending before it starts',
    manifest: service({
      autoscaling: { minCapacity: 1, maxCapacity: 4, scheduled: [{ name: 'promo', schedule: 'rate(1 hour)', maxCapacity: 8, startTime: '2030-05-02T00:00:00Z', endTime: '2030-05-01T00:00:00Z' }] },
    }),
    path: 'spec.autoscaling.scheduled[0].startTime',
    message: 'startTime must be before endTime',
  },
  // EcsTaskDefinition
  {
    name: 'FARGATE task definition in bridge mode',
    manifest: taskDefinition({ networkMode: 'bridge' }),
    path: 'spec.networkMode',
    message: 'a FARGATE task definition needs networkMode: awsvpc',
  },
  {
    name: 'FARGATE task definition without task-level cpu, reported at cpu',
    manifest: taskDefinition({ cpu: undefined }),
    path: 'spec.cpu',
    message: 'a FARGATE task definition needs task-level cpu: 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units',
  },
  {
    name: 'FARGATE task definition without task-level memory, reported at memory',
    manifest: taskDefinition({ memory: undefined }),
    path: 'spec.memory',
    message: 'a FARGATE task definition needs task-level memory',
  },
  {
    name: 'FARGATE cpu that is no Fargate size, reported at cpu',
    manifest: taskDefinition({ cpu: 300, memory: '512' }),
    path: 'spec.cpu',
    message: 'cpu 300 is not a Fargate size: Fargate takes 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units',
  },
  {
    name: 'FARGATE cpu 256 with 4 GiB of memory, reported at memory with the sizes cpu 256 takes',
    manifest: taskDefinition({ cpu: 256, memory: '4096' }),
    path: 'spec.memory',
    message: 'memory 4096 does not fit cpu 256 on Fargate: cpu 256 takes memory 512, 1024 or 2048',
  },
  {
    name: 'a container memory hard limit above the task memory',
    manifest: taskDefinition({ containerDefinitions: [container({ memory: 1024 }), container({ name: 'sidecar', memory: 256 })] }),
    path: 'spec.containerDefinitions',
    message: "a container's memory (hard limit) exceeds the task memory of 512 MiB",
  },
  {
    name: 'container memoryReservation values adding up to more than the task memory',
    manifest: taskDefinition({ containerDefinitions: [container({ memoryReservation: 300 }), container({ name: 'sidecar', memoryReservation: 300 })] }),
    path: 'spec.containerDefinitions',
    message: "the containers' memoryReservation values add up to more than the task memory of 512 MiB",
  },
  {
    name: 'container cpu values adding up to more than the task cpu',
    manifest: taskDefinition({ containerDefinitions: [container({ cpu: 200 }), container({ name: 'sidecar', cpu: 100 })] }),
    path: 'spec.containerDefinitions',
    message: "the containers' cpu values add up to more than the task cpu of 256 CPU units",
  },
  {
    name: 'two containers with the same name',
    manifest: taskDefinition({ containerDefinitions: [container(), container({ image: 'busybox:1.36' })] }),
    path: 'spec.containerDefinitions',
    message: 'container names must be unique',
  },
  {
    name: 'dependsOn a container that does not exist',
    manifest: taskDefinition({ containerDefinitions: [container({ dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] })] }),
    path: 'spec.containerDefinitions',
    message: 'dependsOn[].containerName must name another container of this task definition',
  },
  {
    name: 'mount point of an undeclared volume',
    manifest: taskDefinition({ containerDefinitions: [container({ mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] })] }),
    path: 'spec.containerDefinitions',
    message: 'mountPoints[].sourceVolume must name a volume in spec.volumes',
  },
  {
    name: 'a region in no AWS partition',
    manifest: taskDefinition({ region: 'xx-fake-1' }),
    path: 'spec.region',
    message: 'must be an AWS region such as us-east-1, eu-west-1 or cn-north-1: this one is in no AWS partition',
  },
  {
    name: 'a service in a region in no AWS partition',
    manifest: service({ region: 'zz-north-1' }),
    path: 'spec.region',
    message: 'this one is in no AWS partition',
  },
  {
    name: 'awslogs without a log group',
    manifest: taskDefinition({ containerDefinitions: [container({ logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1' } } })] }),
    path: 'spec.containerDefinitions[0].logConfiguration.options',
    message: 'the awslogs log driver needs options awslogs-group and awslogs-region',
  },
  {
    name: 'EFS access point without transit encryption',
    manifest: taskDefinition({
      volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123abcd', authorizationConfig: { accessPointId: 'fsap-0123abcd' } } }],
    }),
    path: 'spec.volumes[0].efsVolumeConfiguration.transitEncryption',
    message: 'an EFS access point needs transitEncryption: ENABLED',
  },
  {
    name: 'compatibility not spelled as ECS spells it',
    manifest: taskDefinition({ requiresCompatibilities: ['Fargate'] }),
    path: 'spec.requiresCompatibilities[0]',
    message: 'Unsupported value: "Fargate"',
  },
  {
    name: 'cpu given in vCPU words',
    manifest: taskDefinition({ cpu: '0.25 vCPU' }),
    path: 'spec.cpu',
    message: "should match '^[0-9]+$'",
  },
  {
    name: 'awsvpc hostPort different from containerPort',
    manifest: taskDefinition({ containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })] }),
    path: 'spec.containerDefinitions',
    message: "under networkMode awsvpc a port mapping's hostPort must be omitted or equal to its containerPort",
  },
  {
    name: 'no essential container',
    manifest: taskDefinition({ containerDefinitions: [container({ essential: false })] }),
    path: 'spec.containerDefinitions',
    message: 'at least one container must be essential',
  },
  {
    name: 'memoryReservation above memory',
    manifest: taskDefinition({ containerDefinitions: [container({ memory: 256, memoryReservation: 512 })] }),
    path: 'spec.containerDefinitions[0].memoryReservation',
    message: 'memoryReservation must not exceed memory',
  },
  {
    name: 'a container without an image',
    manifest: taskDefinition({ containerDefinitions: [{ name: 'app' }] }),
    path: 'spec.containerDefinitions[0].image',
    message: 'Required value',
  },
  {
    name: 'duplicate environment variable',
    manifest: taskDefinition({ containerDefinitions: [container({ environment: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })] }),
    path: 'spec.containerDefinitions[0].environment[1]',
    message: 'Duplicate value: {"name":"A"}',
  },
  // EcsService deployment strategies (ECS API reference: DeploymentConfiguration, LinearConfiguration,
  // CanaryConfiguration, AdvancedConfiguration; developer guide: blue/green, linear and canary deployments).
  {
    name: 'BLUE_GREEN without bakeTimeInMinutes',
    manifest: service({ deploymentConfiguration: { strategy: 'BLUE_GREEN' } }),
    path: 'spec.deploymentConfiguration.bakeTimeInMinutes',
    message: 'a BLUE_GREEN deployment needs bakeTimeInMinutes',
  },
  {
    name: 'bakeTimeInMinutes with the rolling strategy',
    manifest: service({ deploymentConfiguration: { bakeTimeInMinutes: 5 } }),
    path: 'spec.deploymentConfiguration.bakeTimeInMinutes',
    message: 'bakeTimeInMinutes applies to the BLUE_GREEN, LINEAR and CANARY strategies',
  },
  {
    name: 'bakeTimeInMinutes above a day',
    manifest: service({ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1441 } }),
    path: 'spec.deploymentConfiguration.bakeTimeInMinutes',
    message: 'should be less than or equal to 1440',
  },
  {
    name: 'linearConfiguration with the CANARY strategy',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })], deploymentConfiguration: { strategy: 'CANARY', linearConfiguration: { stepPercent: 10 } } }),
    path: 'spec.deploymentConfiguration.linearConfiguration',
    message: 'linearConfiguration applies only to strategy LINEAR',
  },
  {
    name: 'canaryConfiguration with the LINEAR strategy',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })], deploymentConfiguration: { strategy: 'LINEAR', canaryConfiguration: { canaryPercent: 10 } } }),
    path: 'spec.deploymentConfiguration.canaryConfiguration',
    message: 'canaryConfiguration applies only to strategy CANARY',
  },
  {
    name: 'a linear step below 3 percent',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })], deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2.5 } } }),
    path: 'spec.deploymentConfiguration.linearConfiguration.stepPercent',
    message: 'should be greater than or equal to 3',
  },
  {
    name: 'a canary percent that is not a multiple of 0.1',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })], deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 12.25 } } }),
    path: 'spec.deploymentConfiguration.canaryConfiguration.canaryPercent',
    message: 'canaryPercent must be a multiple of 0.1',
  },
  {
    name: 'a native strategy under the CODE_DEPLOY controller',
    manifest: service({ deploymentController: { type: 'CODE_DEPLOY' }, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } }),
    path: 'spec.deploymentConfiguration.strategy',
    message: 'the BLUE_GREEN, LINEAR and CANARY strategies need deploymentController type ECS',
  },
  {
    name: 'BLUE_GREEN with a load balancer that has no advancedConfiguration',
    manifest: service({ loadBalancers: [lb()], deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } }),
    path: 'spec.loadBalancers',
    message: 'every load balancer needs advancedConfiguration',
  },
  {
    name: 'advancedConfiguration with the rolling strategy',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })] }),
    path: 'spec.loadBalancers',
    message: 'advancedConfiguration shifts traffic for the BLUE_GREEN, LINEAR and CANARY strategies',
  },
  {
    name: 'LINEAR without a load balancer',
    manifest: service({ deploymentConfiguration: { strategy: 'LINEAR' } }),
    path: 'spec.loadBalancers',
    message: 'LINEAR and CANARY deployments shift production traffic through a load balancer',
  },
  {
    name: 'advancedConfiguration with both an alternate target group ARN and name',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced({ alternateTargetGroupName: 'green' }) })], deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } }),
    path: 'spec.loadBalancers[0].advancedConfiguration',
    message: 'advancedConfiguration takes exactly one of alternateTargetGroupArn and alternateTargetGroupName',
  },
  {
    name: 'an alternate target group that is the target group itself',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced({ alternateTargetGroupArn: lb().targetGroupArn }) })], deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 } }),
    path: 'spec.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn',
    message: 'the alternate target group must differ from the target group',
  },
  {
    name: 'a lifecycle hook without stages',
    manifest: service({ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [hook({ lifecycleStages: [] })] } }),
    path: 'spec.deploymentConfiguration.lifecycleHooks[0].lifecycleStages',
    message: 'should have at least 1 items',
  },
  {
    name: 'a lifecycle hook at a stage ECS does not have',
    manifest: service({ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [hook({ lifecycleStages: ['BAKE_TIME'] })] } }),
    path: 'spec.deploymentConfiguration.lifecycleHooks[0].lifecycleStages[0]',
    message: 'Unsupported value: "BAKE_TIME"',
  },
  {
    name: 'the circuit breaker with the LINEAR strategy',
    manifest: service({ loadBalancers: [lb({ advancedConfiguration: advanced() })], deploymentConfiguration: { strategy: 'LINEAR', deploymentCircuitBreaker: { enable: true, rollback: true } } }),
    path: 'spec.deploymentConfiguration.deploymentCircuitBreaker',
    message: 'the deployment circuit breaker works with the ROLLING and BLUE_GREEN strategies',
  },
];
