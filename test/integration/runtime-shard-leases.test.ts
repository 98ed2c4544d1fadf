// Shard Leases against the real apiserver: two electors spread 4 shards 2 and 2; when one stops
// renewing (a crash, as far as the Leases can tell), the other holds all 4 within the lease
// duration; a replica stopping gracefully hands its shards over at once; a shard's Lease is
// never held by two electors in the same instant as they see it.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeShardLeaseClient, ShardElector, shardLeaseName, type ShardHooks } from '../../src/kube/shard-leases.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createNamespace, kubeConfig } from '../support/env.js';
import { eventually } from './fixtures/runtime/widgets.js';

const TIMINGS = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };

interface Replica {
  identity: string;
  elector: ShardElector;
  client: KubeShardLeaseClient;
  /** What the hooks were told, in order. */
  journal: string[];
  /** The shards the hooks say this replica reconciles now. */
  working: Set<number>;
}

const running: Replica[] = [];

function replica(namespace: string, identity: string): Replica {
  const client = new KubeShardLeaseClient(kubeConfig(), 3_000);
  const elector = new ShardElector(client, { namespace, name: 'shards-test', identity, shards: 4, ...TIMINGS }, silentLogger());
  const r: Replica = { identity, elector, client, journal: [], working: new Set() };
  const hooks: ShardHooks = {
    acquired: (s) => {
      r.journal.push(`acquired ${s}`);
      r.working.add(s);
    },
    releasing: async (s) => {
      r.journal.push(`releasing ${s}`);
      r.working.delete(s);
    },
    lost: (s, reason) => {
      r.journal.push(`lost ${s}: ${reason}`);
      r.working.delete(s);
    },
  };
  elector.start(hooks);
  running.push(r);
  return r;
}

/** A crash as the Leases see it: every request from now on fails, so nothing is renewed or freed. */
function cutOff(r: Replica): void {
  const fail = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  r.client.list = fail;
  r.client.replace = fail;
  r.client.create = fail;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.elector.stop()));
});

describe('shard Leases', () => {
  it('two replicas hold 2 of 4 shards each; when one stops renewing the other holds all 4 within the lease duration', async () => {
    const namespace = await createNamespace('shards');
    const a = replica(namespace, 'replica-a');
    await eventually('a holds all 4 shards alone', () => a.elector.heldShards().length === 4, 15_000);
    const b = replica(namespace, 'replica-b');
    await eventually('2 shards each', () => a.elector.heldShards().length === 2 && b.elector.heldShards().length === 2 && a.working.size === 2 && b.working.size === 2, 20_000);
    expect([...a.elector.heldShards(), ...b.elector.heldShards()].sort()).toEqual([0, 1, 2, 3]);
    // a handed two back: it stopped their work before b was told it had them.
    expect(a.journal.filter((e) => e.startsWith('releasing'))).toHaveLength(2);
    expect(a.journal.some((e) => e.startsWith('lost'))).toBe(false);

    // The Leases agree with the electors.
    const api = kubeConfig().makeApiClient(CoordinationV1Api);
    for (let s = 0; s < 4; s++) {
      const lease = await api.readNamespacedLease({ namespace, name: shardLeaseName('shards-test', s) });
      expect(lease.spec?.holderIdentity).toBe(a.elector.heldShards().includes(s) ? 'replica-a' : 'replica-b');
    }

    const bShards = b.elector.heldShards();
    cutOff(b);
    const cut = Date.now();
    // b gives its shards up at the renew deadline, before a may take them (lease duration).
    await eventually('b lost its shards', () => b.working.size === 0, 10_000);
    const bGaveUpAfter = Date.now() - cut;
    await eventually('a holds all 4 shards', () => a.elector.heldShards().length === 4, 15_000);
    const takeOver = Date.now() - cut;
    console.log(`shard take-over after a replica stopped renewing: b gave up after ${bGaveUpAfter} ms, a held all 4 after ${takeOver} ms (lease ${TIMINGS.leaseDurationMs} ms)`);
    expect(b.journal.filter((e) => e.startsWith('lost')).sort()).toEqual(bShards.map((s) => `lost ${s}: not renewed for ${TIMINGS.renewDeadlineMs}ms`).sort());
    // Within the lease duration after b's membership and shard Leases went stale, plus a round or two.
    expect(takeOver).toBeLessThan(TIMINGS.leaseDurationMs + 3 * TIMINGS.retryPeriodMs + 3_000);
    expect(takeOver).toBeGreaterThanOrEqual(bGaveUpAfter);
  }, 90_000);

  it('a replica that stops gracefully frees its shards and membership, and the other takes them at once', async () => {
    const namespace = await createNamespace('shards');
    const a = replica(namespace, 'replica-a');
    const b = replica(namespace, 'replica-b');
    await eventually('2 shards each', () => a.elector.heldShards().length === 2 && b.elector.heldShards().length === 2, 20_000);
    const stopped = Date.now();
    running.splice(running.indexOf(b), 1);
    await b.elector.stop();
    await eventually('a holds all 4 shards', () => a.elector.heldShards().length === 4, 15_000);
    // Freed Leases need no expiry: one or two rounds, well under the lease duration.
    expect(Date.now() - stopped).toBeLessThan(TIMINGS.leaseDurationMs);
  }, 60_000);
});
