// Which AWS failures a reconcile reports as a condition and which it lets the work queue retry.
// The AWS adapter has already classified every error (src/aws/errors.ts); this only decides what
// that class means for an object:
// - invalid, accessDenied, limitExceeded: only a person can fix it (the manifest, IAM, a quota),
//   so the object reports Stalled with the AWS message and is not retried until something changes;
// - notFound of something the manifest names but the operator does not own (a cluster, a target
//   group, a load balancer): Stalled as well, since almost always only a
//   person fixes it (a typo, the wrong account or region), and GitOps tools must show it as a
//   failure (Argo CD: Degraded). kstatus allows a Stalled object to be retried, and it is: every
//   30 s, so one created by another tool a moment later is found without a manifest change;
// - any other notFound (something the operator owns vanished under it, e.g. the service deleted
//   between two calls): a race the next reconcile resolves, so Reconciling and looked at again;
// - throttled, transient, conflict, unknown: thrown on, for the work queue's backoff.
import { isAwsError } from '../aws/errors.js';
import { unsyncedConditions, type CleanupOutcome, type Health, type OperatorEvent } from './outcome.js';

/** How long to wait before looking again for something that does not exist yet. */
export const MISSING_DEPENDENCY_REQUEUE_MS = 30_000;

export interface Failure {
  health: Health & { kind: 'stalled' | 'progressing' };
  event: OperatorEvent;
  requeueAfterMs?: number;
}

/** The manifest field that names each dependency, by the error code that says it is missing. */
const MISSING_DEPENDENCY_FIELD: Readonly<Record<string, string>> = {
  ClusterNotFoundException: 'spec.cluster',
  TargetGroupNotFoundException: 'spec.loadBalancers',
  TargetGroupNotFound: 'spec.loadBalancers',
  LoadBalancerNotFoundException: 'spec.loadBalancers',
  LoadBalancerNotFound: 'spec.loadBalancers',
};

/** What the failing call was about, for a message that names it. */
export interface FailureSubject {
  cluster?: string;
  region?: string;
}

/** The condition for an AWS error, or undefined when the error should be thrown on. */
export function failureOf(err: unknown, doing: string, subject: FailureSubject = {}): Failure | undefined {
  if (!isAwsError(err)) return undefined;
  const message = `${doing}: ${err.operation} failed: ${err.code}: ${err.info.message}`;
  switch (err.kind) {
    case 'invalid':
      return stalled('InvalidRequest', message);
    case 'accessDenied':
      return stalled('AccessDenied', message);
    case 'limitExceeded':
      return stalled('LimitExceeded', message);
    case 'notFound': {
      const reason = err.code.replace(/(Exception|Fault)$/, '');
      const field = MISSING_DEPENDENCY_FIELD[err.code];
      if (field !== undefined) {
        const what =
          err.code === 'ClusterNotFoundException' && subject.cluster !== undefined
            ? `ECS cluster "${subject.cluster}" was not found${subject.region === undefined ? '' : ` in ${subject.region}`}`
            : message;
        const text = `${what}: create it or correct ${field}`;
        return {
          health: { kind: 'stalled', reason, message: `${text} (looking again in ${MISSING_DEPENDENCY_REQUEUE_MS / 1000}s)` },
          event: { type: 'Warning', reason, message: text },
          requeueAfterMs: MISSING_DEPENDENCY_REQUEUE_MS,
        };
      }
      return {
        health: { kind: 'progressing', reason, message: `${message} (looking again in ${MISSING_DEPENDENCY_REQUEUE_MS / 1000}s)` },
        event: { type: 'Warning', reason, message },
        requeueAfterMs: MISSING_DEPENDENCY_REQUEUE_MS,
      };
    }
    default:
      return undefined;
  }
}

function stalled(reason: string, message: string): Failure {
  return { health: { kind: 'stalled', reason, message }, event: { type: 'Warning', reason, message } };
}

/** A cleanup stopped by a failure: not done, reported, and looked at again later. */
export function cleanupFailed(failure: Failure): CleanupOutcome {
  return { done: false, requeueAfterMs: failure.requeueAfterMs ?? MISSING_DEPENDENCY_REQUEUE_MS, conditions: unsyncedConditions(failure.health), events: [failure.event] };
}
