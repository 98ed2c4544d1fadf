// Drift as the controller records it. A plan found for a spec the operator had already carried
// out cannot come from a manifest edit: AWS was changed outside the operator. The plan is
// the drift; this module only stamps it into status.drift and the Drifted condition, so the report
// never comes from a second comparison.
import type { DriftStatus } from '../api/index.js';
import { driftPolicyOf } from '../api/index.js';
import type { ConditionUpdate, OperatorEvent, ReconcileOutcome } from './outcome.js';
import { rfc3339, specReconciled } from './outcome.js';
import type { PlannedChange } from './plan-types.js';

type Tracked = {
  metadata: { generation?: number };
  spec: { driftPolicy?: 'Correct' | 'Report' };
  status?: { reconciledGeneration?: number; reconciledSpecDigest?: string; drift?: DriftStatus };
};

/** status.drift keeps at most this many differences (the CRD's bound). */
const MAX_DIFFERENCES = 256;

/**
 * Drift: a plan found for a spec already carried out (status.reconciledSpecDigest, see
 * specReconciled). observedGeneration would not do: a generation whose first reconciles only
 * waited (for a task definition revision, for a service to drain) or failed is observed but was
 * never applied, and what its plan finds is the manifest not yet carried out; and a generation
 * that changed only driftPolicy changed nothing asked of AWS.
 */
export function isDrift(obj: Tracked, outcome: Pick<ReconcileOutcome<unknown>, 'plan' | 'specDigest'>): boolean {
  return outcome.plan.some((c) => !c.housekeeping) && specReconciled(obj, outcome.specDigest);
}

export function driftDifferences(plan: readonly PlannedChange[]): NonNullable<DriftStatus['differences']> {
  return plan
    .filter((c) => !c.housekeeping)
    .flatMap((c) => (c.diffs.length > 0 ? c.diffs : [{ path: `${c.resource} ${c.id}: ${c.action}` }]))
    .slice(0, MAX_DIFFERENCES)
    .map((d) => ({ path: d.path, ...('desired' in d && d.desired !== undefined ? { desired: d.desired } : {}), ...('actual' in d && d.actual !== undefined ? { actual: d.actual } : {}) }));
}

export interface DriftCheckTime {
  /** Whether status.drift carries lastCheckedTime. Without it an unchanged status is not written. */
  checkTime: boolean;
  /**
   * A lastCheckedTime younger than this, under the same verdict, is kept: looks closer together
   * than that (a rollout's polls, events) then leave an unchanged status unwritten, where each
   * would otherwise cost a status write for the time alone.
   */
  refreshAfterMs?: number;
}

/**
 * Adds status.drift, the Drifted condition and, when drift was corrected, an Event that says what
 * was put back. Under Report the reconciler has already withheld the changes.
 */
export function withDrift<S extends object>(obj: Tracked, outcome: ReconcileOutcome<S>, now: Date, opts: DriftCheckTime = { checkTime: true }): ReconcileOutcome<S & { drift: DriftStatus }> {
  const checked = rfc3339(now);
  const drifted = isDrift(obj, outcome);
  // Drift found and left in AWS (Report, or a failed correction): what status.drift.detected says.
  const withheld = drifted && !outcome.applied;
  const previous = obj.status?.drift;
  const checkedAt = opts.checkTime ? { lastCheckedTime: recentCheck(previous, withheld, now, opts.refreshAfterMs) ?? checked } : {};
  let drift: DriftStatus;
  let condition: ConditionUpdate;
  const events: OperatorEvent[] = [...outcome.events];
  if (outcome.unobserved !== undefined) {
    // Nothing was compared: the last comparison stands in status.drift, and the condition says
    // that whether AWS matches the manifest is not known now.
    return {
      ...outcome,
      status: { ...outcome.status, drift: previous ?? { detected: false } },
      conditions: [...outcome.conditions, driftUnknown(`AWS could not be read: ${outcome.unobserved}`)],
    };
  }
  if (withheld) {
    const differences = driftDifferences(outcome.plan);
    drift = { detected: true, firstSeenTime: previous?.detected ? (previous.firstSeenTime ?? checked) : checked, ...checkedAt, differences };
    const paths = differences.map((d) => d.path).join(', ');
    condition = { type: 'Drifted', status: 'True', reason: 'DriftDetected', message: `AWS differs from the manifest (driftPolicy ${driftPolicyOf(obj)}): ${paths}` };
  } else {
    drift = { detected: false, ...checkedAt };
    condition = { type: 'Drifted', status: 'False', reason: drifted ? 'DriftCorrected' : 'NoDrift', message: drifted ? 'Drift found in AWS was corrected' : 'AWS matches the manifest' };
    if (drifted) {
      const what = driftDifferences(outcome.plan).map((d) => d.path).join(', ');
      events.push({ type: 'Normal', reason: 'DriftCorrected', message: `Put back what was changed outside the operator: ${what}` });
    }
  }
  return { ...outcome, status: { ...outcome.status, drift }, conditions: [...outcome.conditions, condition], events };
}

/** The previous lastCheckedTime, when it is younger than `refreshAfterMs` and gave the same verdict. */
function recentCheck(previous: DriftStatus | undefined, detected: boolean, now: Date, refreshAfterMs: number | undefined): string | undefined {
  if (refreshAfterMs === undefined || previous?.lastCheckedTime === undefined || previous.detected !== detected) return undefined;
  const age = now.getTime() - Date.parse(previous.lastCheckedTime);
  return age >= 0 && age < refreshAfterMs ? previous.lastCheckedTime : undefined;
}

/** Drifted=Unknown: AWS could not be compared with the manifest (throttled, unavailable, access denied on a read). */
export function driftUnknown(why: string): ConditionUpdate {
  return { type: 'Drifted', status: 'Unknown', reason: 'AwsNotRead', message: `not known: ${why}` };
}
