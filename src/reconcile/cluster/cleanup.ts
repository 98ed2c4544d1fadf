// The finalizer's work for an EcsCluster: with deletionPolicy Delete, delete the cluster this
// object owns once nothing runs in it, then the capacity providers it owns; with Retain, or for a
// cluster this object does not own, touch nothing. The operator never forces: while ECS refuses
// (services, tasks or container instances left), it waits and says what is left.
import { clusterNameOf, type EcsCluster } from '../../api/cluster.js';
import { deletionPolicyOf } from '../../api/index.js';
import { EcsClusterApi, type ClusterContents } from '../../aws/ecs-cluster-api.js';
import { isAwsError } from '../../aws/errors.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import { conditionsFor, IN_SYNC, type CleanupOutcome, type OperatorEvent } from '../outcome.js';
import { ownershipOf } from '../ownership.js';
import type { ClusterDeps } from './reconcile.js';
import { ownedProviderNamesOf } from './status.js';

/** How often a cluster that still holds something is looked at: services drain in seconds to minutes. */
const WAIT_POLL_MS = 10_000;
const PROVIDER_POLL_MS = 5_000;

const REASON: Record<ClusterContents, string> = {
  services: 'WaitingForServices',
  tasks: 'WaitingForTasks',
  containerInstances: 'WaitingForContainerInstances',
};

export async function cleanupCluster(obj: EcsCluster, deps: Omit<ClusterDeps, 'now'>): Promise<CleanupOutcome> {
  const name = obj.status?.clusterName ?? clusterNameOf(obj);
  const where = `ECS cluster ${name}`;
  if (deletionPolicyOf(obj) === 'Retain') {
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left ${where} and its capacity providers in place (deletionPolicy Retain)` }] };
  }
  const api = new EcsClusterApi(deps.aws.region(obj.status?.region ?? obj.spec.region).clients.ecs);
  const events: OperatorEvent[] = [];
  try {
    const cluster = await api.describeCluster(name);
    if (cluster) {
      if (ownershipOf(cluster.tags, deps.owner).kind !== 'owned') {
        return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'NotOwned', message: `Left ${where} in place: this object did not create or adopt it` }] };
      }
      const result = await api.deleteCluster(name);
      if (result.kind === 'notEmpty') {
        const message = `${where} is deleted once it is empty: ${await whatIsLeft(api, name, result.contents, cluster.runningTasksCount ?? 0)}`;
        return { done: false, requeueAfterMs: WAIT_POLL_MS, conditions: conditionsFor({ kind: 'progressing', reason: REASON[result.contents], message }, IN_SYNC), events };
      }
      events.push({ type: 'Normal', reason: 'Deleted', message: `Deleted ${where}` });
    }
    return await deleteOwnedProviders(api, obj, deps, events);
  } catch (err) {
    if (isAwsError(err, 'notFound')) return { done: true, conditions: [], events };
    const failure = failureOf(err, `deleting ${where}`);
    if (!failure) throw err;
    const failed = cleanupFailed(failure);
    return { ...failed, events: [...events, ...failed.events] };
  }
}

async function whatIsLeft(api: EcsClusterApi, cluster: string, contents: ClusterContents, runningTasks: number): Promise<string> {
  if (contents === 'services') {
    const services = (await api.servicesOf(cluster)).map((s) => `${s.serviceName ?? ''} (${s.status ?? ''})`);
    return `service(s) ${services.join(', ')} still in it`;
  }
  if (contents === 'tasks') return `${runningTasks} task(s) still running in it`;
  return 'container instances are still registered with it (scale its Auto Scaling groups to 0)';
}

/** The Auto Scaling group capacity providers this object owns: deleted, and waited for. */
async function deleteOwnedProviders(api: EcsClusterApi, obj: EcsCluster, deps: Omit<ClusterDeps, 'now'>, events: OperatorEvent[]): Promise<CleanupOutcome> {
  const declared = (obj.spec.capacityProviders ?? []).filter((p) => p.autoScalingGroup !== undefined).map((p) => p.name);
  const names = [...new Set([...ownedProviderNamesOf(obj.status), ...declared])];
  const providers = (await api.describeCapacityProviders(names)).filter((p) => p.status === 'ACTIVE' && ownershipOf(p.tags, deps.owner).kind === 'owned');
  let pending = 0;
  for (const p of providers) {
    if (p.updateStatus === 'DELETE_IN_PROGRESS') {
      pending += 1;
      continue;
    }
    const deleted = await api.deleteCapacityProvider(p.name ?? '');
    events.push({ type: 'Normal', reason: 'Deleted', message: `Deleted capacity provider ${p.name ?? ''}` });
    if (deleted.status === 'ACTIVE') pending += 1;
  }
  if (pending === 0) return { done: true, conditions: [], events };
  const message = `waiting for ${pending} capacity provider(s) of ECS cluster ${obj.status?.clusterName ?? clusterNameOf(obj)} to be deleted`;
  return { done: false, requeueAfterMs: PROVIDER_POLL_MS, conditions: conditionsFor({ kind: 'progressing', reason: 'Deleting', message }, IN_SYNC), events };
}
