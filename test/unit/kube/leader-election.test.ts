import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeLeaseClient, FakeLeaseStore } from './fake-lease.js';

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

function candidate(store: FakeLeaseStore, identity: string) {
  const client = new FakeLeaseClient(store);
  const elector = new LeaderElector(client, { namespace: 'ns', name: 'op', identity, ...timings }, silentLogger());
  return { client, elector };
}

describe('LeaderElector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets exactly one of two candidates lead', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    const b = candidate(store, 'b');
    const stop = new AbortController();
    let aLeads = false;
    let bLeads = false;
    void a.elector.acquire(stop.signal).then((v) => (aLeads = v));
    void b.elector.acquire(stop.signal).then((v) => (bLeads = v));
    await vi.advanceTimersByTimeAsync(60_000);
    expect([aLeads, bLeads].filter(Boolean)).toHaveLength(1);
    expect(store.lease?.spec?.holderIdentity).toBe(aLeads ? 'a' : 'b');
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    await a.elector.release();
    await b.elector.release();
  });

  it('a standby takes over once the leader has not renewed for the lease duration', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    const b = candidate(store, 'b');
    await a.elector.acquire(new AbortController().signal);
    let bLeadsAt: number | undefined;
    void b.elector.acquire(new AbortController().signal).then(() => (bLeadsAt = Date.now()));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bLeadsAt).toBeUndefined();

    const killedAt = Date.now();
    a.client.down = true; // the leader dies: no more renewals
    await vi.advanceTimersByTimeAsync(30_000);
    expect(bLeadsAt).toBeDefined();
    const handover = bLeadsAt! - killedAt;
    expect(handover).toBeGreaterThanOrEqual(timings.leaseDurationMs - timings.retryPeriodMs);
    expect(handover).toBeLessThanOrEqual(timings.leaseDurationMs + 2 * timings.retryPeriodMs);
    expect(store.lease?.spec?.leaseTransitions).toBe(1);
    await b.elector.release();
  });

  it('a leader that cannot renew within the renew deadline reports leadership lost, before a standby may take over', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    await a.elector.acquire(new AbortController().signal);
    let lostAt: number | undefined;
    void a.elector.lost.then(() => (lostAt = Date.now()));
    const partitionedAt = Date.now();
    a.client.down = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(lostAt).toBeDefined();
    expect(lostAt! - partitionedAt).toBeLessThan(timings.leaseDurationMs);
    expect(a.elector.isLeader()).toBe(false);
  });

  it('may act until the renew deadline counted from when its last renewal was sent, however late the answer came', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    expect(a.elector.heldUntil()).toBe(0);
    const sentAt = Date.now();
    await a.elector.acquire(new AbortController().signal);
    expect(a.elector.heldUntil()).toBe(sentAt + timings.renewDeadlineMs);
    // Renewals now answer after 8 s: each one is written at once, and counted from its sending.
    a.client.answerDelayMs = 8_000;
    await vi.advanceTimersByTimeAsync(timings.retryPeriodMs);
    const renewalSentAt = Date.now();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(a.elector.heldUntil()).toBe(renewalSentAt + timings.renewDeadlineMs);
    a.client.answerDelayMs = 0;
    const releasing = a.elector.release();
    await vi.advanceTimersByTimeAsync(10_000);
    await releasing;
  });

  it('release() frees the lease so a standby takes over within a retry period', async () => {
    const store = new FakeLeaseStore();
    const a = candidate(store, 'a');
    const b = candidate(store, 'b');
    await a.elector.acquire(new AbortController().signal);
    let bLeadsAt: number | undefined;
    void b.elector.acquire(new AbortController().signal).then(() => (bLeadsAt = Date.now()));
    await vi.advanceTimersByTimeAsync(5_000);
    const releasedAt = Date.now();
    await a.elector.release();
    await vi.advanceTimersByTimeAsync(timings.retryPeriodMs);
    expect(bLeadsAt).toBeDefined();
    expect(bLeadsAt! - releasedAt).toBeLessThanOrEqual(timings.retryPeriodMs);
    await b.elector.release();
  });

  it('writes lease times with microsecond precision, as MicroTime requires', async () => {
    const store = new FakeLeaseStore();
    const writes: string[] = [];
    const origWrite = store.write.bind(store);
    store.write = (lease) => {
      writes.push(JSON.stringify(lease.spec?.renewTime));
      return origWrite(lease);
    };
    const a = candidate(store, 'a');
    await a.elector.acquire(new AbortController().signal);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const w of writes) expect(w).toMatch(/\.\d{6}Z"$/);
    await a.elector.release();
  });
});
