// Sharded replicas on coordination.k8s.io/v1 Leases: one Lease per shard (`<name>-shard-<i>`)
// that one replica at a time holds, and one membership Lease per live replica
// (`<name>-member-<k>`, k < shards) from which every replica counts how many are alive.
//
// Why this design:
//   - Argo CD shards its application controller by replica number (a StatefulSet ordinal, or a
//     heartbeat ConfigMap for its dynamic distribution that every replica rewrites). A fixed
//     ordinal needs a StatefulSet and a restart to rescale; one shared heartbeat object makes
//     every replica write the same object. Here each shard is instead a Lease with client-go's
//     leader-election semantics (src/kube/leader-election.ts), so "who may reconcile shard i" is
//     exactly "who leads Lease i", with the same proofs: conditional writes (one winner), expiry
//     judged on the taker's own clock from when it last saw the Lease change (no clock-skew
//     trust), and a holder that gives a shard up once it could not renew for renewDeadline,
//     strictly before anyone else may take it (renewDeadline < leaseDuration).
//   - The replicas alive are counted from membership Leases, one per replica, renewed like any
//     Lease; an expired one is simply not counted (nothing deletes it). Membership Leases are
//     slots 0..shards-1 that a replica takes when free or expired and keeps, so their number is
//     bounded however often pods are replaced, and their names (hence RBAC's resourceNames) are
//     known in advance. A replica beyond `shards` would hold nothing anyway: it waits for a slot
//     as a warm standby.
//   - Each replica aims for its share (see shard-spread.ts), hands back surplus shards only after
//     their reconciles have stopped, and takes free or expired ones. No coordinator of our own.
//   - A namespace's shard depends on the shard count, so replicas that disagree on it must never
//     work side by side: each membership Lease says its replica's count (an annotation), and a
//     replica takes no more shards while a live member counts differently, or while the
//     single-leader Lease (`<name>`, --shards 1) has a live holder. A rollout that changes the
//     count therefore hands over from the old replicas to the new ones (which start with none),
//     never overlapping. (From sharded back to --shards 1 the leader elector does not look at
//     shard Leases: stop the sharded replicas first, see the README.)
//
// A key is never reconciled by two replicas at once:
//   - release: the shard's keys stop being taken and its running reconciles finish (the Lease
//     is still renewed meanwhile) before the Lease is freed; only then can another replica take it;
//   - crash: nothing runs any more; the others wait out the lease duration;
//   - partition (renewals fail): a renew deadline timer, armed from the moment the last successful
//     renewal was *sent* (so a slow answer cannot stretch it), declares the shard lost at
//     renewDeadline; its keys stop being taken and running reconciles are aborted. Others take it
//     no earlier than leaseDuration after that renewal's write, which came after it was sent.
import type { V1Lease } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import type { Logger } from '../observability/logger.js';
import { setShardHeld } from '../observability/metrics.js';
import { describeKubeError, isConflict } from './errors.js';
import { KubeLeaseClient, leasePath, type LeaderElectionOptions, type LeaseClient } from './leader-election.js';
import { planShardMoves } from './shard-spread.js';

export interface ShardLeaseClient extends LeaseClient {
  /** Every Lease in the namespace (one call a round reads all shards and members). */
  list(namespace: string): Promise<V1Lease[]>;
}

export class KubeShardLeaseClient extends KubeLeaseClient implements ShardLeaseClient {
  constructor(
    kc: KubeConfig,
    private readonly listTimeoutMs: number,
  ) {
    super(kc, listTimeoutMs);
  }

  async list(namespace: string): Promise<V1Lease[]> {
    const list = await this.rest.request<{ items?: V1Lease[] }>({ method: 'GET', path: leasePath(namespace), timeoutMs: this.listTimeoutMs });
    return list.items ?? [];
  }
}

export interface ShardElectionOptions extends LeaderElectionOptions {
  shards: number;
}

/** What the elector tells its user (the Manager), shard by shard. */
export interface ShardHooks {
  /** The shard is this replica's now: start reconciling its keys. */
  acquired(shard: number): void;
  /** Stop taking the shard's keys and resolve once none of its reconciles runs; the Lease is freed after. */
  releasing(shard: number): Promise<void>;
  /** Renewal failed for renewDeadline (or the Lease was taken): abort the shard's reconciles now. */
  lost(shard: number, reason: string): void;
}

export const shardLeaseName = (name: string, shard: number): string => `${name}-shard-${shard}`;
/** On a membership Lease: the shard count its replica runs with. */
export const SHARD_COUNT_ANNOTATION = 'ecs.operator.dev/shards';
export const memberLeaseName = (name: string, slot: number): string => `${name}-member-${slot}`;

interface HeldShard {
  lease: V1Lease;
  deadline: ReturnType<typeof setTimeout>;
  /** Reconciles are being drained for a hand-back; the Lease is still renewed meanwhile. */
  releasing: boolean;
  /** Drained: free the Lease at the next round. */
  drained: boolean;
  /** The renew deadline: the last renewal's send time plus renewDeadline (epoch ms). */
  until: number;
}

const micro = (ms: number): V1MicroTime => new V1MicroTime(ms);

export class ShardElector {
  private readonly held = new Map<number, HeldShard>();
  /** Per Lease name: the holder|renewTime record last seen, and when (on this replica's clock). */
  private readonly observed = new Map<string, { record: string; at: number }>();
  private memberSlot: { slot: number; lease: V1Lease } | undefined;
  /** Why no shard is taken now (replicas with another shard count run), for logging once. */
  private waitingFor: string | undefined;
  private hooks: ShardHooks | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly log: Logger;
  private readonly leaseSeconds: number;

  constructor(
    private readonly client: ShardLeaseClient,
    private readonly opts: ShardElectionOptions,
    log: Logger,
  ) {
    if (!(opts.renewDeadlineMs < opts.leaseDurationMs)) throw new Error('renewDeadline must be shorter than leaseDuration');
    if (!(opts.retryPeriodMs < opts.renewDeadlineMs)) throw new Error('retryPeriod must be shorter than renewDeadline');
    if (!(Number.isInteger(opts.shards) && opts.shards >= 1)) throw new Error(`shards must be a whole number of at least 1 (got ${opts.shards})`);
    this.log = log.child({ leases: `${opts.namespace}/${opts.name}-shard-*`, identity: opts.identity });
    this.leaseSeconds = Math.ceil(opts.leaseDurationMs / 1000);
    for (let s = 0; s < opts.shards; s++) setShardHeld(s, false);
  }

  get shards(): number {
    return this.opts.shards;
  }

  /** The shards this replica holds (including any it is handing back), ascending. */
  heldShards(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /**
   * Until when (epoch ms) this replica may act for the shard: the renew deadline of its Lease, 0
   * when not held. Read at each request by the shard's reconciles, so that a deadline timer that a
   * busy event loop fires late never lets a request out after it.
   */
  heldUntil(shard: number): number {
    return this.held.get(shard)?.until ?? 0;
  }

  /** Joins: takes a membership slot, then shards, until stop(). */
  start(hooks: ShardHooks): void {
    if (this.loop) return;
    this.hooks = hooks;
    this.log.info({ shards: this.opts.shards }, 'joining the shard spread');
    this.loop = this.run();
  }

  /**
   * Stops the rounds and frees every held shard and the membership slot, so the others take over
   * at once. The caller must have stopped the reconciles first.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    for (const [shard, h] of [...this.held]) {
      this.forget(shard);
      await this.free(shardLeaseName(this.opts.name, shard), h.lease);
      this.log.info({ shard }, 'released shard at shutdown');
    }
    if (this.memberSlot) await this.free(memberLeaseName(this.opts.name, this.memberSlot.slot), this.memberSlot.lease);
    this.memberSlot = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Rounds start every retryPeriod, however long the last one took (a slow apiserver must not
      // also space the renewals out).
      const next = Date.now() + this.opts.retryPeriodMs;
      try {
        await this.round();
      } catch (err) {
        this.log.warn({ err: describeKubeError(err) }, 'shard round failed; trying again');
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, next - Date.now()));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  /**
   * One round: renew what is held (all at once, from the copies last written: one request each,
   * no read first), then read every Lease, keep membership, and take or hand back shards.
   */
  private async round(): Promise<void> {
    const { namespace, name, identity, shards } = this.opts;
    const renewing = [...this.held].filter(([, h]) => !h.drained);
    const renewed = await Promise.all(renewing.map(([shard, h]) => this.renewShard(shard, h.lease)));
    const renewedNow = new Set(renewing.filter((_, i) => renewed[i]).map(([shard]) => shard));

    const leases = new Map((await this.client.list(namespace)).map((l) => [l.metadata?.name ?? '', l]));
    const now = Date.now();
    for (const [leaseName, lease] of leases) this.observe(leaseName, lease, now);

    for (const [shard, h] of [...this.held]) {
      const lease = leases.get(shardLeaseName(name, shard));
      if (lease?.spec?.holderIdentity !== identity) {
        this.lose(shard, lease?.spec?.holderIdentity ? `taken by ${lease.spec.holderIdentity}` : 'the Lease was freed or deleted');
        continue;
      }
      if (h.drained) {
        this.forget(shard);
        await this.free(shardLeaseName(name, shard), lease);
        this.log.info({ shard }, 'released shard');
        continue;
      }
      // Our copy was stale (a write whose answer was lost, say): renew from the one just read.
      if (!renewedNow.has(shard)) await this.renewShard(shard, lease);
    }
    await this.keepMembership(leases);
    if (this.stopped) return;

    const members = new Set([identity]);
    const otherCounts = new Set<string>();
    const memberName = new RegExp(`^${name.replace(/[.]/g, '\\.')}-member-\\d+$`);
    for (const [leaseName, lease] of leases) {
      if (!memberName.test(leaseName)) continue;
      const holder = this.liveHolder(leaseName, leases);
      if (!holder) continue;
      members.add(holder);
      const count = lease.metadata?.annotations?.[SHARD_COUNT_ANNOTATION];
      if (count !== String(shards)) otherCounts.add(`${holder} (${count ?? 'unknown'})`);
    }
    const leader = this.liveHolder(name, leases);
    if (otherCounts.size > 0 || leader !== undefined) {
      // Another shard count (or a single leader) maps namespaces differently: take nothing more
      // until those replicas are gone. Shards already held are kept (and renewed above): the
      // replicas of the other count wait the same way, and a rollout's new replicas start with none.
      const waitingFor = leader !== undefined ? `the leader ${leader} (--shards 1)` : `members with another shard count: ${[...otherCounts].join(', ')}`;
      if (this.waitingFor !== waitingFor) this.log.warn({ waitingFor, held: this.heldShards() }, 'taking no shards while replicas with another shard count run');
      this.waitingFor = waitingFor;
      return;
    }
    this.waitingFor = undefined;
    const holders = Array.from({ length: shards }, (_, shard) => {
      const h = this.held.get(shard);
      if (h) return h.releasing ? `${identity} (releasing)` : identity;
      const holder = this.liveHolder(shardLeaseName(name, shard), leases);
      // Our own name on a Lease we do not hold: lost here by the deadline timer, then renewed by a
      // round already in flight. Nobody else can be reconciling it, so it is free for us to take.
      return holder === identity ? undefined : holder;
    });
    const moves = planShardMoves({ shards, self: identity, members: [...members], holders });
    for (const shard of moves.release) this.release(shard);
    for (const shard of moves.acquire) {
      if (this.stopped) return;
      await this.acquire(shard, leases.get(shardLeaseName(name, shard)));
    }
  }

  /** The holder of a Lease that has one and has not expired (as this replica judges it). */
  private liveHolder(leaseName: string, leases: Map<string, V1Lease>): string | undefined {
    const spec = leases.get(leaseName)?.spec;
    if (!spec?.holderIdentity) return undefined;
    const seen = this.observed.get(leaseName);
    const durationMs = (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
    return seen && seen.at + durationMs > Date.now() ? spec.holderIdentity : undefined;
  }

  private observe(leaseName: string, lease: V1Lease, now: number): void {
    const renew = lease.spec?.renewTime === undefined ? '' : new Date(lease.spec.renewTime).toISOString();
    const record = `${lease.spec?.holderIdentity ?? ''}|${renew}`;
    if (this.observed.get(leaseName)?.record !== record) this.observed.set(leaseName, { record, at: now });
  }

  /** Renews a held shard's Lease from `lease` (conditional on its resourceVersion); true when it did. */
  private async renewShard(shard: number, lease: V1Lease): Promise<boolean> {
    const sent = Date.now();
    try {
      const renewed = await this.client.replace(this.opts.namespace, shardLeaseName(this.opts.name, shard), this.renewed(lease, sent));
      const h = this.held.get(shard);
      // Lost to the deadline timer while the request was out: stays lost (see round()).
      if (!h) return true;
      h.lease = renewed;
      this.armDeadline(shard, h, sent);
      return true;
    } catch (err) {
      if (!isConflict(err)) this.log.warn({ shard, err: describeKubeError(err) }, 'renewing a shard lease failed');
      return false;
    }
  }

  private async acquire(shard: number, lease: V1Lease | undefined): Promise<void> {
    const { namespace, name, identity } = this.opts;
    const leaseName = shardLeaseName(name, shard);
    const sent = Date.now();
    try {
      const taken = lease
        ? await this.client.replace(namespace, leaseName, this.taken(lease, sent))
        : await this.client.create(namespace, this.fresh(leaseName, sent));
      const h: HeldShard = { lease: taken, deadline: setTimeout(() => undefined, 0), releasing: false, drained: false, until: 0 };
      this.held.set(shard, h);
      this.armDeadline(shard, h, sent);
      this.observe(leaseName, taken, Date.now());
      setShardHeld(shard, true);
      this.log.info({ shard, previousHolder: lease?.spec?.holderIdentity || undefined, held: this.heldShards() }, 'acquired shard');
      this.hooks?.acquired(shard);
    } catch (err) {
      // A conflict means another replica took it first.
      if (!isConflict(err)) this.log.warn({ shard, identity, err: describeKubeError(err) }, 'taking a shard lease failed');
    }
  }

  /** Starts a hand-back: reconciles drain while rounds keep renewing; the next round frees it. */
  private release(shard: number): void {
    const h = this.held.get(shard);
    if (!h || h.releasing) return;
    h.releasing = true;
    this.log.info({ shard }, 'handing shard back to spread the shards evenly; stopping its reconciles');
    void (this.hooks?.releasing(shard) ?? Promise.resolve()).then(() => {
      if (this.held.get(shard) !== h) return;
      h.drained = true;
      this.wake?.();
    });
  }

  private lose(shard: number, reason: string): void {
    if (!this.held.has(shard)) return;
    this.forget(shard);
    this.log.error({ shard, reason, renewDeadlineMs: this.opts.renewDeadlineMs }, 'shard lost; aborting its reconciles');
    this.hooks?.lost(shard, reason);
  }

  private forget(shard: number): void {
    const h = this.held.get(shard);
    if (h) clearTimeout(h.deadline);
    this.held.delete(shard);
    setShardHeld(shard, false);
  }

  private armDeadline(shard: number, h: HeldShard, renewSentAt: number): void {
    clearTimeout(h.deadline);
    h.until = renewSentAt + this.opts.renewDeadlineMs;
    h.deadline = setTimeout(() => this.lose(shard, `not renewed for ${this.opts.renewDeadlineMs}ms`), h.until - Date.now());
    h.deadline.unref?.();
  }

  /** Renews this replica's membership slot, or takes the first free or expired one. */
  private async keepMembership(leases: Map<string, V1Lease>): Promise<void> {
    const { namespace, name, identity, shards } = this.opts;
    if (this.memberSlot) {
      const leaseName = memberLeaseName(name, this.memberSlot.slot);
      const lease = leases.get(leaseName);
      if (lease?.spec?.holderIdentity === identity) {
        try {
          this.memberSlot.lease = await this.client.replace(namespace, leaseName, this.counted(this.renewed(lease, Date.now())));
          // What this replica wrote is what the others will see: no need to wait for it to expire.
          this.observe(leaseName, this.memberSlot.lease, Date.now());
        } catch (err) {
          if (!isConflict(err)) this.log.warn({ err: describeKubeError(err) }, 'renewing the membership lease failed');
        }
        return;
      }
      this.log.warn({ slot: this.memberSlot.slot }, 'membership slot lost; taking another');
      this.memberSlot = undefined;
    }
    for (let slot = 0; slot < shards; slot++) {
      const leaseName = memberLeaseName(name, slot);
      const lease = leases.get(leaseName);
      if (lease && this.liveHolder(leaseName, leases) !== undefined) continue;
      try {
        const now = Date.now();
        const taken = lease ? await this.client.replace(namespace, leaseName, this.counted(this.taken(lease, now))) : await this.client.create(namespace, this.counted(this.fresh(leaseName, now)));
        this.memberSlot = { slot, lease: taken };
        this.log.info({ slot }, 'joined as a member of the shard spread');
        return;
      } catch (err) {
        if (!isConflict(err)) this.log.warn({ err: describeKubeError(err) }, 'taking a membership lease failed');
      }
    }
  }

  /** A membership Lease that says this replica's shard count. */
  private counted(lease: V1Lease): V1Lease {
    return { ...lease, metadata: { ...lease.metadata, annotations: { ...lease.metadata?.annotations, [SHARD_COUNT_ANNOTATION]: String(this.opts.shards) } } };
  }

  private fresh(leaseName: string, at: number): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: leaseName, namespace: this.opts.namespace },
      spec: { holderIdentity: this.opts.identity, leaseDurationSeconds: this.leaseSeconds, acquireTime: micro(at), renewTime: micro(at), leaseTransitions: 0 },
    };
  }

  private taken(lease: V1Lease, at: number): V1Lease {
    return {
      ...lease,
      spec: {
        holderIdentity: this.opts.identity,
        leaseDurationSeconds: this.leaseSeconds,
        acquireTime: micro(at),
        renewTime: micro(at),
        leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1,
      },
    };
  }

  private renewed(lease: V1Lease, at: number): V1Lease {
    const acquired = lease.spec?.acquireTime === undefined ? at : new Date(lease.spec.acquireTime).getTime();
    return { ...lease, spec: { ...lease.spec, holderIdentity: this.opts.identity, leaseDurationSeconds: this.leaseSeconds, acquireTime: micro(acquired), renewTime: micro(at) } };
  }

  /** Hands a Lease back, as client-go's release does: no holder, and a duration of 1 s for old readers. */
  private async free(leaseName: string, lease: V1Lease): Promise<void> {
    try {
      const acquired = lease.spec?.acquireTime === undefined ? Date.now() : new Date(lease.spec.acquireTime).getTime();
      await this.client.replace(this.opts.namespace, leaseName, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, acquireTime: micro(acquired), renewTime: micro(Date.now()) },
      });
    } catch (err) {
      this.log.warn({ lease: leaseName, err: describeKubeError(err) }, 'freeing a lease failed; it will expire instead');
    }
  }
}
