import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../../src/rate/token-bucket.js';
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

describe('WorkQueue shares (one per account and region)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const byPrefix = (key: string) => key.split('/')[0] ?? '';

  it('serves the shares in turn, each in the order its keys came', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler, shareOf: byPrefix });
    for (const k of ['a/1', 'a/2', 'a/3', 'a/4', 'b/1', 'b/2', 'c/1']) q.add(k);
    q.start();
    for (const k of ['a/1', 'b/1', 'c/1', 'a/2', 'b/2', 'a/3', 'a/4']) await h.finish(k);
    expect(h.runs).toEqual(['a/1', 'b/1', 'c/1', 'a/2', 'b/2', 'a/3', 'a/4']);
  });

  it('without shares, runs keys in the order they came', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler });
    for (const k of ['a/1', 'a/2', 'b/1', 'a/3']) q.add(k);
    q.start();
    for (const k of ['a/1', 'a/2', 'b/1', 'a/3']) await h.finish(k);
    expect(h.runs).toEqual(['a/1', 'a/2', 'b/1', 'a/3']);
  });

  it('a share whose handlers hang holds its fair part of the workers, and the other share gets through all its keys', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 4, handler: h.handler, shareOf: byPrefix });
    for (let i = 1; i <= 10; i++) q.add(`hung/${i}`);
    for (let i = 1; i <= 6; i++) q.add(`ok/${i}`);
    q.start();
    // ceil(4 / 2) = 2 each.
    expect(h.runs.filter((k) => k.startsWith('hung/'))).toEqual(['hung/1', 'hung/2']);
    expect(h.runs.filter((k) => k.startsWith('ok/'))).toEqual(['ok/1', 'ok/2']);
    for (let i = 1; i <= 6; i++) await h.finish(`ok/${i}`);
    expect(h.runs.filter((k) => k.startsWith('ok/'))).toEqual(['ok/1', 'ok/2', 'ok/3', 'ok/4', 'ok/5', 'ok/6']);
    // Every worker the other share freed while it had keys waiting went back to it, none to the hung share.
    expect(h.runs.slice(0, 8).filter((k) => k.startsWith('hung/'))).toEqual(['hung/1', 'hung/2']);
    expect(h.maxRunning).toBe(4);
  });

  it('a share alone uses every worker; a share that comes while they hang starts its fair part beside them at once', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 4, handler: h.handler, shareOf: byPrefix });
    q.start();
    for (let i = 1; i <= 10; i++) q.add(`slow/${i}`);
    expect(h.runs).toEqual(['slow/1', 'slow/2', 'slow/3', 'slow/4']);
    for (let i = 1; i <= 5; i++) q.add(`other/${i}`);
    // Its part is ceil(4 / 2) = 2, started beside the 4 it cannot take back.
    expect(h.runs.slice(4)).toEqual(['other/1', 'other/2']);
    expect(q.inFlight).toBe(6);
    // A slow handler that ends is not replaced while the slow share holds more than its part...
    await h.finish('slow/1');
    await h.finish('slow/2');
    expect(q.inFlight).toBe(4);
    expect(h.runs).toHaveLength(6);
    // ...and the other share keeps its part as its keys end.
    await h.finish('other/1');
    expect(h.runs.at(-1)).toBe('other/3');
    await h.finish('other/2');
    await h.finish('other/3');
    expect(h.runs.slice(6)).toEqual(['other/3', 'other/4', 'other/5']);
    // Back at its part (2 running), the slow share gets the worker a finished key frees.
    await h.finish('other/4');
    expect(h.runs.at(-1)).toBe('slow/5');
    expect(h.maxRunning).toBe(6);
  });

  it('starting newcomers beside shares that hold more than their parts stays under twice the concurrency', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 4, handler: h.handler, shareOf: byPrefix });
    q.start();
    for (let i = 1; i <= 10; i++) q.add(`first/${i}`);
    for (const s of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) for (let i = 1; i <= 10; i++) q.add(`${s}/${i}`);
    // first 4, b its part of 2; parts shrink to 1 as shares come, letting c and d in; then the cap.
    expect(h.runs.map(byPrefix)).toEqual(['first', 'first', 'first', 'first', 'b', 'b', 'c', 'd']);
    expect(h.maxRunning).toBe(8);
    // Nothing more starts until the total is back under the concurrency and parts allow.
    await h.finish('first/1');
    expect(h.runs).toHaveLength(8);
  });

  it('three shares with work split the workers ceil(concurrency / 3) at most each', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 6, handler: h.handler, shareOf: byPrefix });
    for (const s of ['a', 'b', 'c']) for (let i = 1; i <= 5; i++) q.add(`${s}/${i}`);
    q.start();
    const count = (s: string) => h.runs.filter((k) => k.startsWith(`${s}/`)).length;
    expect([count('a'), count('b'), count('c')]).toEqual([2, 2, 2]);
    await h.finish('a/1');
    await h.finish('a/2');
    // a's freed workers go back to a (every other share is at its part); turn order is kept.
    expect([count('a'), count('b'), count('c')]).toEqual([4, 2, 2]);
    expect(h.runs.slice(6)).toEqual(['a/3', 'a/4']);
  });

  it('a free worker no share under its part wants goes to the next share in turn', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 6, handler: h.handler, shareOf: byPrefix });
    q.add('idle/1');
    for (let i = 1; i <= 5; i++) q.add(`a/${i}`);
    for (let i = 1; i <= 5; i++) q.add(`b/${i}`);
    q.start();
    // Parts of ceil(6 / 3) = 2; idle has one key only, so its second worker goes to a, next in turn.
    expect(h.runs).toEqual(['idle/1', 'a/1', 'b/1', 'a/2', 'b/2', 'a/3']);
    expect(q.inFlight).toBe(6);
  });

  it('dedups a waiting key, never runs one key twice at once, and runs it once more if added while running', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 4, handler: h.handler, shareOf: byPrefix });
    q.start();
    q.add('a/x');
    q.add('b/y');
    for (let i = 0; i < 20; i++) {
      q.add('a/x');
      q.add('b/y');
    }
    expect(q.depth).toBe(2);
    await h.finish('a/x');
    await h.finish('b/y');
    expect(h.runs).toEqual(['a/x', 'b/y', 'a/x', 'b/y']);
    await h.finish('a/x');
    await h.finish('b/y');
    expect(h.runs).toHaveLength(4);
    expect(h.maxPerKey).toBe(1);
    expect(q.depth).toBe(0);
    expect(q.inFlight).toBe(0);
  });

  it('a key whose share changes while it waits keeps its place; re-added later it joins its new share', async () => {
    const h = manualHandler();
    let shareOfK = 'a';
    const q = new WorkQueue({ concurrency: 1, handler: h.handler, shareOf: (k) => (k === 'k' ? shareOfK : byPrefix(k)) });
    q.add('k');
    q.add('b/1');
    shareOfK = 'b';
    q.add('k');
    q.start();
    await h.finish('k');
    q.add('k');
    await h.finish('b/1');
    await h.finish('k');
    expect(h.runs).toEqual(['k', 'b/1', 'k']);
  });

  it('takes rate-limiter tokens in the shares\' turn order, so a share with a crowd of keys cannot spend them all', async () => {
    const started: string[] = [];
    const q = new WorkQueue({
      concurrency: 10,
      handler: async (key) => {
        started.push(key);
      },
      rateLimiter: new TokenBucket(10, 1),
      shareOf: byPrefix,
    });
    for (let i = 1; i <= 20; i++) q.add(`retrying/${i}`);
    q.add('quiet/1');
    q.add('quiet/2');
    q.start();
    await vi.advanceTimersByTimeAsync(400);
    expect(started).toEqual(['retrying/1', 'quiet/1', 'retrying/2', 'quiet/2', 'retrying/3']);
  });

  it('backs a key off in its own share, without delaying the other shares', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler, shareOf: byPrefix, backoff: { baseMs: 1000, maxMs: 10_000 } });
    q.start();
    expect(q.addWithBackoff('failing/1')).toBe(1000);
    q.add('ok/1');
    expect(h.runs).toEqual(['ok/1']);
    await h.finish('ok/1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.runs).toEqual(['ok/1', 'failing/1']);
  });

  it('shutdown drops the waiting keys of every share', async () => {
    const h = manualHandler();
    const q = new WorkQueue({ concurrency: 1, handler: h.handler, shareOf: byPrefix });
    q.start();
    for (const k of ['a/1', 'a/2', 'b/1']) q.add(k);
    const shutdown = q.shutdown();
    expect(q.depth).toBe(0);
    await h.finish('a/1');
    await shutdown;
    expect(h.runs).toEqual(['a/1']);
  });
});
