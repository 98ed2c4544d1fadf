// Which AWS failures a reconcile reports as a condition and which it lets the work queue retry.
// The AWS adapter has already classified every error (src/aws/errors.ts); this only decides what
// that class means for an object:
// - invalid, accessDenied, limitExceeded: only a person can fix it (the manifest, IAM, a quota),
//   so the object reports Stalled with the AWS message;
// - notFound of something the manifest names but the operator does not own (a cluster, a target
//   group, a load balancer): Stalled as well, since almost always only a person fixes it (a typo,
//   the wrong account or region), and GitOps tools must show it as a failure (Argo CD: Degraded);
// - notReady (AWS has not caught up with something just created: a role, a target group's
//   listener, a new service): Reconciling, since it clears by itself;
// - any other notFound (something the operator owns vanished under it, e.g. the service deleted
//   between two calls): a race the next reconcile resolves, so Reconciling as well;
// - throttled, transient, conflict, unknown: thrown on, for the work queue's backoff.
// Every reported failure is looked at again after a backoff that grows while it lasts (kstatus
// allows a Stalled object to be retried, and one created by another tool a moment later is found
// without a manifest change); the runner decides the delays, so none is named here.
import { isAwsError } from '../aws/errors.js';
import { unsyncedConditions, type CleanupOutcome, type FailureBackoff, type Health, type OperatorEvent } from './outcome.js';

export interface Failure {
  health: Health & { kind: 'stalled' | 'progressing' };
  event: OperatorEvent;
  backoff: FailureBackoff;
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
    case 'notReady':
      return waiting(err.info.reason ?? err.code, err.info.hint === undefined ? message : `${message} (${err.info.hint})`);
    case 'notFound': {
      const reason = err.code.replace(/(Exception|Fault)$/, '');
      const field = MISSING_DEPENDENCY_FIELD[err.code];
      if (field === undefined) return waiting(reason, message);
      const what =
        err.code === 'ClusterNotFoundException' && subject.cluster !== undefined
          ? `ECS cluster "${subject.cluster}" was not found${subject.region === undefined ? '' : ` in ${subject.region}`}`
          : message;
      return stalled(reason, `${what}: create it or correct ${field}`);
    }
    default:
      return undefined;
  }
}

function stalled(reason: string, message: string): Failure {
  return { health: { kind: 'stalled', reason, message }, event: { type: 'Warning', reason, message }, backoff: 'stalled' };
}

function waiting(reason: string, message: string): Failure {
  return { health: { kind: 'progressing', reason, message }, event: { type: 'Warning', reason, message }, backoff: 'waiting' };
}

/** A cleanup stopped by a failure: not done, reported, and looked at again after a backoff. */
export function cleanupFailed(failure: Failure): CleanupOutcome {
  return { done: false, backoff: failure.backoff, conditions: unsyncedConditions(failure.health), events: [failure.event] };
}
