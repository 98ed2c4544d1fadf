// The API of the operator: the custom resources, their types and the schemas the CRDs are
// generated from. The validator the file source uses (validate.ts) and the CRD rendering (crd.ts)
// are imported from their own modules: the operator's process needs neither, and they load ajv,
// the CEL interpreter and the YAML writer.
export { API_VERSION, CATEGORY, CONDITION_TYPES, GROUP, KIND_ORDER, KINDS, PLURALS, SHORT_NAMES, SINGULARS, VERSION, type ConditionType, type Kind } from './constants.js';
export { EcsCluster, EcsScheduledTask, EcsService, EcsTask, EcsTaskDefinition, ObjectMeta, RESOURCE_SCHEMAS, type EcsResource, type EcsResourceOf } from './resources.js';
export {
  ContainerDefinition,
  EcsTaskDefinitionSpec,
  HealthCheck,
  LogConfiguration,
  PortMapping,
  Volume,
} from './taskdefinition.js';
export { CapacityProviderStrategyItem, EcsServiceSpec, LoadBalancer } from './service.js';
export { ClusterCapacityProvider, clusterNameOf, EcsClusterSpec, EcsClusterStatus, FARGATE_PROVIDERS, OwnedCapacityProvider } from './cluster.js';
export { EcsScheduledTaskSpec, EcsScheduledTaskStatus, InputTransformer, isTimeZone, scheduledTaskErrors, Schedule, StartedTask } from './scheduled-task.js';
export { Autoscaling, CustomizedMetric, MetricAlarm, ScheduledAction, StepAdjustment, StepScalingPolicy, TargetTrackingPolicy } from './autoscaling.js';
export { ANNOTATIONS, isPaused, requestedAction, type ServiceAction } from './annotations.js';
export {
  ActionRecord,
  AutoscalingStatus,
  Condition,
  DriftDifference,
  DriftStatus,
  EcsServiceStatus,
  EcsTaskDefinitionStatus,
  PreviousService,
  type PendingOnRunningTask,
  ResolvedLoadBalancer,
  RolloutStatus,
  ServiceActions,
  ServiceDeployment,
  TaskDefinitionRevision,
} from './status.js';
export { EcsTaskSpec, EcsTaskStatus, TaskContainerStatus, TaskRunStatus } from './task.js';
export { ContainerOverride, RunTaskParameters, TaskOverrides } from './run-task.js';
export { isAwsRegion, Tag, type CelRule } from './common.js';
export { describeFieldErrors, loadBalancerTargetErrors, TASK_DEFINITION_MAX_BYTES, taskDefinitionRequestBytes, taskDefinitionSizeError } from './preflight.js';
export { clusterOf, DEFAULT_PROGRESS_DEADLINE_SECONDS, DEFAULT_REVISION_HISTORY_LIMIT, deletionPolicyOf, driftPolicyOf, familyOf, progressDeadlineSecondsOf, revisionHistoryLimitOf, serviceNameOf } from './defaults.js';
export { ACCOUNT_KIND, ACCOUNT_NAMES, accountIdOfRole, DEFAULT_SESSION_NAME, EcsAccount, EcsAccountSpec, EcsAccountStatus, NamespaceSelector, ROLE_ARN_PATTERN } from './account.js';
