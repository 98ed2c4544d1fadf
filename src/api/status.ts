// Status of the task definition and service kinds (EcsCluster's is in cluster.ts). Written only by the operator, so it is validated less strictly than spec:
// the status object keeps fields it does not declare (x-kubernetes-preserve-unknown-fields), which
// lets the reconcilers add a field before the CRD describes it.
import { Type, type Static } from '@sinclair/typebox';
import { AnyJson, StringEnum, Struct } from './common.js';

const Timestamp = (description: string) => Type.String({ description: `${description} (RFC 3339).`, format: 'date-time' });

export const Condition = Struct('A condition in Kubernetes convention (metav1.Condition).', {
  type: Type.String({ description: 'Condition type: Ready, Reconciling, Stalled, Synced, Drifted or Paused.', minLength: 1, maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
  status: StringEnum(['True', 'False', 'Unknown'], 'Status of the condition.'),
  observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the condition was computed from.', minimum: 0 })),
  lastTransitionTime: Timestamp('When status last changed'),
  reason: Type.String({ description: 'A CamelCase word a program can switch on, for example RolloutFailed.', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ description: 'What a person should know, for example which field needs a change.', maxLength: 32768 }),
});

const Conditions = Type.Array(Condition, {
  description: 'Ready (the summary), Reconciling (work under way), Stalled (cannot progress without a change from the user), Synced (ECS matches the manifest), Drifted (ECS was changed outside the operator) and Paused (the ecs.operator.dev/paused annotation holds AWS writes back).',
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

export const DriftDifference = Struct('A field whose value in AWS differs from the manifest.', {
  path: Type.String({ description: 'Field path in the manifest, for example spec.desiredCount or spec.autoscaling.targetTracking[cpu].', minLength: 1, maxLength: 1024 }),
  desired: Type.Optional(AnyJson('Value the manifest asks for; absent when the manifest does not have the resource.')),
  actual: Type.Optional(AnyJson('Value found in AWS; absent when the resource is missing there.')),
});

export const DriftStatus = Struct('Differences between AWS and the manifest found by the last resync.', {
  detected: Type.Boolean({ description: 'True when AWS differs from the manifest.' }),
  firstSeenTime: Type.Optional(Timestamp('When the current drift was first seen')),
  lastCheckedTime: Type.Optional(Timestamp('When AWS was last compared with the manifest. A comparison that finds the same within a minute (half the resync period when shorter) of this time leaves it as it is')),
  differences: Type.Optional(Type.Array(DriftDifference, { description: 'The differences; empty when in sync.', maxItems: 256 })),
});

const ObservedStatus = {
  observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the operator last reconciled.', minimum: 0 })),
  reconciledGeneration: Type.Optional(Type.Integer({ description: 'The latest metadata.generation whose changes were all carried out in AWS (Synced).', minimum: 0 })),
  reconciledSpecDigest: Type.Optional(
    Type.String({
      description:
        'Digest of what the spec asks of AWS (the operator\'s own fields such as driftPolicy left out, references resolved) when it was last carried out in full (Synced). A difference found while the spec still has this digest was made outside the operator: drift. A spec with another digest is a manifest edit.',
      maxLength: 128,
    }),
  ),
  conditions: Type.Optional(Conditions),
  region: Type.Optional(Type.String({ description: 'AWS region the resources live in.', maxLength: 32 })),
  drift: Type.Optional(DriftStatus),
};

export const TaskDefinitionRevision = Struct('A revision this object registered.', {
  revision: Type.Integer({ description: 'Revision number.', minimum: 1 }),
  taskDefinitionArn: Type.String({ description: 'ARN of the revision.', maxLength: 2048 }),
  registeredTime: Type.Optional(Timestamp('When it was registered')),
});

export const EcsTaskDefinitionStatus = Type.Object(
  {
    ...ObservedStatus,
    family: Type.Optional(Type.String({ description: 'Family the revisions are registered in.', maxLength: 255 })),
    revision: Type.Optional(Type.Integer({ description: 'Latest revision registered for this object.', minimum: 1 })),
    taskDefinitionArn: Type.Optional(Type.String({ description: 'ARN of the latest revision; services that reference this object run it.', maxLength: 2048 })),
    specHash: Type.Optional(Type.String({ description: 'Hash of the normalized spec that the latest revision was registered from.', maxLength: 128 })),
    revisions: Type.Optional(Type.Array(TaskDefinitionRevision, { description: 'Revisions this object registered that are still ACTIVE, newest first (bounded by revisionHistoryLimit).', maxItems: 128 })),
    managedTagKeys: Type.Optional(
      Type.Array(Type.String({ description: 'A tag key.', maxLength: 128 }), {
        description: 'Tag keys the manifest set on the current revision: the only tags the operator ever removes from it (tags others add are left alone).',
        maxItems: 64,
      }),
    ),
    registering: Type.Optional(
      Struct(
        'A registration started and not yet recorded: written before RegisterTaskDefinition, cleared once the revision is in status. While it is set the family is searched for a revision registered from it (the answer may have been lost, or the operator stopped), so a crash never registers the same spec twice.',
        {
          specHash: Type.String({ description: 'Hash of the spec being registered.', maxLength: 128 }),
          startedTime: Timestamp('When the registration started'),
        },
      ),
    ),
    replacedRevision: Type.Optional(
      Struct('The last revision recorded as current that was deregistered or deleted outside the operator, and why a new one was registered in its place.', {
        revision: Type.Integer({ description: 'Revision number.', minimum: 1 }),
        taskDefinitionArn: Type.String({ description: 'ARN of the revision.', maxLength: 2048 }),
        status: Type.String({ description: 'What ECS reported: INACTIVE (deregistered), DELETE_IN_PROGRESS (deleted, tasks still run it) or DELETED (no longer exists).', maxLength: 32 }),
        replacedTime: Type.Optional(Timestamp('When the operator replaced it')),
      }),
    ),
  },
  { description: 'Observed state of the task definition, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);

export const ServiceDeployment = Struct('A deployment of the ECS service, as ECS reports it.', {
  id: Type.String({ description: 'Deployment id (ecs-svc/...).', maxLength: 255 }),
  status: Type.String({ description: 'PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE.', maxLength: 32 }),
  rolloutState: Type.Optional(Type.String({ description: 'IN_PROGRESS, COMPLETED or FAILED.', maxLength: 32 })),
  rolloutStateReason: Type.Optional(Type.String({ description: 'Why the rollout is in its state, for example a circuit breaker message.', maxLength: 4096 })),
  taskDefinitionArn: Type.Optional(Type.String({ description: 'Task definition the deployment runs.', maxLength: 2048 })),
  desiredCount: Type.Optional(Type.Integer({ description: 'Tasks the deployment should run.', minimum: 0 })),
  runningCount: Type.Optional(Type.Integer({ description: 'Tasks of the deployment that are RUNNING.', minimum: 0 })),
  pendingCount: Type.Optional(Type.Integer({ description: 'Tasks of the deployment that are PENDING.', minimum: 0 })),
  failedTasks: Type.Optional(Type.Integer({ description: 'Tasks of the deployment that failed to start.', minimum: 0 })),
  createdAt: Type.Optional(Timestamp('When the deployment started')),
  updatedAt: Type.Optional(Timestamp('When the deployment last changed')),
});

export const RolloutStatus = Struct('The rollout the operator last started (or, when it started none, the one ECS runs), judged by its own deployment and ECS\'s service deployment.', {
  deploymentId: Type.Optional(Type.String({ description: 'Id of the deployment the operator started.', maxLength: 255 })),
  taskDefinitionArn: Type.Optional(Type.String({ description: 'Task definition being rolled out; stays here when the rollout failed.', maxLength: 2048 })),
  state: Type.Optional(Type.String({ description: 'IN_PROGRESS, COMPLETED or FAILED (FAILED includes every rollback: circuit breaker, alarm, lifecycle hook, requested).', maxLength: 32 })),
  reason: Type.Optional(Type.String({ description: 'Why it is in its state.', maxLength: 4096 })),
  startedTime: Type.Optional(Timestamp('When the operator started it')),
  strategy: Type.Optional(Type.String({ description: 'Deployment strategy: ROLLING, BLUE_GREEN, LINEAR or CANARY.', maxLength: 32 })),
  serviceDeploymentArn: Type.Optional(Type.String({ description: 'ARN of ECS\'s service deployment for this rollout (ListServiceDeployments, DescribeServiceDeployments).', maxLength: 2048 })),
  serviceDeploymentStatus: Type.Optional(
    Type.String({ description: 'Status of the service deployment: PENDING, IN_PROGRESS, SUCCESSFUL, STOP_REQUESTED, STOPPED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED.', maxLength: 32 }),
  ),
  lifecycleStage: Type.Optional(Type.String({ description: 'Stage the service deployment is in, for example SCALE_UP, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT or BAKE_TIME.', maxLength: 64 })),
  stageSince: Type.Optional(Timestamp('When the operator first saw the deployment in lifecycleStage')),
  productionTrafficPercent: Type.Optional(Type.Number({ description: 'Share of production traffic ECS sends to the new revision, where it reports one.', minimum: 0, maximum: 100 })),
  testTrafficPercent: Type.Optional(Type.Number({ description: 'Share of test traffic ECS sends to the new revision, where it reports one.', minimum: 0, maximum: 100 })),
  rollbackTrigger: Type.Optional(
    StringEnum(['CircuitBreaker', 'Alarm', 'LifecycleHook', 'Requested', 'Unknown'], 'What rolled the deployment back: the circuit breaker, a CloudWatch alarm, a failed lifecycle hook, a requested rollback (StopServiceDeployment), or a cause ECS did not name.'),
  ),
});

export const PreviousService = Struct('An ECS service this object ran before its manifest moved it (new cluster, serviceName or region), kept until it is gone.', {
  serviceArn: Type.Optional(Type.String({ description: 'ARN of the old service.', maxLength: 2048 })),
  serviceName: Type.String({ description: 'Name of the old service.', maxLength: 255 }),
  clusterArn: Type.String({ description: 'Cluster of the old service.', maxLength: 2048 }),
  region: Type.String({ description: 'Region of the old service.', maxLength: 64 }),
  status: Type.Optional(Type.String({ description: 'ACTIVE (still serving, deleted once the new service is Ready) or DRAINING (deleted, its tasks stopping).', maxLength: 32 })),
  desiredCount: Type.Optional(Type.Integer({ description: 'desiredCount of the old service.', minimum: 0 })),
  runningCount: Type.Optional(Type.Integer({ description: 'Tasks of the old service RUNNING.', minimum: 0 })),
});

export const ResolvedLoadBalancer = Struct('A load balancer binding with its target group resolved to an ARN.', {
  targetGroupArn: Type.String({ description: 'Resolved target group ARN.', maxLength: 2048 }),
  targetGroupName: Type.Optional(Type.String({ description: 'Target group name from the manifest, when it gave one.', maxLength: 32 })),
  loadBalancerArns: Type.Optional(Type.Array(Type.String({ description: 'A load balancer ARN.', maxLength: 2048 }), { description: 'Load balancers that forward to the target group.', maxItems: 8 })),
  containerName: Type.String({ description: 'Container that receives the traffic.', maxLength: 255 }),
  containerPort: Type.Integer({ description: 'Container port that receives the traffic.', minimum: 1, maximum: 65535 }),
  advancedConfiguration: Type.Optional(
    Struct('Blue/green, linear and canary traffic shifting, with the alternate target group resolved to an ARN.', {
      alternateTargetGroupArn: Type.String({ description: 'Resolved alternate target group ARN.', maxLength: 2048 }),
      alternateTargetGroupName: Type.Optional(Type.String({ description: 'Alternate target group name from the manifest, when it gave one.', maxLength: 32 })),
      productionListenerRule: Type.String({ description: 'Production listener rule (or listener) ARN.', maxLength: 2048 }),
      testListenerRule: Type.Optional(Type.String({ description: 'Test listener rule (or listener) ARN.', maxLength: 2048 })),
      roleArn: Type.String({ description: 'Role ECS uses to call Elastic Load Balancing.', maxLength: 2048 }),
    }),
  ),
});

const ScalingAlarmStatus = Struct('A CloudWatch alarm that triggers a scaling policy.', {
  alarmName: Type.String({ description: 'Alarm name.', maxLength: 255 }),
  alarmArn: Type.Optional(Type.String({ description: 'Alarm ARN.', maxLength: 2048 })),
});

export const AutoscalingStatus = Struct('Application Auto Scaling resources the operator manages for the service.', {
  resourceId: Type.Optional(Type.String({ description: 'Scalable target resource id, service/<cluster>/<service>.', maxLength: 1600 })),
  scalableTargetArn: Type.Optional(Type.String({ description: 'ARN of the scalable target.', maxLength: 2048 })),
  minCapacity: Type.Optional(Type.Integer({ description: 'Registered minimum capacity.', minimum: 0 })),
  maxCapacity: Type.Optional(Type.Integer({ description: 'Registered maximum capacity.', minimum: 0 })),
  policies: Type.Optional(
    Type.Array(
      Struct('A scaling policy the operator manages.', {
        name: Type.String({ description: 'Policy name.', maxLength: 256 }),
        policyType: StringEnum(['TargetTrackingScaling', 'StepScaling'], 'Policy type, as Application Auto Scaling names it.'),
        policyArn: Type.Optional(Type.String({ description: 'Policy ARN.', maxLength: 2048 })),
        alarms: Type.Optional(Type.Array(ScalingAlarmStatus, { description: 'Alarms that trigger the policy.', maxItems: 16 })),
      }),
      { description: 'Scaling policies and their alarms.', maxItems: 32 },
    ),
  ),
  scheduledActions: Type.Optional(
    Type.Array(
      Struct('A scheduled action the operator manages.', {
        name: Type.String({ description: 'Scheduled action name.', maxLength: 256 }),
        scheduledActionArn: Type.Optional(Type.String({ description: 'Scheduled action ARN.', maxLength: 2048 })),
        schedule: Type.Optional(Type.String({ description: 'Its schedule expression.', maxLength: 256 })),
      }),
      { description: 'Scheduled actions.', maxItems: 64 },
    ),
  ),
  unmanaged: Type.Optional(
    Type.Array(
      Struct('A scaling resource on the service that the operator did not create.', {
        kind: StringEnum(['ScalingPolicy', 'ScheduledAction', 'Alarm'], 'What it is.'),
        name: Type.String({ description: 'Its name.', maxLength: 256 }),
      }),
      { description: 'Scaling resources created outside the operator: reported, and removed only with autoscaling.exclusive and driftPolicy Correct.', maxItems: 64 },
    ),
  ),
});

export const ActionRecord = Struct('The last value of an action annotation the operator took up, and what came of it.', {
  value: Type.String({ description: 'The annotation value: each new value is one request.', maxLength: 1024 }),
  phase: StringEnum(['Started', 'Done'], 'Started: recorded before the AWS call, so that a restart of the operator carries it out once; Done: carried out (or found not applicable, see message).'),
  time: Timestamp('When the phase was reached'),
  deploymentId: Type.Optional(Type.String({ description: 'Restart: the PRIMARY deployment before it (while Started), then the deployment it started. Rollback: the service deployment ARN it stopped.', maxLength: 2048 })),
  message: Type.Optional(Type.String({ description: 'What was done, or why nothing was.', maxLength: 4096 })),
});

export const ServiceActions = Struct('Actions requested by annotations (ecs.operator.dev/rollback, ecs.operator.dev/restart) that the operator took up.', {
  rollback: Type.Optional(ActionRecord),
  restart: Type.Optional(ActionRecord),
});

export const EcsServiceStatus = Type.Object(
  {
    ...ObservedStatus,
    clusterArn: Type.Optional(Type.String({ description: 'ARN of the cluster.', maxLength: 2048 })),
    serviceArn: Type.Optional(Type.String({ description: 'ARN of the ECS service (created or adopted).', maxLength: 2048 })),
    serviceName: Type.Optional(Type.String({ description: 'Name of the ECS service.', maxLength: 255 })),
    taskDefinitionArn: Type.Optional(Type.String({ description: 'Task definition the operator resolved from spec and asked the service to run.', maxLength: 2048 })),
    taskDefinition: Type.Optional(Type.String({ description: 'Short form family:revision of taskDefinitionArn.', maxLength: 300 })),
    desiredCount: Type.Optional(Type.Integer({ description: 'desiredCount of the ECS service.', minimum: 0 })),
    runningCount: Type.Optional(Type.Integer({ description: 'Tasks RUNNING.', minimum: 0 })),
    pendingCount: Type.Optional(Type.Integer({ description: 'Tasks PENDING.', minimum: 0 })),
    desiredCountOwner: Type.Optional(StringEnum(['Manifest', 'Autoscaling'], 'Who owns desiredCount: the manifest, or Application Auto Scaling (spec.autoscaling is set).')),
    deployments: Type.Optional(Type.Array(ServiceDeployment, { description: 'Deployments of the service, as ECS reports them.', maxItems: 16 })),
    rollout: Type.Optional(RolloutStatus),
    actions: Type.Optional(ServiceActions),
    previousServices: Type.Optional(Type.Array(PreviousService, { description: 'Services this object ran before the manifest moved it, until each is deleted and gone (spec.replaceOnImmutableChange).', maxItems: 8 })),
    loadBalancers: Type.Optional(Type.Array(ResolvedLoadBalancer, { description: 'Load balancer bindings with resolved target group ARNs.', maxItems: 5 })),
    autoscaling: Type.Optional(AutoscalingStatus),
    managedTagKeys: Type.Optional(
      Type.Array(Type.String({ description: 'A tag key.', maxLength: 128 }), {
        description: 'Tag keys the manifest set on the ECS service: the only tags the operator ever removes (tags others add are left alone).',
        maxItems: 64,
      }),
    ),
    pendingOnRunningTasks: Type.Optional(
      Type.Array(
        Struct('A setting the ECS service has that tasks started before it was set do not have.', {
          path: Type.String({ description: 'Field path in the manifest, for example spec.enableExecuteCommand.', minLength: 1, maxLength: 1024 }),
          desired: Type.Optional(AnyJson('Value set on the service.')),
          since: Timestamp('When the operator set it'),
        }),
        {
          description: 'Settings that reach only tasks started after they change (enableExecuteCommand, propagateTags, enableECSManagedTags, placement) and that the running tasks do not have yet: set without a new deployment (spec.forceNewDeploymentOnChange false, or a CODE_DEPLOY/EXTERNAL controller). An entry goes once a deployment started after it completes.',
          maxItems: 16,
        },
      ),
    ),
    deploymentControllerDifferences: Type.Optional(
      Type.Array(DriftDifference, {
        description: 'Differences in fields that the service\'s CODE_DEPLOY or EXTERNAL deployment controller deploys (task definition, network configuration, load balancers, platform version...): reported, never sent by the operator.',
        maxItems: 64,
      }),
    ),
  },
  { description: 'Observed state of the service, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);

export type Condition = Static<typeof Condition>;
export type DriftDifference = Static<typeof DriftDifference>;
export type DriftStatus = Static<typeof DriftStatus>;
export type ServiceDeployment = Static<typeof ServiceDeployment>;
export type RolloutStatus = Static<typeof RolloutStatus>;
export type ActionRecord = Static<typeof ActionRecord>;
export type ServiceActions = Static<typeof ServiceActions>;
export type ResolvedLoadBalancer = Static<typeof ResolvedLoadBalancer>;
export type PreviousService = Static<typeof PreviousService>;
export type AutoscalingStatus = Static<typeof AutoscalingStatus>;
export type TaskDefinitionRevision = Static<typeof TaskDefinitionRevision>;
export type EcsTaskDefinitionStatus = Static<typeof EcsTaskDefinitionStatus>;
export type EcsServiceStatus = Static<typeof EcsServiceStatus>;
export type PendingOnRunningTask = NonNullable<EcsServiceStatus['pendingOnRunningTasks']>[number];
