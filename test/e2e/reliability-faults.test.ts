// The operator under AWS faults other than throttling, end to end, on an AWS emulator of its own
// whose fault injection hits only the operator's calls (its access key):
//   - answers lost after the call took effect (a 500, or a dropped connection): the SDK retries,
//     and the operator must still end with one revision and one service per object;
//   - a mix of 503s, dropped connections and slow answers over ten services: everything converges,
//     nothing is ever Stalled, and every fault the emulator injected shows in the operator's
//     /metrics as a failed attempt that was retried.
import { DescribeServicesCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type Fault } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl } from '../support/env.js';
import { seedFrom } from '../support/faults.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, scrape, sumBy } from '../support/metrics.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const SEED = seedFrom('ECS_OPERATOR_FAULTS_SEED');
/** The operator signs with this key (test/support/operator-process.ts); the test's own calls with another. */
const OPERATOR_KEY = 'testing';
const scope = { service: 'ecs', accessKeyId: OPERATOR_KEY };

let emulator: Emulator;
let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  console.log(`[reliability-faults] seed ${SEED} (replay with ECS_OPERATOR_FAULTS_SEED=${SEED})`);
  emulator = await startEmulator();
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  ns = await createNamespace('e2e-faults');
  operator = await startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, logLevel: 'info', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  await emulator?.stop();
});

const taskDefinition = (name: string) => taskDefinitionManifest(name, { containerName: 'app' });
const service = (name: string) => serviceManifest(world, name, { desiredCount: 1, launchType: 'FARGATE' });

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

interface Obj {
  kind: string;
  metadata: { name: string; generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** Waits until the named objects of both kinds are Ready; returns every Stalled=True seen meanwhile. */
async function untilReady(names: readonly string[], timeoutMs = 90_000): Promise<string[]> {
  const stalled = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await kubectl(['get', 'ecstaskdefinitions,ecsservices', '-o', 'json'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    const ours = (JSON.parse(res.stdout) as { items: Obj[] }).items.filter((o) => names.includes(o.metadata.name));
    for (const o of ours) {
      const s = o.status?.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
      if (s) stalled.add(`${o.kind}/${o.metadata.name}: ${s.reason ?? ''}: ${s.message ?? ''}`);
    }
    const ready = ours.filter((o) => o.status?.observedGeneration === o.metadata.generation && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length === 2 * names.length) return [...stalled];
    if (Date.now() > deadline) {
      throw new Error(`seed ${SEED}: not Ready in ${timeoutMs / 1000}s: ${ours.filter((o) => !ready.includes(o)).map((o) => `${o.kind}/${o.metadata.name} ${JSON.stringify(o.status?.conditions)}`).join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function revisionsOf(family: string): Promise<string[]> {
  const ecs = world.aws.region().clients.ecs;
  const [active, inactive] = await Promise.all(
    (['ACTIVE', 'INACTIVE'] as const).map(async (status) => (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status }))).taskDefinitionArns ?? []),
  );
  return [...(active ?? []), ...(inactive ?? [])].filter((arn) => arn.includes(`/${family}:`));
}

async function servicesNamed(name: string): Promise<string[]> {
  const arns = (await world.aws.region().clients.ecs.send(new ListServicesCommand({ cluster: world.cluster }))).serviceArns ?? [];
  return arns.filter((arn) => arn.endsWith(`/${name}`));
}

/** The operator's failed ECS attempts by outcome (error code), from its /metrics. */
async function failedAttempts(): Promise<Map<string, number>> {
  return sumBy((await scrape(operator.metricsUrl, 'ecs_operator_aws_api_calls_total')).filter(labelled({ service: 'ecs' })), (l) => l.outcome ?? '');
}

describe('an answer lost after the call took effect', () => {
  it.each([
    ['a 500', 'error'],
    ['a dropped connection', 'reset'],
  ] as const)('to RegisterTaskDefinition (%s) still leaves exactly one revision', async (_what, kind) => {
    const name = `lost-${shortId()}`;
    await emulator.control.addFault({ operation: 'RegisterTaskDefinition', kind, count: 1, afterProcessing: true, ...scope });
    await apply(taskDefinition(name), service(name));
    expect(await untilReady([name])).toEqual([]);
    const described = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
    expect(await revisionsOf(name), `the service runs ${described.services?.[0]?.taskDefinition}`).toHaveLength(1);
  });

  it.each([
    ['a 500', 'error'],
    ['a dropped connection', 'reset'],
  ] as const)('to CreateService (%s) still leaves exactly one service, created once', async (_what, kind) => {
    const name = `lost-${shortId()}`;
    await emulator.control.addFault({ operation: 'CreateService', kind, count: 1, afterProcessing: true, ...scope });
    await apply(taskDefinition(name), service(name));
    expect(await untilReady([name])).toEqual([]);
    expect(await servicesNamed(name)).toHaveLength(1);
  });
});

describe('a mix of 503s, dropped connections and slow answers', () => {
  it('lets ten services converge with nothing Stalled, and every injected fault is a retried attempt in /metrics', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `mix-${shortId()}-${i}`);
    const before = await failedAttempts();
    const rules: Fault[] = [
      await emulator.control.addFault({ operation: '*', kind: 'error', status: 503, probability: 0.1, seed: SEED, ...scope }),
      await emulator.control.addFault({ operation: '*', kind: 'reset', probability: 0.1, seed: SEED + 1, ...scope }),
      await emulator.control.addFault({ operation: '*', kind: 'slow', delayMs: 1_000, probability: 0.2, seed: SEED + 2, ...scope }),
    ];
    let stalled: string[];
    let seenFirst: Map<string, number>;
    let seenAfter: Map<string, number>;
    let injected: number[];
    try {
      await apply(...names.flatMap((n) => [taskDefinition(n), service(n)]));
      stalled = await untilReady(names, 120_000);
    } finally {
      // Bracket the emulator's counts between two reads of the operator's: an attempt is counted
      // by the operator when its failure arrives, after the emulator counted it.
      seenFirst = await failedAttempts();
      const state = await emulator.control.state();
      for (const rule of rules) await emulator.control.clearFaults(rule.id);
      await new Promise((r) => setTimeout(r, 500));
      seenAfter = await failedAttempts();
      injected = rules.map((rule) => state.faults.find((f) => f.id === rule.id)?.injected ?? -1);
    }
    const delta = (seen: Map<string, number>, outcome: string) => (seen.get(outcome) ?? 0) - (before.get(outcome) ?? 0);
    const [errors = -1, resets = -1, slow = -1] = injected;
    console.log(
      `[reliability-faults] injected ${errors} 503s, ${resets} dropped connections, ${slow} slow answers; the operator counted ` +
        `${delta(seenFirst, 'ServiceUnavailable')}..${delta(seenAfter, 'ServiceUnavailable')} ServiceUnavailable and ${delta(seenFirst, 'ECONNRESET')}..${delta(seenAfter, 'ECONNRESET')} ECONNRESET attempts`,
    );
    expect(stalled).toEqual([]);
    for (const [count, outcome] of [[errors, 'ServiceUnavailable'], [resets, 'ECONNRESET']] as const) {
      expect(count, outcome).toBeGreaterThan(0);
      expect(count, outcome).toBeGreaterThanOrEqual(delta(seenFirst, outcome));
      expect(count, outcome).toBeLessThanOrEqual(delta(seenAfter, outcome));
    }
    expect(slow).toBeGreaterThan(0);
    for (const name of names) {
      expect(await revisionsOf(name)).toHaveLength(1);
      expect(await servicesNamed(name)).toHaveLength(1);
    }
  });
});
