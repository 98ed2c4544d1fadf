// The finalizer's work for an EcsService: with deletionPolicy Delete, scale the service this
// object owns to 0, delete it and wait until ECS has drained it, reporting each step; with Retain,
// or for a service this object does not own, touch nothing.
import { clusterOf, deletionPolicyOf, serviceNameOf, type EcsService } from '../../api/index.js';
import type { AwsAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import { conditionsFor, IN_SYNC, type CleanupOutcome, type OperatorEvent, type OwnerIdentity } from '../outcome.js';
import { ownershipOf } from '../ownership.js';
import { describeLiveService } from './observe.js';

export interface ServiceCleanupDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
}

/** How often a draining service is looked at: ECS stops its tasks within seconds to minutes. */
const DRAIN_POLL_MS = 5_000;

export async function cleanupService(svc: EcsService, deps: ServiceCleanupDeps): Promise<CleanupOutcome> {
  // The service the operator last worked on, which status names, even if the manifest now names
  // another, and any it was replacing (status.previousServices).
  const cluster = svc.status?.clusterArn ?? clusterOf(svc);
  const region = svc.status?.region ?? svc.spec.region;
  const locations = [
    { name: svc.status?.serviceName ?? serviceNameOf(svc), cluster, region },
    ...(svc.status?.previousServices ?? []).map((p) => ({ name: p.serviceName, cluster: p.clusterArn, region: p.region })),
  ];
  if (deletionPolicyOf(svc) === 'Retain') {
    const where = locations.map((l) => `ECS service ${l.name}`).join(', ');
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left ${where} in place (deletionPolicy Retain)` }] };
  }
  const outcomes = [];
  for (const location of locations) outcomes.push(await cleanupOne(location, deps));
  const draining = outcomes.filter((o) => !o.done);
  if (draining.length === 0) return { done: true, conditions: [], events: outcomes.flatMap((o) => o.events) };
  return { ...(draining[0] as CleanupOutcome), events: outcomes.flatMap((o) => o.events) };
}

async function cleanupOne(location: { name: string; cluster: string; region: string | undefined }, deps: ServiceCleanupDeps): Promise<CleanupOutcome> {
  const { name, cluster } = location;
  const where = `ECS service ${name}`;
  const region = deps.aws.region(location.region);
  try {
    const service = await describeLiveService(region, cluster, name);
    if (!service) return { done: true, conditions: [], events: [] };
    if (ownershipOf(service.tags, deps.owner).kind !== 'owned') {
      return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'NotOwned', message: `Left ${where} in place: this object did not create or adopt it` }] };
    }
    const events: OperatorEvent[] = [];
    if (service.status === 'ACTIVE') {
      // Scaling to 0 first lets ECS stop the tasks the way a scale-in does (draining load balancer
      // targets); force then covers DAEMON services, which cannot be scaled, and an autoscaler that
      // scales back up in between.
      if (service.schedulingStrategy !== 'DAEMON' && (service.desiredCount ?? 0) > 0) {
        await region.ecs.updateService({ cluster, service: name, desiredCount: 0 });
        events.push({ type: 'Normal', reason: 'ScaledDown', message: `Scaled ${where} to 0 tasks before deleting it` });
      }
      await region.ecs.deleteService({ cluster, service: name, force: true });
      events.push({ type: 'Normal', reason: 'Deleting', message: `Deleted ${where}; waiting for its tasks to stop` });
    }
    const tasks = (service.runningCount ?? 0) + (service.pendingCount ?? 0);
    const message = `${where} is draining: ${tasks} task(s) still running`;
    return { done: false, requeueAfterMs: DRAIN_POLL_MS, conditions: conditionsFor({ kind: 'progressing', reason: 'Deleting', message }, IN_SYNC), events };
  } catch (err) {
    // A missing cluster or service: nothing is left to delete.
    if (isAwsError(err, 'notFound')) return { done: true, conditions: [], events: [] };
    const failure = failureOf(err, `deleting ${where}`);
    if (!failure) throw err;
    return cleanupFailed(failure);
  }
}
