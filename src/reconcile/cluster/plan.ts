// The pure heart of the cluster reconciler: from the desired cluster and what ECS reports, the
// changes to make, in the order ECS needs them: capacity providers the cluster will list exist
// first, then the cluster (created, adopted, updated, tagged), and only once the cluster no longer
// lists them are the providers this object owned and no longer declares deleted.
import type { CapacityProvider, CapacityProviderStrategyItem, Cluster, CreateCapacityProviderCommandInput, CreateClusterCommandInput, UpdateCapacityProviderCommandInput } from '@aws-sdk/client-ecs';
import type { Tag } from '../../api/index.js';
import { diffJson, sameJson } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { isReservedTagKey, ownershipOf, ownerTags } from '../ownership.js';
import type { FieldDiff, PlannedChange } from '../plan-types.js';
import { createClusterRequest, createProviderRequest, providerSettings, type DesiredCluster } from './desired.js';
import { CLUSTER_FIELDS, desiredProviderShape, observedProviderShape, type ClusterCall } from './fields.js';

export interface ClusterObservation {
  /** The ACTIVE (or provisioning) cluster of the manifest's name; an INACTIVE one is absent. */
  cluster: Cluster | undefined;
  /** The capacity providers the manifest declares and those this object owned before, by name. */
  providers: ReadonlyMap<string, CapacityProvider>;
}

export interface ClusterPlanContext {
  owner: OwnerIdentity;
  /** Tag keys the manifest set before: the only ones ever removed (tags others add are left alone). */
  managedTagKeys: readonly string[];
  /** Auto Scaling group providers this object created or adopted before (status.ownedCapacityProviders). */
  ownedProviderNames: readonly string[];
  /** status.clusterName: the cluster this object last worked on. */
  previousClusterName: string | undefined;
}

type TagPayload = { resourceArn: string; tags: Tag[] };

export type ClusterChange =
  | PlannedChange<'CreateCapacityProvider', CreateCapacityProviderCommandInput>
  | PlannedChange<'AdoptCapacityProvider', TagPayload>
  | PlannedChange<'UpdateCapacityProvider', UpdateCapacityProviderCommandInput>
  | PlannedChange<'CreateCluster', CreateClusterCommandInput>
  | PlannedChange<'AdoptCluster', TagPayload>
  | PlannedChange<'UpdateClusterSettings', { cluster: string; settings: { name: 'containerInsights'; value: string }[] }>
  | PlannedChange<'UpdateCluster', { cluster: string; configuration?: CreateClusterCommandInput['configuration']; serviceConnectDefaults?: { namespace: string } }>
  | PlannedChange<'PutClusterCapacityProviders', { cluster: string; capacityProviders: string[]; defaultCapacityProviderStrategy: CapacityProviderStrategyItem[] }>
  | PlannedChange<'Tag', TagPayload>
  | PlannedChange<'Untag', { resourceArn: string; tagKeys: string[] }>
  | PlannedChange<'DeleteCapacityProvider', { name: string }>;

export interface Blocker {
  reason: string;
  message: string;
}

export interface ClusterPlan {
  changes: ClusterChange[];
  /** Set when the changes cannot be made without a person: they are reported, not applied. */
  blocked?: Blocker;
}

export function planCluster(desired: DesiredCluster, observed: ClusterObservation, ctx: ClusterPlanContext): ClusterPlan {
  const name = desired.clusterName;
  if (ctx.previousClusterName !== undefined && ctx.previousClusterName !== name) {
    return {
      changes: [],
      blocked: {
        reason: 'ReplacementRequired',
        message: `spec.clusterName changed from ${ctx.previousClusterName} to ${name}: an ECS cluster cannot be renamed. Revert the change, or delete this object and create a new one`,
      },
    };
  }
  const where = `ECS cluster ${name}`;
  const { cluster } = observed;
  const changes: ClusterChange[] = [];
  let adopting = false;
  if (cluster) {
    const ownership = ownershipOf(cluster.tags, ctx.owner);
    if (ownership.kind === 'other') {
      return { changes: [], blocked: { reason: 'OwnedByAnotherObject', message: `${where} belongs to ${ownership.owner}; two objects cannot manage one cluster: rename one of them (spec.clusterName)` } };
    }
    if (ownership.kind === 'unowned') {
      if (desired.spec.adoptExisting !== true) {
        return { changes: [], blocked: { reason: 'NotOwned', message: `${where} exists and was not created by this operator; it is left untouched. Set spec.adoptExisting: true to take it over` } };
      }
      adopting = true;
    }
  }

  const providers = providerChanges(desired, observed, ctx);
  if (providers.blocked) return { changes: providers.changes, blocked: providers.blocked };
  changes.push(...providers.changes);

  if (!cluster) {
    changes.push({ resource: 'Cluster', id: name, action: 'CreateCluster', diffs: [{ path: 'spec.clusterName', desired: name }], payload: createClusterRequest(desired, ctx.owner) });
    changes.push(...providerDeletions(desired, observed, ctx));
    return { changes };
  }
  const arn = cluster.clusterArn ?? '';
  if (adopting) {
    changes.push({ resource: 'Cluster', id: name, action: 'AdoptCluster', diffs: [{ path: 'spec.adoptExisting', desired: true }], payload: { resourceArn: arn, tags: ownerTags(ctx.owner) }, adoption: true });
  }
  changes.push(...fieldChanges(desired, cluster));
  changes.push(...tagChanges(desired, cluster, ctx));
  changes.push(...providerDeletions(desired, observed, ctx));
  return { changes };
}

function fieldChanges(desired: DesiredCluster, cluster: Cluster): ClusterChange[] {
  const byCall = new Map<ClusterCall, FieldDiff[]>();
  for (const field of CLUSTER_FIELDS) {
    const want = field.desired(desired);
    if (want === undefined) continue;
    const have = field.observed(cluster, desired);
    if (sameJson(want, have)) continue;
    byCall.set(field.call, [...(byCall.get(field.call) ?? []), ...diffJson(field.path, want, have)]);
  }
  const name = desired.clusterName;
  const { spec } = desired;
  const changes: ClusterChange[] = [];
  const settings = byCall.get('UpdateClusterSettings');
  if (settings && spec.settings?.containerInsights) {
    changes.push({ resource: 'Cluster', id: name, action: 'UpdateClusterSettings', diffs: settings, payload: { cluster: name, settings: [{ name: 'containerInsights', value: spec.settings.containerInsights }] } });
  }
  const update = byCall.get('UpdateCluster');
  if (update) {
    const paths = update.map((d) => d.path);
    const payload: Extract<ClusterChange, { action: 'UpdateCluster' }>['payload'] = { cluster: name };
    // Every member is sent in full, so a member removed from the manifest goes back to ECS's default.
    if (paths.some((p) => p.startsWith('spec.configuration'))) {
      payload.configuration = { executeCommandConfiguration: spec.configuration?.executeCommandConfiguration ?? { logging: 'DEFAULT' } };
    }
    // An empty namespace clears the cluster's Service Connect defaults.
    if (paths.some((p) => p.startsWith('spec.serviceConnectDefaults'))) payload.serviceConnectDefaults = { namespace: spec.serviceConnectDefaults?.namespace ?? '' };
    changes.push({ resource: 'Cluster', id: name, action: 'UpdateCluster', diffs: update, payload });
  }
  const put = byCall.get('PutClusterCapacityProviders');
  if (put && desired.capacityProviders) {
    changes.push({
      resource: 'Cluster',
      id: name,
      action: 'PutClusterCapacityProviders',
      diffs: put,
      payload: { cluster: name, capacityProviders: desired.capacityProviders.names, defaultCapacityProviderStrategy: desired.capacityProviders.strategy },
    });
  }
  return changes;
}

function providerChanges(desired: DesiredCluster, observed: ClusterObservation, ctx: ClusterPlanContext): ClusterPlan {
  const changes: ClusterChange[] = [];
  for (const spec of desired.ownedProviders) {
    const current = observed.providers.get(spec.name);
    const path = `spec.capacityProviders[${spec.name}]`;
    if (!current || current.status !== 'ACTIVE' || current.updateStatus === 'DELETE_IN_PROGRESS') {
      changes.push({ resource: 'CapacityProvider', id: spec.name, action: 'CreateCapacityProvider', diffs: [{ path, desired: spec.name }], payload: createProviderRequest(desired, spec, ctx.owner) });
      continue;
    }
    const where = `capacity provider ${spec.name}`;
    const ownership = ownershipOf(current.tags, ctx.owner);
    if (ownership.kind === 'other') {
      return { changes, blocked: { reason: 'OwnedByAnotherObject', message: `${where} belongs to ${ownership.owner}; give this one another name` } };
    }
    if (ownership.kind === 'unowned') {
      if (desired.spec.adoptExisting !== true) {
        return { changes, blocked: { reason: 'NotOwned', message: `${where} exists and was not created by this operator; it is left untouched. Set spec.adoptExisting: true to take it over, or give this one another name` } };
      }
      changes.push({ resource: 'CapacityProvider', id: spec.name, action: 'AdoptCapacityProvider', diffs: [{ path: `${path}.name`, desired: spec.name }], payload: { resourceArn: current.capacityProviderArn ?? '', tags: ownerTags(ctx.owner) }, adoption: true });
    }
    const want = desiredProviderShape(spec);
    const have = observedProviderShape(current);
    if (sameJson(want, have)) continue;
    const diffs = diffJson(path, want, have);
    if (diffs.some((d) => d.path === `${path}.autoScalingGroup`)) {
      return {
        changes,
        blocked: { reason: 'ReplacementRequired', message: `the Auto Scaling group of ${where} cannot change: declare a capacity provider with another name for the new group, and move the strategy to it` },
      };
    }
    const settings = providerSettings(spec);
    changes.push({
      resource: 'CapacityProvider',
      id: spec.name,
      action: 'UpdateCapacityProvider',
      diffs,
      // Every member is sent, so one removed from the manifest goes back to ECS's default.
      payload: {
        name: spec.name,
        autoScalingGroupProvider: {
          managedScaling: { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300, ...settings.managedScaling },
          managedTerminationProtection: settings.managedTerminationProtection ?? 'DISABLED',
          managedDraining: settings.managedDraining ?? 'ENABLED',
        },
      },
    });
  }
  return { changes };
}

/** Providers this object owned and no longer declares: deleted once the cluster stops listing them. */
function providerDeletions(desired: DesiredCluster, observed: ClusterObservation, ctx: ClusterPlanContext): ClusterChange[] {
  const declared = new Set(desired.ownedProviders.map((p) => p.name));
  return ctx.ownedProviderNames
    .filter((name) => !declared.has(name))
    .filter((name) => {
      const p = observed.providers.get(name);
      return p !== undefined && p.status === 'ACTIVE' && p.updateStatus !== 'DELETE_IN_PROGRESS' && ownershipOf(p.tags, ctx.owner).kind === 'owned';
    })
    .map((name) => ({ resource: 'CapacityProvider' as const, id: name, action: 'DeleteCapacityProvider' as const, diffs: [{ path: `spec.capacityProviders[${name}]`, actual: name }], payload: { name } }));
}

/** Tags the manifest sets and differ, and tags it set before and no longer lists. */
function tagChanges(desired: DesiredCluster, cluster: Cluster, ctx: ClusterPlanContext): ClusterChange[] {
  const actual = new Map((cluster.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
  const wanted = new Set(desired.userTags.map((t) => t.key));
  const toSet = desired.userTags.filter((t) => actual.get(t.key) !== t.value);
  const toRemove = ctx.managedTagKeys.filter((k) => !wanted.has(k) && !isReservedTagKey(k) && actual.has(k));
  const resourceArn = cluster.clusterArn ?? '';
  const changes: ClusterChange[] = [];
  if (toSet.length > 0) {
    const diffs = toSet.map((t) => ({ path: `spec.tags[${t.key}]`, desired: t.value, ...(actual.has(t.key) ? { actual: actual.get(t.key) } : {}) }));
    changes.push({ resource: 'Cluster', id: desired.clusterName, action: 'Tag', diffs, payload: { resourceArn, tags: toSet } });
  }
  if (toRemove.length > 0) {
    const diffs = toRemove.map((k) => ({ path: `spec.tags[${k}]`, actual: actual.get(k) }));
    changes.push({ resource: 'Cluster', id: desired.clusterName, action: 'Untag', diffs, payload: { resourceArn, tagKeys: toRemove } });
  }
  return changes;
}
