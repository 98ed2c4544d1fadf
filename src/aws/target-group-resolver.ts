// Resolves load balancer bindings given by target group name (or ARN) to the target group, with
// the load balancers it is attached to. Lookups made together share DescribeTargetGroups calls
// (up to 20 names or ARNs each), and answers are kept for a while: a target group's ARN only
// changes if it is deleted and recreated, which `invalidate` (or the TTL) covers.
import type { ElasticLoadBalancingV2Client, TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LazyClient } from './clients.js';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { AwsError, isAwsError } from './errors.js';

export const DESCRIBE_TARGET_GROUPS_MAX = 20;

export type TargetGroupRef = { name: string } | { arn: string };

export interface TargetGroupResolverOptions {
  /** How long a resolved target group is trusted. Default 60 s. */
  ttlMs?: number;
  /** How long the first lookup of a batch waits for others to join it. Default 5 ms. */
  windowMs?: number;
}

type Field = 'Names' | 'TargetGroupArns';

export class TargetGroupResolver {
  private readonly cache: LRUCache<string, TargetGroup>;
  private readonly byName: DataLoader<string, TargetGroup>;
  private readonly byArn: DataLoader<string, TargetGroup>;

  constructor(
    private readonly elbv2: LazyClient<ElasticLoadBalancingV2Client>,
    options: TargetGroupResolverOptions = {},
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: options.ttlMs ?? 60_000 });
    const loaderOptions = {
      maxBatchSize: DESCRIBE_TARGET_GROUPS_MAX,
      batchScheduleFn: (run: () => void) => setTimeout(run, options.windowMs ?? 5),
      // Answers are kept in `cache` (with a TTL), not in DataLoader's own cache (without one).
      cache: false,
    };
    this.byName = new DataLoader<string, TargetGroup>((names) => this.describeBatch('Names', names), loaderOptions);
    this.byArn = new DataLoader<string, TargetGroup>((arns) => this.describeBatch('TargetGroupArns', arns), loaderOptions);
  }

  /** The target group, or an AwsError of kind `notFound` when it does not exist. */
  async resolve(ref: TargetGroupRef): Promise<TargetGroup> {
    const cached = this.cache.get(keyOf(ref));
    if (cached) return cached;
    const group = await ('name' in ref ? this.byName.load(ref.name) : this.byArn.load(ref.arn));
    if (group.TargetGroupName) this.cache.set(keyOf({ name: group.TargetGroupName }), group);
    if (group.TargetGroupArn) this.cache.set(keyOf({ arn: group.TargetGroupArn }), group);
    return group;
  }

  /** Forgets a target group, e.g. after ECS reported it gone, so the next resolve asks again. */
  invalidate(ref: TargetGroupRef): void {
    const group = this.cache.get(keyOf(ref));
    this.cache.delete(keyOf(ref));
    if (group?.TargetGroupName) this.cache.delete(keyOf({ name: group.TargetGroupName }));
    if (group?.TargetGroupArn) this.cache.delete(keyOf({ arn: group.TargetGroupArn }));
  }

  private async describeBatch(field: Field, ids: readonly string[]): Promise<Array<TargetGroup | AwsError>> {
    const unique = [...new Set(ids)];
    const results = new Map<string, TargetGroup | AwsError>();
    try {
      const groups = await this.describe(field, unique);
      for (const id of unique) results.set(id, matchOf(field, id, groups) ?? notFound(id));
    } catch (err) {
      // DescribeTargetGroups fails as a whole when any one name or ARN is unknown; asking for each
      // alone tells which callers the failure belongs to.
      if (unique.length === 1 || !isAwsError(err, 'notFound')) throw err;
      await Promise.all(unique.map(async (id) => results.set(id, await this.describeOne(field, id))));
    }
    return ids.map((id) => results.get(id) ?? notFound(id));
  }

  private async describeOne(field: Field, id: string): Promise<TargetGroup | AwsError> {
    try {
      return matchOf(field, id, await this.describe(field, [id])) ?? notFound(id);
    } catch (err) {
      if (isAwsError(err, 'notFound')) return err;
      throw err;
    }
  }

  private async describe(field: Field, ids: string[]): Promise<TargetGroup[]> {
    const { DescribeTargetGroupsCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const out = await (await this.elbv2()).send(new DescribeTargetGroupsCommand({ [field]: ids }));
    return out.TargetGroups ?? [];
  }
}

function keyOf(ref: TargetGroupRef): string {
  return 'name' in ref ? `name:${ref.name}` : `arn:${ref.arn}`;
}

function matchOf(field: Field, id: string, groups: TargetGroup[]): TargetGroup | undefined {
  return groups.find((g) => (field === 'Names' ? g.TargetGroupName === id : g.TargetGroupArn === id));
}

function notFound(id: string): AwsError {
  return new AwsError(
    { kind: 'notFound', retryable: false, code: 'TargetGroupNotFound', message: `target group ${id} not found` },
    'elasticloadbalancing',
    'DescribeTargetGroups',
  );
}
