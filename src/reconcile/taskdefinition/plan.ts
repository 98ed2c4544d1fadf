// The pure heart of the task definition reconciler: given what the manifest asks for and what this
// object registered before, decide whether to register a revision and which old ones to deregister.
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { TaskDefinitionRevision } from '../../api/index.js';
import { diffJson, sameJson, type JsonObject } from '../canonical.js';
import type { FieldDiff, PlannedChange } from '../plan-types.js';
import type { DesiredTaskDefinition } from './desired.js';

/** A revision registered by this object, as status.revisions records it. */
export type RevisionRef = TaskDefinitionRevision;

/** The newest revision this object registered, read back from ECS. */
export interface ObservedRevision {
  ref: RevisionRef;
  /** The spec hash it was tagged with at registration. */
  specHash: string | undefined;
  canonical: JsonObject;
}

export type TaskDefinitionObservation =
  /** status names a revision registered from this very spec: revisions are immutable, nothing to read. */
  | { kind: 'unchanged'; current: RevisionRef }
  /** The family was searched: the newest revision this object registered (if any), and the ones found. */
  | { kind: 'searched'; latest: ObservedRevision | undefined; owned: RevisionRef[]; active: ReadonlySet<string> };

export type TaskDefinitionChange =
  | PlannedChange<'Register', RegisterTaskDefinitionCommandInput>
  | PlannedChange<'Deregister', { taskDefinitionArn: string }>;

export interface TaskDefinitionPlanContext {
  /** status.revisions: what this object registered before, newest first. */
  history: readonly RevisionRef[];
  /** revisionHistoryLimit: old revisions kept ACTIVE besides the current one. */
  limit: number;
  /** Revisions that services still run: kept whatever the limit says. */
  inUse: ReadonlySet<string>;
}

export interface TaskDefinitionPlan {
  changes: TaskDefinitionChange[];
  /** The revision that already matches the manifest, when no registration is needed. */
  current: RevisionRef | undefined;
  /** Revisions this object registered that stay ACTIVE, newest first (the current one included). */
  kept: RevisionRef[];
}

export function planTaskDefinition(desired: DesiredTaskDefinition, observed: TaskDefinitionObservation, ctx: TaskDefinitionPlanContext): TaskDefinitionPlan {
  const history = knownRevisions(ctx.history, observed);
  const current = observed.kind === 'unchanged' ? observed.current : matching(desired, observed.latest);
  const changes: TaskDefinitionChange[] = [];
  if (!current) {
    changes.push({
      resource: 'TaskDefinition',
      id: desired.family,
      action: 'Register',
      diffs: registerDiffs(desired, observed.kind === 'searched' ? observed.latest : undefined),
      payload: desired.request,
    });
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
    });
  }
  const dropped = new Set(beyondLimit.map((r) => r.taskDefinitionArn));
  return { changes, current, kept: history.filter((r) => !dropped.has(r.taskDefinitionArn)) };
}

/** The observed revision if it was registered from this spec (by its hash tag, or by content). */
function matching(desired: DesiredTaskDefinition, latest: ObservedRevision | undefined): RevisionRef | undefined {
  if (!latest) return undefined;
  // The content comparison covers revisions tagged by an operator version that hashed differently.
  return latest.specHash === desired.specHash || sameJson(latest.canonical, desired.canonical) ? latest.ref : undefined;
}

function registerDiffs(desired: DesiredTaskDefinition, latest: ObservedRevision | undefined): FieldDiff[] {
  // Nothing registered yet: the whole family is missing.
  if (!latest) return [{ path: 'spec.family', desired: desired.family }];
  const diffs = diffJson('spec', desired.canonical, latest.canonical);
  // Same content, other region or hash version: still a new revision, say why.
  return diffs.length > 0 ? diffs : [{ path: 'spec', desired: desired.specHash, actual: latest.specHash }];
}

/** Everything known to be registered by this object and still ACTIVE, newest first, without repeats. */
function knownRevisions(history: readonly RevisionRef[], observed: TaskDefinitionObservation): RevisionRef[] {
  // The first entry for an ARN wins: status and DescribeTaskDefinition know registeredTime, an unchanged observation does not.
  const all = observed.kind === 'searched' ? [...observed.owned, ...history].filter((r) => observed.active.has(r.taskDefinitionArn)) : [...history, observed.current];
  const byArn = new Map<string, RevisionRef>();
  for (const r of all) if (!byArn.has(r.taskDefinitionArn)) byArn.set(r.taskDefinitionArn, r);
  return [...byArn.values()].sort((a, b) => b.revision - a.revision);
}
