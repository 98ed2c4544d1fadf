// Reconcile errors, classified once where they are understood (the AWS edge, spec validation) so
// that the runtime decides retries from a type, never from a message string.

/** Worth retrying: throttling, a timeout, a dependency not ready yet. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  /** A lower bound for the next attempt (for example from a Retry-After); backoff may wait longer. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, opts: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: opts.cause });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * Retrying cannot fix it (an invalid spec, a permission the user must grant): the reconciler's
 * onTerminalError hook reports it and the key rests until the object's spec changes.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  /** CamelCase reason for the condition and the Event, e.g. "InvalidSpec". */
  readonly reason: string;

  constructor(reason: string, message: string, opts: { cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.reason = reason;
  }
}

export type ClassifiedError =
  | { kind: 'terminal'; error: TerminalError }
  | { kind: 'retryable'; error: unknown; retryAfterMs: number | undefined };

/** Anything that is not explicitly terminal is retried: an unknown failure must not stick. */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof TerminalError) return { kind: 'terminal', error: err };
  return { kind: 'retryable', error: err, retryAfterMs: err instanceof RetryableError ? err.retryAfterMs : undefined };
}
