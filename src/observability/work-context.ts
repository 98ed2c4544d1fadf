// The work under way (a reconcile), carried through async calls by Node's AsyncLocalStorage, which
// follows the reconcile's promises, so concurrent reconciles never mix. It holds two things that
// code far below the reconcile needs without being handed them:
//   - its logger, which names the object (`key`): an AWS call's log line, a status write;
//   - whether it may still act. A replica reconciles a key only while it holds the key's shard (or
//     leads): once the shard is lost or handed back, or its Lease has gone unrenewed for the renew
//     deadline, another replica may take it over, so no request of the work may be sent any more.
//     The AWS clients and the Kubernetes writes ask `assertMayAct()` before every attempt (SDK
//     retries included). Aborting the reconcile's promise alone would not do: a reconcile does not
//     stop at an abort, it goes on to its next AWS write.
// It lives in the lowest layer because both src/aws and src/kube ask it, and the controller, above
// both, sets it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';

export interface Work {
  log: Logger;
  /** Aborted when the work must stop (shard lost or handed back, leadership lost, shutdown). */
  signal?: AbortSignal;
  /**
   * Until when (epoch ms) the work may act, asked at each request: the shard Lease's renew
   * deadline. Checked against the clock rather than only through `signal`, whose timer a busy
   * event loop may fire late.
   */
  actsUntil?: () => number;
}

/** Thrown instead of sending a request once the work under way may no longer act. */
export class WorkStoppedError extends Error {
  override readonly name = 'WorkStoppedError';
}

const current = new AsyncLocalStorage<Work>();

/** Runs `fn` as `work`: with its logger, and its requests refused once it may no longer act. */
export function withWork<T>(work: Work, fn: () => T): T {
  return current.run(work, fn);
}

/** The logger of the work under way, or `fallback` outside any. */
export function contextLogger(fallback: Logger): Logger {
  return current.getStore()?.log ?? fallback;
}

/** The abort signal of the work under way, if any. */
export function contextSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/** Throws WorkStoppedError when the work under way may no longer act; outside any work, never. */
export function assertMayAct(): void {
  const work = current.getStore();
  if (!work) return;
  if (work.signal?.aborted) throw new WorkStoppedError(`stopped before sending a request: ${reasonOf(work.signal)}`);
  const until = work.actsUntil?.();
  if (until !== undefined && Date.now() >= until) throw new WorkStoppedError('stopped before sending a request: the shard Lease was not renewed in time');
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}
