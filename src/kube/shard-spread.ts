// The spread decision of sharded replicas, pure: given who holds which shard Lease and which
// replicas are alive, which shards this replica should take and which it should hand back.
// Every replica computes it on its own from the same Leases; no replica decides for another.

export interface ShardView {
  /** How many shards there are (shard Leases 0..shards-1). */
  shards: number;
  /** This replica's identity. */
  self: string;
  /** Identities of the live replicas (this one counts whether or not its membership shows yet). */
  members: readonly string[];
  /**
   * Per shard, who holds its Lease: an identity, or undefined when the Lease is free, expired or
   * missing (anyone may take it). This replica's own shards carry `self`.
   */
  holders: readonly (string | undefined)[];
}

export interface ShardMoves {
  /** How many shards this replica aims for. */
  target: number;
  /** Free shards to try to take, in order of preference. */
  acquire: number[];
  /** Shards to hand back (after stopping their reconciles). */
  release: number[];
}

/**
 * Each live replica's share: members sorted by identity, the first `shards mod members` get one
 * more than the rest, so the shares add up to exactly `shards` (2 replicas, 4 shards: 2 and 2;
 * 3 replicas: 2, 1 and 1) and every replica agrees on who gets the extra ones.
 */
export function shareOf(shards: number, members: readonly string[], self: string): number {
  const sorted = [...new Set([...members, self])].sort();
  const rank = sorted.indexOf(self);
  return Math.floor(shards / sorted.length) + (rank < shards % sorted.length ? 1 : 0);
}

export function planShardMoves(view: ShardView): ShardMoves {
  const { shards, self, holders } = view;
  const target = shareOf(shards, view.members, self);
  const held = holders.flatMap((h, shard) => (h === self ? [shard] : []));
  if (held.length > target) {
    // Hand back the highest-numbered ones: the low ones stay put, which keeps moves few.
    return { target, acquire: [], release: held.slice(target) };
  }
  const free = holders.flatMap((h, shard) => (h === undefined ? [shard] : []));
  // Start looking at a point that depends on this replica's rank, so replicas joining together
  // do not all race for shard 0 (a lost race only costs a retry period, but costs it each time).
  const members = [...new Set([...view.members, self])].sort();
  const start = Math.floor((members.indexOf(self) * shards) / members.length);
  const preferred = free.sort((a, b) => ((a - start + shards) % shards) - ((b - start + shards) % shards));
  return { target, acquire: preferred.slice(0, target - held.length), release: [] };
}
