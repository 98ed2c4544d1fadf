// An EcsService is an ECS service plus its Application Auto Scaling resources: the service
// reconciler runs first (a scalable target needs the service), then the scaling reconciler, and
// their outcomes become one. Deletion runs in the other order.
import { deletionPolicyOf, type EcsService } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { withheldBecause, type CleanupOutcome, type ConditionUpdate, type OwnerIdentity, type ReconcileOptions, type ReconcileOutcome } from './outcome.js';
import { cleanupScaling, reconcileScaling } from './scaling/index.js';
import { cleanupService } from './service/cleanup.js';
import { serviceSpecDigest } from './service/desired.js';
import { reconcileService, type ServiceDeps } from './service/reconcile.js';
import type { ServiceStatus } from './service/status.js';

export async function reconcileEcsService(svc: EcsService, deps: ServiceDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<ServiceStatus>> {
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
    byType.set('Ready', { type: 'Ready', status: 'False', reason: problem.reason, message: problem.message });
  }
  const synced = byType.get('Synced');
  if (scalingWithheld && synced?.status === 'True') {
    byType.set('Synced', { type: 'Synced', status: 'False', reason: 'ChangesWithheld', message: 'scaling changes found and not applied' });
  }
  return [...byType.values()];
}

export async function cleanupEcsService(svc: EcsService, deps: { aws: AwsAdapter; owner: OwnerIdentity }): Promise<CleanupOutcome> {
  // Scaling first: a scalable target left behind would keep scaling a service being drained. Only
  // scaling this object declared or recorded is touched, and nothing under Retain.
  const hadScaling = svc.spec.autoscaling !== undefined || svc.status?.autoscaling !== undefined;
  if (deletionPolicyOf(svc) === 'Delete' && hadScaling) await cleanupScaling(svc, deps);
  return cleanupService(svc, deps);
}
