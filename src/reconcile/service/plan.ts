// The pure heart of the service reconciler: from the desired service and what ECS reports, the
// changes to make (create, one UpdateService with only the fields that differ, tags, adoption,
// replacement), or the reason none can be made.
import type { Service } from '@aws-sdk/client-ecs';
import type { RolloutStatus, Tag } from '../../api/index.js';
import type { CreateServiceInput } from '../../aws/ecs-api.js';
import { diffJson, sameJson } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { isReservedTagKey, ownershipOf, ownerTags } from '../ownership.js';
import type { FieldDiff, PlannedChange } from '../plan-types.js';
import { createRequest, type DesiredService } from './desired.js';
import { SERVICE_FIELDS, type ServiceUpdate } from './fields.js';
import { holdsFailedRollout } from './rollout.js';

export interface ServiceObservation {
  /** The service at the manifest's cluster and name: ACTIVE or DRAINING (an INACTIVE one is absent). */
  current: Service | undefined;
  /** Live (ACTIVE or DRAINING) services that status records elsewhere: the manifest moved them (serviceName, cluster or region). */
  previous: Service[];
}

export interface ServicePlanContext {
  owner: OwnerIdentity;
  /** Tag keys the manifest set before: the only ones ever removed (tags others add are left alone). */
  managedTagKeys: readonly string[];
  /** status.rollout: a failed rollout of the desired task definition is not started again. */
  rollout: RolloutStatus | undefined;
  /** The manifest's service runs every task of a completed rollout: the services it replaces may go. */
  currentReady: boolean;
}

export interface ServiceRef {
  region: string;
  cluster: string;
  service: string;
}

export type ServiceChange =
  | PlannedChange<'Create', CreateServiceInput>
  | PlannedChange<'Update', ServiceUpdate & ServiceRef>
  | PlannedChange<'Adopt', { resourceArn: string; tags: Tag[] }>
  | PlannedChange<'Tag', { resourceArn: string; tags: Tag[] }>
  | PlannedChange<'Untag', { resourceArn: string; tagKeys: string[] }>
  /** Deletes the service so that it can be created again (a change ECS cannot make in place). */
  | PlannedChange<'Replace', ServiceRef>
  /** Deletes a service the manifest moved away from, once the one that replaces it is Ready. */
  | PlannedChange<'Retire', ServiceRef & { scaleToZero: boolean }>;

export interface Blocker {
  reason: string;
  message: string;
}

export interface ServicePlan {
  changes: ServiceChange[];
  /** Set when the changes cannot be made without a person: they are reported, not applied. */
  blocked?: Blocker;
  /** Set when nothing can be planned until ECS finishes something (a service draining). */
  waiting?: Blocker;
}

export function planService(desired: DesiredService, observed: ServiceObservation, ctx: ServicePlanContext): ServicePlan {
  // A service cannot be renamed or moved to another cluster or region: a new one is created and
  // the old one deleted once the new one is Ready, so that the service never stops serving.
  const moved = observed.previous.filter((p) => p.status === 'ACTIVE' && ownershipOf(p.tags, ctx.owner).kind === 'owned');
  const movedDiffs = moved.flatMap((p) => identityDiffs(desired, p));
  if (moved.length > 0 && desired.spec.replaceOnImmutableChange !== true) {
    return { changes: observed.current ? [] : [createChange(desired, ctx, movedDiffs)], blocked: moveBlocker(desired, moved, movedDiffs) };
  }
  const plan = planCurrent(desired, observed.current, ctx, movedDiffs);
  if (moved.length === 0 || !ctx.currentReady || plan.blocked || plan.waiting) return plan;
  const retire = moved.map((p): ServiceChange => {
    const name = p.serviceName ?? desired.serviceName;
    const payload = { region: regionOfArn(arnOf(p)) ?? desired.region, cluster: p.clusterArn ?? '', service: name, scaleToZero: p.schedulingStrategy !== 'DAEMON' && (p.desiredCount ?? 0) > 0 };
    return { resource: 'Service', id: name, action: 'Retire', diffs: identityDiffs(desired, p), payload };
  });
  return { ...plan, changes: [...plan.changes, ...retire] };
}

/** The plan for the service the manifest names, where it names it. */
function planCurrent(desired: DesiredService, current: Service | undefined, ctx: ServicePlanContext, movedDiffs: FieldDiff[]): ServicePlan {
  const changes: ServiceChange[] = [];
  if (!current) return { changes: [createChange(desired, ctx, movedDiffs)] };
  const where = `ECS service ${desired.serviceName} in cluster ${desired.cluster}`;
  // ECS refuses to create a service under the name of one still draining.
  if (current.status === 'DRAINING') return { changes, waiting: { reason: 'ServiceDraining', message: `${where} is draining after a deletion; it is created again once it is gone` } };

  const ownership = ownershipOf(current.tags, ctx.owner);
  if (ownership.kind === 'other') {
    return { changes: [], blocked: { reason: 'OwnedByAnotherObject', message: `${where} belongs to ${ownership.owner}; two objects cannot manage one service: rename one of them (spec.serviceName)` } };
  }
  if (ownership.kind === 'unowned') {
    if (desired.spec.adoptExisting !== true) {
      return { changes: [], blocked: { reason: 'NotOwned', message: `${where} exists and was not created by this operator; it is left untouched. Set spec.adoptExisting: true to take it over` } };
    }
    changes.push({ resource: 'Service', id: desired.serviceName, action: 'Adopt', diffs: [{ path: 'spec.adoptExisting', desired: true }], payload: { resourceArn: arnOf(current), tags: ownerTags(ctx.owner) } });
  }

  const { mutable, immutable, update } = fieldDiffs(desired, current, ctx);
  if (immutable.length > 0) {
    changes.push(replaceChange(desired, current, immutable));
    return desired.spec.replaceOnImmutableChange === true ? { changes } : { changes, blocked: replacementBlocker(immutable) };
  }
  if (mutable.length > 0) {
    changes.push({ resource: 'Service', id: desired.serviceName, action: 'Update', diffs: mutable, payload: { region: desired.region, cluster: desired.cluster, service: desired.serviceName, ...update } });
  }
  changes.push(...tagChanges(desired, current, ctx));
  return { changes };
}

function createChange(desired: DesiredService, ctx: ServicePlanContext, movedDiffs: FieldDiff[]): ServiceChange {
  const diffs = movedDiffs.length > 0 ? movedDiffs : [{ path: 'spec.serviceName', desired: desired.serviceName }];
  return { resource: 'Service', id: desired.serviceName, action: 'Create', diffs, payload: createRequest(desired, ctx.owner) };
}

function fieldDiffs(desired: DesiredService, current: Service, ctx: ServicePlanContext): { mutable: FieldDiff[]; immutable: FieldDiff[]; update: ServiceUpdate } {
  const mutable: FieldDiff[] = [];
  const immutable: FieldDiff[] = [];
  let update: ServiceUpdate = {};
  for (const field of SERVICE_FIELDS) {
    const want = field.desired(desired);
    if (want === undefined) continue;
    const have = field.observed(current, desired);
    if (sameJson(want, have)) continue;
    // The circuit breaker rolled this revision back: rolling it out again would fail the same way.
    if (field.name === 'taskDefinition' && holdsFailedRollout(ctx.rollout, desired.taskDefinition.familyRevision)) continue;
    const diffs = diffJson(field.path(desired), want, have);
    const members = field.update(desired, current);
    if (members === undefined) immutable.push(...diffs);
    else {
      mutable.push(...diffs);
      update = { ...update, ...members };
    }
  }
  return { mutable, immutable, update };
}

/** Tags the manifest sets and differ, and tags it set before and no longer lists. */
function tagChanges(desired: DesiredService, current: Service, ctx: ServicePlanContext): ServiceChange[] {
  const actual = new Map((current.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
  const wanted = new Set(desired.userTags.map((t) => t.key));
  const toSet = desired.userTags.filter((t) => actual.get(t.key) !== t.value);
  const toRemove = ctx.managedTagKeys.filter((k) => !wanted.has(k) && !isReservedTagKey(k) && actual.has(k));
  const changes: ServiceChange[] = [];
  const resourceArn = arnOf(current);
  if (toSet.length > 0) {
    const diffs = toSet.map((t) => ({ path: `spec.tags[${t.key}]`, desired: t.value, ...(actual.has(t.key) ? { actual: actual.get(t.key) } : {}) }));
    changes.push({ resource: 'Service', id: desired.serviceName, action: 'Tag', diffs, payload: { resourceArn, tags: toSet } });
  }
  if (toRemove.length > 0) {
    const diffs = toRemove.map((k) => ({ path: `spec.tags[${k}]`, actual: actual.get(k) }));
    changes.push({ resource: 'Service', id: desired.serviceName, action: 'Untag', diffs, payload: { resourceArn, tagKeys: toRemove } });
  }
  return changes;
}

function identityDiffs(desired: DesiredService, previous: Service): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (previous.serviceName !== desired.serviceName) diffs.push({ path: 'spec.serviceName', desired: desired.serviceName, actual: previous.serviceName });
  const cluster = lastSegment(previous.clusterArn ?? '');
  if (cluster !== lastSegment(desired.cluster)) diffs.push({ path: 'spec.cluster', desired: desired.cluster, actual: cluster });
  const region = regionOfArn(arnOf(previous));
  if (region !== undefined && region !== desired.region) diffs.push({ path: 'spec.region', desired: desired.region, actual: region });
  return diffs;
}

function replaceChange(desired: DesiredService, service: Service, diffs: FieldDiff[]): ServiceChange {
  const region = regionOfArn(arnOf(service)) ?? desired.region;
  const name = service.serviceName ?? desired.serviceName;
  return { resource: 'Service', id: name, action: 'Replace', diffs, payload: { region, cluster: service.clusterArn ?? desired.cluster, service: name } };
}

function replacementBlocker(diffs: FieldDiff[]): Blocker {
  const fields = [...new Set(diffs.map((d) => d.path))].join(', ');
  return {
    reason: 'ReplacementRequired',
    message: `ECS cannot change ${fields} of an existing service: it must be deleted and created again. Set spec.replaceOnImmutableChange: true to let the operator do it (the service is unavailable meanwhile), or revert the change`,
  };
}

function moveBlocker(desired: DesiredService, moved: Service[], diffs: FieldDiff[]): Blocker {
  const fields = [...new Set(diffs.map((d) => d.path))].join(', ');
  const old = moved.map((p) => `${p.serviceName ?? '?'} in cluster ${lastSegment(p.clusterArn ?? '')}`).join(' and ');
  return {
    reason: 'ReplacementRequired',
    message: `ECS cannot move or rename a service (${fields} changed): ECS service ${old} keeps running as it is. Set spec.replaceOnImmutableChange: true to create ${desired.serviceName} in cluster ${lastSegment(desired.cluster)} and delete the old one once the new one is Ready, or revert the change`,
  };
}

function arnOf(service: Service): string {
  return service.serviceArn ?? '';
}

function lastSegment(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}

/** `us-east-1` from `arn:aws:ecs:us-east-1:123456789012:service/...`. */
function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}
