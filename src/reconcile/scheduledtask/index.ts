// The EcsScheduledTask reconciler: an EventBridge Scheduler schedule or an EventBridge rule whose
// ECS target starts tasks.
export { reconcileScheduledTask, type ScheduledTaskDeps } from './reconcile.js';
export { cleanupScheduledTask } from './cleanup.js';
export { planScheduledTask, type ScheduledTaskChange, type ScheduledTaskObservation, type ScheduledTaskPlan } from './plan.js';
export { desiredScheduledTask, type DesiredScheduledTask } from './desired.js';
