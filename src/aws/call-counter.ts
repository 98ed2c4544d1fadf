// Counts every request sent to AWS by service, operation and outcome. AWS calls are the operator's
// real cost (one rate budget per account and region), so tests and benchmarks assert on these
// counts, and the metrics module subscribes as a sink.
import type { Pluggable } from '@smithy/types';
import { DEFAULT_ACCOUNT } from '../observability/metrics.js';
import { classifyAwsError } from './errors.js';
import { isReadOperation, operationName, type AwsService } from './operations.js';

/** `success`, `throttled`, or the error code of a failed attempt (e.g. `ClusterNotFoundException`). */
export type AwsCallOutcome = string;

export interface AwsCallSink {
  /** `account` names the identity the call was made with (an EcsAccount's name, or `default`). */
  onCall(service: AwsService, operation: string, outcome: AwsCallOutcome, durationMs: number, account: string): void;
}


export interface OperationCalls {
  total: number;
  /** Count per outcome. */
  outcomes: Record<AwsCallOutcome, number>;
}

export interface AwsCallSnapshot {
  total: number;
  reads: number;
  writes: number;
  throttled: number;
  /** Keyed by `service:Operation`, e.g. `ecs:DescribeServices`. */
  operations: Record<string, OperationCalls>;
}

export class AwsCallCounter {
  /** Keyed by account, then `service:Operation`. */
  private readonly counts = new Map<string, Map<string, Map<AwsCallOutcome, number>>>();
  private readonly sinks = new Set<AwsCallSink>();

  /** Adds a sink called after every attempt; returns a function that removes it. */
  addSink(sink: AwsCallSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  record(service: AwsService, operation: string, outcome: AwsCallOutcome, durationMs: number, account = DEFAULT_ACCOUNT): void {
    const key = `${service}:${operation}`;
    let byOperation = this.counts.get(account);
    if (!byOperation) this.counts.set(account, (byOperation = new Map()));
    let outcomes = byOperation.get(key);
    if (!outcomes) byOperation.set(key, (outcomes = new Map()));
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    for (const sink of this.sinks) {
      // A sink runs inside the AWS call; if it threw, a call that succeeded would look failed and
      // be repeated, so its failure is reported on its own instead.
      try {
        sink.onCall(service, operation, outcome, durationMs, account);
      } catch (err) {
        process.emitWarning(`AWS call sink failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** The calls of every account, or of `account` alone. */
  snapshot(account?: string): AwsCallSnapshot {
    const snap: AwsCallSnapshot = { total: 0, reads: 0, writes: 0, throttled: 0, operations: {} };
    for (const [acct, byOperation] of this.counts) {
      if (account !== undefined && acct !== account) continue;
      for (const [key, outcomes] of byOperation) {
        const entry = (snap.operations[key] ??= { total: 0, outcomes: {} });
        for (const [outcome, n] of outcomes) {
          entry.outcomes[outcome] = (entry.outcomes[outcome] ?? 0) + n;
          entry.total += n;
          snap.total += n;
          if (outcome === 'throttled') snap.throttled += n;
          if (isReadOperation(key.slice(key.indexOf(':') + 1))) snap.reads += n;
          else snap.writes += n;
        }
      }
    }
    return snap;
  }

  /**
   * The middleware that feeds this counter. It runs inside the SDK's retry loop and after signing,
   * so each HTTP request actually sent (every retry included) is one call, as AWS's rate limiter
   * sees it. It reads only the operation name and the outcome: never the request or credentials.
   * `account` labels the calls of the client it is added to.
   */
  plugin<I extends object, O extends object>(service: AwsService, account = DEFAULT_ACCOUNT): Pluggable<I, O> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args) => {
            const started = performance.now();
            const operation = operationName(context);
            try {
              const result = await next(args);
              this.record(service, operation, 'success', performance.now() - started, account);
              return result;
            } catch (err) {
              const info = classifyAwsError(err);
              this.record(service, operation, info.kind === 'throttled' ? 'throttled' : info.code, performance.now() - started, account);
              throw err;
            }
          },
          { step: 'finalizeRequest', priority: 'low', name: 'ecsOperatorCountCalls' },
        );
      },
    };
  }
}
