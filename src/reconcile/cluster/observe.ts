// Reads what the cluster plan compares against: the cluster (with settings, configuration and
// tags) and the capacity providers the manifest declares or this object owned before.
import type { CapacityProvider } from '@aws-sdk/client-ecs';
import type { EcsClusterApi } from '../../aws/ecs-cluster-api.js';
import type { DesiredCluster } from './desired.js';
import type { ClusterObservation } from './plan.js';

export async function observeCluster(api: EcsClusterApi, desired: DesiredCluster, ownedBefore: readonly string[]): Promise<ClusterObservation> {
  const names = [...new Set([...desired.ownedProviders.map((p) => p.name), ...ownedBefore])];
  const [cluster, providers] = await Promise.all([api.describeCluster(desired.clusterName), api.describeCapacityProviders(names)]);
  return { cluster, providers: byName(providers) };
}

/** By name; where ECS still lists a deleted (INACTIVE) provider beside a new one, the ACTIVE one wins. */
export function byName(providers: readonly CapacityProvider[]): Map<string, CapacityProvider> {
  const map = new Map<string, CapacityProvider>();
  for (const p of providers) {
    const name = p.name ?? '';
    const known = map.get(name);
    if (!known || known.status !== 'ACTIVE') map.set(name, p);
  }
  return map;
}
