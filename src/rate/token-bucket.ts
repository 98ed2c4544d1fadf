// A token bucket: `burst` tokens at once, then `qps` a second. One implementation for the three
// rate limits of the process: reconcile starts (the work queue: it caps the load a resync of
// thousands of keys, or a crowd of retries, puts on AWS and the apiserver), Event writes, and the
// ECS request pacer (src/aws/request-rate.ts). It imports nothing, so every layer may use it.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error(`token bucket needs qps > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token and returns 0, or returns how many ms until one is available (taking none). */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}
