import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShardElector, type ShardHooks } from '../../../src/kube/shard-leases.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeLeases, FakeShardLeaseClient } from './fake-lease.js';

const TIMINGS = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };

/** Who reconciles which shard, by the hooks; fails on the spot if two replicas ever do at once. */
class Ledger {
  readonly working = new Map<number, string>();
  readonly journal: string[] = [];
  hooks(identity: string, opts: { drainMs?: number } = {}): ShardHooks {
    return {
      acquired: (s) => {
        const other = this.working.get(s);
        if (other !== undefined) throw new Error(`shard ${s} acquired by ${identity} while ${other} still works on it`);
        this.working.set(s, identity);
        this.journal.push(`${Date.now()} ${identity} acquired ${s}`);
      },
      releasing: async (s) => {
        this.journal.push(`${Date.now()} ${identity} releasing ${s}`);
        await new Promise((r) => setTimeout(r, opts.drainMs ?? 0));
        this.working.delete(s);
        this.journal.push(`${Date.now()} ${identity} drained ${s}`);
      },
      lost: (s) => {
        this.working.delete(s);
        this.journal.push(`${Date.now()} ${identity} lost ${s}`);
      },
    };
  }
}

describe('ShardElector', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  const electors: ShardElector[] = [];
  function start(store: FakeLeases, identity: string, hooks: ShardHooks) {
    const client = new FakeShardLeaseClient(store);
    const elector = new ShardElector(client, { namespace: 'ops', name: 'op', identity, shards: 4, ...TIMINGS }, silentLogger());
    elector.start(hooks);
    electors.push(elector);
    return { client, elector };
  }

  afterEach(async () => {
    for (const e of electors.splice(0)) {
      const stopping = e.stop();
      await vi.advanceTimersByTimeAsync(1_000);
      await stopping;
    }
  });

  it('hands shards over to a joining replica only after their reconciles have drained', async () => {
    const store = new FakeLeases();
    const ledger = new Ledger();
    const a = start(store, 'a', ledger.hooks('a', { drainMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.elector.heldShards()).toEqual([0, 1, 2, 3]);
    const b = start(store, 'b', ledger.hooks('b'));
    await vi.advanceTimersByTimeAsync(4_000);
    // a is still draining (5 s): b has taken nothing yet, and a still renews all four.
    expect(b.elector.heldShards()).toEqual([]);
    expect(ledger.journal.filter((e) => e.includes('releasing'))).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(a.elector.heldShards()).toEqual([0, 1]);
    expect(b.elector.heldShards()).toEqual([2, 3]);
    expect(store.leases.get('op-shard-2')?.spec?.holderIdentity).toBe('b');
  });

  it('a partitioned replica gives its shards up at the renew deadline, before the other may take them', async () => {
    const store = new FakeLeases();
    const ledger = new Ledger();
    const a = start(store, 'a', ledger.hooks('a'));
    await vi.advanceTimersByTimeAsync(1_000);
    const b = start(store, 'b', ledger.hooks('b'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.elector.heldShards()).toEqual([0, 1]);
    expect(b.elector.heldShards()).toEqual([2, 3]);
    const cut = Date.now();
    // Until when a's reconciles of each shard may send requests: its last renewal plus the renew deadline.
    const actsUntil = [0, 1].map((s) => a.elector.heldUntil(s));
    a.client.down = true;
    await vi.advanceTimersByTimeAsync(12_000);
    expect(a.elector.heldShards()).toEqual([]);
    expect([0, 1].map((s) => a.elector.heldUntil(s))).toEqual([0, 0]);
    expect(b.elector.heldShards()).toEqual([0, 1, 2, 3]);
    const at = (what: string) => Number(ledger.journal.find((e) => e.endsWith(what))?.split(' ')[0]);
    for (const s of [0, 1]) {
      expect(at(`a lost ${s}`) - cut).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
      expect(actsUntil[s]! - cut).toBeGreaterThan(0);
      expect(actsUntil[s]! - cut).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
      expect(at(`b acquired ${s}`) - actsUntil[s]!).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs - TIMINGS.renewDeadlineMs);
      expect(at(`b acquired ${s}`)).toBeGreaterThan(at(`a lost ${s}`));
      expect(at(`b acquired ${s}`) - cut).toBeGreaterThanOrEqual(TIMINGS.leaseDurationMs - TIMINGS.retryPeriodMs);
    }
  });

  it('a shard whose Lease another replica took is lost at once', async () => {
    const store = new FakeLeases();
    const ledger = new Ledger();
    const a = start(store, 'a', ledger.hooks('a'));
    await vi.advanceTimersByTimeAsync(1_000);
    const lease = store.leases.get('op-shard-0')!;
    store.write({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await vi.advanceTimersByTimeAsync(600);
    expect(a.elector.heldShards()).not.toContain(0);
    expect(ledger.journal.some((e) => e.endsWith('a lost 0'))).toBe(true);
  });

  it('stop() frees every shard and the membership slot', async () => {
    const store = new FakeLeases();
    const a = start(store, 'a', new Ledger().hooks('a'));
    await vi.advanceTimersByTimeAsync(1_000);
    electors.splice(0);
    const stopping = a.elector.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    expect([...store.leases.values()].map((l) => [l.metadata?.name, l.spec?.holderIdentity ?? null]).sort()).toEqual([
      ['op-member-0', null],
      ['op-shard-0', null],
      ['op-shard-1', null],
      ['op-shard-2', null],
      ['op-shard-3', null],
    ]);
  });
});

describe('ShardElector across a change of the shard count', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('a replica with another shard count takes nothing while one of the old count or a single leader lives', async () => {
    const store = new FakeLeases();
    const ledger = new Ledger();
    const make = (identity: string, shards: number) => {
      const e = new ShardElector(new FakeShardLeaseClient(store), { namespace: 'ops', name: 'op', identity, shards, ...TIMINGS }, silentLogger());
      e.start(ledger.hooks(identity));
      return e;
    };
    const old = make('old', 2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(old.heldShards()).toEqual([0, 1]);
    expect(store.leases.get('op-member-0')?.metadata?.annotations).toEqual({ 'ecs.operator.dev/shards': '2' });
    const fresh = make('new', 4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fresh.heldShards()).toEqual([]);
    expect(old.heldShards()).toEqual([0, 1]);
    const stopping = old.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fresh.heldShards()).toEqual([0, 1, 2, 3]);

    // A live single leader (--shards 1) holds the plain Lease: sharded replicas wait for it too.
    const stopFresh = fresh.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopFresh;
    store.write({ metadata: { name: 'op' }, spec: { holderIdentity: 'leader', leaseDurationSeconds: 4, renewTime: new Date() as never } });
    const later = make('later', 4);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(later.heldShards()).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(later.heldShards()).toEqual([0, 1, 2, 3]);
    const stopLater = later.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopLater;
  });
});
