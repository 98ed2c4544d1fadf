// Reads what a task definition's plan needs, and nothing when status already answers: a revision
// is immutable, so a status that records one registered from the current spec costs no AWS call.
import type { RegionAdapter } from '../../aws/adapter.js';
import type { TaskDefinitionRecord } from '../../aws/task-definition-cache.js';
import type { EcsTaskDefinitionStatus } from '../../api/index.js';
import { rfc3339, type OwnerIdentity } from '../outcome.js';
import { ownershipOf, SPEC_HASH_TAG } from '../ownership.js';
import { parseFamilyRevision } from '../task-definition-names.js';
import { userTagsOf, type DesiredTaskDefinition } from './desired.js';
import { canonicalTaskDefinition } from './normalize.js';
import type { ObservedRevision, RevisionRef, TaskDefinitionObservation } from './plan.js';

// A family shared with revisions registered by hand or by a pipeline is searched this far back for
// ones this object registered; beyond it, an old revision is left for a person to clean up.
const MAX_REVISIONS_SEARCHED = 50;

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

export async function observeTaskDefinition(
  region: RegionAdapter,
  desired: DesiredTaskDefinition,
  status: EcsTaskDefinitionStatus,
  owner: OwnerIdentity,
  limit: number,
): Promise<TaskDefinitionObservation> {
  const sameRegion = (status.region ?? region.region) === region.region;
  if (status.specHash === desired.specHash && status.taskDefinitionArn && status.revision !== undefined && sameRegion) {
    return { kind: 'unchanged', current: { taskDefinitionArn: status.taskDefinitionArn, revision: status.revision } };
  }
  // The newest revision this object registered is enough when it carries this spec (a
  // registration whose status write was lost, or the CLI's file source, which keeps no status), or
  // when status keeps the history. Otherwise a registration follows, and without a history in
  // status the older revisions are looked for too, so that revisionHistoryLimit can apply.
  const carriesSpec = (o: OwnedRevision) => specHashOf(o.record) === desired.specHash;
  const enough = (owned: readonly OwnedRevision[]) => owned.length > (status.revisions ? 0 : limit) || (owned[0] !== undefined && carriesSpec(owned[0]));
  const { active, owned } = await searchOwnedRevisions(region, desired.family, owner, enough);
  const newest = owned[0];
  const latest: ObservedRevision | undefined = newest && {
    ref: newest.ref,
    specHash: specHashOf(newest.record),
    canonical: canonicalTaskDefinition(newest.record.taskDefinition, userTagsOf(newest.record.tags)),
  };
  return { kind: 'searched', latest, owned: owned.map((o) => o.ref), active };
}
