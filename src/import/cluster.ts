// The cluster the services run in, as an EcsCluster: settings, configuration, Service Connect
// defaults, capacity providers (FARGATE and FARGATE_SPOT by name, Auto Scaling group providers
// with their settings) and the default strategy. Pure.
//
// Minimal against what ECS gives a new cluster (the cluster plan's normalization of an empty
// DescribeClusters answer), and checked against the plan's own comparisons like the services.
import type { CapacityProvider, Cluster } from '@aws-sdk/client-ecs';
import { API_VERSION, EcsClusterSpec as EcsClusterSpecSchema, FARGATE_PROVIDERS, KINDS, type EcsCluster, type EcsClusterSpec } from '../api/index.js';
import { diffJson, sameJson, sortedBy, type Json } from '../reconcile/canonical.js';
import { desiredCluster } from '../reconcile/cluster/desired.js';
import { CLUSTER_FIELDS, desiredProviderShape, observedProviderShape } from '../reconcile/cluster/fields.js';
import { userTagsOf } from '../reconcile/taskdefinition/desired.js';
import { minimize } from './minimize.js';
import { fitToSchema, type Unexpressed } from './schema-fit.js';
import { isEmpty, withoutUndefined, type Translated } from './translate.js';

/** DescribeClusters (include SETTINGS, CONFIGURATIONS, TAGS) and the cluster's non-Fargate providers. */
export interface ObservedCluster {
  cluster: Cluster;
  providers: CapacityProvider[];
}

// Members of a DescribeClusters answer that are state, not settings.
const CLUSTER_STATE = new Set([
  'clusterArn',
  'clusterName',
  'status',
  'registeredContainerInstancesCount',
  'runningTasksCount',
  'pendingTasksCount',
  'activeServicesCount',
  'statistics',
  'attachments',
  'attachmentsStatus',
]);

const isFargate = (name: string) => (FARGATE_PROVIDERS as readonly string[]).includes(name);

function providerOf(name: string, described: ReadonlyMap<string, CapacityProvider>): Record<string, unknown> {
  const asg = described.get(name)?.autoScalingGroupProvider;
  // FARGATE, FARGATE_SPOT, and any other provider that is not an Auto Scaling group's: by name.
  if (isFargate(name) || !asg?.autoScalingGroupArn) return { name };
  return {
    name,
    autoScalingGroup: asg.autoScalingGroupArn,
    managedScaling: asg.managedScaling,
    managedTerminationProtection: asg.managedTerminationProtection,
    managedDraining: asg.managedDraining,
  };
}

export function translateCluster(observed: ObservedCluster, name: string, region: string): Translated<EcsCluster> {
  const unexpressed: Unexpressed[] = [];
  const c = observed.cluster;
  const reason = 'the EcsCluster schema has no such field';
  for (const [key, value] of Object.entries(c)) {
    if (!CLUSTER_STATE.has(key) && !(key in EcsClusterSpecSchema.properties) && !isEmpty(value)) unexpressed.push({ field: `spec.${key}`, reason });
  }
  for (const s of c.settings ?? []) if (s.name !== 'containerInsights') unexpressed.push({ field: `spec.settings.${s.name ?? ''}`, reason });
  const described = new Map(observed.providers.map((p) => [p.name ?? '', p]));
  const names = c.capacityProviders ?? [];
  const strategy = c.defaultCapacityProviderStrategy ?? [];
  const namespace = c.serviceConnectDefaults?.namespace;
  const insights = c.settings?.find((s) => s.name === 'containerInsights')?.value;
  const tags = userTagsOf(c.tags);
  const raw = {
    clusterName: c.clusterName ?? name,
    region,
    settings: insights ? { containerInsights: insights } : undefined,
    configuration: c.configuration,
    serviceConnectDefaults: namespace ? { namespace } : undefined,
    capacityProviders: names.length > 0 ? names.map((n) => providerOf(n, described)) : undefined,
    defaultCapacityProviderStrategy: strategy.length > 0 ? strategy : undefined,
    tags: tags.length > 0 ? tags : undefined,
    adoptExisting: true,
  };
  const spec = withoutUndefined(fitToSchema(raw, EcsClusterSpecSchema, 'spec', unexpressed) as EcsClusterSpec);
  const manifest: EcsCluster = { apiVersion: API_VERSION, kind: KINDS.EcsCluster, metadata: { name }, spec };
  // A member is left out when the cluster reads the same without it, where "without it" is what a
  // new cluster holds: each field as the plan normalizes an empty DescribeClusters answer.
  const normalize = (spec: EcsClusterSpec): Json => {
    const d = desiredCluster({ ...manifest, spec }, region);
    return {
      identity: [d.clusterName, spec.region ?? null, spec.adoptExisting ?? null],
      fields: Object.fromEntries(CLUSTER_FIELDS.map((f) => [f.name, f.desired(d) ?? f.observed({}, d) ?? null])),
      owned: d.ownedProviders.map((p) => ({ name: p.name, shape: desiredProviderShape(p) })),
      tags: sortedBy(d.userTags, (t) => t.key),
    };
  };
  minimize(manifest.spec, normalize);

  // The plan's own comparisons: whatever would still differ cannot be expressed.
  const d = desiredCluster(manifest, region);
  const report = (diffs: ReturnType<typeof diffJson>) => {
    for (const diff of diffs) if (!unexpressed.some((u) => diff.path.startsWith(u.field))) unexpressed.push({ field: diff.path, reason: 'the manifest cannot hold this value as ECS has it' });
  };
  for (const field of CLUSTER_FIELDS) {
    const want = field.desired(d);
    if (want === undefined) continue;
    const have = field.observed(c, d);
    if (!sameJson(want, have)) report(diffJson(field.path, want, have));
  }
  for (const p of d.ownedProviders) {
    const current = described.get(p.name);
    if (current) report(diffJson(`spec.capacityProviders[${p.name}]`, desiredProviderShape(p), observedProviderShape(current)));
  }
  return { manifest, unexpressed };
}
