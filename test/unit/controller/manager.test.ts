import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncSource } from '../../../src/controller/controller.js';
import { Manager, type ManagedController } from '../../../src/controller/manager.js';
import { ShardOwnership } from '../../../src/controller/shard-ownership.js';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import { ShardElector } from '../../../src/kube/shard-leases.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeLeaseClient, FakeLeases, FakeLeaseStore, FakeShardLeaseClient } from '../kube/fake-lease.js';

/** Records the order of lifecycle calls across the manager's parts. */
class Journal {
  readonly entries: string[] = [];
  note(e: string) {
    this.entries.push(e);
  }
}

function fakeSource(journal: Journal, name: string): SyncSource & { sync(): void } {
  let synced = false;
  const waiters: (() => void)[] = [];
  return {
    resource: name,
    start: () => journal.note(`${name} informer started`),
    stop: async () => journal.note(`${name} informer stopped`),
    hasSynced: () => synced,
    waitForSync: (signal) =>
      new Promise<void>((resolve) => {
        if (synced || signal?.aborted) return resolve();
        waiters.push(resolve);
        signal?.addEventListener('abort', () => resolve());
      }),
    sync: () => {
      synced = true;
      waiters.splice(0).forEach((w) => w());
    },
  };
}

function fakeController(journal: Journal, source: SyncSource, opts: { stopTakesMs?: number } = {}): ManagedController & { running: boolean } {
  return {
    name: 'widgets',
    running: false,
    informers: () => [source],
    hasSynced: () => source.hasSynced(),
    start() {
      this.running = true;
      journal.note('controller started');
    },
    async stop(o) {
      journal.note(`controller stopping (timeout ${o?.timeoutMs})`);
      await new Promise((r) => setTimeout(r, opts.stopTakesMs ?? 0));
      this.running = false;
      journal.note('controller stopped');
    },
    abort: () => journal.note('controller aborted'),
    oldestReconcileStart: () => undefined,
  };
}

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe('Manager', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts informers at once and controllers only once the caches have synced', async () => {
    const journal = new Journal();
    const source = fakeSource(journal, 'widgets');
    const controller = fakeController(journal, source);
    const manager = new Manager({ log: silentLogger(), handleSignals: false }).add(controller);
    const run = manager.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(journal.entries).toEqual(['widgets informer started']);
    expect(manager.health.ready().ok).toBe(false);
    source.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.running).toBe(true);
    expect(manager.health.ready().ok).toBe(true);
    manager.stop();
    await vi.advanceTimersByTimeAsync(0);
    await expect(run).resolves.toBe('stopped');
  });

  it('runs controllers only while leading, and on a graceful stop drains, runs hooks, then releases the lease', async () => {
    const journal = new Journal();
    const store = new FakeLeaseStore();
    const rival = new LeaderElector(new FakeLeaseClient(store), { namespace: 'ns', name: 'op', identity: 'rival', ...timings }, silentLogger());
    await rival.acquire(new AbortController().signal);

    const source = fakeSource(journal, 'widgets');
    source.sync();
    const controller = fakeController(journal, source, { stopTakesMs: 3000 });
    const elector = new LeaderElector(new FakeLeaseClient(store), { namespace: 'ns', name: 'op', identity: 'me', ...timings }, silentLogger());
    const manager = new Manager({ log: silentLogger(), handleSignals: false, leaderElector: elector, shutdownTimeoutMs: 10_000 })
      .add(controller)
      .onShutdown(async () => journal.note(`hook ran, lease holder ${store.lease?.spec?.holderIdentity}`));
    const run = manager.run();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(controller.running).toBe(false);

    await rival.release();
    await vi.advanceTimersByTimeAsync(timings.retryPeriodMs);
    expect(controller.running).toBe(true);
    expect(manager.isLeader()).toBe(true);

    manager.stop('signal');
    await vi.advanceTimersByTimeAsync(3000);
    await expect(run).resolves.toBe('signal');
    expect(journal.entries.slice(1)).toEqual([
      'controller started',
      'controller stopping (timeout 10000)',
      'controller stopped',
      'hook ran, lease holder me',
      'widgets informer stopped',
    ]);
    expect(store.lease?.spec?.holderIdentity ?? '').toBe('');
  });

  it('on losing the lease aborts running reconciles at once and reports leadership-lost', async () => {
    const journal = new Journal();
    const store = new FakeLeaseStore();
    const source = fakeSource(journal, 'widgets');
    source.sync();
    const controller = fakeController(journal, source);
    const client = new FakeLeaseClient(store);
    const elector = new LeaderElector(client, { namespace: 'ns', name: 'op', identity: 'me', ...timings }, silentLogger());
    const manager = new Manager({ log: silentLogger(), handleSignals: false, leaderElector: elector }).add(controller);
    const run = manager.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(controller.running).toBe(true);
    client.down = true;
    await vi.advanceTimersByTimeAsync(timings.renewDeadlineMs + timings.retryPeriodMs);
    await expect(run).resolves.toBe('leadership-lost');
    expect(journal.entries).toContain('controller aborted');
    expect(journal.entries).toContain('controller stopping (timeout 0)');
  });

  it('with shards: says in /readyz which it holds, keeps running when it loses them, and frees them only after the controllers stopped', async () => {
    const journal = new Journal();
    const leases = new FakeLeases();
    const source = fakeSource(journal, 'widgets');
    source.sync();
    const controller = fakeController(journal, source);
    const client = new FakeShardLeaseClient(leases);
    const ownership = new ShardOwnership(4);
    const elector = new ShardElector(client, { namespace: 'ns', name: 'op', identity: 'me', shards: 4, ...timings }, silentLogger());
    const manager = new Manager({ log: silentLogger(), handleSignals: false, shards: { elector, ownership } })
      .add(controller)
      .onShutdown(async () => journal.note(`hook ran, shard 0 held by ${leases.leases.get('op-shard-0')?.spec?.holderIdentity}`));
    const run = manager.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.health.ready().lines).toContain('[+]shards ok: holding 0,1,2,3 of 4');
    expect(ownership.heldShards()).toEqual([0, 1, 2, 3]);

    client.down = true;
    await vi.advanceTimersByTimeAsync(timings.renewDeadlineMs + timings.retryPeriodMs);
    expect(ownership.heldShards()).toEqual([]);
    expect(manager.health.ready()).toEqual({ ok: true, lines: ['[+]informers-synced ok', '[+]shards ok: holding none of 4'] });
    expect(controller.running).toBe(true);

    client.down = false;
    await vi.advanceTimersByTimeAsync(timings.leaseDurationMs + 2 * timings.retryPeriodMs);
    expect(ownership.heldShards()).toEqual([0, 1, 2, 3]);

    manager.stop('signal');
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(run).resolves.toBe('signal');
    expect(journal.entries.slice(1)).toEqual(['controller started', 'controller stopping (timeout 30000)', 'controller stopped', 'hook ran, shard 0 held by me', 'widgets informer stopped']);
    expect(leases.leases.get('op-shard-0')?.spec?.holderIdentity).toBeUndefined();
  });
});
