// EcsService: what CreateService/UpdateService take, in lowerCamelCase, plus the operator's own
// fields (region, taskDefinitionRef, autoscaling, the policies and the opt-ins).
import { Type, type Static } from '@sinclair/typebox';
import { Autoscaling } from './autoscaling.js';
import { CEL_RULES_KEY, DeletionPolicy, DriftPolicy, EcsName, Region, StringEnum, StringSet, Struct, Tags, uniqueBy, type CelRule } from './common.js';

const TARGET_GROUP_ARN_PATTERN = '^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/[a-zA-Z0-9-]+/[0-9a-f]+$';
const TARGET_GROUP_NAME = { minLength: 1, maxLength: 32, pattern: '^[a-zA-Z0-9-]+$' };
// A production or test route: an Application Load Balancer's listener rule, or a Network Load
// Balancer's listener (AdvancedConfiguration, ECS API reference).
const LISTENER_OR_RULE_PATTERN = '^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:(listener|listener-rule)/(app|net)/[a-zA-Z0-9-]+/[a-zA-Z0-9]+/[a-zA-Z0-9]+(/[a-zA-Z0-9]+)?$';
const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9+=,.@_/-]+$';

const AdvancedConfiguration = Struct(
  'Blue/green, linear and canary traffic shifting for this target group (ECS-native deployment strategies): ECS registers the new revision\'s tasks with the alternate target group, moves test traffic on the test listener rule, then production traffic on the production listener rule, and the two target groups swap roles when the deployment succeeds.',
  {
    alternateTargetGroupArn: Type.Optional(Type.String({ description: 'ARN of the alternate (green) target group. Give this or alternateTargetGroupName.', maxLength: 2048, pattern: TARGET_GROUP_ARN_PATTERN })),
    alternateTargetGroupName: Type.Optional(
      Type.String({ description: 'Name of the alternate target group, in the service\'s region; the operator looks up its ARN (recorded in status.loadBalancers). Give this or alternateTargetGroupArn.', ...TARGET_GROUP_NAME }),
    ),
    productionListenerRule: Type.String({ description: 'ARN of the listener rule (Application Load Balancer) or listener (Network Load Balancer) that routes production traffic; ECS moves its weights between the two target groups.', maxLength: 2048, pattern: LISTENER_OR_RULE_PATTERN }),
    testListenerRule: Type.Optional(Type.String({ description: 'ARN of the listener rule or listener that routes test traffic to the new revision before production traffic moves.', maxLength: 2048, pattern: LISTENER_OR_RULE_PATTERN })),
    roleArn: Type.String({ description: 'ARN of the IAM role that lets ECS call the Elastic Load Balancing APIs (the Amazon ECS infrastructure role for load balancers).', maxLength: 2048, pattern: ROLE_ARN_PATTERN }),
  },
  {
    rules: [
      {
        rule: 'has(self.alternateTargetGroupArn) != has(self.alternateTargetGroupName)',
        message: 'advancedConfiguration takes exactly one of alternateTargetGroupArn and alternateTargetGroupName',
      },
      {
        rule: '!has(self.testListenerRule) || self.testListenerRule != self.productionListenerRule',
        message: 'the test listener rule must differ from the production listener rule',
        fieldPath: '.testListenerRule',
      },
    ],
  },
);

export const LoadBalancer = Struct(
  'Registers the service\'s tasks with an Elastic Load Balancing target group.',
  {
    targetGroupArn: Type.Optional(
      Type.String({
        description: 'ARN of the target group. Give this or targetGroupName.',
        maxLength: 2048,
        pattern: TARGET_GROUP_ARN_PATTERN,
      }),
    ),
    targetGroupName: Type.Optional(
      Type.String({
        description: 'Name of the target group, in the service\'s region; the operator looks up its ARN and records it in status.loadBalancers. Give this or targetGroupArn.',
        ...TARGET_GROUP_NAME,
      }),
    ),
    containerName: Type.String({ description: 'Container (in the task definition) that receives the traffic.', minLength: 1, maxLength: 255 }),
    containerPort: Type.Integer({ description: 'Port of that container that receives the traffic (1-65535); a portMappings[].containerPort of the container.', minimum: 1, maximum: 65535 }),
    advancedConfiguration: Type.Optional(AdvancedConfiguration),
  },
  {
    rules: [
      {
        rule: 'has(self.targetGroupArn) != has(self.targetGroupName)',
        message: 'a load balancer takes exactly one of targetGroupArn and targetGroupName',
      },
      {
        rule: '!has(self.advancedConfiguration) || !has(self.targetGroupArn) || !has(self.advancedConfiguration.alternateTargetGroupArn) || self.advancedConfiguration.alternateTargetGroupArn != self.targetGroupArn',
        message: 'the alternate target group must differ from the target group',
        fieldPath: '.advancedConfiguration.alternateTargetGroupArn',
      },
      {
        rule: '!has(self.advancedConfiguration) || !has(self.targetGroupName) || !has(self.advancedConfiguration.alternateTargetGroupName) || self.advancedConfiguration.alternateTargetGroupName != self.targetGroupName',
        message: 'the alternate target group must differ from the target group',
        fieldPath: '.advancedConfiguration.alternateTargetGroupName',
      },
    ],
  },
);

export const CapacityProviderStrategyItem = Struct('A capacity provider and its share of the tasks.', {
  capacityProvider: EcsName('Capacity provider name, for example FARGATE, FARGATE_SPOT or an Auto Scaling group provider of the cluster.'),
  weight: Type.Optional(Type.Integer({ description: 'Relative share of the tasks placed beyond the bases (0-1000). ECS defaults to 0.', minimum: 0, maximum: 1000 })),
  base: Type.Optional(Type.Integer({ description: 'Tasks placed on this provider first, before weights apply (0-100000). Only one provider of a strategy can have a base.', minimum: 0, maximum: 100000 })),
});

/**
 * A capacity provider strategy: each provider once, at most one base above 0, plus `rules` of the
 * place it is used (a cluster's default strategy adds its own).
 */
export function CapacityProviderStrategy(description: string, rules: readonly CelRule[] = []) {
  return Type.Array(CapacityProviderStrategyItem, {
    description,
    minItems: 1,
    maxItems: 20,
    [CEL_RULES_KEY]: [
      uniqueBy('capacityProvider', 'capacity providers in a strategy'),
      {
        rule: 'size(self.filter(c, has(c.base) && c.base > 0)) <= 1',
        message: 'only one capacity provider in a strategy can have a base greater than 0',
      },
      ...rules,
    ] satisfies CelRule[],
  });
}

const AwsvpcConfiguration = Struct('Network interfaces of tasks under awsvpc.', {
  subnets: StringSet('Subnet ids the tasks are placed in (1-16), for example subnet-0123456789abcdef0. Order does not matter.', Type.String({ description: 'A subnet id.', pattern: '^subnet-[0-9a-zA-Z]+$', maxLength: 64 }), 16, { minItems: 1 }),
  securityGroups: Type.Optional(
    StringSet('Security group ids of the tasks (up to 5), for example sg-0123456789abcdef0. Order does not matter. ECS uses the VPC\'s default group when omitted.', Type.String({ description: 'A security group id.', pattern: '^sg-[0-9a-zA-Z]+$', maxLength: 64 }), 5),
  ),
  assignPublicIp: Type.Optional(StringEnum(['ENABLED', 'DISABLED'], 'Give each task a public IP (Fargate tasks in public subnets need it to pull images without a NAT). ECS defaults to DISABLED.')),
});

export const NetworkConfiguration = Struct('Network settings of tasks under awsvpc (required on Fargate).', {
  awsvpcConfiguration: AwsvpcConfiguration,
});

const K8S_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** An ECS cluster by name or ARN, for a `what` (service, task) that runs in it. */
export const ClusterName = (what: string) =>
  Type.String({
    description: `ECS cluster (name or ARN) that runs the ${what}. Give this or clusterRef.`,
    minLength: 1,
    maxLength: 2048,
    pattern: '^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/)?[a-zA-Z0-9_-]+$',
  });

export const ClusterRef = (what: string) =>
  Struct(`An EcsCluster in the same namespace. The ${what} waits until it is Ready, then runs in its ECS cluster and region. Give this or cluster.`, {
    name: Type.String({ description: 'metadata.name of the EcsCluster.', minLength: 1, maxLength: 253, pattern: K8S_NAME }),
  });

/** `follows` says what the referring object does with the revisions the EcsTaskDefinition registers. */
export const TaskDefinitionRef = (follows: string) =>
  Struct(`An EcsTaskDefinition in the same namespace. ${follows} Give this or taskDefinition.`, {
    name: Type.String({ description: 'metadata.name of the EcsTaskDefinition.', minLength: 1, maxLength: 253, pattern: K8S_NAME }),
  });

export const TaskDefinitionLiteral = Type.String({
  description: 'A task definition not managed by this operator: family (latest ACTIVE revision), family:revision or a full ARN. Give this or taskDefinitionRef.',
  maxLength: 2048,
  pattern: '^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/)?[a-zA-Z0-9_-]+(:[0-9]+)?$',
});

const BakeMinutes = (description: string) => Type.Integer({ description: `${description} (0-1440 minutes).`, minimum: 0, maximum: 1440 });

/** Percentages ECS takes in steps of 0.1 (LinearConfiguration, CanaryConfiguration): checked to a tolerance, as doubles. */
const tenths = (what: string): CelRule => ({
  rule: 'self * 10.0 - double(int(self * 10.0 + 0.5)) < 0.0001 && double(int(self * 10.0 + 0.5)) - self * 10.0 < 0.0001',
  message: `${what} must be a multiple of 0.1`,
});

export const DEPLOYMENT_STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;

export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;

const LifecycleHook = Struct('A Lambda function ECS invokes at the given stages of a deployment; its answer (SUCCEEDED, FAILED or IN_PROGRESS) lets the deployment go on, rolls it back, or has ECS ask again.', {
  hookTargetArn: Type.String({
    description: 'ARN of the Lambda function, for example arn:aws:lambda:us-east-1:123456789012:function:check-green.',
    maxLength: 2048,
    pattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]+(:[a-zA-Z0-9_$-]+)?$',
  }),
  roleArn: Type.String({ description: 'ARN of the IAM role that lets ECS invoke the function.', maxLength: 2048, pattern: ROLE_ARN_PATTERN }),
  lifecycleStages: Type.Array(StringEnum(LIFECYCLE_STAGES, 'A stage at which ECS invokes the hook.'), {
    description: 'Stages at which ECS invokes the hook. Order does not matter.',
    minItems: 1,
    maxItems: LIFECYCLE_STAGES.length,
    'x-kubernetes-list-type': 'set',
  }),
});

const DeploymentConfiguration = Struct(
  'How ECS deploys a new revision of the service: the strategy, its percents and bake times, lifecycle hooks, and what fails a deployment (circuit breaker, alarms).',
  {
    strategy: Type.Optional(
      StringEnum(
        DEPLOYMENT_STRATEGIES,
        'ROLLING (the default) replaces tasks within maximumPercent and minimumHealthyPercent. BLUE_GREEN starts the new revision beside the old one, moves test then all production traffic to it, and keeps the old one for bakeTimeInMinutes. LINEAR moves production traffic in equal steps (linearConfiguration), CANARY a first share then the rest (canaryConfiguration). The last three need the ECS deployment controller and, with load balancers, each load balancer\'s advancedConfiguration. status.rollout shows the stage a deployment is in.',
      ),
    ),
    maximumPercent: Type.Optional(Type.Integer({ description: 'Upper limit of running plus pending tasks during a deployment, in percent of desiredCount. ECS defaults to 200.', minimum: 0, maximum: 2000 })),
    minimumHealthyPercent: Type.Optional(Type.Integer({ description: 'Lower limit of healthy tasks during a deployment, in percent of desiredCount. ECS defaults to 100.', minimum: 0, maximum: 100 })),
    bakeTimeInMinutes: Type.Optional(BakeMinutes('BLUE_GREEN, LINEAR and CANARY: how long the old and new revisions both run after all production traffic moved, before the old one is stopped; an alarm or a hook can still roll back meanwhile. Required with BLUE_GREEN')),
    linearConfiguration: Type.Optional(
      Struct('LINEAR: the steps production traffic moves in.', {
        stepPercent: Type.Optional(Type.Number({ description: 'Share of production traffic moved at each step, 3.0 to 100.0 in steps of 0.1. ECS defaults to 10.0.', minimum: 3, maximum: 100, [CEL_RULES_KEY]: [tenths('stepPercent')] })),
        stepBakeTimeInMinutes: Type.Optional(BakeMinutes('Wait between two steps (not after the last one). ECS defaults to 6')),
      }),
    ),
    canaryConfiguration: Type.Optional(
      Struct('CANARY: the share of production traffic the new revision gets first, and for how long.', {
        canaryPercent: Type.Optional(Type.Number({ description: 'Share of production traffic moved first, 0.1 to 100.0 in steps of 0.1. ECS defaults to 5.0.', minimum: 0.1, maximum: 100, [CEL_RULES_KEY]: [tenths('canaryPercent')] })),
        canaryBakeTimeInMinutes: Type.Optional(BakeMinutes('Wait before the rest of the traffic moves. ECS defaults to 10')),
      }),
    ),
    lifecycleHooks: Type.Optional(Type.Array(LifecycleHook, { description: 'Lambda functions ECS invokes at stages of each deployment (at most 10 here); a hook that fails rolls the deployment back, and the object reports Stalled naming it.', maxItems: 10 })),
    deploymentCircuitBreaker: Type.Optional(
      Struct('Stops a deployment whose tasks keep failing to start (ROLLING and BLUE_GREEN).', {
        enable: Type.Boolean({ description: 'Turn the circuit breaker on.' }),
        rollback: Type.Boolean({ description: 'Roll back to the last completed deployment when the breaker trips. The object then reports Stalled with the failed task definition in status.rollout.' }),
      }),
    ),
    alarms: Type.Optional(
      Struct('CloudWatch alarms that fail a deployment when they go to ALARM (with every strategy; during BLUE_GREEN, LINEAR and CANARY deployments also through the bake time).', {
        alarmNames: Type.Array(Type.String({ description: 'An alarm name.', minLength: 1, maxLength: 255 }), { description: 'Names of the alarms watched during a deployment.', minItems: 1, maxItems: 10 }),
        enable: Type.Boolean({ description: 'Watch the alarms.' }),
        rollback: Type.Boolean({ description: 'Roll back when an alarm fires.' }),
      }),
    ),
  },
  {
    rules: [
      {
        rule: '!has(self.maximumPercent) || !has(self.minimumHealthyPercent) || self.minimumHealthyPercent <= self.maximumPercent',
        message: 'minimumHealthyPercent must not exceed maximumPercent',
        fieldPath: '.minimumHealthyPercent',
      },
      {
        rule: "!has(self.strategy) || self.strategy != 'BLUE_GREEN' || has(self.bakeTimeInMinutes)",
        message: 'a BLUE_GREEN deployment needs bakeTimeInMinutes (0-1440): how long the old revision keeps running after production traffic moved',
        fieldPath: '.bakeTimeInMinutes',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.bakeTimeInMinutes) || (has(self.strategy) && self.strategy != 'ROLLING')",
        message: 'bakeTimeInMinutes applies to the BLUE_GREEN, LINEAR and CANARY strategies: set strategy, or remove it',
        fieldPath: '.bakeTimeInMinutes',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "!has(self.linearConfiguration) || (has(self.strategy) && self.strategy == 'LINEAR')",
        message: 'linearConfiguration applies only to strategy LINEAR',
        fieldPath: '.linearConfiguration',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "!has(self.canaryConfiguration) || (has(self.strategy) && self.strategy == 'CANARY')",
        message: 'canaryConfiguration applies only to strategy CANARY',
        fieldPath: '.canaryConfiguration',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "!has(self.deploymentCircuitBreaker) || !self.deploymentCircuitBreaker.enable || !has(self.strategy) || self.strategy in ['ROLLING', 'BLUE_GREEN']",
        message: 'the deployment circuit breaker works with the ROLLING and BLUE_GREEN strategies; use alarms to fail LINEAR and CANARY deployments',
        fieldPath: '.deploymentCircuitBreaker',
      },
    ],
  },
);

const PlacementConstraint = Struct(
  'A rule for where tasks may be placed (EC2).',
  {
    type: StringEnum(['distinctInstance', 'memberOf'], 'distinctInstance: each task on a different instance; memberOf: instances that match expression.'),
    expression: Type.Optional(Type.String({ description: 'Cluster query language expression, for memberOf, for example attribute:ecs.availability-zone in [us-east-1a, us-east-1b].', minLength: 1, maxLength: 2000 })),
  },
  {
    rules: [
      { rule: "self.type != 'memberOf' || has(self.expression)", message: 'a memberOf placement constraint needs an expression', fieldPath: '.expression', reason: 'FieldValueRequired' },
      { rule: "self.type != 'distinctInstance' || !has(self.expression)", message: 'a distinctInstance placement constraint takes no expression', fieldPath: '.expression', reason: 'FieldValueForbidden' },
    ],
  },
);

const PlacementStrategy = Struct(
  'How tasks are spread over instances (EC2).',
  {
    type: StringEnum(['random', 'spread', 'binpack'], 'random; spread evenly over the values of field; binpack onto the fewest instances by cpu or memory.'),
    field: Type.Optional(Type.String({ description: 'For spread: instanceId, host or an attribute such as attribute:ecs.availability-zone; for binpack: cpu or memory.', minLength: 1, maxLength: 255 })),
  },
  {
    rules: [
      { rule: "self.type == 'random' || has(self.field)", message: 'spread and binpack placement strategies need a field', fieldPath: '.field', reason: 'FieldValueRequired' },
      { rule: "self.type != 'random' || !has(self.field)", message: 'the random placement strategy takes no field', fieldPath: '.field', reason: 'FieldValueForbidden' },
      { rule: "self.type != 'binpack' || self.field in ['cpu', 'memory']", message: 'a binpack placement strategy\'s field must be cpu or memory', fieldPath: '.field' },
    ],
  },
);

const ServiceRegistry = Struct('Registers tasks in AWS Cloud Map service discovery.', {
  registryArn: Type.String({ description: 'ARN of the Cloud Map service.', maxLength: 2048, pattern: '^arn:aws[a-z-]*:servicediscovery:.+' }),
  port: Type.Optional(Type.Integer({ description: 'Port for SRV records (awsvpc).', minimum: 1, maximum: 65535 })),
  containerName: Type.Optional(Type.String({ description: 'Container for SRV records (bridge/host).', minLength: 1, maxLength: 255 })),
  containerPort: Type.Optional(Type.Integer({ description: 'Container port for SRV records (bridge/host).', minimum: 1, maximum: 65535 })),
});

const IS_DAEMON = "has(self.schedulingStrategy) && self.schedulingStrategy == 'DAEMON'";
const NATIVE_STRATEGY = "(has(self.deploymentConfiguration) && has(self.deploymentConfiguration.strategy) && self.deploymentConfiguration.strategy != 'ROLLING')";
export const USES_FARGATE =
  "(has(self.launchType) && self.launchType == 'FARGATE') || (has(self.capacityProviderStrategy) && self.capacityProviderStrategy.exists(c, c.capacityProvider in ['FARGATE', 'FARGATE_SPOT']))";

/** Where tasks run and what they run: the same choices for a service and for the kinds that run tasks (run-task.ts). */
export const PLACEMENT_RULES: readonly CelRule[] = [
  {
    rule: 'has(self.cluster) != has(self.clusterRef)',
    message: 'set exactly one of cluster (an ECS cluster name or ARN) and clusterRef (an EcsCluster in this namespace)',
  },
  {
    rule: 'has(self.taskDefinitionRef) != has(self.taskDefinition)',
    message: 'set exactly one of taskDefinitionRef (an EcsTaskDefinition in this namespace) and taskDefinition (family, family:revision or ARN)',
  },
  {
    rule: '!(has(self.launchType) && has(self.capacityProviderStrategy))',
    message: 'launchType and capacityProviderStrategy are mutually exclusive: set one, or neither to use the cluster\'s default capacity provider strategy',
    fieldPath: '.capacityProviderStrategy',
    reason: 'FieldValueForbidden',
  },
];

const serviceRules: CelRule[] = [
  ...PLACEMENT_RULES,
  {
    rule: `!(${IS_DAEMON}) || !has(self.desiredCount)`,
    message: 'a DAEMON service runs one task on each container instance and takes no desiredCount',
    fieldPath: '.desiredCount',
    reason: 'FieldValueForbidden',
  },
  {
    rule: `!(${IS_DAEMON}) || !has(self.autoscaling)`,
    message: 'a DAEMON service cannot be autoscaled: remove autoscaling or use schedulingStrategy REPLICA',
    fieldPath: '.autoscaling',
    reason: 'FieldValueForbidden',
  },
  {
    rule: `!(${IS_DAEMON}) || !(${USES_FARGATE})`,
    message: 'Fargate does not run DAEMON services',
    fieldPath: '.schedulingStrategy',
  },
  {
    rule: `${IS_DAEMON} || has(self.desiredCount) || has(self.autoscaling)`,
    message: 'a REPLICA service needs desiredCount (or autoscaling, which then starts at minCapacity)',
    fieldPath: '.desiredCount',
    reason: 'FieldValueRequired',
  },
  {
    rule: `!(${USES_FARGATE}) || has(self.networkConfiguration)`,
    message: 'a Fargate service needs networkConfiguration.awsvpcConfiguration (Fargate tasks use awsvpc networking)',
    fieldPath: '.networkConfiguration',
    reason: 'FieldValueRequired',
  },
  {
    rule: "!has(self.autoscaling) || !has(self.autoscaling.targetTracking) || (has(self.loadBalancers) && size(self.loadBalancers) > 0) || self.autoscaling.targetTracking.all(t, !has(t.predefinedMetric) || t.predefinedMetric != 'ALBRequestCountPerTarget' || has(t.resourceLabel))",
    message: 'ALBRequestCountPerTarget needs a load balancer in spec.loadBalancers or an explicit resourceLabel',
    fieldPath: '.autoscaling.targetTracking',
    reason: 'FieldValueRequired',
  },
  {
    rule: `!(${NATIVE_STRATEGY}) || !has(self.deploymentController) || self.deploymentController.type == 'ECS'`,
    message: 'the BLUE_GREEN, LINEAR and CANARY strategies need deploymentController type ECS (CodeDeploy and external controllers deploy for themselves)',
    fieldPath: '.deploymentConfiguration.strategy',
  },
  {
    rule: `!(${NATIVE_STRATEGY}) || !has(self.loadBalancers) || self.loadBalancers.all(lb, has(lb.advancedConfiguration))`,
    message: 'with the BLUE_GREEN, LINEAR or CANARY strategy every load balancer needs advancedConfiguration (alternate target group, production listener rule, role) for ECS to shift its traffic',
    fieldPath: '.loadBalancers',
    reason: 'FieldValueRequired',
  },
  {
    rule: `${NATIVE_STRATEGY} || !has(self.loadBalancers) || self.loadBalancers.all(lb, !has(lb.advancedConfiguration))`,
    message: 'advancedConfiguration shifts traffic for the BLUE_GREEN, LINEAR and CANARY strategies: set deploymentConfiguration.strategy, or remove it',
    fieldPath: '.loadBalancers',
    reason: 'FieldValueForbidden',
  },
  {
    rule: "!has(self.deploymentConfiguration) || !has(self.deploymentConfiguration.strategy) || !(self.deploymentConfiguration.strategy in ['LINEAR', 'CANARY']) || (has(self.loadBalancers) && size(self.loadBalancers) > 0)",
    message: 'LINEAR and CANARY deployments shift production traffic through a load balancer: add loadBalancers with advancedConfiguration',
    fieldPath: '.loadBalancers',
    reason: 'FieldValueRequired',
  },
  {
    rule: "!has(self.deploymentConfiguration) || !has(self.deploymentConfiguration.deploymentCircuitBreaker) || !has(self.deploymentController) || self.deploymentController.type == 'ECS'",
    message: 'the deployment circuit breaker only works with deploymentController type ECS',
    fieldPath: '.deploymentConfiguration.deploymentCircuitBreaker',
  },
];

export const EcsServiceSpec = Struct(
  'Desired ECS service. The operator creates it when absent and otherwise calls UpdateService only for fields that differ.',
  {
    cluster: Type.Optional(ClusterName('service')),
    clusterRef: Type.Optional(ClusterRef('service')),
    serviceName: Type.Optional(EcsName('ECS service name, unique in the cluster. Defaults to metadata.name (which then must not contain dots). Cannot change in place: see replaceOnImmutableChange.')),
    region: Type.Optional(Region),
    taskDefinitionRef: Type.Optional(TaskDefinitionRef('The service runs its latest registered revision and rolls out every new one.')),
    taskDefinition: Type.Optional(TaskDefinitionLiteral),
    desiredCount: Type.Optional(
      Type.Integer({
        description: 'Number of tasks to run (REPLICA only). With autoscaling it is only the count the service is created with (minCapacity when omitted): autoscaling owns the count afterwards.',
        minimum: 0,
        maximum: 100000,
      }),
    ),
    launchType: Type.Optional(StringEnum(['FARGATE', 'EC2', 'EXTERNAL', 'MANAGED_INSTANCES'], 'Where tasks run. Exclusive with capacityProviderStrategy.')),
    capacityProviderStrategy: Type.Optional(
      CapacityProviderStrategy('How tasks are spread over capacity providers, for example FARGATE with a base plus FARGATE_SPOT by weight. Exclusive with launchType.'),
    ),
    platformVersion: Type.Optional(
      Type.String({
        description: 'Fargate platform version, for example 1.4.0. ECS defaults to LATEST. Not compared when omitted; LATEST is satisfied by whichever version ECS resolved it to, so moving a service pinned to a version back to LATEST needs a new deployment (a new task definition revision, or a change that forces one).',
        maxLength: 32,
        pattern: '^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$',
      }),
    ),
    schedulingStrategy: Type.Optional(
      StringEnum(['REPLICA', 'DAEMON'], 'REPLICA keeps desiredCount tasks running; DAEMON runs one task on each container instance (EC2) and takes no desiredCount or autoscaling. ECS defaults to REPLICA. Cannot change in place.'),
    ),
    networkConfiguration: Type.Optional(NetworkConfiguration),
    loadBalancers: Type.Optional(Type.Array(LoadBalancer, { description: 'Target groups the tasks register with (up to 5).', maxItems: 5 })),
    healthCheckGracePeriodSeconds: Type.Optional(Type.Integer({ description: 'Seconds after a task starts during which failing load balancer health checks are ignored.', minimum: 0, maximum: 2147483647 })),
    deploymentConfiguration: Type.Optional(DeploymentConfiguration),
    deploymentController: Type.Optional(
      Struct('Who performs deployments.', {
        type: StringEnum(
          ['ECS', 'CODE_DEPLOY', 'EXTERNAL'],
          'ECS: the operator rolls out every change (rolling updates). CODE_DEPLOY (blue/green by CodeDeploy) or EXTERNAL (task sets of a third-party controller): the operator creates the service and changes only what UpdateService allows for that controller (desiredCount, placement, healthCheckGracePeriodSeconds, propagateTags, enableECSManagedTags, and deploymentConfiguration under CODE_DEPLOY); a difference in the task definition, network configuration, load balancers, platform version, capacity provider strategy, service registries or enableExecuteCommand is reported in status.deploymentControllerDifferences and the Synced condition, never sent: CodeDeploy (CreateDeployment) or the external controller (CreateTaskSet) deploys it. For blue/green without CodeDeploy, prefer ECS with a native deployment strategy. Changes between ECS and CODE_DEPLOY are made in place; a change to or from EXTERNAL replaces the service (see replaceOnImmutableChange). When omitted, a new service gets ECS and an existing (adopted) service keeps its controller.',
        ),
      }),
    ),
    placementConstraints: Type.Optional(Type.Array(PlacementConstraint, { description: 'Where tasks may be placed (EC2).', maxItems: 10 })),
    placementStrategy: Type.Optional(Type.Array(PlacementStrategy, { description: 'How tasks are spread over instances, applied in order (EC2).', maxItems: 5 })),
    serviceRegistries: Type.Optional(Type.Array(ServiceRegistry, { description: 'Cloud Map service discovery (at most one registry).', maxItems: 1 })),
    enableExecuteCommand: Type.Optional(Type.Boolean({ description: 'Allow ECS Exec into the tasks.' })),
    propagateTags: Type.Optional(StringEnum(['TASK_DEFINITION', 'SERVICE', 'NONE'], 'Copy tags to tasks from the task definition or from the service.')),
    enableECSManagedTags: Type.Optional(Type.Boolean({ description: 'Let ECS tag tasks with the cluster and service names.' })),
    forceNewDeploymentOnChange: Type.Optional(
      Type.Boolean({
        description: 'enableExecuteCommand, propagateTags, enableECSManagedTags and placement constraints and strategy reach only tasks started after they change. True (the default): a change to one of them also forces a new deployment, so that the running tasks are replaced and get it. False: the running tasks keep the old setting until the next deployment, and status.pendingOnRunningTasks lists what they do not have yet. Only with the ECS deployment controller (CodeDeploy and external controllers deploy for themselves).',
      }),
    ),
    tags: Type.Optional(Tags('Tags on the ECS service, in addition to the operator\'s 2 ownership tags (3 in a namespace an EcsAccount maps; ECS takes 50 in all).', 3)),
    autoscaling: Type.Optional(Autoscaling),
    driftPolicy: Type.Optional(DriftPolicy),
    deletionPolicy: Type.Optional(DeletionPolicy),
    adoptExisting: Type.Optional(
      Type.Boolean({
        description: 'Take over an existing ECS service of the same name that this operator did not create: tag it as owned and converge it to this manifest. Without it (the default), such a service is never changed and the object reports Stalled.',
      }),
    ),
    replaceOnImmutableChange: Type.Optional(
      Type.Boolean({
        description:
          'Allow the operator to replace the ECS service when a change cannot be made in place. A new cluster, serviceName or region: the new service is created first and the old one deleted once the new one is Ready (status.previousServices shows the old one meanwhile). Other fields (for example schedulingStrategy or deploymentController): the service is deleted and created again, and is unavailable meanwhile. Without it (the default), such a change is reported as Stalled, naming the fields, and ECS is left as it is.',
      }),
    ),
    progressDeadlineSeconds: Type.Optional(
      Type.Integer({
        description:
          'Seconds a rollout (or a service missing tasks, such as a DAEMON service that cannot place them) may take before the object reports Stalled with reason ProgressDeadlineExceeded, as a Deployment does. ECS keeps trying meanwhile, and the condition clears when the rollout completes. Defaults to 600.',
        minimum: 1,
        maximum: 2147483647,
      }),
    ),
  },
  { rules: serviceRules },
);

export type EcsServiceSpec = Static<typeof EcsServiceSpec>;
export type LoadBalancer = Static<typeof LoadBalancer>;
export type CapacityProviderStrategyItem = Static<typeof CapacityProviderStrategyItem>;
