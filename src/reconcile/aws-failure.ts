// Which AWS failures a reconcile reports as a condition and which it lets the work queue retry.
// The AWS adapter has already classified every error (src/aws/errors.ts); this only decides what
// that class means for an object:
// - invalid, accessDenied, limitExceeded: only a person can fix it (the manifest, IAM, a quota),
//   so the object reports Stalled with the AWS message and is not retried until something changes;
// - notFound (a cluster, a target group, a service that vanished): may appear without any change
//   to the manifest (another tool creates it), so the object reports it and looks again later;
// - throttled, transient, conflict, unknown: thrown on, for the work queue's backoff.
import { isAwsError } from '../aws/errors.js';
import type { Health, OperatorEvent } from './outcome.js';

/** How long to wait before looking again for something that does not exist yet. */
export const MISSING_DEPENDENCY_REQUEUE_MS = 30_000;

export interface Failure {
  health: Health & { kind: 'stalled' | 'progressing' };
  event: OperatorEvent;
  requeueAfterMs?: number;
}

/** The condition for an AWS error, or undefined when the error should be thrown on. */
export function failureOf(err: unknown, doing: string): Failure | undefined {
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
