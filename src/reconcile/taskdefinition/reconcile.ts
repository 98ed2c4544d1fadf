// The task definition reconciler: observe -> plan -> apply for one EcsTaskDefinition, and the
// cleanup its finalizer runs. Source-agnostic: it takes the object and returns an outcome.
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { deletionPolicyOf, describeFieldErrors, isPaused, revisionHistoryLimitOf, taskDefinitionSizeError, type EcsTaskDefinition, type EcsTaskDefinitionStatus } from '../../api/index.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import {
  conditionsFor,
  IN_SYNC,
  PAUSED_REASON,
  rfc3339,
  unsyncedConditions,
  withheldBecause,
  withheldSync,
  type CleanupOutcome,
  type Health,
  type OperatorEvent,
  type OwnerIdentity,
  type ReconcileOptions,
  type ReconcileOutcome,
} from '../outcome.js';
import { ownerTags, SPEC_HASH_TAG } from '../ownership.js';
import { familyRevisionOf } from '../task-definition-names.js';
import { desiredTaskDefinition, registerRequest, type DesiredTaskDefinition } from './desired.js';
import { observeTaskDefinition, searchOwnedRevisions } from './observe.js';
import { planTaskDefinition, type LostRevision, type RevisionRef, type TaskDefinitionPlan } from './plan.js';

export interface TaskDefinitionDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
  /** ARNs of revisions services run right now: revisionHistoryLimit never deregisters them. */
  revisionsInUse?: ReadonlySet<string>;
  /**
   * Persists status.registering before RegisterTaskDefinition, and resolves only once it is stored.
   * Given, status is the record of every registration: the family is searched only while a
   * registration is recorded as started and not finished (a crash or a lost answer in between),
   * instead of before every first registration. Not given (the CLI keeps no status), it always is.
   */
  recordRegistration?(registering: RegistrationIntent): Promise<void>;
  /** See ObserveOptions.recheckAfterMs. */
  recheckAfterMs?: number;
}

export type RegistrationIntent = NonNullable<EcsTaskDefinitionStatus['registering']>;

export interface TaskDefinitionCleanupOptions {
  /** Names of EcsServices that still run one of this object's revisions. */
  servicesUsing: readonly string[];
  /**
   * Names of EcsScheduledTasks whose schedule or rule still starts one of them: a deregistered
   * revision would make every later firing fail. (A one-off EcsTask needs no wait: ECS lets tasks
   * already running on a deregistered revision finish.)
   */
  scheduledTasksUsing?: readonly string[];
}

const IN_USE_REQUEUE_MS = 30_000;

export async function reconcileTaskDefinition(td: EcsTaskDefinition, deps: TaskDefinitionDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<EcsTaskDefinitionStatus>> {
  const region = deps.aws.region(td.spec.region);
  const desired = desiredTaskDefinition(td, region.region);
  const previous = carriedStatus(td.status);
  // ECS refuses a task definition over 64 KiB; said before any AWS call, in the file source's words.
  const tooLarge = taskDefinitionSizeError(td);
  if (tooLarge) {
    return { plan: [], applied: false, status: previous, conditions: unsyncedConditions({ kind: 'stalled', reason: 'TaskDefinitionTooLarge', message: describeFieldErrors([tooLarge]) }), events: [] };
  }
  const limit = revisionHistoryLimitOf(td);
  let plan: TaskDefinitionPlan | undefined;
  // Kept outside the try: a registration made before a failure is still reported.
  const events: OperatorEvent[] = [];
  // The registration recorded as started, kept in status until its revision is: see recordRegistration.
  const intent: { registering?: RegistrationIntent } = {};
  try {
    const statusRecordsRegistrations = deps.recordRegistration !== undefined;
    const observed = await observeTaskDefinition(region, desired, td.status ?? {}, deps.owner, limit, { adopt: td.spec.adoptExisting === true, statusRecordsRegistrations, recheckAfterMs: deps.recheckAfterMs });
    plan = planTaskDefinition(desired, observed, { history: td.status?.revisions ?? [], limit, inUse: deps.revisionsInUse ?? new Set(), managedTagKeys: managedTagKeysOf(td.status) });
    // Deregistering old revisions is the operator's housekeeping: only a dry run or a pause holds it back.
    const housekeepingWithheld = opts.dryRun ? 'dry run' : isPaused(td) ? PAUSED_REASON : undefined;
    const why = plan.changes.some((c) => !c.housekeeping) ? withheldBecause(td, desired.specDigest, opts) : plan.changes.length > 0 ? housekeepingWithheld : undefined;
    if (why !== undefined) return withheld(desired, plan, previous, why);
    const current = (await applyChanges(region, desired, plan, limit, deps, events, previous, intent)) ?? plan.current;
    // A plan either finds the current revision or registers it.
    if (!current) throw new Error(`no current revision of ${desired.family} after applying its plan`);
    const kept = plan.kept.some((r) => r.taskDefinitionArn === current.taskDefinitionArn) ? plan.kept : [current, ...plan.kept];
    const replaced = plan.lost && { ...plan.lost.ref, status: plan.lost.status, replacedTime: rfc3339(deps.now()) };
    return {
      plan: plan.changes,
      applied: events.length > 0,
      status: statusOf(previous, region.region, desired, current, kept, replaced),
      conditions: conditionsFor(readyHealth(desired, current, plan.lost), IN_SYNC),
      events,
      specDigest: desired.specDigest,
    };
  } catch (err) {
    const failure = failureOf(err, `reconciling task definition family ${desired.family}`);
    if (!failure) throw err;
    return {
      plan: plan?.changes ?? [],
      applied: events.length > 0,
      // A registration that may have happened stays recorded, so the next reconcile looks for it.
      status: intent.registering ? { ...previous, registering: intent.registering } : previous,
      specDigest: desired.specDigest,
      conditions: unsyncedConditions(failure.health),
      events: [...events, failure.event],
      backoff: failure.backoff,
      // Failed before a plan: the family was not (fully) read.
      ...(plan === undefined ? { unobserved: failure.health.message } : {}),
    };
  }
}

/** Carries out the plan in order; returns the revision registered, if one was. */
async function applyChanges(
  region: RegionAdapter,
  desired: DesiredTaskDefinition,
  plan: TaskDefinitionPlan,
  limit: number,
  deps: TaskDefinitionDeps,
  events: OperatorEvent[],
  previous: EcsTaskDefinitionStatus,
  intent: { registering?: RegistrationIntent },
): Promise<RevisionRef | undefined> {
  let registered: RevisionRef | undefined;
  for (const change of plan.changes) {
    const fields = change.diffs.map((d) => d.path).join(', ');
    switch (change.action) {
      case 'Register': {
        // Recorded first, so that if the answer is lost (or the operator stops) the next reconcile
        // searches for the revision instead of registering the spec again. A record of this very
        // spec already stands: the search that followed it found nothing.
        if (deps.recordRegistration && previous.registering?.specHash !== desired.specHash) {
          const registering = { specHash: desired.specHash, startedTime: rfc3339(deps.now()) };
          await deps.recordRegistration(registering);
          intent.registering = registering;
        } else if (previous.registering) {
          intent.registering = previous.registering;
        }
        const { taskDefinition } = await region.ecs.registerTaskDefinition(registerRequest(desired, deps.owner));
        region.families.add(desired.family);
        registered = {
          taskDefinitionArn: taskDefinition.taskDefinitionArn ?? '',
          revision: taskDefinition.revision ?? 0,
          registeredTime: rfc3339(taskDefinition.registeredAt ?? deps.now()),
        };
        const why = plan.lost ? lostReason(plan.lost) : fields;
        events.push({ type: 'Normal', reason: 'Registered', message: `Registered ${desired.family}:${registered.revision} (${why})` });
        break;
      }
      case 'Tag':
        // Tags change in place on a revision: no new revision, so no service redeploys.
        await region.ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Tagged', message: `Tagged ${change.id}: ${fields}` });
        break;
      case 'Adopt':
        // The spec hash makes later reconciles find the revision without comparing its content.
        await region.ecs.tagResource(change.payload.resourceArn, [...ownerTags(deps.owner), { key: SPEC_HASH_TAG, value: desired.specHash }]);
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted ${change.id} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      case 'Untag':
        await region.ecs.untagResource(change.payload.resourceArn, change.payload.tagKeys);
        events.push({ type: 'Normal', reason: 'Untagged', message: `Removed tags from ${change.id}: ${fields}` });
        break;
      case 'Deregister':
        await deregister(region, change.payload.taskDefinitionArn);
        events.push({ type: 'Normal', reason: 'Deregistered', message: `Deregistered ${change.id}: beyond revisionHistoryLimit ${limit}` });
        break;
    }
  }
  return registered;
}

/** Why the recorded revision cannot be run any more, in a person's words. */
function lostReason(lost: LostRevision): string {
  const name = familyRevisionOf(lost.ref.taskDefinitionArn);
  const how = lost.status === 'INACTIVE' ? 'was deregistered' : lost.status === 'DELETE_IN_PROGRESS' ? 'was deleted' : 'no longer exists';
  return `${name} ${how} outside the operator (${lost.status}): ECS runs no new task from it`;
}

/** Deregisters a revision; one that is already gone or INACTIVE is what was wanted. */
async function deregister(region: RegionAdapter, taskDefinitionArn: string): Promise<void> {
  try {
    await region.ecs.deregisterTaskDefinition(taskDefinitionArn);
  } catch (err) {
    if (!isAwsError(err, 'notFound', 'invalid')) throw err;
  }
}

function withheld(desired: DesiredTaskDefinition, plan: TaskDefinitionPlan, previous: EcsTaskDefinitionStatus, why: string): ReconcileOutcome<EcsTaskDefinitionStatus> {
  // Without a current revision the plan registers one; with one, only tags or deregistrations were withheld.
  const needed = plan.lost ? `${lostReason(plan.lost)}, and no new revision was registered` : `a new revision of ${desired.family} is needed and was not registered`;
  const health: Health = plan.current ? readyHealth(desired, plan.current, undefined) : { kind: 'pending', reason: 'ChangesWithheld', message: `${needed}: ${why}` };
  // A revision that already holds the spec is the one services run, even while its tags (or its
  // adoption) wait: a dry run then compares services with it rather than with the bare family.
  const status = plan.current ? { ...previous, family: desired.family, revision: plan.current.revision, taskDefinitionArn: plan.current.taskDefinitionArn } : previous;
  return { plan: plan.changes, applied: false, status, conditions: conditionsFor(health, withheldSync(plan.changes.length, why)), events: [], specDigest: desired.specDigest };
}

function readyHealth(desired: DesiredTaskDefinition, current: RevisionRef, lost: LostRevision | undefined): Health {
  const message = `${desired.family}:${current.revision} matches the manifest`;
  return { kind: 'ready', reason: 'Registered', message: lost ? `${message}, registered because ${lostReason(lost)}` : message };
}

/** Status without the fields the caller owns (conditions, observedGeneration). */
function carriedStatus(status: EcsTaskDefinitionStatus | undefined): EcsTaskDefinitionStatus {
  const { conditions: _conditions, observedGeneration: _generation, reconciledGeneration: _reconciled, reconciledSpecDigest: _digest, ...rest } = status ?? {};
  return rest;
}

function managedTagKeysOf(status: EcsTaskDefinitionStatus | undefined): string[] {
  return status?.managedTagKeys ?? [];
}

function statusOf(
  previous: EcsTaskDefinitionStatus,
  region: string,
  desired: DesiredTaskDefinition,
  current: RevisionRef,
  kept: RevisionRef[],
  replaced: EcsTaskDefinitionStatus['replacedRevision'],
): EcsTaskDefinitionStatus {
  const { registering: _finished, ...rest } = previous;
  return {
    ...rest,
    region,
    family: desired.family,
    revision: current.revision,
    taskDefinitionArn: current.taskDefinitionArn,
    specHash: desired.specHash,
    revisions: kept,
    managedTagKeys: desired.userTags.map((t) => t.key),
    ...(replaced ? { replacedRevision: replaced } : {}),
  };
}

/**
 * The finalizer's work: deregister every revision this object registered (deletionPolicy Delete),
 * but only once no EcsService runs one of them and no EcsScheduledTask starts one, so deleting a task
 * definition never breaks a service or a schedule.
 */
export async function cleanupTaskDefinition(td: EcsTaskDefinition, deps: TaskDefinitionDeps, opts: TaskDefinitionCleanupOptions): Promise<CleanupOutcome> {
  const family = desiredTaskDefinition(td, deps.aws.region(td.spec.region).region).family;
  if (deletionPolicyOf(td) === 'Retain') {
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left the revisions of ${family} registered (deletionPolicy Retain)` }] };
  }
  const users = [
    ...(opts.servicesUsing.length > 0 ? [`EcsService ${opts.servicesUsing.join(', ')}`] : []),
    ...((opts.scheduledTasksUsing ?? []).length > 0 ? [`EcsScheduledTask ${(opts.scheduledTasksUsing ?? []).join(', ')}`] : []),
  ];
  if (users.length > 0) {
    const message = `waiting to deregister the revisions of ${family}: still used by ${users.join('; ')}`;
    return { done: false, requeueAfterMs: IN_USE_REQUEUE_MS, conditions: conditionsFor({ kind: 'progressing', reason: 'InUse', message }, IN_SYNC), events: [] };
  }
  const region = deps.aws.region(td.spec.region);
  try {
    const known = new Set((td.status?.revisions ?? []).map((r) => r.taskDefinitionArn));
    const { active, owned } = await searchOwnedRevisions(region, family, deps.owner, () => false);
    const arns = new Set([...owned.map((o) => o.ref.taskDefinitionArn), ...[...known].filter((arn) => active.has(arn))]);
    const events: OperatorEvent[] = [];
    for (const arn of arns) {
      await deregister(region, arn);
      events.push({ type: 'Normal', reason: 'Deregistered', message: `Deregistered ${familyRevisionOf(arn)}` });
    }
    return { done: true, conditions: [], events };
  } catch (err) {
    const failure = failureOf(err, `deregistering the revisions of ${family}`);
    if (!failure) throw err;
    return cleanupFailed(failure);
  }
}
