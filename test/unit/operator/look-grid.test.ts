// Looks at services in progress are moved onto a shared grid, so that reads made for services
// started a moment apart fall in the same instant (and share a DescribeServices call).
import { describe, expect, it } from 'vitest';
import { done, requeueAfter } from '../../../src/controller/reconciler.js';
import { onLookGrid, untilNextGridLook } from '../../../src/operator/look-grid.js';

const at = (iso: string) => new Date(iso).getTime();

describe('onLookGrid', () => {
  it('moves looks asked for a few seconds apart onto the same instant, at most half a step off', () => {
    const looks = ['2026-12-07T10:00:00.300Z', '2026-12-07T10:00:01.900Z', '2026-12-07T10:00:02.400Z'].map((now) => {
      const next = onLookGrid(requeueAfter(5_000), at(now));
      return next.kind === 'requeue' ? new Date(at(now) + next.afterMs).toISOString() : undefined;
    });
    expect(looks).toEqual(['2026-12-07T10:00:05.000Z', '2026-12-07T10:00:05.000Z', '2026-12-07T10:00:05.000Z']);
    expect(onLookGrid(requeueAfter(5_000), at('2026-12-07T10:00:02.600Z'))).toEqual(requeueAfter(7_400));
    expect(onLookGrid(requeueAfter(60_000), at('2026-12-07T10:00:02.400Z'))).toEqual(requeueAfter(57_600));
  });

  it('leaves short waits, a converged object and a backoff as they are', () => {
    const now = at('2026-12-07T10:00:01.300Z');
    expect(onLookGrid(requeueAfter(1_000), now)).toEqual(requeueAfter(1_000));
    expect(onLookGrid(done(), now)).toEqual(done());
    const backoff = { kind: 'backoff', afterMs: 8_000, sinceMs: now } as const;
    expect(onLookGrid(backoff, now)).toEqual(backoff);
  });

  it('tells how long until the next grid instant, never none', () => {
    expect(untilNextGridLook(at('2026-12-07T10:00:01.300Z'))).toBe(3_700);
    expect(untilNextGridLook(at('2026-12-07T10:00:04.999Z'))).toBe(1);
    expect(untilNextGridLook(at('2026-12-07T10:00:05.000Z'))).toBe(5_000);
  });
});
