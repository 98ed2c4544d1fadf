// What a reconcile hands back to whoever runs it (the Kubernetes controller or the CLI's file
// source): the plan, the new status, the conditions and the events. Nothing here knows where the
// object came from or how its status is stored.
import { driftPolicyOf, type ConditionType } from '../api/index.js';
import type { PlannedChange } from './plan-types.js';

/** Who owns what the operator creates in AWS; written on every resource as tags. */
export interface OwnerIdentity {
  /** Names this operator installation (one Kubernetes cluster, or a CLI workspace). */
  clusterId: string;
  kind: 'EcsTaskDefinition' | 'EcsService' | 'EcsCluster';
  namespace: string;
  name: string;
  /** The object's uid, when it has one (the CLI's file source has none). */
  uid?: string;
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
}

export interface CleanupOutcome {
  /** True when nothing is left to do in AWS: the finalizer may go. */
  done: boolean;
  requeueAfterMs?: number;
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

/** Ready, Reconciling, Stalled and Synced, always all four, so stale ones never linger. */
export function conditionsFor(health: Health, sync: Sync): ConditionUpdate[] {
  const { reason, message } = health;
  return [
    { type: 'Ready', status: health.kind === 'ready' ? 'True' : 'False', reason, message },
    { type: 'Reconciling', status: health.kind === 'progressing' ? 'True' : 'False', reason, message },
    { type: 'Stalled', status: health.kind === 'stalled' ? 'True' : 'False', reason, message },
    { type: 'Synced', status: sync.inSync ? 'True' : 'False', reason: sync.reason, message: sync.message },
  ];
}

export const IN_SYNC: Sync = { inSync: true, reason: 'InSync', message: 'AWS matches the manifest' };

/** The conditions of an object whose manifest was not carried out, for the reason its health gives. */
export function unsyncedConditions(health: Health): ConditionUpdate[] {
  return conditionsFor(health, { inSync: false, reason: health.reason, message: health.message });
}

export interface ReconcileOptions {
  /** Plan only: report what would change and write nothing to AWS. */
  dryRun: boolean;
}

/**
 * True when the object's current generation was once carried out in full (status.reconciledGeneration,
 * written when Synced went True). A plan found after that cannot come from a manifest edit: AWS was
 * changed outside the operator. Drift reporting and driftPolicy Report both use this one rule.
 */
export function generationReconciled(obj: { metadata: { generation?: number }; status?: { reconciledGeneration?: number } }): boolean {
  const generation = obj.metadata.generation;
  return generation !== undefined && generation === obj.status?.reconciledGeneration;
}

/**
 * Why changes found are not applied, or undefined when they are: a dry run, or drift under
 * driftPolicy Report (which is reported, not corrected). A new generation is a manifest edit and
 * is applied whatever the policy.
 */
export function withheldBecause(
  obj: { metadata: { generation?: number }; spec: { driftPolicy?: 'Correct' | 'Report' }; status?: { reconciledGeneration?: number } },
  opts: ReconcileOptions,
): string | undefined {
  if (opts.dryRun) return 'dry run';
  if (driftPolicyOf(obj) === 'Report' && generationReconciled(obj)) {
    return 'driftPolicy is Report, so differences made outside the operator are only reported';
  }
  return undefined;
}

/** Synced=False for changes that were found and withheld. */
export function withheldSync(count: number, why: string): Sync {
  return { inSync: false, reason: 'ChangesWithheld', message: `${count} change(s) not applied: ${why}` };
}

/** metav1.Time has whole seconds; writing milliseconds would make every status write differ. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
