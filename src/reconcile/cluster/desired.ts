// What an EcsCluster asks ECS for: the cluster, its settings and configuration, the capacity
// providers it lists (and among them those the operator creates from an Auto Scaling group), and
// its default capacity provider strategy.
import type { CapacityProviderStrategyItem, CreateCapacityProviderCommandInput, CreateClusterCommandInput } from '@aws-sdk/client-ecs';
import { clusterNameOf, type ClusterCapacityProvider, type EcsCluster, type EcsClusterSpec } from '../../api/cluster.js';
import type { Tag } from '../../api/index.js';
import { hashOf, prune } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { ownerTags } from '../ownership.js';
import { userTagsOf } from '../taskdefinition/desired.js';

/** An Auto Scaling group capacity provider the manifest declares: the operator creates and owns it. */
export type OwnedProviderSpec = ClusterCapacityProvider & { autoScalingGroup: string };

export interface DesiredCluster {
  region: string;
  clusterName: string;
  spec: EcsClusterSpec;
  /** The manifest's own tags (the operator's ownership tags come on top). */
  userTags: Tag[];
  /** Providers the operator creates, updates and deletes. */
  ownedProviders: OwnedProviderSpec[];
  /**
   * The cluster's whole provider list and default strategy, when the manifest sets either; ECS's
   * PutClusterCapacityProviders always takes both. Undefined leaves them to whoever set them.
   */
  capacityProviders: { names: string[]; strategy: CapacityProviderStrategyItem[] } | undefined;
}

/** Fields that tell the operator what to do, not ECS what to hold: an edit of only these writes nothing. */
const OPERATOR_FIELDS = ['driftPolicy', 'deletionPolicy', 'adoptExisting'] as const satisfies readonly (keyof EcsClusterSpec)[];

/** Digest of what the spec asks of AWS, in its region (status.reconciledSpecDigest; see specReconciled). */
export function clusterSpecDigest(obj: EcsCluster, region: string): string {
  const spec: Record<string, unknown> = { ...obj.spec };
  for (const field of OPERATOR_FIELDS) delete spec[field];
  return hashOf({ region, spec: prune(spec) ?? null });
}

export function desiredCluster(obj: EcsCluster, region: string): DesiredCluster {
  const { spec } = obj;
  const managed = spec.capacityProviders !== undefined || spec.defaultCapacityProviderStrategy !== undefined;
  return {
    region,
    clusterName: clusterNameOf(obj),
    spec,
    userTags: userTagsOf(spec.tags),
    ownedProviders: (spec.capacityProviders ?? []).filter((p): p is OwnedProviderSpec => p.autoScalingGroup !== undefined),
    capacityProviders: managed ? { names: (spec.capacityProviders ?? []).map((p) => p.name), strategy: strategyRequest(spec.defaultCapacityProviderStrategy) } : undefined,
  };
}

function strategyRequest(strategy: EcsClusterSpec['defaultCapacityProviderStrategy']): CapacityProviderStrategyItem[] {
  return (strategy ?? []).map((i) => ({ capacityProvider: i.capacityProvider, ...(i.weight === undefined ? {} : { weight: i.weight }), ...(i.base === undefined ? {} : { base: i.base }) }));
}

export function executeCommandConfigurationOf(spec: EcsClusterSpec) {
  return spec.configuration?.executeCommandConfiguration;
}

/** The CreateCluster request: what the manifest says (ECS fills in the rest) and the ownership tags. */
export function createClusterRequest(d: DesiredCluster, owner: OwnerIdentity): CreateClusterCommandInput {
  const { spec } = d;
  const insights = spec.settings?.containerInsights;
  const execute = executeCommandConfigurationOf(spec);
  return {
    clusterName: d.clusterName,
    ...(insights ? { settings: [{ name: 'containerInsights', value: insights }] } : {}),
    ...(execute ? { configuration: { executeCommandConfiguration: execute } } : {}),
    ...(spec.serviceConnectDefaults ? { serviceConnectDefaults: { namespace: spec.serviceConnectDefaults.namespace } } : {}),
    ...(d.capacityProviders && d.capacityProviders.names.length > 0
      ? { capacityProviders: d.capacityProviders.names, defaultCapacityProviderStrategy: d.capacityProviders.strategy }
      : {}),
    tags: [...d.userTags, ...ownerTags(owner)],
  };
}

/** The Auto Scaling group provider as UpdateCapacityProvider and CreateCapacityProvider take it. */
export function providerSettings(p: OwnedProviderSpec) {
  return {
    ...(p.managedScaling ? { managedScaling: p.managedScaling } : {}),
    ...(p.managedTerminationProtection ? { managedTerminationProtection: p.managedTerminationProtection } : {}),
    ...(p.managedDraining ? { managedDraining: p.managedDraining } : {}),
  };
}

export function createProviderRequest(d: DesiredCluster, p: OwnedProviderSpec, owner: OwnerIdentity): CreateCapacityProviderCommandInput {
  return {
    name: p.name,
    autoScalingGroupProvider: { autoScalingGroupArn: p.autoScalingGroup, ...providerSettings(p) },
    tags: [...d.userTags, ...ownerTags(owner)],
  };
}
