// The task definition reconciler: observe -> plan -> apply for one EcsTaskDefinition, and the
// cleanup its finalizer runs. Source-agnostic: it takes the object and returns an outcome.
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { deletionPolicyOf, revisionHistoryLimitOf, type EcsTaskDefinition, type EcsTaskDefinitionStatus } from '../../api/index.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import {
  conditionsFor,
  IN_SYNC,
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
import { familyRevisionOf } from '../task-definition-names.js';
import { desiredTaskDefinition, registerRequest, type DesiredTaskDefinition } from './desired.js';
import { observeTaskDefinition, searchOwnedRevisions } from './observe.js';
import { planTaskDefinition, type RevisionRef, type TaskDefinitionChange, type TaskDefinitionPlan } from './plan.js';

export interface TaskDefinitionDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
  /** ARNs of revisions services run right now: revisionHistoryLimit never deregisters them. */
  revisionsInUse?: ReadonlySet<string>;
}

export interface TaskDefinitionCleanupOptions {
  /** Names of EcsServices that still run one of this object's revisions. */
  servicesUsing: readonly string[];
}

const IN_USE_REQUEUE_MS = 30_000;

export async function reconcileTaskDefinition(td: EcsTaskDefinition, deps: TaskDefinitionDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<EcsTaskDefinitionStatus>> {
  const region = deps.aws.region(td.spec.region);
  const desired = desiredTaskDefinition(td, region.region);
  const previous = carriedStatus(td.status);
  const limit = revisionHistoryLimitOf(td);
  let plan: TaskDefinitionPlan | undefined;
  // Kept outside the try: a registration made before a failure is still reported.
  const events: OperatorEvent[] = [];
  try {
    const observed = await observeTaskDefinition(region, desired, td.status ?? {}, deps.owner, limit);
    plan = planTaskDefinition(desired, observed, { history: td.status?.revisions ?? [], limit, inUse: deps.revisionsInUse ?? new Set() });
    const why = plan.changes.length > 0 ? withheldBecause(td, opts) : undefined;
    if (why !== undefined) return withheld(desired, plan, previous, why);
    const current = (await applyChanges(region, desired, plan.changes, limit, deps, events)) ?? plan.current;
    // A plan either finds the current revision or registers it.
    if (!current) throw new Error(`no current revision of ${desired.family} after applying its plan`);
    const kept = plan.kept.some((r) => r.taskDefinitionArn === current.taskDefinitionArn) ? plan.kept : [current, ...plan.kept];
    return {
      plan: plan.changes,
      applied: events.length > 0,
      status: statusOf(previous, region.region, desired, current, kept),
      conditions: conditionsFor(readyHealth(desired, current), IN_SYNC),
      events,
    };
  } catch (err) {
    const failure = failureOf(err, `reconciling task definition family ${desired.family}`);
    if (!failure) throw err;
    return {
      plan: plan?.changes ?? [],
      applied: events.length > 0,
      status: previous,
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
  changes: TaskDefinitionChange[],
  limit: number,
  deps: TaskDefinitionDeps,
  events: OperatorEvent[],
): Promise<RevisionRef | undefined> {
  let registered: RevisionRef | undefined;
  for (const change of changes) {
    switch (change.action) {
      case 'Register': {
        const { taskDefinition } = await region.ecs.registerTaskDefinition(registerRequest(desired, deps.owner));
        registered = {
          taskDefinitionArn: taskDefinition.taskDefinitionArn ?? '',
          revision: taskDefinition.revision ?? 0,
          registeredTime: rfc3339(taskDefinition.registeredAt ?? deps.now()),
        };
        const changed = change.diffs.map((d) => d.path).join(', ');
        events.push({ type: 'Normal', reason: 'Registered', message: `Registered ${desired.family}:${registered.revision} (${changed})` });
        break;
      }
      case 'Deregister':
        await deregister(region, change.payload.taskDefinitionArn);
        events.push({ type: 'Normal', reason: 'Deregistered', message: `Deregistered ${change.id}: beyond revisionHistoryLimit ${limit}` });
        break;
    }
  }
  return registered;
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
  // Without a current revision the plan registers one; with one, only deregistrations were withheld.
  const health: Health = plan.current
    ? readyHealth(desired, plan.current)
    : { kind: 'pending', reason: 'ChangesWithheld', message: `a new revision of ${desired.family} is needed and was not registered: ${why}` };
  return { plan: plan.changes, applied: false, status: previous, conditions: conditionsFor(health, withheldSync(plan.changes.length, why)), events: [] };
}

function readyHealth(desired: DesiredTaskDefinition, current: RevisionRef): Health {
  return { kind: 'ready', reason: 'Registered', message: `${desired.family}:${current.revision} matches the manifest` };
}

/** Status without the fields the caller owns (conditions, observedGeneration). */
function carriedStatus(status: EcsTaskDefinitionStatus | undefined): EcsTaskDefinitionStatus {
  const { conditions: _conditions, observedGeneration: _generation, reconciledGeneration: _reconciled, ...rest } = status ?? {};
  return rest;
}

function statusOf(previous: EcsTaskDefinitionStatus, region: string, desired: DesiredTaskDefinition, current: RevisionRef, kept: RevisionRef[]): EcsTaskDefinitionStatus {
  return {
    ...previous,
    region,
    family: desired.family,
    revision: current.revision,
    taskDefinitionArn: current.taskDefinitionArn,
    specHash: desired.specHash,
    revisions: kept,
  };
}

/**
 * The finalizer's work: deregister every revision this object registered (deletionPolicy Delete),
 * but only once no EcsService runs one of them, so deleting a task definition never breaks a service.
 */
export async function cleanupTaskDefinition(td: EcsTaskDefinition, deps: TaskDefinitionDeps, opts: TaskDefinitionCleanupOptions): Promise<CleanupOutcome> {
  const family = desiredTaskDefinition(td, deps.aws.region(td.spec.region).region).family;
  if (deletionPolicyOf(td) === 'Retain') {
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left the revisions of ${family} registered (deletionPolicy Retain)` }] };
  }
  if (opts.servicesUsing.length > 0) {
    const message = `waiting to deregister the revisions of ${family}: still used by EcsService ${opts.servicesUsing.join(', ')}`;
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
