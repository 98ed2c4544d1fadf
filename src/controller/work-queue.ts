// The work queue, after client-go's: keys, not events. Adding a key that is already waiting is a
// no-op (so a burst of 100 updates costs a handful of reconciles); a key is never handed to two
// workers at once, and one added while it runs is run once more afterwards (so the last change is
// never missed). Delays come in two kinds: requeue-after (the reconciler asked) and per-key
// exponential backoff (it failed). Every start also takes a token from an overall rate limiter.
//
// Shares (the AWS account and region a key's reconcile talks to): keys of one share wait in the
// order they came, and the shares take turns. A share holds at most its fair part of the
// workers, ceil(concurrency / shares with work), while a share under its part has keys waiting; a
// worker nobody under its part wants goes to the next share in turn, so a share alone uses every
// worker. A share whose reconciles are slow (throttled, failing, timing out) thus keeps its part
// and no more. Running handlers are never preempted: when a share that took every worker while
// alone still holds them, a newcomer under its part is started beside them (the total then
// exceeds `concurrency` by what the first holds beyond its part, never reaching twice it, and
// falls back as those end, since none is replaced), so it does not wait on another account's
// slow reconciles.
// The rate limiter stays one bucket for the whole queue (it protects the apiserver and the
// process, which all shares use), and its tokens are taken in the shares' turn order: a share
// retrying a crowd of failures takes one token per turn, not the whole burst. Per-share buckets
// would instead multiply the overall limit by the number of accounts.
import type { TokenBucket } from '../rate/token-bucket.js';

export interface WorkQueueOptions {
  /**
   * At most this many handlers run at once; with shares, the workers they divide (see above: a
   * newcomer may start beside a share that holds more than its part).
   */
  concurrency: number;
  /** Processes one key. Should not throw; if it does, `onHandlerError` hears about it. */
  handler: (key: string) => Promise<void>;
  rateLimiter?: TokenBucket;
  /** Per-key backoff after failures: base x 2^(failures-1), capped. */
  backoff?: { baseMs: number; maxMs: number };
  onHandlerError?: (key: string, err: unknown) => void;
  /** The share a key belongs to (its account and region); one share for all keys when absent. */
  shareOf?: (key: string) => string;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000 };

interface Share {
  /** Keys waiting to run now, oldest first. */
  ready: Set<string>;
  running: number;
}

export class WorkQueue {
  /**
   * Shares with keys waiting or running, in turn order: the share that started a key last goes to
   * the back (a Map keeps insertion order, and re-inserting moves to the end).
   */
  private readonly shares = new Map<string, Share>();
  /** The share each waiting key was queued in. */
  private readonly readyIn = new Map<string, string>();
  private readonly delayed = new Map<string, { due: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly processing = new Map<string, { startedAt: number; share: string; done: Promise<void> }>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly shareOf: (key: string) => string;
  private running = false;
  private shutDown = false;
  private pumping = false;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: WorkQueueOptions) {
    if (!(opts.concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${opts.concurrency})`);
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.shareOf = opts.shareOf ?? (() => '');
  }

  /** Keys waiting to run now (including ones re-added while running). */
  get depth(): number {
    return this.readyIn.size + this.dirty.size;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  /** Keys scheduled for later. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** When the longest-running handler started, if any is running (for the liveness check). */
  oldestStart(): number | undefined {
    let oldest: number | undefined;
    for (const { startedAt } of this.processing.values()) if (oldest === undefined || startedAt < oldest) oldest = startedAt;
    return oldest;
  }

  /** Consecutive failures recorded for a key. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  add(key: string): void {
    if (this.shutDown) return;
    this.cancelDelayed(key);
    if (this.processing.has(key)) this.dirty.add(key);
    else this.makeReady(key);
    this.pump();
  }

  /** Runs the key after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (this.shutDown) return;
    if (delayMs <= 0) return this.add(key);
    if (this.readyIn.has(key)) return;
    const due = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref?.();
    this.delayed.set(key, { due, timer });
  }

  /** Records a failure and schedules the key after its backoff; returns the delay chosen. */
  addWithBackoff(key: string, atLeastMs = 0): number {
    const failures = this.failuresOf(key) + 1;
    this.failures.set(key, failures);
    const delay = Math.max(atLeastMs, Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(failures - 1, 40)));
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears a key's failure count (after a success), so its next failure starts at base again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Resolves once no handler for a key that `matches` is running (those running now, that is). */
  async settled(matches: (key: string) => boolean): Promise<void> {
    await Promise.all([...this.processing].filter(([key]) => matches(key)).map(([, p]) => p.done));
  }

  start(): void {
    if (this.shutDown) throw new Error('work queue was shut down');
    this.running = true;
    this.pump();
  }

  /** Stops starting handlers and drops everything waiting; resolves when running ones finish. */
  async shutdown(): Promise<void> {
    this.running = false;
    this.shutDown = true;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const share of this.shares.values()) share.ready.clear();
    this.readyIn.clear();
    this.dirty.clear();
    await Promise.all([...this.processing.values()].map((p) => p.done));
  }

  private cancelDelayed(key: string): void {
    const entry = this.delayed.get(key);
    if (entry) {
      clearTimeout(entry.timer);
      this.delayed.delete(key);
    }
  }

  private makeReady(key: string): void {
    if (this.readyIn.has(key)) return;
    const name = this.shareOf(key);
    let share = this.shares.get(name);
    if (!share) this.shares.set(name, (share = { ready: new Set(), running: 0 }));
    share.ready.add(key);
    this.readyIn.set(key, name);
  }

  /**
   * The share whose turn it is, if a worker may start now: the first in turn order with keys
   * waiting and fewer running than its fair part, else (a worker is free and nobody under its part
   * wants it) the first with keys waiting. A share under its part starts even when every worker is
   * busy, if others hold more than their parts: handlers are not preempted, so that is the only way
   * a newcomer is not kept waiting on reconciles that may be slow. Counting each share's running
   * handlers up to its part only keeps those starts within `concurrency`, and the total stays
   * under twice it whatever the parts (they shrink as shares come).
   */
  private nextShare(): [string, Share] | undefined {
    const concurrency = this.opts.concurrency;
    const fairPart = Math.max(1, Math.ceil(concurrency / this.shares.size));
    let withinParts = 0;
    for (const share of this.shares.values()) withinParts += Math.min(share.running, fairPart);
    let first: [string, Share] | undefined;
    for (const entry of this.shares) {
      const share = entry[1];
      if (share.ready.size === 0) continue;
      if (share.running < fairPart && withinParts < concurrency && this.processing.size < 2 * concurrency) return entry;
      first ??= entry;
    }
    return this.processing.size < concurrency ? first : undefined;
  }

  private pump(): void {
    // A handler may add keys synchronously; the outer loop will see them, so no recursion.
    if (!this.running || this.pumping) return;
    this.pumping = true;
    try {
      while (this.running && this.readyIn.size > 0) {
        const next = this.nextShare();
        if (!next) return;
        const wait = this.opts.rateLimiter?.take() ?? 0;
        if (wait > 0) {
          if (!this.pumpTimer) {
            this.pumpTimer = setTimeout(() => {
              this.pumpTimer = undefined;
              this.pump();
            }, wait);
            this.pumpTimer.unref?.();
          }
          return;
        }
        const [name, share] = next;
        const key = share.ready.values().next().value as string;
        share.ready.delete(key);
        this.readyIn.delete(key);
        // Its turn is over: to the back of the line.
        this.shares.delete(name);
        this.shares.set(name, share);
        this.dispatch(key, name, share);
      }
    } finally {
      this.pumping = false;
    }
  }

  private dispatch(key: string, name: string, share: Share): void {
    share.running++;
    const entry = { startedAt: Date.now(), share: name, done: Promise.resolve() };
    this.processing.set(key, entry);
    entry.done = (async () => {
      try {
        await this.opts.handler(key);
      } catch (err) {
        this.opts.onHandlerError?.(key, err);
      } finally {
        this.processing.delete(key);
        share.running--;
        if (share.running === 0 && share.ready.size === 0 && this.shares.get(name) === share) this.shares.delete(name);
        if (this.dirty.delete(key) && !this.shutDown) this.makeReady(key);
        this.pump();
      }
    })();
  }
}
