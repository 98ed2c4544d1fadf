import type { V1Lease } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShardElector, type ShardHooks, type ShardLeaseClient } from '../../../src/kube/shard-leases.js';
import { silentLogger } from '../../../src/observability/logger.js';

/** Leases in one namespace with the apiserver's optimistic concurrency. */
class FakeLeases {
  readonly leases = new Map<string, V1Lease>();
  private rv = 0;
  write(lease: V1Lease): V1Lease {
    const copy = JSON.parse(JSON.stringify(lease)) as V1Lease;
    const stored = { ...copy, metadata: { ...copy.metadata, resourceVersion: String(++this.rv) } };
    this.leases.set(stored.metadata.name ?? '', stored);
    return structuredClone(stored);
  }
}

/** A replica's client of the shared Leases; `down` fails every call (a partition). */
class FakeShardLeaseClient implements ShardLeaseClient {
  down = false;
  constructor(private readonly store: FakeLeases) {}
  private check() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async list(): Promise<V1Lease[]> {
    this.check();
    return [...this.store.leases.values()].map((l) => structuredClone(l));
  }
  async read(_ns: string, name: string): Promise<V1Lease | undefined> {
    this.check();
    const l = this.store.leases.get(name);
    return l && structuredClone(l);
  }
  async create(_ns: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (this.store.leases.has(lease.metadata?.name ?? '')) throw Object.assign(new Error('exists'), { code: 409 });
    return this.store.write(lease);
  }
  async replace(_ns: string, name: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (lease.metadata?.resourceVersion !== this.store.leases.get(name)?.metadata?.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
    return this.store.write(lease);
  }
}

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
    a.client.down = true;
    await vi.advanceTimersByTimeAsync(12_000);
    expect(a.elector.heldShards()).toEqual([]);
    expect(b.elector.heldShards()).toEqual([0, 1, 2, 3]);
    const at = (what: string) => Number(ledger.journal.find((e) => e.endsWith(what))?.split(' ')[0]);
    for (const s of [0, 1]) {
      expect(at(`a lost ${s}`) - cut).toBeLessThanOrEqual(TIMINGS.renewDeadlineMs);
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
