import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../../src/controller/token-bucket.js';
import { WorkQueue } from '../../../src/controller/work-queue.js';

/** A handler whose runs the test finishes by hand, recording what ran and what overlapped. */
function manualHandler() {
  const runs: string[] = [];
  const pending = new Map<string, () => void>();
  let running = 0;
  let maxRunning = 0;
  const perKey = new Map<string, number>();
  let maxPerKey = 0;
  const handler = (key: string) =>
    new Promise<void>((resolve) => {
      runs.push(key);
      running++;
      maxRunning = Math.max(maxRunning, running);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      maxPerKey = Math.max(maxPerKey, perKey.get(key) ?? 0);
      pending.set(key, () => {
        running--;
        perKey.set(key, (perKey.get(key) ?? 1) - 1);
        pending.delete(key);
        resolve();
      });
    });
  return {
    handler,
    runs,
    finish: async (key: string) => {
      const f = pending.get(key);
      if (!f) throw new Error(`${key} is not running`);
      f();
      await vi.advanceTimersByTimeAsync(0);
    },
    get maxRunning() {
      return maxRunning;
    },
    get maxPerKey() {
      return maxPerKey;
    },
  };
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a key added many times while it waits only once', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    q.add('busy');
    for (let i = 0; i < 100; i++) q.add('a');
    q.start();
    await h.finish('busy');
    await h.finish('a');
    expect(h.runs).toEqual(['busy', 'a']);
  });

  it('never runs one key twice at once, and runs it once more if it was added while running', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 4, handler: h.handler });
    q.start();
    q.add('a');
    for (let i = 0; i < 50; i++) q.add('a');
    expect(h.runs).toEqual(['a']);
    expect(q.depth).toBe(1);
    await h.finish('a');
    expect(h.runs).toEqual(['a', 'a']);
    await h.finish('a');
    expect(h.runs).toEqual(['a', 'a']);
    expect(h.maxPerKey).toBe(1);
  });

  it('runs at most `concurrency` keys at once', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 2, handler: h.handler });
    q.start();
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    expect(h.runs).toEqual(['a', 'b']);
    expect(q.inFlight).toBe(2);
    await h.finish('a');
    expect(h.runs).toEqual(['a', 'b', 'c']);
    await h.finish('b');
    await h.finish('c');
    await h.finish('d');
    expect(h.maxRunning).toBe(2);
  });

  it('runs a requeue-after key when it is due, keeping the earliest of two schedules', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    q.start();
    q.addAfter('a', 10_000);
    q.addAfter('a', 3_000);
    q.addAfter('a', 20_000);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(h.runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.runs).toEqual(['a']);
    await h.finish('a');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.runs).toEqual(['a']);
  });

  it('an immediate add overrides a pending delay', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    q.start();
    q.addAfter('a', 60_000);
    q.add('a');
    expect(h.runs).toEqual(['a']);
    await h.finish('a');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.runs).toEqual(['a']);
    expect(q.delayedCount).toBe(0);
  });

  it('backs off per key exponentially up to the cap, and forget() starts over', () => {
    const q = new WorkQueue({ concurrency: 1, handler: async () => undefined, backoff: { baseMs: 1000, maxMs: 10_000 } });
    const delays = Array.from({ length: 6 }, () => q.addWithBackoff('a'));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(q.addWithBackoff('b')).toBe(1000);
    q.forget('a');
    expect(q.addWithBackoff('a')).toBe(1000);
    expect(q.addWithBackoff('a', 30_000)).toBe(30_000);
  });

  it('limits how fast reconciles start overall (token bucket)', async () => {
    const started: [string, number][] = [];
    const q = new WorkQueue({
      concurrency: 10,
      handler: async (key) => {
        started.push([key, Date.now()]);
      },
      rateLimiter: new TokenBucket(10, 2),
    });
    const t0 = Date.now();
    q.start();
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started.map(([k, t]) => [k, t - t0])).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 100],
      ['d', 200],
      ['e', 300],
    ]);
  });

  it('holds keys until started', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    q.add('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.runs).toEqual([]);
    q.start();
    expect(h.runs).toEqual(['a']);
  });

  it('shutdown stops starting work, drops what waits, and resolves when running work finishes', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    q.start();
    q.add('a');
    q.add('b');
    q.addAfter('c', 1000);
    let drained = false;
    const shutdown = q.shutdown().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(drained).toBe(false);
    await h.finish('a');
    await shutdown;
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.runs).toEqual(['a']);
    q.add('d');
    expect(h.runs).toEqual(['a']);
  });
});
