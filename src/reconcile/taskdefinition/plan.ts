// The pure heart of the task definition reconciler: given what the manifest asks for and what this
// object registered before, decide whether to register a revision, whether to retag the current
// one, and which old ones to deregister.
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { Tag, TaskDefinitionRevision } from '../../api/index.js';
import { diffJson, sameJson, type JsonObject } from '../canonical.js';
import { isReservedTagKey } from '../ownership.js';
import type { FieldDiff, PlannedChange } from '../plan-types.js';
import { familyRevisionOf } from '../task-definition-names.js';
import type { DesiredTaskDefinition } from './desired.js';

/** A revision registered by this object, as status.revisions records it. */
export type RevisionRef = TaskDefinitionRevision;

/** The newest revision this object registered, read back from ECS. */
export interface ObservedRevision {
  ref: RevisionRef;
  /** The spec hash it was tagged with at registration. */
  specHash: string | undefined;
  canonical: JsonObject;
  /** Its tags, the operator's own left out. */
  tags: Tag[];
  /** Registered outside the operator and taken over (spec.adoptExisting): tagged as owned by the plan. */
  adopted?: true;
}

/** The revision status recorded as current, which is no longer ACTIVE: changed outside the operator. */
export interface LostRevision {
  ref: RevisionRef;
  /** INACTIVE (deregistered), DELETE_IN_PROGRESS (deleted, still running somewhere) or DELETED (gone). */
  status: string;
}

export type TaskDefinitionObservation =
  /** status names a revision registered from this very spec, and it is still ACTIVE: no search needed. */
  | { kind: 'recorded'; current: RevisionRef; tags: Tag[] }
  /** The family was searched: the newest revision this object registered (if any), and the ones found. */
  | { kind: 'searched'; latest: ObservedRevision | undefined; owned: RevisionRef[]; active: ReadonlySet<string>; lost?: LostRevision }
  /** status names every revision this object registered (no registration is unrecorded) and none holds this spec: not searched. */
  | { kind: 'unsearched'; lost?: LostRevision };

export type TaskDefinitionChange =
  | PlannedChange<'Register', RegisterTaskDefinitionCommandInput>
  | PlannedChange<'Tag', { resourceArn: string; tags: Tag[] }>
  | PlannedChange<'Adopt', { resourceArn: string }>
  | PlannedChange<'Untag', { resourceArn: string; tagKeys: string[] }>
  | PlannedChange<'Deregister', { taskDefinitionArn: string }>;

export interface TaskDefinitionPlanContext {
  /** status.revisions: what this object registered before, newest first. */
  history: readonly RevisionRef[];
  /** revisionHistoryLimit: old revisions kept ACTIVE besides the current one. */
  limit: number;
  /** Revisions that services still run: kept whatever the limit says. */
  inUse: ReadonlySet<string>;
  /** Tag keys the manifest set before: the only ones ever removed (tags others add are left alone). */
  managedTagKeys: readonly string[];
}

export interface TaskDefinitionPlan {
  changes: TaskDefinitionChange[];
  /** The revision that already matches the manifest, when no registration is needed. */
  current: RevisionRef | undefined;
  /** Revisions this object registered that stay ACTIVE, newest first (the current one included). */
  kept: RevisionRef[];
  /** The recorded revision, lost outside the operator, that the plan replaces. */
  lost: LostRevision | undefined;
}

export function planTaskDefinition(desired: DesiredTaskDefinition, observed: TaskDefinitionObservation, ctx: TaskDefinitionPlanContext): TaskDefinitionPlan {
  const history = knownRevisions(ctx.history, observed);
  const latest = observed.kind === 'searched' ? observed.latest : undefined;
  const lost = observed.kind === 'recorded' ? undefined : observed.lost;
  const current = observed.kind === 'recorded' ? observed.current : matching(desired, latest);
  const changes: TaskDefinitionChange[] = [];
  if (!current) {
    changes.push({
      resource: 'TaskDefinition',
      id: desired.family,
      action: 'Register',
      diffs: lost ? [lostDiff(lost)] : registerDiffs(desired, latest),
      payload: desired.request,
    });
  } else {
    if (latest?.adopted && latest.ref.taskDefinitionArn === current.taskDefinitionArn) {
      // Only the ownership tags are written: the revision already holds what the spec asks for.
      const id = familyRevisionOf(current.taskDefinitionArn);
      changes.push({ resource: 'TaskDefinition', id, action: 'Adopt', diffs: [{ path: 'spec.adoptExisting', desired: true }], payload: { resourceArn: current.taskDefinitionArn }, adoption: true });
    }
    changes.push(...tagChanges(desired, current, observed.kind === 'recorded' ? observed.tags : (latest?.tags ?? []), ctx.managedTagKeys));
  }
  // After a registration the new revision is the current one, so every known revision is old.
  const old = history.filter((r) => r.taskDefinitionArn !== current?.taskDefinitionArn);
  const beyondLimit = old.slice(ctx.limit).filter((r) => !ctx.inUse.has(r.taskDefinitionArn));
  for (const r of beyondLimit) {
    changes.push({
      resource: 'TaskDefinition',
      id: `${desired.family}:${r.revision}`,
      action: 'Deregister',
      diffs: [{ path: 'spec.revisionHistoryLimit', desired: ctx.limit, actual: old.length }],
      payload: { taskDefinitionArn: r.taskDefinitionArn },
      housekeeping: true,
    });
  }
  const dropped = new Set(beyondLimit.map((r) => r.taskDefinitionArn));
  return { changes, current, kept: history.filter((r) => !dropped.has(r.taskDefinitionArn)), lost: current?.taskDefinitionArn === lost?.ref.taskDefinitionArn ? undefined : lost };
}

/** The observed revision if it was registered from this spec (by its hash tag, or by content). */
function matching(desired: DesiredTaskDefinition, latest: ObservedRevision | undefined): RevisionRef | undefined {
  if (!latest) return undefined;
  // The content comparison covers revisions tagged by an operator version that hashed differently.
  // An adopted revision never carries a spec hash: only its content can match.
  if (latest.adopted) return sameJson(latest.canonical, desired.canonical) ? latest.ref : undefined;
  return latest.specHash === desired.specHash || sameJson(latest.canonical, desired.canonical) ? latest.ref : undefined;
}

function registerDiffs(desired: DesiredTaskDefinition, latest: ObservedRevision | undefined): FieldDiff[] {
  // Nothing registered yet: the whole family is missing.
  if (!latest) return [{ path: 'spec.family', desired: desired.family }];
  const diffs = diffJson('spec', desired.canonical, latest.canonical);
  // Same content, other region or hash version: still a new revision, say why.
  return diffs.length > 0 ? diffs : [{ path: 'spec', desired: desired.specHash, actual: latest.specHash }];
}

/** Why a revision is registered with the content of the one that was current: that one is gone. */
function lostDiff(lost: LostRevision): FieldDiff {
  return { path: `revision ${familyRevisionOf(lost.ref.taskDefinitionArn)}`, desired: 'ACTIVE', actual: lost.status };
}

/**
 * A revision's tags change in place: TagResource for the manifest's tags that are missing or
 * differ, UntagResource for keys the manifest set before and no longer lists.
 */
function tagChanges(desired: DesiredTaskDefinition, current: RevisionRef, tags: readonly Tag[], managedTagKeys: readonly string[]): TaskDefinitionChange[] {
  const actual = new Map(tags.map((t) => [t.key, t.value]));
  const wanted = new Set(desired.userTags.map((t) => t.key));
  const toSet = desired.userTags.filter((t) => actual.get(t.key) !== t.value);
  const toRemove = managedTagKeys.filter((k) => !wanted.has(k) && !isReservedTagKey(k) && actual.has(k));
  const id = familyRevisionOf(current.taskDefinitionArn);
  const changes: TaskDefinitionChange[] = [];
  if (toSet.length > 0) {
    const diffs = toSet.map((t) => ({ path: `spec.tags[${t.key}]`, desired: t.value, ...(actual.has(t.key) ? { actual: actual.get(t.key) } : {}) }));
    changes.push({ resource: 'TaskDefinition', id, action: 'Tag', diffs, payload: { resourceArn: current.taskDefinitionArn, tags: toSet } });
  }
  if (toRemove.length > 0) {
    const diffs = toRemove.map((k) => ({ path: `spec.tags[${k}]`, actual: actual.get(k) }));
    changes.push({ resource: 'TaskDefinition', id, action: 'Untag', diffs, payload: { resourceArn: current.taskDefinitionArn, tagKeys: toRemove } });
  }
  return changes;
}

/** Everything known to be registered by this object and still ACTIVE, newest first, without repeats. */
function knownRevisions(history: readonly RevisionRef[], observed: TaskDefinitionObservation): RevisionRef[] {
  // The first entry for an ARN wins: status and DescribeTaskDefinition know registeredTime, a recorded observation does not.
  const all =
    observed.kind === 'searched' ? [...observed.owned, ...history].filter((r) => observed.active.has(r.taskDefinitionArn)) : observed.kind === 'recorded' ? [...history, observed.current] : [...history];
  const byArn = new Map<string, RevisionRef>();
  for (const r of all) if (!byArn.has(r.taskDefinitionArn)) byArn.set(r.taskDefinitionArn, r);
  return [...byArn.values()].sort((a, b) => b.revision - a.revision);
}
