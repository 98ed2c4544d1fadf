// Sharded replicas, end to end: operator processes run with --shards 4 while services converge
// across namespaces, and are killed (SIGKILL) and started at seeded random points. What AWS saw,
// from the emulator's request journal (CloudTrail's view: who called what, when), must show that
// no object was ever written by two replicas at once:
//   - exactly one RegisterTaskDefinition per family, and one revision in ECS;
//   - exactly one CreateService per service, and then, after every service is scaled once while
//     the kills go on, exactly one UpdateService per service (two replicas reconciling one object
//     at once would both see the old count and both write);
//   - a write to an object by one replica after another's write to it only once the earlier
//     write was done before the later writer took the object's shard (its log says when).
// Each kill prints its take-over time: replica killed -> its shards held by another -> an object
// of those shards changed right after the kill reconciled. Every replica signs its AWS calls with
// its own access key id, which is how the journal tells writers apart.
// The seed is printed; ECS_OPERATOR_SHARDING_SEED=<seed> replays the same kill points, and
// ECS_OPERATOR_SHARDING_SERVICES=<n> sets the size (300 by default).
import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfNamespace } from '../../src/controller/shard-ownership.js';
import { startEmulator, type Emulator, type JournalRecord } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, createNamespaceNamed, kubectl, uniqueName } from '../support/env.js';
import { seedFrom, seededRandom } from '../support/faults.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { scrape } from '../support/metrics.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const SEED = seedFrom('ECS_OPERATOR_SHARDING_SEED');
const random = seededRandom(SEED);
const SERVICES = Number(process.env.ECS_OPERATOR_SHARDING_SERVICES ?? 300);
const NAMESPACES = 10;
const SHARDS = 4;
const MAX_REPLICAS = 3;
// A replica stops sending at the renew deadline; the others take its shards no earlier than the
// lease duration after its last renewal. The 3 s between them is the margin for a request sent
// just before the deadline to complete at the emulator of a loaded CI machine.
const LEASE = { duration: 6_000, renewDeadline: 3_000, retryPeriod: 1_000 };
const PHASE_TIMEOUT_MS = 480_000;

let emulator: Emulator;
let world: World;
let leaseNs: string;
const run = shortId().replace(/[^a-z0-9]/gi, '').toUpperCase().slice(0, 6);
/** Every replica's access key id starts with this; the journal records exactly their calls. */
const KEY_PREFIX = `AKIASHARD${run}`;
const namespaces: string[] = [];
/** Services per namespace, by name. */
const servicesOf = new Map<string, string[]>();

interface Replica {
  index: number;
  identity: string;
  accessKeyId: string;
  process: OperatorProcess;
  startedAt: number;
  killedAt?: number;
}
const replicas: Replica[] = [];
let started = 0;
const events: string[] = [];
const takeOvers: string[] = [];

async function startReplica(): Promise<Replica> {
  const index = started++;
  const identity = `replica-${index}`;
  const accessKeyId = `${KEY_PREFIX}${String(index).padStart(3, '0')}`;
  const process = await startOperator({
    namespaces,
    awsEndpoint: emulator.endpoint,
    leaderElection: true,
    logLevel: 'info',
    resyncPeriod: '5m',
    env: { AWS_ACCESS_KEY_ID: accessKeyId },
    extraArgs: [
      `--cluster-id=${world.clusterId}`,
      `--shards=${SHARDS}`,
      `--lease-namespace=${leaseNs}`,
      '--lease-name=sharding-e2e',
      `--identity=${identity}`,
      `--lease-duration=${LEASE.duration}ms`,
      `--renew-deadline=${LEASE.renewDeadline}ms`,
      `--retry-period=${LEASE.retryPeriod}ms`,
      '--no-aws-pace-requests',
    ],
  });
  const replica = { index, identity, accessKeyId, process, startedAt: Date.now() };
  replicas.push(replica);
  events.push(`${elapsed()} started ${identity}`);
  return replica;
}

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
const live = () => replicas.filter((r) => r.killedAt === undefined);

/** The shards a replica says it holds, from its /metrics (ecs_operator_shard_held). */
async function heldBy(r: Replica): Promise<number[]> {
  const held = await scrape(r.process.metricsUrl, 'ecs_operator_shard_held').catch(() => []);
  return held.filter((s) => s.value === 1).map((s) => Number(s.labels.shard));
}

/**
 * Namespace names spread over the shards as evenly as NAMESPACES allows. Random names alone left
 * a shard empty about one run in five (4 x (3/4)^10), and a shard without objects cannot show a
 * take-over.
 */
function namesCoveringEveryShard(): string[] {
  const quota = (shard: number) => Math.floor(NAMESPACES / SHARDS) + (shard < NAMESPACES % SHARDS ? 1 : 0);
  const picked: string[][] = Array.from({ length: SHARDS }, () => []);
  for (let i = 0; picked.some((names, shard) => names.length < quota(shard)); i++) {
    const name = uniqueName(`e2e-shard-${i % NAMESPACES}`);
    const shard = shardOfNamespace(name, SHARDS);
    if (picked[shard]!.length < quota(shard)) picked[shard]!.push(name);
  }
  return picked.flat();
}

beforeAll(async () => {
  console.log(`[sharding] seed ${SEED} (replay with ECS_OPERATOR_SHARDING_SEED=${SEED}), ${SERVICES} services, ${SHARDS} shards, up to ${MAX_REPLICAS} replicas`);
  emulator = await startEmulator();
  await emulator.control.startJournal(KEY_PREFIX);
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  leaseNs = await createNamespace('e2e-shard-leases');
  namespaces.push(...namesCoveringEveryShard());
  await Promise.all(namespaces.map(createNamespaceNamed));
  for (let i = 0; i < SERVICES; i++) {
    const ns = namespaces[i % NAMESPACES]!;
    servicesOf.set(ns, [...(servicesOf.get(ns) ?? []), `svc-${run.toLowerCase()}-${i}`]);
  }
  // Every shard has objects (else a kill could not show a take-over in every shard).
  expect(new Set(namespaces.map((ns) => shardOfNamespace(ns, SHARDS))).size).toBe(SHARDS);
}, 120_000);

afterAll(async () => {
  await Promise.all(live().map((r) => r.process.stop()));
  world?.destroy();
  await emulator?.stop();
  console.log(`[sharding] seed ${SEED}, timeline:\n  ${events.join('\n  ')}`);
});

/** Every namespace's objects in one kubectl apply. */
async function applyAll(desiredCount: number): Promise<void> {
  const items = namespaces.flatMap((ns) => manifests(ns, desiredCount).map((m) => ({ ...m, metadata: { ...m.metadata, namespace: ns } })));
  const res = await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  expect(res.code, res.stderr).toBe(0);
}

/** A task definition per namespace, shared by its services. */
const familyOf = (ns: string) => `${ns}-web`;

function manifests(ns: string, desiredCount: number): { metadata: object }[] {
  return [
    taskDefinitionManifest(familyOf(ns), { spec: { family: familyOf(ns) } }),
    ...servicesOf.get(ns)!.map((name) => serviceManifest(world, name, { taskDefinitionRef: { name: familyOf(ns) }, desiredCount, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })),
  ];
}

interface Obj {
  metadata: { name: string; namespace: string; generation: number };
  spec: { desiredCount?: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}

async function listAll(kind: string): Promise<Obj[]> {
  const res = await kubectl(['get', kind, '-A', '-o', 'json']);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { items: Obj[] }).items.filter((o) => namespaces.includes(o.metadata.namespace));
}

const ready = (o: Obj) => o.status?.observedGeneration === o.metadata.generation && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function notConverged(desiredCount: number): Promise<string[]> {
  const svcs = await listAll('ecsservices');
  const tds = await listAll('ecstaskdefinitions');
  const problems = [...tds, ...svcs].filter((o) => !ready(o)).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  if (svcs.length !== SERVICES) problems.push(`${svcs.length} EcsServices, expected ${SERVICES}`);
  for (const s of svcs) if (s.spec.desiredCount !== desiredCount) problems.push(`${s.metadata.name} asks for ${s.spec.desiredCount}`);
  return problems;
}

/**
 * Kills and starts replicas at seeded random points until `done()` (at least `minKills` kills),
 * keeping at least one replica alive. After each kill, measures the take-over of the killed
 * replica's shards.
 */
async function chaos(done: () => Promise<boolean>, minKills: number, touch: (ns: string) => Promise<() => Promise<boolean>>): Promise<void> {
  let kills = 0;
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  while (kills < minKills || !(await done())) {
    if (Date.now() > deadline) throw new Error(`seed ${SEED}: not converged in ${PHASE_TIMEOUT_MS / 1000}s: ${(await notConverged(-1)).slice(0, 10).join(', ')}`);
    await new Promise((r) => setTimeout(r, 500 + Math.round(random() * 2_500)));
    const alive = live();
    if (alive.length < MAX_REPLICAS && (alive.length < 2 || random() < 0.5)) {
      await startReplica();
      continue;
    }
    if (kills >= minKills) continue;
    // A replica holding shards, when one does (killing a standby shows no take-over).
    const holding = (await Promise.all(alive.map(async (r) => ((await heldBy(r)).length > 0 ? [r] : [])))).flat();
    const candidates = holding.length > 0 ? holding : alive;
    const victim = candidates[Math.floor(random() * candidates.length)]!;
    const shards = await heldBy(victim);
    await victim.process.kill();
    victim.killedAt = Date.now();
    kills++;
    events.push(`${elapsed()} killed ${victim.identity} holding shards [${shards.join(',')}]`);
    if (shards.length > 0) await measureTakeOver(victim, shards, touch);
  }
}

/**
 * Right after a kill: changes an object in a namespace of one of the victim's shards, then waits
 * until the survivors hold all the victim's shards, and until that object is reconciled.
 */
async function measureTakeOver(victim: Replica, shards: number[], touch: (ns: string) => Promise<() => Promise<boolean>>): Promise<void> {
  const killedAt = victim.killedAt!;
  const ns = namespaces.find((n) => shards.includes(shardOfNamespace(n, SHARDS)))!;
  const reconciled = await touch(ns);
  let heldAt: number | undefined;
  let reconciledAt: number | undefined;
  const deadline = killedAt + 120_000;
  while ((heldAt === undefined || reconciledAt === undefined) && Date.now() < deadline) {
    if (heldAt === undefined) {
      const held = new Set((await Promise.all(live().map(heldBy))).flat());
      if (shards.every((s) => held.has(s))) heldAt = Date.now();
    }
    if (reconciledAt === undefined && (await reconciled())) reconciledAt = Date.now();
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = `${victim.identity} killed holding shards [${shards.join(',')}]: held by others after ${heldAt === undefined ? 'never' : `${heldAt - killedAt} ms`}, an object of shard ${shardOfNamespace(ns, SHARDS)} reconciled after ${reconciledAt === undefined ? 'never' : `${reconciledAt - killedAt} ms`}`;
  takeOvers.push(line);
  events.push(`${elapsed()} ${line}`);
  expect(heldAt, line).toBeDefined();
  expect(reconciledAt, line).toBeDefined();
}

/** The object a write is about: a service name or a task definition family. */
function writeTarget(r: JournalRecord): string | undefined {
  const p = r.requestParameters ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const arn = str(p.resourceArn) ?? str(p.service) ?? str(p.taskDefinition);
  if (r.eventName === 'CreateService') return `service/${str(p.serviceName)}`;
  if (r.eventName === 'RegisterTaskDefinition') return `family/${str(p.family)}`;
  if (arn === undefined) return undefined;
  const m = /:service\/[^/]+\/([^/]+)$/.exec(arn) ?? /^([^:/]+)$/.exec(arn);
  if (m && (r.eventName.includes('Service') || arn.includes(':service/'))) return `service/${m[1]}`;
  const td = /task-definition\/([^:]+):\d+$/.exec(arn) ?? /^([^:/]+):\d+$/.exec(arn);
  return td ? `family/${td[1]}` : undefined;
}

const isWrite = (r: JournalRecord) => r.eventSource === 'ecs.amazonaws.com' && !/^(Describe|List|Get)/.test(r.eventName);

/** When a replica last took the shard before `before`, from its log ('acquired shard'). */
function acquiredBefore(r: Replica, shard: number, before: number): number | undefined {
  let latest: number | undefined;
  for (const line of r.process.logs().split('\n')) {
    if (!line.includes('"acquired shard"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; shard?: number; time?: string };
      const at = Date.parse(entry.time ?? '');
      if (entry.shard === shard && at <= before && (latest === undefined || at > latest)) latest = at;
    } catch {
      // not a log line of ours
    }
  }
  return latest;
}

describe('sharded replicas', () => {
  it('converge every service with no object written by two replicas at once, while replicas are killed and started', async () => {
    await startReplica();
    await startReplica();
    await applyAll(1);
    events.push(`${elapsed()} applied ${SERVICES} services in ${NAMESPACES} namespaces`);

    // A take-over probe: a new tag on one service of the victim's shard (a spec change, so a new
    // generation), reconciled once a replica holds the shard again.
    let probes = 0;
    const touch = async (ns: string) => {
      const name = servicesOf.get(ns)![0]!;
      const patch = { spec: { tags: [{ key: 'probe', value: `p${++probes}` }] } };
      const res = await kubectl(['patch', 'ecsservice', name, '--type=merge', '-p', JSON.stringify(patch), '-o', 'jsonpath={.metadata.generation}'], { namespace: ns });
      expect(res.code, res.stderr).toBe(0);
      const generation = Number(res.stdout);
      return async () => {
        const got = await kubectl(['get', 'ecsservice', name, '-o', 'json'], { namespace: ns });
        const o = JSON.parse(got.stdout) as Obj;
        return (o.status?.observedGeneration ?? 0) >= generation && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
      };
    };

    await chaos(async () => (await notConverged(1)).length === 0, 3, touch);
    events.push(`${elapsed()} all converged at desiredCount 1`);

    await applyAll(2);
    events.push(`${elapsed()} scaled every service to 2`);
    await chaos(async () => (await notConverged(2)).length === 0, 2, touch);
    events.push(`${elapsed()} all converged at desiredCount 2`);
    // Let the survivors settle (nothing in flight) before reading the journal.
    await new Promise((r) => setTimeout(r, 2_000));

    const journal = await emulator.control.journal(KEY_PREFIX);
    const writes = journal.filter(isWrite);
    const count = (op: string) => {
      const by = new Map<string, number>();
      for (const w of writes) if (w.eventName === op) by.set(writeTarget(w) ?? '?', (by.get(writeTarget(w) ?? '?') ?? 0) + 1);
      return by;
    };
    const allServices = [...servicesOf.values()].flat();
    const dup = (by: Map<string, number>, keys: string[]) => keys.filter((k) => by.get(k) !== 1).map((k) => `${k}: ${by.get(k) ?? 0}`);
    const registers = count('RegisterTaskDefinition');
    const creates = count('CreateService');
    const updates = count('UpdateService');
    console.log(
      `[sharding] ${replicas.length} replicas started, ${replicas.filter((r) => r.killedAt).length} killed; AWS writes: ${writes.length} (${[...new Set(writes.map((w) => w.eventName))].map((op) => `${op} ${writes.filter((w) => w.eventName === op).length}`).join(', ')})`,
    );
    console.log(`[sharding] take-over times (lease ${LEASE.duration} ms, renew deadline ${LEASE.renewDeadline} ms, retry ${LEASE.retryPeriod} ms):\n  ${takeOvers.join('\n  ')}`);
    expect(dup(registers, namespaces.map((ns) => `family/${familyOf(ns)}`)), 'RegisterTaskDefinition calls per family').toEqual([]);
    expect(dup(creates, allServices.map((s) => `service/${s}`)), 'CreateService calls per service').toEqual([]);
    expect(dup(updates, allServices.map((s) => `service/${s}`)), 'UpdateService calls per service').toEqual([]);
    for (const ns of namespaces) {
      const out = await world.aws.region().clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: familyOf(ns) }));
      expect(out.taskDefinitionArns?.filter((a) => a.includes(`/${familyOf(ns)}:`)), `revisions of ${familyOf(ns)}`).toHaveLength(1);
    }

    // Writer changes: the earlier writer's write was done (CloudTrail's eventTime: when the
    // request completed) before the later writer took the shard, and so before it could write.
    const nsOfTarget = new Map<string, string>();
    for (const [ns, names] of servicesOf) {
      nsOfTarget.set(`family/${familyOf(ns)}`, ns);
      for (const n of names) nsOfTarget.set(`service/${n}`, ns);
    }
    const byKey = new Map(replicas.map((r) => [r.accessKeyId, r]));
    const last = new Map<string, { writer: Replica; at: number }>();
    const overlaps: string[] = [];
    let handOvers = 0;
    for (const w of [...writes].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime))) {
      const target = writeTarget(w);
      const ns = target && nsOfTarget.get(target);
      const writer = byKey.get(w.userIdentity.accessKeyId);
      if (!ns || !writer) continue;
      const at = Date.parse(w.eventTime);
      const before = last.get(target);
      if (before && before.writer !== writer) {
        handOvers++;
        const shard = shardOfNamespace(ns, SHARDS);
        const acquired = acquiredBefore(writer, shard, at);
        if (acquired === undefined || acquired < before.at) overlaps.push(`${target}: ${before.writer.identity} wrote at ${before.at - t0} ms, after ${writer.identity} took shard ${shard} (${acquired === undefined ? 'never' : `${acquired - t0} ms`}) and before it wrote ${w.eventName} at ${at - t0} ms`);
      }
      last.set(target, { writer, at });
    }
    console.log(`[sharding] objects written by one replica and later by another: ${handOvers}; overlapping: ${overlaps.length}`);
    expect(overlaps).toEqual([]);
  }, 1_200_000);
});
