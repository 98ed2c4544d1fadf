// What a reconcile hands back to whoever runs it (the Kubernetes controller or the CLI's file
// source): the plan, the new status, the conditions and the events. Nothing here knows where the
// object came from or how its status is stored.
import { ANNOTATIONS, driftPolicyOf, isPaused, type ConditionType } from '../api/index.js';
import type { PlannedChange } from './plan-types.js';

/** Who owns what the operator creates in AWS; written on every resource as tags. */
export interface OwnerIdentity {
  /** Names this operator installation (one Kubernetes cluster, or a CLI workspace). */
  clusterId: string;
  kind: 'EcsTaskDefinition' | 'EcsService' | 'EcsCluster' | 'EcsTask' | 'EcsScheduledTask';
  namespace: string;
  name: string;
  /** The object's uid, when it has one (the CLI's file source has none). */
  uid?: string;
  /**
   * The AWS account (12 digits) of the EcsAccount role the object acts with; absent when it acts
   * with the operator's own identity.
   */
  account?: string;
}

export interface ConditionUpdate {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export interface OperatorEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ReconcileOutcome<S> {
  /** Differences found; applied unless dryRun or driftPolicy Report withheld them, or a Stalled condition explains why not. */
  plan: PlannedChange[];
  /** True when at least one change was made in AWS. */
  applied: boolean;
  /** The complete new status except conditions and observedGeneration, which the caller adds. */
  status: S;
  conditions: ConditionUpdate[];
  /** One per change made in AWS and one per failure. */
  events: OperatorEvent[];
  /** Look again after this long (a rollout or a drain under way, a dependency not there yet). */
  requeueAfterMs?: number;
  /**
   * Digest of what the spec asks of AWS (see specReconciled): recorded as
   * status.reconciledSpecDigest once the outcome is Synced.
   */
  specDigest?: string;
  /** Set when a failure is reported: look again after a backoff, not at a fixed interval. */
  backoff?: FailureBackoff;
  /** Why AWS could not be read, when it could not: whether it matches the manifest is then not known. */
  unobserved?: string;
}

/**
 * How a runner that retries (the controller) should look again at an object whose reconcile
 * failed and reported it: after a delay that grows while the failure lasts, rather than at every
 * resync. 'stalled': only a person is expected to fix it (the manifest, IAM, a quota, a missing
 * cluster); 'waiting': AWS is expected to settle by itself (a role or a target group propagating).
 */
export type FailureBackoff = 'stalled' | 'waiting';

export interface CleanupOutcome {
  /** True when nothing is left to do in AWS: the finalizer may go. */
  done: boolean;
  requeueAfterMs?: number;
  backoff?: FailureBackoff;
  conditions: ConditionUpdate[];
  events: OperatorEvent[];
}

/** How an object stands, summarized into the kstatus conditions Ready, Reconciling and Stalled. */
export type Health =
  | { kind: 'ready'; reason: string; message: string }
  /** Work under way that needs no change from the user (a rollout, a drain, a dependency). */
  | { kind: 'progressing'; reason: string; message: string }
  /** Cannot progress without a change from the user. */
  | { kind: 'stalled'; reason: string; message: string }
  /** Not ready, and deliberately so: nothing is under way (changes withheld by a dry run or driftPolicy Report). */
  | { kind: 'pending'; reason: string; message: string };

export interface Sync {
  inSync: boolean;
  reason: string;
  message: string;
}

/**
 * The condition whose message explains a health: the kstatus condition that is True for it
 * (Reconciling, Stalled), or Ready when neither is.
 */
const EXPLAINED_BY: Readonly<Record<Health['kind'], 'Ready' | 'Reconciling' | 'Stalled'>> = { ready: 'Ready', progressing: 'Reconciling', stalled: 'Stalled', pending: 'Ready' };

/**
 * Ready, Reconciling, Stalled and Synced, always all four, so stale ones never linger. All carry
 * the health's reason (the REASON column reads Ready's), but only the condition that explains the
 * health carries its message; the others say what they mean for it in a few words, so
 * `kubectl describe` does not print the same text four times.
 */
export function conditionsFor(health: Health, sync: Sync): ConditionUpdate[] {
  const { reason, message } = health;
  const where = EXPLAINED_BY[health.kind];
  const own = (type: 'Ready' | 'Reconciling' | 'Stalled', otherwise: string): string => (type === where ? message : otherwise);
  return [
    { type: 'Ready', status: health.kind === 'ready' ? 'True' : 'False', reason, message: own('Ready', notReadyMessage(where)) },
    { type: 'Reconciling', status: health.kind === 'progressing' ? 'True' : 'False', reason, message: own('Reconciling', 'No change in progress') },
    { type: 'Stalled', status: health.kind === 'stalled' ? 'True' : 'False', reason, message: own('Stalled', 'Not stalled') },
    { type: 'Synced', status: sync.inSync ? 'True' : 'False', reason: sync.reason, message: sync.message },
  ];
}

export const IN_SYNC: Sync = { inSync: true, reason: 'InSync', message: 'AWS matches the manifest' };

/** The conditions of an object whose manifest was not carried out, for the reason its health gives. */
export function unsyncedConditions(health: Health): ConditionUpdate[] {
  return conditionsFor(health, { inSync: false, reason: health.reason, message: `The manifest is not carried out in AWS (see the ${EXPLAINED_BY[health.kind]} condition)` });
}

/** Ready's message when Reconciling or Stalled explains why it is False. */
export function notReadyMessage(explainedBy: 'Reconciling' | 'Stalled' | 'Ready'): string {
  return `Not ready: ${explainedBy} (see that condition)`;
}

/**
 * The message that explains how an object stands: that of Stalled or Reconciling when one is True,
 * otherwise Ready's. For whoever summarizes an object in one line.
 */
export function healthMessage(conditions: readonly { type: string; status: string; message?: string }[] | undefined): string | undefined {
  const explaining = conditions?.find((c) => (c.type === 'Stalled' || c.type === 'Reconciling') && c.status === 'True') ?? conditions?.find((c) => c.type === 'Ready');
  return explaining?.message;
}

export interface ReconcileOptions {
  /** Plan only: report what would change and write nothing to AWS. */
  dryRun: boolean;
}

type Tracked = { metadata: { generation?: number; annotations?: Record<string, string> | undefined }; status?: { reconciledGeneration?: number; reconciledSpecDigest?: string } };

/**
 * True when what the spec asks of AWS (`specDigest`: the spec without the operator's own fields,
 * its references resolved) was once carried out in full: status.reconciledSpecDigest, written when
 * Synced went True. A plan found then cannot come from a manifest edit: AWS was changed outside
 * the operator. A generation that changes only the operator's own fields (driftPolicy,
 * deletionPolicy...) keeps the digest, so it is no edit either. Drift reporting and driftPolicy
 * Report both use this one rule. The file source keeps no status: everything it finds is an edit.
 */
export function specReconciled(obj: Tracked, specDigest: string | undefined): boolean {
  const recorded = obj.status?.reconciledSpecDigest;
  // Status written before digests were recorded: the generation it was Synced at says the same.
  if (recorded === undefined) return obj.metadata.generation !== undefined && obj.metadata.generation === obj.status?.reconciledGeneration;
  return specDigest === recorded;
}

/**
 * Why changes found are not applied, or undefined when they are: a dry run, the paused annotation
 * (which holds back every write, spec edits included), or drift under driftPolicy Report (which is
 * reported, not corrected). A spec edit that changes what is asked of AWS is applied whatever the policy.
 */
export function withheldBecause(obj: Tracked & { spec: { driftPolicy?: 'Correct' | 'Report' } }, specDigest: string | undefined, opts: ReconcileOptions): string | undefined {
  if (opts.dryRun) return 'dry run';
  if (isPaused(obj)) return PAUSED_REASON;
  if (driftPolicyOf(obj) === 'Report' && specReconciled(obj, specDigest)) {
    return 'driftPolicy is Report, so differences made outside the operator are only reported';
  }
  return undefined;
}

export const PAUSED_REASON = `the object is paused (annotation ${ANNOTATIONS.paused}: "true"); removing the annotation applies them`;

/** Synced=False for changes that were found and withheld. */
export function withheldSync(count: number, why: string): Sync {
  return { inSync: false, reason: 'ChangesWithheld', message: `${count} change(s) not applied: ${why}` };
}

/** metav1.Time has whole seconds; writing milliseconds would make every status write differ. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
