// Polling for what the operator does asynchronously: end-to-end tests wait for what a user would
// see (status, ECS, /metrics), and a timeout shows the operator's log, where the reason usually is.

export interface WaitOptions {
  /** The default for every wait; one call may give its own. */
  timeoutMs: number;
  /** The operator's log, read when a wait times out (lazily: a test may have restarted the operator). */
  logs: () => string;
  /** How many of its last lines the timeout shows. */
  logLines?: number;
}

export type WaitFor = (what: string, check: () => Promise<boolean>, timeoutMs?: number) => Promise<number>;

/**
 * A `waitFor` for one test file: polls `check` every 500 ms until it holds and returns how long
 * that took, or throws with the log tail after `timeoutMs`.
 */
export function waiter(opts: WaitOptions): WaitFor {
  return async (what, check, timeoutMs = opts.timeoutMs) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for ${what}\n--- operator log tail ---\n${opts.logs().split('\n').slice(-(opts.logLines ?? 40)).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return Date.now() - started;
  };
}
