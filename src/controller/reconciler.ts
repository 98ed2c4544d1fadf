// What a reconciler is: one function from a key to "done" or "again after N", level-triggered by
// construction (it is told which object, never what happened to it). Retries, backoff and rate
// limits belong to the work queue, not to the reconciler.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.js';
import type { ObjectKey } from '../kube/object-key.js';
import type { TerminalError } from './errors.js';

export type ReconcileResult =
  | { kind: 'done' }
  | { kind: 'requeue'; afterMs: number }
  /** Failed, and said so where the user sees it (a condition, an Event). */
  | { kind: 'backoff'; afterMs: number; sinceMs: number };

/** Converged: nothing to do until the object, a related object or the resync says otherwise. */
export const done = (): ReconcileResult => ({ kind: 'done' });

/** Look again after `afterMs` (polling a rollout, waiting for a drain). Not an error: no backoff. */
export const requeueAfter = (afterMs: number): ReconcileResult => ({ kind: 'requeue', afterMs });

/**
 * The reconcile failed and reported it: look again after `afterMs` (see failure-backoff.ts) and not
 * before, not even at a resync, unless the object's generation or a related object changes or its
 * deletion starts. `sinceMs`: when the failure began, handed back as ctx.failingSince next time.
 */
export const backoffAfter = (afterMs: number, sinceMs: number): ReconcileResult => ({ kind: 'backoff', afterMs, sinceMs });

export interface ReconcileContext<T extends KubernetesObject> {
  readonly key: ObjectKey;
  readonly namespace: string | undefined;
  readonly name: string;
  /**
   * The object as the cache holds it when the reconcile starts; undefined once it is deleted
   * (after any finalizer has been removed). Read-only: it is the cache's own copy.
   */
  readonly object: Readonly<T> | undefined;
  /** Carries `key` (and the controller's name) on every line. */
  readonly log: Logger;
  /** Aborted when the operator must stop now (shutdown deadline passed, leadership lost). */
  readonly signal: AbortSignal;
  /**
   * When the failure began (ms since the epoch), if this generation's last reconcile in this process
   * ended in backoffAfter; undefined otherwise (then the object's own status is the only record).
   */
  readonly failingSince: number | undefined;
}

export interface Reconciler<T extends KubernetesObject> {
  /**
   * Makes the world match the object named by `key`. Throw RetryableError (or any error) to be
   * retried with per-key backoff, TerminalError when retrying cannot help.
   */
  reconcile(key: ObjectKey, ctx: ReconcileContext<T>): Promise<ReconcileResult>;
  /**
   * Records a terminal failure where the user will see it (a Stalled condition, an Event). The
   * key is then not retried until the object's generation changes or a related object changes.
   * If this hook throws, the reconcile is retried with backoff instead.
   */
  onTerminalError?(key: ObjectKey, error: TerminalError, ctx: ReconcileContext<T>): Promise<void>;
}
