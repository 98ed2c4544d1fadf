// EcsCluster: what CreateCluster, UpdateCluster, UpdateClusterSettings and
// PutClusterCapacityProviders take, in lowerCamelCase, plus the Auto Scaling group capacity
// providers the operator creates for the cluster, and the operator's own fields (region, the
// policies, adoptExisting).
import { Type, type Static } from '@sinclair/typebox';
import { AnyJson, CEL_RULES_KEY, DeletionPolicy, DriftPolicy, EcsName, Region, StringEnum, Struct, Tags, uniqueBy, type CelRule } from './common.js';
import type { EcsCluster } from './resources.js';
import { CapacityProviderStrategy } from './service.js';
import { Condition, DriftStatus } from './status.js';

export const FARGATE_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

const IS_FARGATE = (item: string) => `${item} in ['FARGATE', 'FARGATE_SPOT']`;

/**
 * A cluster's default capacity provider strategy, with two more rules from CapacityProviderStrategyItem
 * and PutClusterCapacityProviders in the ECS API reference: at least one weight above 0 when there
 * are several providers, and Fargate providers never mixed with Auto Scaling group providers.
 */
function DefaultCapacityProviderStrategy(description: string) {
  return CapacityProviderStrategy(description, [
    {
      rule: 'size(self) <= 1 || self.exists(c, has(c.weight) && c.weight > 0)',
      message: 'a strategy with several capacity providers needs a weight greater than 0 on at least one of them',
    },
    {
      rule: `self.all(c, ${IS_FARGATE('c.capacityProvider')}) || self.all(c, !(${IS_FARGATE('c.capacityProvider')}))`,
      message: 'a strategy holds either Fargate capacity providers (FARGATE, FARGATE_SPOT) or Auto Scaling group capacity providers, not both',
    },
  ]);
}

const Enabled = (description: string) => StringEnum(['ENABLED', 'DISABLED'], description);

const ManagedScaling = Struct(
  'Lets ECS scale the Auto Scaling group to what the tasks need (ECS creates a target tracking policy on the group).',
  {
    status: Type.Optional(Enabled('Turn managed scaling on. ECS defaults to DISABLED.')),
    targetCapacity: Type.Optional(Type.Integer({ description: 'Target utilization of the group, in percent (1-100). ECS defaults to 100.', minimum: 1, maximum: 100 })),
    minimumScalingStepSize: Type.Optional(Type.Integer({ description: 'Fewest instances added or removed at once (1-10000). ECS defaults to 1.', minimum: 1, maximum: 10000 })),
    maximumScalingStepSize: Type.Optional(Type.Integer({ description: 'Most instances added or removed at once (1-10000). ECS defaults to 10000.', minimum: 1, maximum: 10000 })),
    instanceWarmupPeriod: Type.Optional(Type.Integer({ description: 'Seconds a new instance takes to contribute to the group\'s metrics (0-10000). ECS defaults to 300.', minimum: 0, maximum: 10000 })),
  },
  {
    rules: [
      {
        rule: '!has(self.minimumScalingStepSize) || !has(self.maximumScalingStepSize) || self.minimumScalingStepSize <= self.maximumScalingStepSize',
        message: 'minimumScalingStepSize must not exceed maximumScalingStepSize',
        fieldPath: '.minimumScalingStepSize',
      },
    ],
  },
);

export const ClusterCapacityProvider = Struct(
  'A capacity provider of the cluster: FARGATE or FARGATE_SPOT, an existing capacity provider by name, or, with autoScalingGroup, an Auto Scaling group capacity provider that the operator creates, updates and deletes.',
  {
    name: EcsName('Capacity provider name: FARGATE, FARGATE_SPOT, or the name of an Auto Scaling group capacity provider (which cannot start with aws, ecs or fargate).'),
    autoScalingGroup: Type.Optional(
      Type.String({
        description: 'ARN or name of the Auto Scaling group, in the cluster\'s region. With it, the operator creates this capacity provider and owns it; without it, the provider must already exist.',
        minLength: 1,
        maxLength: 1600,
        pattern: '^(arn:aws[a-z-]*:autoscaling:[a-z0-9-]+:[0-9]{12}:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName/)?[^:]+$',
      }),
    ),
    managedScaling: Type.Optional(ManagedScaling),
    managedTerminationProtection: Type.Optional(
      Enabled('Keep ECS from letting the group terminate instances that run tasks. Needs managedScaling ENABLED, and scale-in protection on the Auto Scaling group. ECS defaults to DISABLED.'),
    ),
    managedDraining: Type.Optional(Enabled('Let ECS drain instances the group is about to terminate. ECS defaults to ENABLED.')),
  },
  {
    rules: [
      {
        rule: `!(${IS_FARGATE('self.name')}) || !has(self.autoScalingGroup)`,
        message: 'FARGATE and FARGATE_SPOT are provided by AWS and take no autoScalingGroup',
        fieldPath: '.autoScalingGroup',
        reason: 'FieldValueForbidden',
      },
      {
        // Case-insensitive, spelled out: the file source's CEL evaluator has no lowerAscii().
        rule: "!has(self.autoScalingGroup) || !self.name.matches('^([aA][wW][sS]|[eE][cC][sS]|[fF][aA][rR][gG][aA][tT][eE])')",
        message: 'the name of an Auto Scaling group capacity provider cannot start with aws, ecs or fargate',
        fieldPath: '.name',
      },
      {
        rule: 'has(self.autoScalingGroup) || !(has(self.managedScaling) || has(self.managedTerminationProtection) || has(self.managedDraining))',
        message: 'managedScaling, managedTerminationProtection and managedDraining belong to a capacity provider the operator creates: set autoScalingGroup too',
        fieldPath: '.autoScalingGroup',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.managedTerminationProtection) || self.managedTerminationProtection != 'ENABLED' || (has(self.managedScaling) && has(self.managedScaling.status) && self.managedScaling.status == 'ENABLED')",
        message: 'managedTerminationProtection ENABLED needs managedScaling.status ENABLED',
        fieldPath: '.managedTerminationProtection',
      },
    ],
  },
);

const ExecuteCommandLogConfiguration = Struct('Where ECS Exec session logs go (with logging OVERRIDE).', {
  cloudWatchLogGroupName: Type.Optional(Type.String({ description: 'CloudWatch Logs group.', minLength: 1, maxLength: 512 })),
  cloudWatchEncryptionEnabled: Type.Optional(Type.Boolean({ description: 'Encrypt the CloudWatch logs.' })),
  s3BucketName: Type.Optional(Type.String({ description: 'S3 bucket.', minLength: 3, maxLength: 63 })),
  s3EncryptionEnabled: Type.Optional(Type.Boolean({ description: 'Encrypt the S3 logs.' })),
  s3KeyPrefix: Type.Optional(Type.String({ description: 'Key prefix in the bucket.', maxLength: 1024 })),
});

const ExecuteCommandConfiguration = Struct(
  'ECS Exec settings of the cluster.',
  {
    kmsKeyId: Type.Optional(Type.String({ description: 'KMS key that encrypts the data between the client and the container.', minLength: 1, maxLength: 2048 })),
    logging: Type.Optional(StringEnum(['NONE', 'DEFAULT', 'OVERRIDE'], 'NONE: no logs; DEFAULT: the task definition\'s awslogs configuration; OVERRIDE: logConfiguration. ECS defaults to DEFAULT.')),
    logConfiguration: Type.Optional(ExecuteCommandLogConfiguration),
  },
  {
    rules: [
      {
        rule: "has(self.logging) && self.logging == 'OVERRIDE' ? has(self.logConfiguration) : !has(self.logConfiguration)",
        message: 'logConfiguration goes with logging OVERRIDE, and logging OVERRIDE needs it',
        fieldPath: '.logConfiguration',
      },
    ],
  },
);

const clusterRules: CelRule[] = [
  {
    rule: '!has(self.defaultCapacityProviderStrategy) || (has(self.capacityProviders) && self.defaultCapacityProviderStrategy.all(s, self.capacityProviders.exists(p, p.name == s.capacityProvider)))',
    message: 'every capacity provider of defaultCapacityProviderStrategy must be listed in capacityProviders',
    fieldPath: '.defaultCapacityProviderStrategy',
  },
];

export const EcsClusterSpec = Struct(
  'Desired ECS cluster with its capacity providers and default capacity provider strategy.',
  {
    clusterName: Type.Optional(EcsName('ECS cluster name, unique in the region. Defaults to metadata.name (which then must not contain dots). Cannot change in place.')),
    region: Type.Optional(Region),
    settings: Type.Optional(
      Struct('Cluster settings (UpdateClusterSettings).', {
        containerInsights: Type.Optional(
          StringEnum(['enhanced', 'enabled', 'disabled'], 'CloudWatch Container Insights: enhanced (with enhanced observability), enabled or disabled. When omitted, the account default applies and the operator leaves the setting alone.'),
        ),
      }),
    ),
    configuration: Type.Optional(
      Struct('Cluster configuration (UpdateCluster).', {
        executeCommandConfiguration: Type.Optional(ExecuteCommandConfiguration),
      }),
    ),
    serviceConnectDefaults: Type.Optional(
      Struct('Default Service Connect namespace of the cluster\'s services.', {
        namespace: Type.String({ description: 'Name or ARN of an AWS Cloud Map namespace.', minLength: 1, maxLength: 1024 }),
      }),
    ),
    capacityProviders: Type.Optional(
      Type.Array(ClusterCapacityProvider, {
        description: 'Every capacity provider of the cluster (PutClusterCapacityProviders replaces the whole list). A provider that a service still uses cannot be removed: the object says which services, and retries.',
        maxItems: 20,
        [CEL_RULES_KEY]: [uniqueBy('name', 'capacity provider names')] satisfies CelRule[],
      }),
    ),
    defaultCapacityProviderStrategy: Type.Optional(
      DefaultCapacityProviderStrategy('Strategy of services and tasks that name neither a launch type nor a strategy, for example FARGATE with base 1 and weight 1 plus FARGATE_SPOT with weight 4.'),
    ),
    tags: Type.Optional(Tags('Tags on the ECS cluster and on the capacity providers the operator creates, in addition to the operator\'s 2 ownership tags (3 in a namespace an EcsAccount maps; ECS takes 50 in all).', 3)),
    driftPolicy: Type.Optional(DriftPolicy),
    deletionPolicy: Type.Optional(DeletionPolicy),
    adoptExisting: Type.Optional(
      Type.Boolean({
        description: 'Take over an existing ECS cluster of the same name that this operator did not create: tag it as owned and converge it to this manifest. Without it (the default), such a cluster is never changed and the object reports Stalled.',
      }),
    ),
  },
  { rules: clusterRules },
);

const Timestamp = (description: string) => Type.String({ description: `${description} (RFC 3339).`, format: 'date-time' });

export const OwnedCapacityProvider = Struct('An Auto Scaling group capacity provider the operator created for this cluster.', {
  name: Type.String({ description: 'Capacity provider name.', maxLength: 255 }),
  capacityProviderArn: Type.Optional(Type.String({ description: 'Its ARN.', maxLength: 2048 })),
  autoScalingGroupArn: Type.Optional(Type.String({ description: 'ARN of its Auto Scaling group.', maxLength: 1600 })),
  updateStatus: Type.Optional(Type.String({ description: 'Its update status as ECS reports it, for example UPDATE_COMPLETE.', maxLength: 64 })),
});

export const EcsClusterStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the operator last reconciled.', minimum: 0 })),
    reconciledGeneration: Type.Optional(Type.Integer({ description: 'The latest metadata.generation whose changes were all carried out in AWS (Synced).', minimum: 0 })),
    conditions: Type.Optional(
      Type.Array(Condition, {
        description: 'Ready, Reconciling, Stalled, Synced, Drifted and Paused.',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    region: Type.Optional(Type.String({ description: 'AWS region of the cluster.', maxLength: 32 })),
    drift: Type.Optional(DriftStatus),
    clusterArn: Type.Optional(Type.String({ description: 'ARN of the ECS cluster (created or adopted).', maxLength: 2048 })),
    clusterName: Type.Optional(Type.String({ description: 'Name of the ECS cluster.', maxLength: 255 })),
    clusterStatus: Type.Optional(Type.String({ description: 'ACTIVE, PROVISIONING, DEPROVISIONING, FAILED or INACTIVE, as ECS reports it.', maxLength: 32 })),
    capacityProviders: Type.Optional(Type.Array(Type.String({ description: 'A capacity provider name.', maxLength: 255 }), { description: 'Capacity providers of the cluster, as ECS reports them.', maxItems: 32 })),
    ownedCapacityProviders: Type.Optional(Type.Array(OwnedCapacityProvider, { description: 'Auto Scaling group capacity providers the operator created for this cluster.', maxItems: 32 })),
    activeServicesCount: Type.Optional(Type.Integer({ description: 'Services ACTIVE in the cluster.', minimum: 0 })),
    runningTasksCount: Type.Optional(Type.Integer({ description: 'Tasks RUNNING in the cluster.', minimum: 0 })),
    pendingTasksCount: Type.Optional(Type.Integer({ description: 'Tasks PENDING in the cluster.', minimum: 0 })),
    registeredContainerInstancesCount: Type.Optional(Type.Integer({ description: 'Container instances registered with the cluster.', minimum: 0 })),
    blockedBy: Type.Optional(AnyJson('What keeps the last change or the deletion from going through: the services still using a capacity provider, or still in the cluster.')),
    lastCheckedTime: Type.Optional(Timestamp('When AWS was last read')),
    managedTagKeys: Type.Optional(
      Type.Array(Type.String({ description: 'A tag key.', maxLength: 128 }), {
        description: 'Tag keys the manifest set on the cluster: the only tags the operator ever removes.',
        maxItems: 64,
      }),
    ),
  },
  { description: 'Observed state of the cluster, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);

export type EcsClusterSpec = Static<typeof EcsClusterSpec>;
export type EcsClusterStatus = Static<typeof EcsClusterStatus>;
export type { EcsCluster };
export type ClusterCapacityProvider = Static<typeof ClusterCapacityProvider>;
export type OwnedCapacityProvider = Static<typeof OwnedCapacityProvider>;

/** The ECS cluster name: spec.clusterName, or metadata.name. */
export function clusterNameOf(cluster: Pick<EcsCluster, 'metadata' | 'spec'>): string {
  return cluster.spec.clusterName ?? cluster.metadata.name;
}
