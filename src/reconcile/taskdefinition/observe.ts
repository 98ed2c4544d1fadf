// Reads what a task definition's plan needs. A revision is immutable, so a status that records one
// registered from the current spec needs no search: only that revision is checked again (its status
// and tags are all that can change), to see whether it was deregistered or deleted outside the
// operator (in the region's listing of ACTIVE revisions, which every task definition shares) or
// retagged (read again at most hourly: see TaskDefinitionCache.current).
import type { RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import type { TaskDefinitionRecord } from '../../aws/task-definition-cache.js';
import type { EcsTaskDefinitionStatus } from '../../api/index.js';
import { sameJson } from '../canonical.js';
import { rfc3339, type OwnerIdentity } from '../outcome.js';
import { ownershipOf, SPEC_HASH_TAG } from '../ownership.js';
import { parseFamilyRevision } from '../task-definition-names.js';
import { userTagsOf, type DesiredTaskDefinition } from './desired.js';
import { canonicalTaskDefinition } from './normalize.js';
import type { LostRevision, ObservedRevision, RevisionRef, TaskDefinitionObservation } from './plan.js';

// A family shared with revisions registered by hand or by a pipeline is searched this far back for
// ones this object registered; beyond it, an old revision is left for a person to clean up.
const MAX_REVISIONS_SEARCHED = 50;

// The recorded revision is read again when the copy in hand is older than this (without an
// operator to say otherwise: the CLI): rarely enough that a burst of reconciles (a rollout updating
// the services that follow this object) costs one call. The operator ties it to its resync period,
// which is its drift check; the events queue lengthens it further: a change to the revision then
// arrives as an event, which drops the copy in hand.
export const RECHECK_AFTER_MS = 10_000;

const specHashOf = (record: TaskDefinitionRecord) => record.tags.find((t) => t.key === SPEC_HASH_TAG)?.value;

export interface OwnedRevision {
  ref: RevisionRef;
  record: TaskDefinitionRecord;
}

/**
 * The family's ACTIVE revisions, and those registered by this object, newest first, until
 * `enough` says so. Costs ListTaskDefinitions plus one cached DescribeTaskDefinition per revision
 * looked at.
 */
export async function searchOwnedRevisions(
  region: RegionAdapter,
  family: string,
  owner: OwnerIdentity,
  enough: (owned: readonly OwnedRevision[]) => boolean,
): Promise<{ active: Set<string>; owned: OwnedRevision[] }> {
  // ListTaskDefinitions' familyPrefix is documented as the full family name; matching the family
  // exactly keeps a family "web" from ever claiming revisions of "web-api".
  const arns = (await region.ecs.listTaskDefinitionArns(family, 'ACTIVE')).filter((arn) => parseFamilyRevision(arn).family === family);
  const owned: OwnedRevision[] = [];
  for (const arn of [...arns].reverse().slice(0, MAX_REVISIONS_SEARCHED)) {
    if (enough(owned)) break;
    const record = await region.taskDefinitions.describe(arn);
    if (ownershipOf(record.tags, owner).kind !== 'owned') continue;
    const { revision, registeredAt } = record.taskDefinition;
    owned.push({
      ref: { taskDefinitionArn: arn, revision: revision ?? parseFamilyRevision(arn).revision ?? 0, ...(registeredAt ? { registeredTime: rfc3339(registeredAt) } : {}) },
      record,
    });
  }
  return { active: new Set(arns), owned };
}

/**
 * The recorded revision as ECS has it now (its status at most `maxAgeMs` old), or how it was lost:
 * INACTIVE (deregistered), DELETE_IN_PROGRESS (deleted while something still runs it), or gone
 * altogether.
 */
async function recheck(region: RegionAdapter, ref: RevisionRef, maxAgeMs: number): Promise<{ record: TaskDefinitionRecord } | { lost: LostRevision }> {
  try {
    const record = await region.taskDefinitions.current(ref.taskDefinitionArn, maxAgeMs);
    const status = record.taskDefinition.status ?? 'ACTIVE';
    return status === 'ACTIVE' ? { record } : { lost: { ref, status } };
  } catch (err) {
    // ECS answers ClientException for a revision it no longer has (deleted, and no task left on it).
    if (isAwsError(err, 'notFound', 'invalid')) return { lost: { ref, status: 'DELETED' } };
    throw err;
  }
}

export interface ObserveOptions {
  /** spec.adoptExisting: an unowned revision with the spec's content is taken over. */
  adopt?: boolean;
  /**
   * Status is the record of every registration (the operator writes status.registering before
   * RegisterTaskDefinition): without such a record nothing unrecorded can exist, so the family is
   * not searched. Without it (the CLI's file source keeps no status) it always is.
   */
  statusRecordsRegistrations?: boolean;
  /** How old a copy of the recorded revision may be before it is read again (RECHECK_AFTER_MS). */
  recheckAfterMs?: number;
}

export async function observeTaskDefinition(
  region: RegionAdapter,
  desired: DesiredTaskDefinition,
  status: EcsTaskDefinitionStatus,
  owner: OwnerIdentity,
  limit: number,
  opts: ObserveOptions = {},
): Promise<TaskDefinitionObservation> {
  const sameRegion = (status.region ?? region.region) === region.region;
  let lost: LostRevision | undefined;
  if (status.specHash === desired.specHash && status.taskDefinitionArn && status.revision !== undefined && sameRegion) {
    const ref = { taskDefinitionArn: status.taskDefinitionArn, revision: status.revision };
    const found = await recheck(region, ref, opts.recheckAfterMs ?? RECHECK_AFTER_MS);
    if ('record' in found) return { kind: 'recorded', current: ref, tags: userTagsOf(found.record.tags) };
    lost = found.lost;
  }
  // Every revision this object registered is in status, unless a registration was started and its
  // outcome never recorded: only then can ECS hold one status does not name. A status that records
  // no revision at all may also belong to an object made before it (by `apply -f`, or recreated
  // from Git): its family exists then, and is searched.
  const recordsNothing = status.taskDefinitionArn === undefined && (status.revisions ?? []).length === 0;
  if (opts.statusRecordsRegistrations && status.registering === undefined && !opts.adopt && !(recordsNothing && (await region.families.has(desired.family)))) {
    return { kind: 'unsearched', ...(lost ? { lost } : {}) };
  }
  // The newest revision this object registered is enough when it carries this spec (a
  // registration whose status write was lost, or the CLI's file source, which keeps no status), or
  // when status keeps the history. Otherwise a registration follows, and without a history in
  // status the older revisions are looked for too, so that revisionHistoryLimit can apply.
  const carriesSpec = (o: OwnedRevision) => specHashOf(o.record) === desired.specHash;
  const enough = (owned: readonly OwnedRevision[]) => owned.length > (status.revisions ? 0 : limit) || (owned[0] !== undefined && carriesSpec(owned[0]));
  const { active, owned } = await searchOwnedRevisions(region, desired.family, owner, enough);
  const newest = owned[0];
  if (!newest && opts.adopt) {
    const adopted = await adoptable(region, [...active], owner, desired);
    if (adopted) return { kind: 'searched', latest: adopted, owned: [], active, ...(lost ? { lost } : {}) };
  }
  const latest: ObservedRevision | undefined = newest && {
    ref: newest.ref,
    specHash: specHashOf(newest.record),
    canonical: canonicalTaskDefinition(newest.record.taskDefinition),
    tags: userTagsOf(newest.record.tags),
  };
  return { kind: 'searched', latest, owned: owned.map((o) => o.ref), active, ...(lost ? { lost } : {}) };
}

/**
 * spec.adoptExisting: the newest ACTIVE revision of the family that nobody owns and whose content
 * is what the spec asks for (a service may run an older revision than the family's newest).
 */
async function adoptable(region: RegionAdapter, activeArns: readonly string[], owner: OwnerIdentity, desired: DesiredTaskDefinition): Promise<ObservedRevision | undefined> {
  for (const arn of [...activeArns].reverse().slice(0, MAX_REVISIONS_SEARCHED)) {
    const record = await region.taskDefinitions.describe(arn);
    if (ownershipOf(record.tags, owner).kind !== 'unowned') continue;
    const canonical = canonicalTaskDefinition(record.taskDefinition);
    if (!sameJson(canonical, desired.canonical)) continue;
    const { revision, registeredAt } = record.taskDefinition;
    return {
      ref: { taskDefinitionArn: arn, revision: revision ?? parseFamilyRevision(arn).revision ?? 0, ...(registeredAt ? { registeredTime: rfc3339(registeredAt) } : {}) },
      specHash: undefined,
      canonical,
      tags: userTagsOf(record.tags),
      adopted: true,
    };
  }
  return undefined;
}
