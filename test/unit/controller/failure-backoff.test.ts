// The backoff of an object whose failure was reported: how long it waits before each new attempt.
import { describe, expect, it } from 'vitest';
import { describeDelay, failureBackoffMs, STALLED_BACKOFF, WAITING_BACKOFF } from '../../../src/controller/failure-backoff.js';

/** The times of the attempts a failure that never clears gets, starting at 0, until `untilMs`. */
function attempts(policy: typeof STALLED_BACKOFF, untilMs: number): number[] {
  const at = [0];
  for (;;) {
    const last = at.at(-1) ?? 0;
    const next = last + failureBackoffMs(policy, 0, last);
    if (next > untilMs) return at;
    at.push(next);
  }
}

describe('the backoff of a Stalled object', () => {
  it('looks again after 30 s, then at doubling intervals', () => {
    expect(attempts(STALLED_BACKOFF, 16 * 60_000).map((ms) => ms / 1000)).toEqual([0, 30, 60, 120, 240, 480, 960]);
  });

  it('is capped at 30 minutes between attempts', () => {
    const at = attempts(STALLED_BACKOFF, 6 * 3_600_000);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    expect(Math.max(...gaps)).toBe(30 * 60_000);
    expect(gaps.slice(-3)).toEqual([1_800_000, 1_800_000, 1_800_000]);
  });

  it('makes a few attempts an hour where a 10 s resync would have made 360', () => {
    expect(attempts(STALLED_BACKOFF, 3_600_000).length).toBeLessThan(10);
  });

  it('depends only on when the failure began, so a restarted operator keeps the schedule', () => {
    // Stalled for 40 minutes when the operator restarts: it waits the full 30 minutes again, not 30 s.
    expect(failureBackoffMs(STALLED_BACKOFF, 0, 40 * 60_000)).toBe(30 * 60_000);
    expect(failureBackoffMs(STALLED_BACKOFF, 0, 5 * 60_000)).toBe(5 * 60_000);
  });
});

describe('the backoff of an object waiting for AWS to settle', () => {
  it('looks again sooner (5 s) and is capped at 5 minutes', () => {
    expect(attempts(WAITING_BACKOFF, 60_000).map((ms) => ms / 1000)).toEqual([0, 5, 10, 20, 40]);
    expect(failureBackoffMs(WAITING_BACKOFF, 0, 3_600_000)).toBe(5 * 60_000);
  });
});

describe('describeDelay', () => {
  it.each([
    [30_000, '30s'],
    [120_000, '2m'],
    [150_000, '2m30s'],
    [1_800_000, '30m'],
    [3_600_000, '1h'],
    [400, '1s'],
  ])('%d ms is "%s"', (ms, text) => {
    expect(describeDelay(ms)).toBe(text);
  });
});
