// Which keys this replica may reconcile when the work is sharded: an object belongs to the shard
// of its namespace, and a replica reconciles only the shards whose Lease it holds (the
// ShardElector in src/kube decides that; this module only keeps the answer and tells the
// controllers). Gaining a shard queues its keys at once; handing one back stops taking its keys
// and waits for its running reconciles; losing one aborts them.
import { parseObjectKey, type ObjectKey } from '../kube/object-key.js';

/**
 * The shard of a namespace: FNV-1a (32-bit) of its name's UTF-8 bytes, mod the shard count.
 * Stable across processes, versions and platforms (no seed, no runtime hash), cheap, and it
 * spreads short similar names (team-a, team-b) well; a namespace never changes shard while the
 * shard count stays the same.
 */
export function shardOfNamespace(namespace: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(namespace)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** A namespace pinned to a shard (e.g. by the account mapping it belongs to), or undefined. */
export type PinnedShard = (namespace: string) => number | undefined;

/** A controller's side of shard changes. */
export interface ShardListener {
  /** The shard became this replica's: queue its keys. */
  gained(shard: number): void;
  /** Resolves once no reconcile of the shard's keys runs any more (none starts after the call). */
  drained(shard: number): Promise<void>;
}

export class ShardOwnership {
  private readonly held = new Map<number, AbortController>();
  private readonly listeners: ShardListener[] = [];

  constructor(
    readonly shards: number,
    private readonly pinned: PinnedShard = () => undefined,
  ) {
    if (!(Number.isInteger(shards) && shards >= 1)) throw new Error(`shards must be a whole number of at least 1 (got ${shards})`);
  }

  /** The pinned shard when there is a valid one, else the namespace's hash. */
  shardOf(namespace: string): number {
    const pin = this.pinned(namespace);
    return pin !== undefined && Number.isInteger(pin) && pin >= 0 && pin < this.shards ? pin : shardOfNamespace(namespace, this.shards);
  }

  shardOfKey(key: ObjectKey): number {
    return this.shardOf(parseObjectKey(key).namespace ?? '');
  }

  owns(key: ObjectKey): boolean {
    return this.held.has(this.shardOfKey(key));
  }

  /** Aborted when the shard is lost, or when its hand-back outlasts its grace. */
  signal(shard: number): AbortSignal | undefined {
    return this.held.get(shard)?.signal;
  }

  heldShards(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  subscribe(listener: ShardListener): void {
    this.listeners.push(listener);
  }

  gain(shard: number): void {
    if (this.held.has(shard)) return;
    this.held.set(shard, new AbortController());
    for (const l of this.listeners) l.gained(shard);
  }

  /**
   * Hands a shard back: from this call on no reconcile of it starts; resolves once the running
   * ones have finished, aborting them when they take longer than `graceMs`.
   */
  async release(shard: number, graceMs: number): Promise<void> {
    const stop = this.held.get(shard);
    if (!stop) return;
    this.held.delete(shard);
    const drained = Promise.all(this.listeners.map((l) => l.drained(shard)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    stop.abort(new Error(`shard ${shard} handed back`));
    await drained;
  }

  /** Lost (not renewed in time): another replica may soon take it, so running reconciles stop now. */
  lose(shard: number): void {
    const stop = this.held.get(shard);
    if (!stop) return;
    this.held.delete(shard);
    stop.abort(new Error(`shard ${shard} lost`));
  }
}
