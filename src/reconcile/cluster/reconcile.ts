// The cluster reconciler: observe -> plan -> apply -> status, for one EcsCluster. Source-agnostic:
// it takes the object and returns an outcome.
import type { CapacityProvider, Cluster } from '@aws-sdk/client-ecs';
import type { EcsCluster, EcsClusterStatus, OwnedCapacityProvider } from '../../api/cluster.js';
import type { AwsAdapter } from '../../aws/adapter.js';
import { EcsClusterApi } from '../../aws/ecs-cluster-api.js';
import { failureOf } from '../aws-failure.js';
import {
  conditionsFor,
  IN_SYNC,
  unsyncedConditions,
  withheldBecause,
  withheldSync,
  type Health,
  type OperatorEvent,
  type OwnerIdentity,
  type ReconcileOptions,
  type ReconcileOutcome,
} from '../outcome.js';
import { ownershipOf } from '../ownership.js';
import { clusterSpecDigest, desiredCluster, type DesiredCluster } from './desired.js';
import { observeCluster } from './observe.js';
import { planCluster, type ClusterChange, type ClusterObservation, type ClusterPlan } from './plan.js';
import { carriedStatus, clusterStatus, ownedProviderNamesOf, ownedProviderStatus } from './status.js';

export interface ClusterDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
}

/** How often a cluster or a capacity provider still settling is looked at again. */
const SETTLE_REQUEUE_MS = 5_000;

export async function reconcileCluster(obj: EcsCluster, deps: ClusterDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<EcsClusterStatus>> {
  const region = deps.aws.region(obj.spec.region);
  const api = new EcsClusterApi(region.clients.ecs);
  const previous = carriedStatus(obj.status);
  const desired = desiredCluster(obj, region.region);
  const specDigest = clusterSpecDigest(obj, region.region);
  let plan: ClusterPlan | undefined;
  const events: OperatorEvent[] = [];
  try {
    const observed = await observeCluster(api, desired, ownedProviderNamesOf(obj.status));
    plan = planCluster(desired, observed, {
      owner: deps.owner,
      managedTagKeys: previous.managedTagKeys ?? [],
      ownedProviderNames: ownedProviderNamesOf(obj.status),
      previousClusterName: previous.clusterName,
    });
    const ours = observed.cluster !== undefined && ownershipOf(observed.cluster.tags, deps.owner).kind === 'owned';
    const owned = [...ownedProviders(observed.providers, deps.owner).values()];
    if (plan.blocked) {
      return notApplied(ours ? clusterStatus(previous, desired, observed.cluster, owned) : previous, plan.changes, { kind: 'stalled', ...plan.blocked });
    }
    const why = plan.changes.length > 0 ? withheldBecause(obj, specDigest, opts) : undefined;
    if (why !== undefined) {
      const health: Health = observed.cluster
        ? clusterHealth(observed.cluster, owned)
        : { kind: 'pending', reason: 'ChangesWithheld', message: `ECS cluster ${desired.clusterName} does not exist and was not created: ${why}` };
      return { plan: plan.changes, applied: false, status: clusterStatus(previous, desired, observed.cluster, owned), conditions: conditionsFor(health, withheldSync(plan.changes.length, why)), events: [], specDigest };
    }

    const applied = await applyChanges(api, deps, desired, plan.changes, observed, events);
    // The cluster again, with its counts, once anything changed (tagging answers with nothing).
    const cluster = events.length > 0 ? await api.describeCluster(desired.clusterName) : observed.cluster;
    const status = clusterStatus(previous, desired, cluster, [...applied.owned.values()]);
    if (applied.inUse) {
      const { providers, services, message } = applied.inUse;
      return {
        plan: plan.changes,
        applied: events.length > 0,
        status: { ...status, blockedBy: { capacityProviders: providers, services } },
        conditions: unsyncedConditions({ kind: 'stalled', reason: 'CapacityProviderInUse', message }),
        events: [...events, { type: 'Warning', reason: 'CapacityProviderInUse', message }],
        // Looked at again with the backoff of a stalled object, and at once when the manifest changes.
        backoff: 'stalled',
        specDigest,
      };
    }
    const health = cluster ? clusterHealth(cluster, [...applied.owned.values()]) : { kind: 'progressing' as const, reason: 'Creating', message: `ECS cluster ${desired.clusterName} is being created` };
    return {
      plan: plan.changes,
      applied: events.length > 0,
      status,
      conditions: conditionsFor(health, IN_SYNC),
      events,
      ...(health.kind === 'progressing' ? { requeueAfterMs: SETTLE_REQUEUE_MS } : {}),
      specDigest,
    };
  } catch (err) {
    const failure = failureOf(err, `reconciling ECS cluster ${desired.clusterName}`, { region: region.region });
    if (!failure) throw err;
    return {
      ...notApplied(previous, plan?.changes ?? [], failure.health),
      applied: events.length > 0,
      events: [...events, failure.event],
      backoff: failure.backoff,
      // Failed before a plan: ECS was not (fully) read.
      ...(plan === undefined ? { unobserved: failure.health.message } : {}),
    };
  }
}

/** Ready once the cluster is ACTIVE and no owned capacity provider is still being updated. */
function clusterHealth(cluster: Cluster, owned: readonly OwnedCapacityProvider[]): Health {
  const name = cluster.clusterName ?? '';
  if (cluster.status !== 'ACTIVE') {
    return { kind: 'progressing', reason: 'ClusterProvisioning', message: `ECS cluster ${name} is ${cluster.status ?? 'not ACTIVE yet'}` };
  }
  const updating = owned.filter((p) => p.updateStatus === 'UPDATE_IN_PROGRESS').map((p) => p.name);
  if (updating.length > 0) {
    return { kind: 'progressing', reason: 'CapacityProviderUpdating', message: `capacity provider(s) ${updating.join(', ')} of ECS cluster ${name} are being updated` };
  }
  const providers = cluster.capacityProviders?.length ? cluster.capacityProviders.join(', ') : 'none';
  return { kind: 'ready', reason: 'ClusterActive', message: `ECS cluster ${name} is ACTIVE (capacity providers: ${providers})` };
}

function ownedProviders(providers: ReadonlyMap<string, CapacityProvider>, owner: OwnerIdentity): Map<string, OwnedCapacityProvider> {
  const owned = new Map<string, OwnedCapacityProvider>();
  for (const [name, p] of providers) {
    if (p.status === 'ACTIVE' && ownershipOf(p.tags, owner).kind === 'owned') owned.set(name, ownedProviderStatus(p));
  }
  return owned;
}

interface Applied {
  owned: Map<string, OwnedCapacityProvider>;
  /** PutClusterCapacityProviders was refused: providers still in use, and the services using them. */
  inUse?: { providers: string[]; services: string[]; message: string };
}

async function applyChanges(api: EcsClusterApi, deps: ClusterDeps, desired: DesiredCluster, changes: ClusterChange[], observed: ClusterObservation, events: OperatorEvent[]): Promise<Applied> {
  const ecs = deps.aws.region(desired.region).ecs;
  const owned = ownedProviders(observed.providers, deps.owner);
  const clusterName = desired.clusterName;
  for (const change of changes) {
    const fields = change.diffs.map((d) => d.path).join(', ');
    switch (change.action) {
      case 'CreateCapacityProvider': {
        const created = await api.createCapacityProvider(change.payload);
        owned.set(change.id, ownedProviderStatus(created));
        events.push({ type: 'Normal', reason: 'Created', message: `Created capacity provider ${change.id} on Auto Scaling group ${change.payload.autoScalingGroupProvider?.autoScalingGroupArn ?? ''}` });
        break;
      }
      case 'AdoptCapacityProvider': {
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        const adopted = observed.providers.get(change.id);
        if (adopted) owned.set(change.id, ownedProviderStatus(adopted));
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted capacity provider ${change.id} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      }
      case 'UpdateCapacityProvider': {
        owned.set(change.id, ownedProviderStatus(await api.updateCapacityProvider(change.payload)));
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated capacity provider ${change.id}: ${fields}` });
        break;
      }
      case 'CreateCluster':
        await api.createCluster(change.payload);
        events.push({ type: 'Normal', reason: 'Created', message: `Created ECS cluster ${clusterName}` });
        break;
      case 'AdoptCluster':
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted ECS cluster ${clusterName} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      case 'UpdateClusterSettings':
        await api.updateClusterSettings(change.payload);
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated the settings of ECS cluster ${clusterName}: ${fields}` });
        break;
      case 'UpdateCluster':
        await api.updateCluster(change.payload);
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated ECS cluster ${clusterName}: ${fields}` });
        break;
      case 'PutClusterCapacityProviders': {
        const result = await api.putClusterCapacityProviders(change.payload.cluster, change.payload.capacityProviders, change.payload.defaultCapacityProviderStrategy);
        if (result.kind === 'inUse') {
          // Nothing after this can go through: the providers to delete are still listed.
          const kept = new Set(change.payload.capacityProviders);
          const removed = (observed.cluster?.capacityProviders ?? []).filter((p) => !kept.has(p));
          const services = (await api.servicesOf(clusterName))
            .filter((s) => (s.capacityProviderStrategy ?? []).some((i) => removed.includes(i.capacityProvider ?? '')))
            .map((s) => s.serviceName ?? '');
          const users = services.length > 0 ? `still used by service(s) ${services.join(', ')}` : 'still used by tasks of the cluster';
          const message = `capacity provider(s) ${removed.join(', ')} cannot be removed from ECS cluster ${clusterName}: ${users}. Move them to other capacity providers or delete them`;
          return { owned, inUse: { providers: removed, services, message } };
        }
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated the capacity providers of ECS cluster ${clusterName}: ${fields}` });
        break;
      }
      case 'Tag':
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Tagged', message: `Tagged ECS cluster ${clusterName}: ${fields}` });
        break;
      case 'Untag':
        await ecs.untagResource(change.payload.resourceArn, change.payload.tagKeys);
        events.push({ type: 'Normal', reason: 'Untagged', message: `Removed tags from ECS cluster ${clusterName}: ${fields}` });
        break;
      case 'DeleteCapacityProvider':
        await api.deleteCapacityProvider(change.payload.name);
        owned.delete(change.id);
        events.push({ type: 'Normal', reason: 'Deleted', message: `Deleted capacity provider ${change.id}: the manifest no longer declares it` });
        break;
    }
  }
  return { owned };
}

/** Nothing (more) could be done: whether ECS matches the manifest is not known, so not Synced. */
function notApplied(status: EcsClusterStatus, plan: ClusterChange[], health: Health, requeueAfterMs?: number): ReconcileOutcome<EcsClusterStatus> {
  return { plan, applied: false, status, conditions: unsyncedConditions(health), events: [], ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}
