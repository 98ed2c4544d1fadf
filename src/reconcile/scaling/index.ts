// Application Auto Scaling of ECS services: the scalable target, target tracking and step scaling
// policies (with the CloudWatch alarm of each step policy) and scheduled actions.
export { cleanupScaling, reconcileScaling, type ScalingDeps, type ScalingOptions, type ScalingResult } from './reconcile.js';
export { planScaling, type PlanContext } from './plan.js';
export { desiredScaling, type DesiredContext, type DesiredResult } from './desired.js';
export { ScalingNames, resourceIdOf } from './naming.js';
export type { ObservedScaling, ScalingChange } from './types.js';
