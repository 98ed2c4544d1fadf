// The work queue, after client-go's: keys, not events. Adding a key that is already waiting is a
// no-op (so a burst of 100 updates costs a handful of reconciles); a key is never handed to two
// workers at once, and one added while it runs is run once more afterwards (so the last change is
// never missed). Delays come in two kinds: requeue-after (the reconciler asked) and per-key
// exponential backoff (it failed). Every start also takes a token from an overall rate limiter.
import type { TokenBucket } from './token-bucket.js';

export interface WorkQueueOptions {
  /** At most this many handlers run at once. */
  concurrency: number;
  /** Processes one key. Should not throw; if it does, `onHandlerError` hears about it. */
  handler: (key: string) => Promise<void>;
  rateLimiter?: TokenBucket;
  /** Per-key backoff after failures: base x 2^(failures-1), capped. */
  backoff?: { baseMs: number; maxMs: number };
  onHandlerError?: (key: string, err: unknown) => void;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000 };

export class WorkQueue {
  private readonly ready = new Set<string>();
  private readonly delayed = new Map<string, { due: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly processing = new Map<string, { startedAt: number; done: Promise<void> }>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly backoff: { baseMs: number; maxMs: number };
  private running = false;
  private shutDown = false;
  private pumping = false;
  private pumpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: WorkQueueOptions) {
    if (!(opts.concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${opts.concurrency})`);
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /** Keys waiting to run now (including ones re-added while running). */
  get depth(): number {
    return this.ready.size + this.dirty.size;
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
    else this.ready.add(key);
    this.pump();
  }

  /** Runs the key after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number): void {
    if (this.shutDown) return;
    if (delayMs <= 0) return this.add(key);
    if (this.ready.has(key)) return;
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
    this.ready.clear();
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

  private pump(): void {
    // A handler may add keys synchronously; the outer loop will see them, so no recursion.
    if (!this.running || this.pumping) return;
    this.pumping = true;
    try {
      while (this.running && this.processing.size < this.opts.concurrency && this.ready.size > 0) {
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
        const key = this.ready.values().next().value as string;
        this.ready.delete(key);
        this.dispatch(key);
      }
    } finally {
      this.pumping = false;
    }
  }

  private dispatch(key: string): void {
    const entry = { startedAt: Date.now(), done: Promise.resolve() };
    this.processing.set(key, entry);
    entry.done = (async () => {
      try {
        await this.opts.handler(key);
      } catch (err) {
        this.opts.onHandlerError?.(key, err);
      } finally {
        this.processing.delete(key);
        if (this.dirty.delete(key) && !this.shutDown) this.ready.add(key);
        this.pump();
      }
    })();
  }
}
