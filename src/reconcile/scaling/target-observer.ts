// Reads scalable targets in batches. DescribeScalableTargets takes a list of resource ids, so the
// targets of services reconciled at about the same time (a resync reconciles every service) share
// calls: 50 per call, which is also the most one page returns, so a batch is one request.
import { paginateDescribeScalableTargets, type ApplicationAutoScalingClient, type ScalableTarget } from '@aws-sdk/client-application-auto-scaling';
import DataLoader from 'dataloader';
import type { RegionAdapter } from '../../aws/adapter.js';
import { DESIRED_COUNT_DIMENSION, ECS_NAMESPACE } from './naming.js';

const DESCRIBE_SCALABLE_TARGETS_BATCH = 50;

export class ScalableTargetObserver {
  private readonly loader: DataLoader<string, ScalableTarget | undefined>;

  constructor(
    private readonly aas: ApplicationAutoScalingClient,
    options: { windowMs?: number } = {},
  ) {
    this.loader = new DataLoader((ids) => this.describeBatch(ids), {
      maxBatchSize: DESCRIBE_SCALABLE_TARGETS_BATCH,
      batchScheduleFn: (run) => setTimeout(run, options.windowMs ?? 5),
      // Only batching: every reconcile must see the target as it is now.
      cache: false,
    });
  }

  /** The service's scalable target, or undefined when none is registered. */
  describe(resourceId: string): Promise<ScalableTarget | undefined> {
    return this.loader.load(resourceId);
  }

  private async describeBatch(ids: readonly string[]): Promise<Array<ScalableTarget | undefined>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, ScalableTarget>();
    const pages = paginateDescribeScalableTargets(
      { client: this.aas },
      { ServiceNamespace: ECS_NAMESPACE, ScalableDimension: DESIRED_COUNT_DIMENSION, ResourceIds: unique },
    );
    for await (const page of pages) {
      for (const t of page.ScalableTargets ?? []) if (t.ResourceId) found.set(t.ResourceId, t);
    }
    return ids.map((id) => found.get(id));
  }
}

// One observer per region adapter, so that every reconcile in a region joins the same batches.
const observers = new WeakMap<RegionAdapter, ScalableTargetObserver>();

export function scalableTargetsOf(region: RegionAdapter): ScalableTargetObserver {
  let observer = observers.get(region);
  if (!observer) observers.set(region, (observer = new ScalableTargetObserver(region.clients.autoscaling)));
  return observer;
}
