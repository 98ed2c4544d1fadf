// Crash safety, end to end: the operator is killed (SIGKILL) at seeded random moments in the first
// two seconds after each kubectl action of five objects' lifecycles (create, new image, scale,
// delete), and restarted at once. Whatever it was doing when it died, the invariants hold:
//   - exactly one ECS service per object, and no service the objects do not explain;
//   - one task definition revision per spec change, never a duplicate;
//   - every object converges (Ready at its generation);
//   - an object disappears only after its cleanup: its ECS service INACTIVE, its revisions
//     deregistered (watched as the DELETED events arrive);
//   - nothing unowned is touched: a hand-made service in the same cluster and a hand-registered
//     revision in an operator-managed family stay as they were.
// The emulator is this file's own, and answers a seeded share of the operator's calls late (writes
// after they took effect), so that a crash often lands while a call is in flight: between AWS doing
// something and the operator recording it.
// The seed is printed; ECS_OPERATOR_CRASH_SEED=<seed> replays the same crash points.
// Last, two crashes are placed on purpose on either side of RegisterTaskDefinition, after the
// operator recorded the registration in status: neither may register the spec twice.
import { CreateServiceCommand, DescribeServicesCommand, ListServicesCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import { Watch, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubeConfig, kubectl } from '../support/env.js';
import { seedFrom, seededRandom, shuffle } from '../support/faults.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { scrape, total } from '../support/metrics.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const SEED = seedFrom('ECS_OPERATOR_CRASH_SEED');
const random = seededRandom(SEED);
const OBJECTS = 5;
const CRASH_WINDOW_MS = 2_000;
const PHASE_TIMEOUT_MS = 120_000;

let emulator: Emulator;
let world: World;
let ns: string;
let operator: OperatorProcess;
const prefix = `crash-${shortId()}`;
const names = Array.from({ length: OBJECTS }, (_, i) => `${prefix}-${i}`);
const handService = `${prefix}-hand`;
/** Registrations each family should have had: the spec changes applied, plus the hand-made one in family 0. */
const expectedRevisions = new Map(names.map((n, i) => [n, i === 0 ? 1 : 0]));
const crashLog: string[] = [];
const violations: string[] = [];
let handBefore: Service | undefined;

const start = () => startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, extraArgs: [`--cluster-id=${world.clusterId}`] });
/** The operator signs with this key (test/support/operator-process.ts); the test's own calls with another. */
const OPERATOR_KEY = 'testing';

beforeAll(async () => {
  console.log(`[reliability-crash] seed ${SEED} (replay with ECS_OPERATOR_CRASH_SEED=${SEED})`);
  emulator = await startEmulator();
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  ns = await createNamespace('e2e-crash');
  // Writes answered 1.2 s after they took effect, reads 0.4 s late: the windows a crash should hit.
  const late = [
    ...['RegisterTaskDefinition', 'DeregisterTaskDefinition', 'CreateService', 'UpdateService', 'DeleteService'].map((operation) => ({ operation, delayMs: 1_200, probability: 0.5, afterProcessing: true })),
    ...['DescribeServices', 'ListTaskDefinitions', 'DescribeTaskDefinition'].map((operation) => ({ operation, delayMs: 400, probability: 0.3, afterProcessing: false })),
  ];
  for (const [i, rule] of late.entries()) await emulator.control.addFault({ kind: 'slow', service: 'ecs', accessKeyId: OPERATOR_KEY, seed: SEED + i, ...rule });
  // Unowned things the operator must leave alone: a revision registered by hand in the family of
  // object 0, and a service made by hand (from that revision) in the same cluster.
  const ecs = world.aws.region().clients.ecs;
  const hand = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: names[0],
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'nginx:1.25' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: world.cluster,
      serviceName: handService,
      taskDefinition: hand.taskDefinition?.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
      tags: [{ key: 'team', value: 'by-hand' }],
    }),
  );
  handBefore = await describeService(handService);
  operator = await start();
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  await emulator?.stop();
  if (crashLog.length > 0) console.log(`[reliability-crash] seed ${SEED}, crash points:\n${crashLog.join('\n')}`);
});

const service = (name: string, desiredCount: number) => serviceManifest(world, name, { desiredCount, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] });

async function kube(args: string[], input?: object): Promise<void> {
  const res = await kubectl(args, { namespace: ns, ...(input ? { input: JSON.stringify(input) } : {}) });
  expect(res.code, res.stderr).toBe(0);
}

const apply = (...objects: object[]) => kube(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: objects });

interface Obj {
  metadata: { name: string; generation: number; finalizers?: string[] };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; message?: string }[] };
}

async function list(kind: string): Promise<Obj[]> {
  const res = await kubectl(['get', kind, '-o', 'json'], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { items: Obj[] }).items;
}

const ready = (o: Obj) => o.status?.observedGeneration === o.metadata.generation && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function describeService(name: string): Promise<Service | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name], include: ['TAGS'] }));
  return out.services?.[0];
}

async function activeServiceNames(): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.aws.region().clients.ecs.send(new ListServicesCommand({ cluster: world.cluster, ...(nextToken ? { nextToken } : {}) }));
    arns.push(...(page.serviceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return arns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)).sort();
}

async function revisions(family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<number[]> {
  const out = await world.aws.region().clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }));
  return (out.taskDefinitionArns ?? []).filter((arn) => arn.includes(`/${family}:`)).map((arn) => Number(arn.slice(arn.lastIndexOf(':') + 1)));
}

async function allRevisions(family: string): Promise<number[]> {
  return [...(await revisions(family, 'ACTIVE')), ...(await revisions(family, 'INACTIVE'))].sort((a, b) => a - b);
}

/** Polls until `check` returns no problems; fails with the last problems and the operator's log tail. */
async function converge(what: string, check: () => Promise<string[]>): Promise<void> {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  for (;;) {
    const problems = await check();
    if (problems.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`seed ${SEED}: ${what} not reached in ${PHASE_TIMEOUT_MS / 1000}s:\n  ${problems.join('\n  ')}\n--- operator log tail ---\n${operator.logs().split('\n').slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Reconciles running in the operator now, from its /metrics. */
async function reconcilesInFlight(): Promise<number> {
  return total(await scrape(operator.metricsUrl, 'ecs_operator_workqueue_in_flight'));
}

let crashesMidReconcile = 0;

/** One crash point: the action, a seeded delay within the crash window, SIGKILL, restart. */
async function crashAfter(step: string, action: () => Promise<void>): Promise<void> {
  await action();
  const delay = Math.round(random() * CRASH_WINDOW_MS);
  await new Promise((r) => setTimeout(r, delay));
  const inFlight = await reconcilesInFlight();
  if (inFlight > 0) crashesMidReconcile++;
  await operator.kill();
  const logTail = operator.logs().trim().split('\n').slice(-1)[0] ?? '';
  const message = (() => {
    try {
      return (JSON.parse(logTail) as { msg?: string }).msg ?? logTail;
    } catch {
      return logTail;
    }
  })();
  crashLog.push(`  ${String(crashLog.length + 1).padStart(2)}. ${step.padEnd(14)} killed ${String(delay).padStart(4)} ms after it, ${inFlight} reconcile(s) in flight; last log: ${message.slice(0, 80)}`);
  operator = await start();
}

/** Every object Ready at its generation, one ACTIVE ECS service each (and the hand-made one), revisions as expected. */
async function steadyState(desiredCount: number, image: string): Promise<string[]> {
  const problems: string[] = [];
  const tds = await list('ecstaskdefinitions');
  const svcs = await list('ecsservices');
  for (const name of names) {
    const td = tds.find((o) => o.metadata.name === name);
    const svc = svcs.find((o) => o.metadata.name === name);
    if (!td || !ready(td)) problems.push(`EcsTaskDefinition ${name} not Ready: ${JSON.stringify(td?.status?.conditions?.find((c) => c.type === 'Ready'))}`);
    if (!svc || !ready(svc)) problems.push(`EcsService ${name} not Ready: ${JSON.stringify(svc?.status?.conditions?.find((c) => c.type === 'Ready'))}`);
    const expected = expectedRevisions.get(name) ?? 0;
    const all = await allRevisions(name);
    if (all.length !== expected || (all.at(-1) ?? 0) !== expected) problems.push(`family ${name} has revisions [${all.join(', ')}], expected 1..${expected}`);
    const ecs = await describeService(name);
    if (ecs?.status !== 'ACTIVE' || ecs.desiredCount !== desiredCount || !ecs.taskDefinition?.endsWith(`/${name}:${expected}`)) {
      problems.push(`ECS service ${name}: ${ecs?.status} desired ${ecs?.desiredCount} running ${ecs?.taskDefinition} (want ${name}:${expected} at ${desiredCount}, image ${image})`);
    }
  }
  const active = await activeServiceNames();
  const want = [...names, handService].sort();
  if (JSON.stringify(active) !== JSON.stringify(want)) problems.push(`ACTIVE services in the cluster: [${active.join(', ')}], expected [${want.join(', ')}]`);
  return problems;
}

/** Watches both kinds; when an object is DELETED, its cleanup must already be complete in ECS. */
async function watchDeletions(): Promise<{ deleted: Set<string>; stop(): Promise<void> }> {
  const deleted = new Set<string>();
  const watch = new Watch(kubeConfig());
  const checks: Promise<void>[] = [];
  const onDeleted = (kind: 'EcsService' | 'EcsTaskDefinition') => (type: string, obj: KubernetesObject) => {
    const name = obj.metadata?.name ?? '';
    if (type !== 'DELETED' || !names.includes(name)) return;
    deleted.add(`${kind}/${name}`);
    checks.push(
      (async () => {
        if (kind === 'EcsService') {
          const svc = await describeService(name);
          if (svc && svc.status !== 'INACTIVE') violations.push(`EcsService ${name} disappeared while its ECS service was ${svc.status}`);
        } else {
          const active = await revisions(name, 'ACTIVE');
          const owned = active.filter((r) => !(name === names[0] && r === 1));
          if (owned.length > 0) violations.push(`EcsTaskDefinition ${name} disappeared while revisions [${owned.join(', ')}] were still ACTIVE`);
        }
      })(),
    );
  };
  const requests = await Promise.all([
    watch.watch(`/apis/ecs.operator.dev/v1alpha1/namespaces/${ns}/ecsservices`, {}, onDeleted('EcsService'), () => undefined),
    watch.watch(`/apis/ecs.operator.dev/v1alpha1/namespaces/${ns}/ecstaskdefinitions`, {}, onDeleted('EcsTaskDefinition'), () => undefined),
  ]);
  return {
    deleted,
    stop: async () => {
      for (const r of requests) r.abort();
      await Promise.all(checks);
    },
  };
}

describe(`the operator killed at ${OBJECTS * 4} seeded random points of five objects' lifecycles`, () => {
  it('creates exactly one service and one revision per object, whatever the crashes', async () => {
    for (const name of shuffle(names, random)) {
      expectedRevisions.set(name, (expectedRevisions.get(name) ?? 0) + 1);
      await crashAfter(`create ${name.slice(prefix.length + 1)}`, () => apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service(name, 1)));
    }
    await converge('every object Ready after the creations', () => steadyState(1, 'nginx:1.27'));
  });

  it('registers exactly one new revision per image change and rolls every service to it', async () => {
    for (const name of shuffle(names, random)) {
      expectedRevisions.set(name, (expectedRevisions.get(name) ?? 0) + 1);
      await crashAfter(`new image ${name.slice(prefix.length + 1)}`, () => apply(taskDefinitionManifest(name, { image: 'nginx:1.28' })));
    }
    await converge('every service on its new revision', () => steadyState(1, 'nginx:1.28'));
  });

  it('scales every service without registering anything', async () => {
    for (const name of shuffle(names, random)) {
      await crashAfter(`scale ${name.slice(prefix.length + 1)}`, () => apply(service(name, 2)));
    }
    await converge('every service at 2 tasks', () => steadyState(2, 'nginx:1.28'));
  });

  it('removes objects only after their ECS service is INACTIVE and their revisions deregistered, touching nothing unowned', async () => {
    const watcher = await watchDeletions();
    try {
      for (const name of shuffle(names, random)) {
        await crashAfter(`delete ${name.slice(prefix.length + 1)}`, () => kube(['delete', 'ecsservice,ecstaskdefinition', name, '--wait=false']));
      }
      await converge('every object gone', async () => {
        const left = [...(await list('ecsservices')), ...(await list('ecstaskdefinitions'))].map((o) => o.metadata.name);
        return left.length > 0 ? [`objects left: ${left.join(', ')}`] : [];
      });
      // The watch may deliver the last DELETED events a moment after the list shows them gone.
      await converge('every deletion seen by the watch', async () => (watcher.deleted.size === 2 * OBJECTS ? [] : [`seen: ${[...watcher.deleted].join(', ')}`]));
    } finally {
      await watcher.stop();
    }
    expect(violations, `seed ${SEED}`).toEqual([]);

    for (const name of names) {
      expect((await describeService(name))?.status ?? 'INACTIVE').toBe('INACTIVE');
      expect(await revisions(name, 'ACTIVE')).toEqual(name === names[0] ? [1] : []);
      // Deregistered, never re-registered: the revision numbers are still the spec changes.
      expect(await allRevisions(name)).toEqual(Array.from({ length: expectedRevisions.get(name) ?? 0 }, (_, i) => i + 1));
    }
    expect(await activeServiceNames()).toEqual([handService]);
    const hand = await describeService(handService);
    expect({ status: hand?.status, desiredCount: hand?.desiredCount, taskDefinition: hand?.taskDefinition, tags: hand?.tags }).toEqual({
      status: 'ACTIVE',
      desiredCount: handBefore?.desiredCount,
      taskDefinition: handBefore?.taskDefinition,
      tags: handBefore?.tags,
    });
    expect(crashLog).toHaveLength(OBJECTS * 4);
    // The crashes did land in the middle of work, not only between reconciles.
    expect(crashesMidReconcile, crashLog.join('\n')).toBeGreaterThanOrEqual(5);
  });

  // The operator records a registration in status.registering before RegisterTaskDefinition and
  // searches the family only while such a record stands: both sides of the call, hit on purpose.
  it('registers a spec once when killed after recording a registration, before the call reached ECS or after ECS carried it out', async () => {
    // This emulator is this file's own: the seeded rules go, so that only the ones below decide.
    await emulator.control.clearFaults();
    const [before, after] = [`${prefix}-rec-before`, `${prefix}-rec-after`];
    const scope = { service: 'ecs', accessKeyId: OPERATOR_KEY };
    const recorded = async (name: string) => {
      const res = await kubectl(['get', 'ecstaskdefinition', name, '-o', 'json'], { namespace: ns });
      return res.code === 0 ? (JSON.parse(res.stdout) as { status?: { registering?: { specHash?: string }; revision?: number } }).status : undefined;
    };

    // Before: every RegisterTaskDefinition is refused until the operator is killed.
    const refusal = await emulator.control.addFault({ kind: 'error', operation: 'RegisterTaskDefinition', status: 500, code: 'InternalFailure', count: 1_000, ...scope });
    await apply(taskDefinitionManifest(before, { image: 'nginx:1.27' }));
    await converge('the registration recorded and refused', async () => ((await recorded(before))?.registering?.specHash ? [] : [`no status.registering on ${before}`]));
    expect(await allRevisions(before)).toEqual([]);
    await operator.kill();
    await emulator.control.clearFaults(refusal.id);
    operator = await start();
    await converge(`${before} Ready`, async () => {
      const td = (await list('ecstaskdefinitions')).find((o) => o.metadata.name === before);
      return td && ready(td) ? [] : [`EcsTaskDefinition ${before} not Ready`];
    });
    expect(await allRevisions(before)).toEqual([1]);
    expect(await recorded(before)).toMatchObject({ revision: 1 });
    expect((await recorded(before))?.registering).toBeUndefined();

    // After: ECS registers the revision and its answer is held back; the operator dies waiting for it.
    await emulator.control.slowCalls('RegisterTaskDefinition', 1, 60_000, { ...scope, afterProcessing: true });
    await apply(taskDefinitionManifest(after, { image: 'nginx:1.27' }));
    await converge('the revision registered, its answer not yet given', async () => ((await allRevisions(after)).length === 1 ? [] : [`no revision of ${after} yet`]));
    expect((await recorded(after))?.registering?.specHash).toBeDefined();
    expect((await recorded(after))?.revision).toBeUndefined();
    await operator.kill();
    operator = await start();
    await converge(`${after} Ready`, async () => {
      const td = (await list('ecstaskdefinitions')).find((o) => o.metadata.name === after);
      return td && ready(td) ? [] : [`EcsTaskDefinition ${after} not Ready`];
    });
    expect(await allRevisions(after)).toEqual([1]);
    expect(await recorded(after)).toMatchObject({ revision: 1 });
    expect((await recorded(after))?.registering).toBeUndefined();
  });
});
