// The logger of the work under way, carried through async calls: the controller runs each
// reconcile under a child logger that names the object (`key`), and code far below it (an AWS
// call's log line, a status write) logs through that logger without being handed it. Node's
// AsyncLocalStorage follows the reconcile's promises, so concurrent reconciles never mix.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger.js';

const current = new AsyncLocalStorage<Logger>();

/** Runs `fn` with `log` as the logger of everything it calls. */
export function withLogContext<T>(log: Logger, fn: () => T): T {
  return current.run(log, fn);
}

/** The logger of the work under way, or `fallback` outside any. */
export function contextLogger(fallback: Logger): Logger {
  return current.getStore() ?? fallback;
}
