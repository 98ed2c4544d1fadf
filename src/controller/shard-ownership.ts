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

/**
 * The shard a namespace is pinned to (e.g. by the account mapping it belongs to), taken mod the
 * shard count, or undefined for the hash.
 */
export type PinnedShard = (namespace: string) => number | undefined;

/** A controller's side of shard changes. */
export interface ShardListener {
  /** The shard became this replica's: queue its keys. */
  gained(shard: number): void;
  /** Resolves once no reconcile of the shard's keys runs any more (none starts after the call). */
  drained(shard: number): Promise<void>;
  /** These namespaces' keys may be reconciled again after a move between shards: queue those held here. */
  settled(namespaces: ReadonlySet<string>): void;
}

export class ShardOwnership {
  private readonly held = new Map<number, AbortController>();
  private readonly listeners: ShardListener[] = [];
  /** The shard each namespace was last found in, to notice a pin that moved it. */
  private readonly lastShard = new Map<string, number>();
  /** Namespaces that moved between shards, with when their keys may start again. */
  private readonly settling = new Map<string, number>();

  /**
   * `holdsUntil` says until when (epoch ms) this replica may act for a held shard: the renew
   * deadline of its Lease, from the last renewal sent (ShardElector.heldUntil).
   */
  constructor(
    readonly shards: number,
    private readonly pinned: PinnedShard = () => undefined,
    private readonly holdsUntil?: (shard: number) => number,
  ) {
    if (!(Number.isInteger(shards) && shards >= 1)) throw new Error(`shards must be a whole number of at least 1 (got ${shards})`);
  }

  /** The pinned shard (mod the shard count) when there is a valid pin, else the namespace's hash. */
  shardOf(namespace: string): number {
    const pin = this.pinned(namespace);
    const shard = pin !== undefined && Number.isInteger(pin) && pin >= 0 ? pin % this.shards : shardOfNamespace(namespace, this.shards);
    this.lastShard.set(namespace, shard);
    return shard;
  }

  shardOfKey(key: ObjectKey): number {
    return this.shardOf(parseObjectKey(key).namespace ?? '');
  }

  owns(key: ObjectKey): boolean {
    const namespace = parseObjectKey(key).namespace ?? '';
    const until = this.settling.get(namespace);
    if (until !== undefined && Date.now() < until) return false;
    return this.held.has(this.shardOf(namespace));
  }

  /**
   * Told when the pins of these namespaces (or of any) may have changed (the account mapping did). One that
   * moved to another shard is reconciled by no replica for `quietMs` (the lease duration): the old
   * shard's replica stops taking its keys at once, and may still be finishing one, or may see the
   * change a moment later than this replica through its own watch. Then the holder of its new
   * shard queues its keys.
   */
  moved(namespaces: readonly string[] | 'all', quietMs: number): void {
    const moved = new Set<string>();
    for (const ns of namespaces === 'all' ? [...this.lastShard.keys()] : namespaces) {
      const before = this.lastShard.get(ns);
      if (before !== undefined && before !== this.shardOf(ns)) moved.add(ns);
    }
    if (moved.size === 0) return;
    const until = Date.now() + quietMs;
    for (const ns of moved) this.settling.set(ns, until);
    const timer = setTimeout(() => {
      for (const ns of moved) if (this.settling.get(ns) === until) this.settling.delete(ns);
      for (const l of this.listeners) l.settled(moved);
    }, quietMs);
    timer.unref?.();
  }

  /** Aborted when the shard is lost, or when its hand-back outlasts its grace. */
  signal(shard: number): AbortSignal | undefined {
    return this.held.get(shard)?.signal;
  }

  /** Until when a reconcile of the shard may act, asked at each request (see work-context.ts). */
  actsUntil(shard: number): (() => number) | undefined {
    const holdsUntil = this.holdsUntil;
    return holdsUntil && (() => holdsUntil(shard));
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
