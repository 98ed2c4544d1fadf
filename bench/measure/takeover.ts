// Take-over after a replica dies: SIGKILL one replica (no graceful release of its Leases), change
// one EcsService in every namespace at once, and time (a) until none of the dead replica's Leases
// names it as holder any more and (b) until every one of those changes is reconciled (the object's
// status has observed its new generation; the rollout that follows is ECS's time, not the take-over's). The namespaces of the dead replica's shards are the
// slowest; the others show the surviving replica was not held up.
import { na, of, type Figure } from '../figure.js';
import { LEASE_NAMESPACE, type Replica } from '../replicas.js';
import { round, sleep } from '../stats.js';
import type { ServiceWatch } from '../watch.js';

interface Lease {
  metadata: { name: string };
  spec?: { holderIdentity?: string };
}

export interface Takeover {
  killed: string;
  /** Leases the killed replica held. */
  leases: string[];
  /** Kill -> every one of those Leases held by another replica. */
  leasesMovedSeconds: number;
  /** Kill -> the change made in each namespace reconciled, slowest first. */
  reconciledSeconds: Record<string, number>;
  /** Kill -> the last of them reconciled: the take-over as a user sees it (Infinity when one never was). */
  takeoverSeconds: number;
  /** Namespaces whose change was still not reconciled at the timeout (the take-over time then says nothing). */
  notReconciled: string[];
  /** The namespaces of the killed replica's shards (when sharded). */
  orphanedNamespaces: string[] | undefined;
}

/** The Leases that give work: the leader's, or one per shard (`<name>-shard-<i>`); not the replicas' membership Leases. */
const WORK_LEASE = /^ecs-operator(-shard-\d+)?$/;

export async function leaseHolders(kubectl: (args: string[]) => Promise<string>): Promise<Map<string, string>> {
  const list = JSON.parse(await kubectl(['get', 'leases', '-n', LEASE_NAMESPACE, '-o', 'json'])) as { items: Lease[] };
  return new Map(list.items.filter((l) => WORK_LEASE.test(l.metadata.name)).map((l) => [l.metadata.name, l.spec?.holderIdentity ?? '']));
}

/** The replica holding the most Leases (the one whose death costs most). */
export async function busiestReplica(kubectl: (args: string[]) => Promise<string>, replicas: readonly Replica[]): Promise<Replica | undefined> {
  const holders = [...(await leaseHolders(kubectl)).values()];
  const live = replicas.filter((r) => !r.killed);
  return live.map((r) => ({ r, n: holders.filter((h) => h === r.identity).length })).sort((a, b) => b.n - a.n)[0]?.r;
}

export async function takeover(o: {
  kubectl: (args: string[]) => Promise<string>;
  watch: ServiceWatch;
  replicas: readonly Replica[];
  namespaces: readonly string[];
  /** The EcsService to change in each namespace. */
  serviceIn: (namespace: string) => string;
  /** The shard of a namespace, when the replicas shard the work. */
  shardOf?: (namespace: string) => number;
  timeoutMs: number;
}): Promise<Figure<Takeover>> {
  if (o.replicas.length < 2) return na('one replica: nothing takes over (give --replicas 2)');
  const victim = await busiestReplica(o.kubectl, o.replicas);
  if (!victim) return na('no live replica');
  const held = [...(await leaseHolders(o.kubectl))].filter(([, h]) => h === victim.identity).map(([name]) => name);
  const killedAt = Date.now();
  victim.killed = true;
  await victim.process.kill();

  const targets = new Map<string, { name: string; generation: number }>();
  for (const ns of o.namespaces) {
    const name = o.serviceIn(ns);
    const out = JSON.parse(await o.kubectl(['patch', 'ecsservice', name, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { desiredCount: 2 } }), '-o', 'json'])) as { metadata: { generation: number } };
    targets.set(ns, { name, generation: out.metadata.generation });
  }
  const reconciled = new Map<string, number>();
  const look = (): void => {
    for (const [ns, t] of targets) {
      const s = o.watch.states.get(`${ns}/${t.name}`);
      if (!reconciled.has(ns) && s && (s.observedGeneration ?? 0) >= t.generation) reconciled.set(ns, Date.now() - killedAt);
    }
  };
  const off = o.watch.onChange(look);
  let leasesMovedMs: number | undefined = held.length === 0 ? 0 : undefined;
  try {
    const deadline = killedAt + o.timeoutMs;
    while (Date.now() < deadline && (reconciled.size < targets.size || leasesMovedMs === undefined)) {
      look();
      if (leasesMovedMs === undefined) {
        const holders = await leaseHolders(o.kubectl);
        if (held.every((name) => (holders.get(name) ?? '') !== victim.identity && (holders.get(name) ?? '') !== '')) leasesMovedMs = Date.now() - killedAt;
      }
      await sleep(250);
    }
  } finally {
    off();
  }
  if (reconciled.size === 0) return na(`no change reconciled ${Math.round(o.timeoutMs / 1000)} s after the kill`);
  const seconds = [...reconciled].sort((a, b) => b[1] - a[1]).map(([ns, ms]) => [ns, round(ms / 1000, 1)] as const);
  return of({
    killed: victim.identity,
    leases: held,
    leasesMovedSeconds: leasesMovedMs === undefined ? NaN : round(leasesMovedMs / 1000, 1),
    reconciledSeconds: Object.fromEntries(seconds),
    takeoverSeconds: reconciled.size < targets.size ? Infinity : (seconds[0]?.[1] ?? NaN),
    notReconciled: [...targets.keys()].filter((ns) => !reconciled.has(ns)),
    orphanedNamespaces: o.shardOf ? o.namespaces.filter((ns) => held.includes(`ecs-operator-shard-${o.shardOf?.(ns) ?? -1}`)) : undefined,
  });
}
