// Writes what a reconcile decided into an object's status and Events: the one place where the
// source-agnostic outcome of src/reconcile meets the Kubernetes API.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ANNOTATIONS, isPaused } from '../api/index.js';
import { isAwsError } from '../aws/errors.js';
import { describeDelay, failureBackoffMs, STALLED_BACKOFF, WAITING_BACKOFF, type FailureBackoffPolicy } from '../controller/failure-backoff.js';
import { backoffAfter, done, requeueAfter, type ReconcileResult } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { findCondition, setConditions, type Condition } from '../kube/conditions.js';
import type { StatusWriter } from '../kube/status.js';
import { contextLogger } from '../observability/work-context.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { recordDrift } from '../observability/metrics.js';
import { driftDifferences, driftUnknown, withDrift } from '../reconcile/drift.js';
import { unsyncedConditions } from '../reconcile/outcome.js';
import type { DriftStatus } from '../api/index.js';
import type { CleanupOutcome, ConditionUpdate, FailureBackoff, OperatorEvent, ReconcileOutcome } from '../reconcile/outcome.js';

type Object<S> = KubernetesObject & { status?: S };
type WithConditions = { conditions?: Condition[]; observedGeneration?: number; reconciledGeneration?: number; reconciledSpecDigest?: string };

/**
 * Replaces status with `next` (when given), stamps observedGeneration and merges the conditions,
 * keeping lastTransitionTime of those whose status did not change. Once Synced (all changes carried
 * out), reconciledGeneration moves to this generation and reconciledSpecDigest to `specDigest`,
 * the digest of what was carried out; otherwise both stay: the digest is what later tells drift
 * from a manifest edit. A status that ends up equal to the current one is not written.
 */
export async function writeStatus<S extends WithConditions, T extends Object<S>>(
  writer: StatusWriter<S, T>,
  object: T,
  next: Omit<S, 'conditions' | 'observedGeneration' | 'reconciledGeneration' | 'reconciledSpecDigest'> | undefined,
  conditions: readonly ConditionUpdate[],
  now: Date,
  specDigest?: string,
): Promise<void> {
  let before: readonly Condition[] = [];
  let after: readonly Condition[] = [];
  const written = await writer.update(object, (current, fresh) => {
    const generation = fresh.metadata?.generation;
    const base = (next ?? current ?? {}) as S;
    const synced = conditions.some((c) => c.type === 'Synced' && c.status === 'True');
    const reconciledGeneration = synced ? generation : current?.reconciledGeneration;
    const reconciledSpecDigest = synced && specDigest !== undefined ? specDigest : current?.reconciledSpecDigest;
    before = current?.conditions ?? [];
    after = setConditions(current?.conditions, conditions.map((c) => ({ ...c, observedGeneration: generation })), now);
    return {
      ...base,
      observedGeneration: generation,
      ...(reconciledGeneration === undefined ? {} : { reconciledGeneration }),
      ...(reconciledSpecDigest === undefined ? {} : { reconciledSpecDigest }),
      conditions: after,
    } as S;
  });
  if (written.kind === 'updated') logConditionChanges(contextLogger(silentLogger()), before, after);
}

/**
 * One info line per condition whose status or reason changed in a status write: the object's
 * history, as `kubectl describe` shows it only while the Events last. A message that changes
 * under the same reason (a rollout's task count) is no change here, and neither is the reason of
 * a Reconciling or Stalled that stays False.
 */
export function logConditionChanges(log: Logger, before: readonly Condition[], after: readonly Condition[]): void {
  for (const c of after) {
    const was = findCondition(before, c.type);
    if (was && was.status === c.status && was.reason === c.reason) continue;
    // A False Reconciling or Stalled only repeats the health's reason, which Ready's line gives.
    if (c.status === 'False' && (c.type === 'Reconciling' || c.type === 'Stalled') && (!was || was.status === 'False')) continue;
    const from = was ? `${was.status} (${was.reason})` : 'absent';
    log.info({ condition: c.type, from, to: `${c.status} (${c.reason})`, reason: c.reason, message: c.message }, `condition ${c.type}: ${from} -> ${c.status} (${c.reason})`);
  }
}

/**
 * Every change made in AWS and every failure becomes an Event on the object, and so does the reason
 * of a Stalled or Reconciling condition that no such Event already names (NotOwned, a rollout in
 * progress, waiting for a task definition...). Those are one series per reason while it lasts,
 * whatever the message says at each look (a rollout's task count changes at every one).
 */
export function recordEvents(recorder: EventRecorder, object: KubernetesObject, events: readonly OperatorEvent[], conditions: readonly ConditionUpdate[] = []): void {
  for (const e of events) recorder.record(object, { type: e.type, reason: e.reason, action: e.reason, note: e.message });
  for (const c of conditions) {
    if ((c.type !== 'Stalled' && c.type !== 'Reconciling') || c.status !== 'True' || events.some((e) => e.reason === c.reason)) continue;
    recorder.record(object, { type: c.type === 'Stalled' ? 'Warning' : 'Normal', reason: c.reason, action: c.reason, note: c.message, aggregate: 'reason' });
  }
}

const BACKOFF_POLICIES: Readonly<Record<FailureBackoff, FailureBackoffPolicy>> = { stalled: STALLED_BACKOFF, waiting: WAITING_BACKOFF };

type Conditioned = KubernetesObject & { status?: { conditions?: Condition[] } };

/**
 * What the controller does next with an object, and its conditions as they are to be written: for
 * a reported failure, a backoff that grows while the failure lasts, named in the messages
 * ("looking again in 2m"); otherwise the outcome's requeue, or nothing until something changes.
 * When the failure began comes from the controller's memory or, after a restart, from the time the
 * same condition (same reason, this generation) turned True in the object's status.
 */
export function nextAttempt(
  object: Conditioned,
  outcome: { conditions: readonly ConditionUpdate[]; requeueAfterMs?: number; backoff?: FailureBackoff },
  failingSince: number | undefined,
  now: Date,
): { conditions: ConditionUpdate[]; result: ReconcileResult } {
  if (outcome.backoff === undefined) {
    return { conditions: [...outcome.conditions], result: outcome.requeueAfterMs === undefined ? done() : requeueAfter(outcome.requeueAfterMs) };
  }
  const reported = outcome.conditions.find((c) => (c.type === 'Stalled' || c.type === 'Reconciling') && c.status === 'True');
  const since = failingSince ?? (reported && reportedSince(object, reported)) ?? now.getTime();
  const afterMs = failureBackoffMs(BACKOFF_POLICIES[outcome.backoff], since, now.getTime());
  const note = ` (looking again in ${describeDelay(afterMs)})`;
  const conditions = outcome.conditions.map((c) => (reported && c.message === reported.message && c.status !== 'Unknown' ? { ...c, message: `${c.message}${note}` } : { ...c }));
  return { conditions, result: backoffAfter(afterMs, since) };
}

function reportedSince(object: Conditioned, reported: ConditionUpdate): number | undefined {
  const current = findCondition(object.status?.conditions, reported.type);
  if (current?.status !== 'True' || current.reason !== reported.reason || current.observedGeneration !== object.metadata?.generation) return undefined;
  const at = Date.parse(current.lastTransitionTime);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * A reconcile that threw an AWS error (throttled, unavailable, a conflict) compared nothing: an
 * object whose generation was already observed says Drifted Unknown rather than keep a verdict
 * that is no longer known. (A new generation's conditions are left alone: stamping it observed
 * would present the last generation's Ready as this one's.) Best effort: the error is what matters.
 */
export async function markDriftUnknown<S extends WithConditions, T extends Object<S>>(writer: StatusWriter<S, T>, object: T, err: unknown, now: Date, log: Logger): Promise<void> {
  if (!isAwsError(err) || object.status?.observedGeneration !== object.metadata?.generation) return;
  try {
    await writeStatus(writer, object, undefined, [driftUnknown(`the last reconcile failed: ${err.message}`)], now);
  } catch (writeErr) {
    log.debug({ err: writeErr }, 'recording Drifted Unknown failed');
  }
}

/** What a kind's binding reports through. */
export interface Reporter<S extends WithConditions, T extends Object<S>> {
  status: StatusWriter<S, T>;
  events: EventRecorder;
  now(): Date;
  /** How old status.drift.lastCheckedTime may get before a look that changes nothing else writes it anew (withDrift). */
  checkTimeRefreshMs?: number;
}

/** What the controller tells a binding about the object's reconcile. */
export interface AttemptContext {
  namespace?: string;
  name: string;
  /** When the failure being retried began, if one is. */
  failingSince: number | undefined;
  log: Logger;
}

/** How long a cleanup that reports nothing of its own waits before looking again. */
const CLEANUP_POLL_MS = 5_000;

/**
 * Reports a cleanup: its Events and, while AWS still holds something, its conditions with when the
 * next look comes. With `writeWhenDone`, a finished cleanup's conditions are written too.
 */
export async function reportCleanup<S extends WithConditions, T extends Object<S>>(
  r: Reporter<S, T>,
  object: T,
  out: CleanupOutcome,
  ctx: AttemptContext,
  writeWhenDone = false,
): Promise<ReconcileResult> {
  recordEvents(r.events, object, out.events, out.conditions);
  if (out.done && !writeWhenDone) return done();
  const now = r.now();
  const next = out.done ? { conditions: out.conditions, result: done() } : nextAttempt(object, { ...out, requeueAfterMs: out.requeueAfterMs ?? CLEANUP_POLL_MS }, ctx.failingSince, now);
  await writeStatus(r.status, object, undefined, next.conditions, now);
  return next.result;
}

/**
 * Runs a reconcile and judges it the same way for every kind: Drifted Unknown when it throws an
 * AWS error (then rethrown for the work queue), otherwise the drift it found (status and metric),
 * its Events, and the conditions with when to look next. The caller writes the status.
 */
export async function judgeReconcile<S extends WithConditions, T extends Object<S> & Parameters<typeof withDrift>[0], O extends object>(
  r: Reporter<S, T>,
  object: T,
  kind: string,
  ctx: AttemptContext,
  reconcile: () => Promise<ReconcileOutcome<O>>,
  drift?: Parameters<typeof withDrift>[3],
) {
  let reconciled: ReconcileOutcome<O>;
  try {
    reconciled = await reconcile();
  } catch (err) {
    await markDriftUnknown(r.status, object, err, r.now(), ctx.log);
    throw err;
  }
  const now = r.now();
  const checkTime = drift ?? { checkTime: true, ...(r.checkTimeRefreshMs === undefined ? {} : { refreshAfterMs: r.checkTimeRefreshMs }) };
  const out = withPause(object, withDrift(object, reconciled, now, checkTime));
  const corrected = out.applied && out.conditions.some((c) => c.type === 'Drifted' && c.reason === 'DriftCorrected');
  recordDrift(kind, ctx.namespace ?? '', ctx.name, out.status.drift.detected, corrected);
  logDrift(ctx.log, object.status?.drift, out.status.drift, corrected ? driftDifferences(reconciled.plan) : undefined);
  recordEvents(r.events, object, out.events, out.conditions);
  return { out, now, next: nextAttempt(object, out, ctx.failingSince, now) };
}

/**
 * The Paused condition and its Events, for every kind: True while the paused annotation holds
 * every AWS write back (the reconcile still reads, so status stays current and the withheld
 * changes are counted), False once it is removed. An object never paused has no Paused condition.
 */
export function withPause<O extends { conditions: ConditionUpdate[]; events: OperatorEvent[]; plan: readonly unknown[] }>(object: Conditioned, out: O): O {
  const was = findCondition(object.status?.conditions, 'Paused');
  if (isPaused(object)) {
    const waiting = out.plan.length === 0 ? 'no change waits' : `${out.plan.length} change(s) wait`;
    const message = `annotation ${ANNOTATIONS.paused} is "true": no AWS writes for this object until it is removed (${waiting}); status is still read from AWS`;
    const events: OperatorEvent[] = was?.status === 'True' ? [] : [{ type: 'Normal', reason: 'Paused', message: `Paused: ${message}` }];
    return { ...out, conditions: [...out.conditions, { type: 'Paused', status: 'True', reason: 'PausedByAnnotation', message }], events: [...out.events, ...events] };
  }
  if (was === undefined) return out;
  const message = `annotation ${ANNOTATIONS.paused} removed: AWS writes resumed`;
  const events: OperatorEvent[] = was.status === 'True' ? [{ type: 'Normal', reason: 'Resumed', message: `Resumed: ${message}` }] : [];
  return { ...out, conditions: [...out.conditions, { type: 'Paused', status: 'False', reason: 'Resumed', message }], events: [...out.events, ...events] };
}

/**
 * Drift in the log: found (when it first appears or its fields change, not at every resync that
 * still finds it under driftPolicy Report) and corrected. Field paths only: the values may be a
 * container's environment.
 */
function logDrift(log: Logger, previous: DriftStatus | undefined, current: DriftStatus, corrected: readonly { path: string }[] | undefined): void {
  if (corrected) {
    log.info({ drift: { fields: corrected.map((d) => d.path) } }, 'drift corrected: put back what was changed outside the operator');
    return;
  }
  if (!current.detected) return;
  const fields = (current.differences ?? []).map((d) => d.path);
  const known = previous?.detected ? (previous.differences ?? []).map((d) => d.path) : [];
  if (fields.length === known.length && fields.every((f, i) => f === known[i])) return;
  log.info({ drift: { fields } }, 'drift found: AWS differs from the manifest and was not put back');
}

/**
 * An object refused before any AWS call because of its namespace's account (no mapping under
 * --require-account-mapping, two mappings, a role that cannot be assumed, an ARN of another
 * account): Stalled with the reason, an Event, and a look again after the Stalled backoff (a
 * change of the mapping or of the role's availability requeues it at once).
 */
export async function reportRefused<S extends WithConditions, T extends Object<S>>(r: Reporter<S, T>, object: T, refusal: { reason: string; message: string }, ctx: AttemptContext): Promise<ReconcileResult> {
  const conditions = unsyncedConditions({ kind: 'stalled', reason: refusal.reason, message: refusal.message });
  const now = r.now();
  recordEvents(r.events, object, [], conditions);
  const next = nextAttempt(object, { conditions, backoff: 'stalled' }, ctx.failingSince, now);
  await writeStatus(r.status, object, undefined, next.conditions, now);
  return next.result;
}
