// An EcsService is an ECS service plus its Application Auto Scaling resources: the service
// reconciler runs first (a scalable target needs the service), then the scaling reconciler, and
// their outcomes become one. Deletion runs in the other order. A service that names its cluster by
// clusterRef waits for that EcsCluster to be Ready before either runs.
import { deletionPolicyOf, type EcsService } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import type { ClusterPlacement, ClusterRefResolution } from './cluster/ref.js';
import { notReadyMessage, unsyncedConditions, withheldBecause, type CleanupOutcome, type ConditionUpdate, type OwnerIdentity, type ReconcileOptions, type ReconcileOutcome } from './outcome.js';
import { cleanupScaling, reconcileScaling } from './scaling/index.js';
import { cleanupService } from './service/cleanup.js';
import { serviceSpecDigest } from './service/desired.js';
import { reconcileService, type ServiceDeps } from './service/reconcile.js';
import { carriedStatus, type ServiceStatus } from './service/status.js';

export interface EcsServiceDeps extends ServiceDeps {
  /** The ECS cluster an EcsCluster of this namespace holds once it is Ready, or why to wait. */
  resolveClusterRef(name: string): ClusterRefResolution;
}

/**
 * The service with its cluster: spec.cluster, or the cluster its clusterRef names (in that
 * cluster's region unless the service names one). A service waits for an EcsCluster that is not
 * Ready, unless it already runs in that cluster: a cluster stuck on a change of its own (a
 * capacity provider still in use) or being deleted does not stop its services' reconciles.
 */
export function placeService(svc: EcsService, resolveClusterRef: (name: string) => ClusterRefResolution): { service: EcsService } | { waiting: string } {
  if (svc.spec.cluster !== undefined) return { service: svc };
  const resolved = resolveClusterRef(svc.spec.clusterRef?.name ?? '');
  let placement: ClusterPlacement;
  if (!('waiting' in resolved)) placement = resolved;
  else if (resolved.existing !== undefined && resolved.existing.cluster === svc.status?.clusterArn) placement = resolved.existing;
  else return { waiting: resolved.waiting };
  const region = svc.spec.region ?? placement.region;
  return { service: { ...svc, spec: { ...svc.spec, cluster: placement.cluster, ...(region === undefined ? {} : { region }) } } };
}

export async function reconcileEcsService(unplaced: EcsService, deps: EcsServiceDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<ServiceStatus>> {
  const placed = placeService(unplaced, deps.resolveClusterRef);
  if ('waiting' in placed) {
    // No requeue of its own: the EcsCluster becoming Ready requeues the service.
    return { plan: [], applied: false, status: carriedStatus(unplaced.status), conditions: unsyncedConditions({ kind: 'progressing', reason: 'WaitingForCluster', message: placed.waiting }), events: [] };
  }
  const svc = placed.service;
  const specDigest = serviceSpecDigest(svc, deps.aws.region(svc.spec.region).region, deps.resolveTaskDefinitionRef);
  const service = await reconcileService(svc, deps, opts);
  const serviceExists = service.status.serviceArn !== undefined && !service.conditions.some((c) => c.reason === 'Replacing' && c.status === 'True');
  const withheld = withheldBecause(svc, specDigest, opts) !== undefined;
  const scaling = await reconcileScaling(svc, { aws: deps.aws, owner: deps.owner }, {
    dryRun: withheld,
    serviceExists,
    ...(service.status.loadBalancers ? { loadBalancers: service.status.loadBalancers } : {}),
    ...(service.status.desiredCount !== undefined ? { serviceDesiredCount: service.status.desiredCount } : {}),
  });

  const status: ServiceStatus = { ...service.status, desiredCountOwner: scaling.desiredCountOwner };
  if (scaling.status) status.autoscaling = scaling.status;
  else delete status.autoscaling;

  const requeues = [service.requeueAfterMs, scaling.requeueAfterMs].filter((ms): ms is number => ms !== undefined);
  const backoff = service.backoff ?? scaling.backoff;
  const unobserved = service.unobserved ?? scaling.unobserved;
  return {
    plan: [...service.plan, ...scaling.plan],
    applied: service.applied || scaling.applied,
    status,
    conditions: mergeConditions(service.conditions, scaling.conditions, withheld && scaling.plan.length > 0),
    events: [...service.events, ...scaling.events],
    ...(requeues.length > 0 ? { requeueAfterMs: Math.min(...requeues) } : {}),
    specDigest,
    ...(backoff === undefined ? {} : { backoff }),
    ...(unobserved === undefined ? {} : { unobserved }),
  };
}

/**
 * The service's four conditions, overridden by a scaling problem: scaling only reports problems
 * (Stalled or Reconciling), and either one means the object as a whole is not Ready.
 */
function mergeConditions(service: readonly ConditionUpdate[], scaling: readonly ConditionUpdate[], scalingWithheld: boolean): ConditionUpdate[] {
  const byType = new Map(service.map((c) => [c.type, { ...c }]));
  for (const problem of scaling.filter((c) => c.status === 'True')) {
    byType.set(problem.type, problem);
    byType.set('Ready', { type: 'Ready', status: 'False', reason: problem.reason, message: notReadyMessage(problem.type === 'Stalled' ? 'Stalled' : 'Reconciling') });
  }
  const synced = byType.get('Synced');
  if (scalingWithheld && synced?.status === 'True') {
    byType.set('Synced', { type: 'Synced', status: 'False', reason: 'ChangesWithheld', message: 'scaling changes found and not applied' });
  }
  return [...byType.values()];
}

export async function cleanupEcsService(
  unplaced: EcsService,
  deps: { aws: AwsAdapter; owner: OwnerIdentity; resolveClusterRef(name: string): ClusterRefResolution },
): Promise<CleanupOutcome> {
  // The cluster the service was created in, which status names even once its EcsCluster is gone.
  const cluster = unplaced.status?.clusterArn;
  const placed = cluster === undefined ? placeService(unplaced, deps.resolveClusterRef) : { service: { ...unplaced, spec: { ...unplaced.spec, cluster } } };
  // A clusterRef never resolved: the service was never created, there is nothing to delete.
  if ('waiting' in placed) return { done: true, conditions: [], events: [] };
  const svc = placed.service;
  // Scaling first: a scalable target left behind would keep scaling a service being drained. Only
  // scaling this object declared or recorded is touched, and nothing under Retain.
  const hadScaling = svc.spec.autoscaling !== undefined || svc.status?.autoscaling !== undefined;
  if (deletionPolicyOf(svc) === 'Delete' && hadScaling) await cleanupScaling(svc, deps);
  return cleanupService(svc, deps);
}
