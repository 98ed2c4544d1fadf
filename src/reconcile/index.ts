// The reconcile core: what the Kubernetes controller and the CLI's file source both call. Nothing
// here imports a Kubernetes client; an object goes in, an outcome (plan, status, conditions,
// events, requeue) comes out.
export {
  conditionsFor,
  withheldBecause,
  type CleanupOutcome,
  type ConditionUpdate,
  type Health,
  type OperatorEvent,
  type OwnerIdentity,
  type ReconcileOptions,
  type ReconcileOutcome,
} from './outcome.js';
export type { FieldDiff, PlannedChange, ResourceKind } from './plan-types.js';
export { CLUSTER_TAG, OWNER_TAG, SPEC_HASH_TAG, ownershipOf, type Ownership } from './ownership.js';

export { cleanupTaskDefinition, reconcileTaskDefinition, type TaskDefinitionCleanupOptions, type TaskDefinitionDeps } from './taskdefinition/reconcile.js';
export { planTaskDefinition, type TaskDefinitionChange, type TaskDefinitionObservation, type TaskDefinitionPlan } from './taskdefinition/plan.js';

export { reconcileService, type ServiceDeps } from './service/reconcile.js';
export { cleanupService, type ServiceCleanupDeps } from './service/cleanup.js';
export { planService, type ServiceChange, type ServiceObservation, type ServicePlan } from './service/plan.js';
export { desiredCountOwnerOf, type DesiredCountOwner } from './service/desired.js';
export type { TaskDefinitionRefResolution } from './service/resolve.js';
export type { ServiceStatus } from './service/status.js';

export { cleanupEcsService, reconcileEcsService } from './ecs-service.js';
export { isDrift, withDrift } from './drift.js';
