// The EcsCluster reconciler: a cluster, its capacity providers and its default strategy.
export { reconcileCluster, type ClusterDeps } from './reconcile.js';
export { cleanupCluster } from './cleanup.js';
export { planCluster, type ClusterChange, type ClusterObservation, type ClusterPlan, type ClusterPlanContext } from './plan.js';
export { desiredCluster, type DesiredCluster } from './desired.js';
export { resolveClusterRef, type ClusterPlacement, type ClusterRefResolution } from './ref.js';
