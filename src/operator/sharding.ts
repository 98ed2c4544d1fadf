// Sharded replicas (--shards over 1): the shard each namespace belongs to and the Leases that
// share the shards among replicas. With one shard there is nothing to build: the leader-election
// Lease decides, as it always did.
import type { KubeConfig } from '@kubernetes/client-node';
import type { OperatorConfig } from '../config/operator-config.js';
import { ShardOwnership, type PinnedShard } from '../controller/shard-ownership.js';
import { KubeShardLeaseClient, ShardElector } from '../kube/shard-leases.js';
import type { Logger } from '../observability/logger.js';

export interface Sharding {
  ownership: ShardOwnership;
  elector: ShardElector;
}

/**
 * `pinnedShard` names the shard a namespace is pinned to (an account mapping's spec.shard), so
 * that one account's namespaces share one replica's request budget; others go by hash.
 */
export function buildSharding(config: OperatorConfig, kc: KubeConfig, log: Logger, pinnedShard?: PinnedShard): Sharding | undefined {
  if (config.shards <= 1) return undefined;
  const le = config.leaderElection;
  const elector = new ShardElector(new KubeShardLeaseClient(kc, le.renewDeadlineMs), { ...le, shards: config.shards }, log);
  return { ownership: new ShardOwnership(config.shards, pinnedShard, (shard) => elector.heldUntil(shard)), elector };
}
