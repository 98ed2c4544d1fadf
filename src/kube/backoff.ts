// Exponential backoff with jitter for reconnecting to the apiserver. Defaults follow kube-rs's
// watcher (0.8 s doubling to 30 s): fast enough to notice a restarted apiserver within seconds,
// slow enough that a fleet of operators does not hammer one that is struggling. Jitter keeps many
// watchers (one per namespace and kind) from reconnecting in lock step.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0.2 = each delay is drawn from [0.8, 1.2] x the nominal one (then capped at maxMs). */
  jitter: number;
}

export const WATCH_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, jitter: 0.2 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = WATCH_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the nominal delay up to the cap. */
  next(): number {
    const nominal = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const factor = 1 - this.opts.jitter + 2 * this.opts.jitter * this.random();
    return Math.min(this.opts.maxMs, Math.round(nominal * factor));
  }

  reset(): void {
    this.attempt = 0;
  }
}
