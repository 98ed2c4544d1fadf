// Paces ECS requests to ECS's documented request-throttling token buckets (per account and
// region), at 80% of them: the budget is shared with every other tool in the account, and an
// operator that spends all of it starves deployments. Every attempt takes a token, retries
// included, because AWS counts attempts.
import { setTimeout as delay } from 'node:timers/promises';
import type { Pluggable } from '@smithy/types';
import { contextSignal } from '../observability/work-context.js';
import { TokenBucket } from '../rate/token-bucket.js';
import { operationName } from './operations.js';

/** "Request throttling for the Amazon ECS API": burst and sustained requests per second. */
const ECS_BUCKETS: readonly { ops: readonly string[]; burst: number; sustained: number }[] = [
  { ops: ['CreateCluster', 'DeleteCluster', 'PutClusterCapacityProviders', 'UpdateCluster', 'UpdateClusterSettings'], burst: 20, sustained: 1 },
  { ops: ['DescribeClusters', 'ListClusters'], burst: 50, sustained: 20 },
  { ops: ['CreateCapacityProvider', 'DeleteCapacityProvider', 'UpdateCapacityProvider'], burst: 10, sustained: 1 },
  { ops: ['DescribeCapacityProviders'], burst: 50, sustained: 20 },
  { ops: ['RunTask', 'StartTask', 'StopTask'], burst: 100, sustained: 40 },
  { ops: ['RegisterTaskDefinition', 'DeregisterTaskDefinition'], burst: 20, sustained: 1 },
  { ops: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'], burst: 50, sustained: 20 },
  { ops: ['TagResource', 'UntagResource'], burst: 20, sustained: 10 },
  { ops: ['ListTagsForResource'], burst: 50, sustained: 20 },
  { ops: ['DescribeTasks', 'ListTasks'], burst: 100, sustained: 20 },
  { ops: ['CreateService', 'DeleteService', 'UpdateService'], burst: 50, sustained: 5 },
  { ops: ['DescribeServices', 'ListServices'], burst: 100, sustained: 20 },
  { ops: ['DescribeServiceDeployments', 'ListServiceDeployments'], burst: 50, sustained: 20 },
  { ops: ['DescribeServiceRevisions'], burst: 50, sustained: 20 },
];
const SHARE = 0.8;

/** A bucket whose takers wait in turn (the SDK's requests queue behind each other). */
class PacedBucket {
  private readonly bucket: TokenBucket;
  private turn: Promise<void> = Promise.resolve();

  constructor(burst: number, perSecond: number) {
    this.bucket = new TokenBucket(perSecond, burst, () => performance.now());
  }

  /**
   * Resolves when a token is taken; callers are served in order. A caller whose work stops while
   * it waits (`signal`) leaves at once without a token: its request is refused anyway (work-guard.ts).
   */
  take(signal?: AbortSignal): Promise<void> {
    const mine = this.turn.then(async () => {
      for (;;) {
        if (signal?.aborted) return;
        const waitMs = this.bucket.take();
        if (waitMs === 0) return;
        // An abort ends the wait early (rejecting); the loop then sees the signal and leaves.
        await delay(waitMs, undefined, { signal }).catch(() => undefined);
      }
    });
    this.turn = mine;
    return mine;
  }
}

/** The buckets of one account and region, shared by every client of that region. */
export class EcsRequestPacer {
  private readonly buckets = new Map<string, PacedBucket>();

  private bucketFor(operation: string): PacedBucket | undefined {
    const category = ECS_BUCKETS.find((c) => c.ops.includes(operation));
    if (!category) return undefined;
    const key = category.ops[0] ?? operation;
    let bucket = this.buckets.get(key);
    // The burst leaves room for one second of refill, so that no second ever carries more than
    // SHARE of ECS's burst (a full bucket plus the refill of the same second would).
    if (!bucket) this.buckets.set(key, (bucket = new PacedBucket(Math.floor((category.burst - category.sustained) * SHARE), category.sustained * SHARE)));
    return bucket;
  }

  plugin<I extends object, O extends object>(): Pluggable<I, O> {
    return {
      applyToStack: (stack) => {
        // finalizeRequest runs once per attempt, inside the SDK's retry loop.
        stack.add(
          (next, context) => async (args) => {
            await this.bucketFor(operationName(context))?.take(contextSignal());
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'ecsOperatorRequestPacer' },
        );
      },
    };
  }
}
