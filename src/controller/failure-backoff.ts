// How long an object whose reconcile failed, and said so in its conditions, waits before the next
// attempt. The delay is as long as the failure has lasted, within [base, max]: attempts come at
// base, base, 2 x base, 4 x base, ... after it began, then every max. Being a function of when the
// failure began (not of a count kept in memory), the schedule survives a restart that can read
// only that time back from the object's condition.

export interface FailureBackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Only a person is expected to fix it (an invalid request, a missing cluster, access denied). */
export const STALLED_BACKOFF: FailureBackoffPolicy = { baseMs: 30_000, maxMs: 30 * 60_000 };

/** AWS is expected to settle by itself (a role, a target group or a new service propagating). */
export const WAITING_BACKOFF: FailureBackoffPolicy = { baseMs: 5_000, maxMs: 5 * 60_000 };

/** The delay before the next attempt at a failure that began at `sinceMs`. */
export function failureBackoffMs(policy: FailureBackoffPolicy, sinceMs: number, nowMs: number): number {
  return Math.min(policy.maxMs, Math.max(policy.baseMs, nowMs - sinceMs));
}

/** "45s", "2m", "2m30s", "1h": how a condition message says when the object is looked at again. */
export function describeDelay(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].join('');
}
