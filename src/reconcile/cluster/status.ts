// The status an EcsCluster shows: the cluster ECS holds (ARN, state, providers, counts) and the
// capacity providers this object owns.
import type { CapacityProvider, Cluster } from '@aws-sdk/client-ecs';
import type { EcsClusterStatus, OwnedCapacityProvider } from '../../api/cluster.js';
import type { DesiredCluster } from './desired.js';

/** Status without the fields the caller owns (conditions, observedGeneration, reconciledGeneration). */
export function carriedStatus(status: EcsClusterStatus | undefined): EcsClusterStatus {
  const { conditions: _conditions, observedGeneration: _generation, reconciledGeneration: _reconciled, ...rest } = status ?? {};
  return rest;
}

export function ownedProviderNamesOf(status: EcsClusterStatus | undefined): string[] {
  return (status?.ownedCapacityProviders ?? []).map((p) => p.name);
}

export function ownedProviderStatus(p: CapacityProvider): OwnedCapacityProvider {
  return {
    name: p.name ?? '',
    ...(p.capacityProviderArn ? { capacityProviderArn: p.capacityProviderArn } : {}),
    ...(p.autoScalingGroupProvider?.autoScalingGroupArn ? { autoScalingGroupArn: p.autoScalingGroupProvider.autoScalingGroupArn } : {}),
    ...(p.updateStatus ? { updateStatus: p.updateStatus } : {}),
  };
}

export function clusterStatus(previous: EcsClusterStatus, desired: DesiredCluster, cluster: Cluster | undefined, owned: OwnedCapacityProvider[]): EcsClusterStatus {
  const next: EcsClusterStatus = { ...previous, region: desired.region, managedTagKeys: desired.userTags.map((t) => t.key), ownedCapacityProviders: owned };
  delete next.blockedBy;
  if (!cluster) return next;
  return {
    ...next,
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    clusterStatus: cluster.status,
    capacityProviders: cluster.capacityProviders ?? [],
    activeServicesCount: cluster.activeServicesCount ?? 0,
    runningTasksCount: cluster.runningTasksCount ?? 0,
    pendingTasksCount: cluster.pendingTasksCount ?? 0,
    registeredContainerInstancesCount: cluster.registeredContainerInstancesCount ?? 0,
  };
}
