// A throttling storm, end to end: 100 EcsServices (each with its EcsTaskDefinition) while the AWS
// emulator answers 30% of the operator's ECS calls with ThrottlingException (a seeded probability
// rule of the emulator's fault injection). Everything must still converge; no object may ever show
// a terminal condition (Stalled=True) for what is only throttling; and the operator's own ECS call
// rate, read from its /metrics over the run, must stay within ECS's documented request rates
// (test/support/faults.ts: ECS_RATE_CATEGORIES), replayed through ECS's token buckets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type Fault } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl } from '../support/env.js';
import { CallRateRecorder, formatRates, seedFrom, type CategoryRate } from '../support/faults.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, scrape, total } from '../support/metrics.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const SERVICES = 100;
const THROTTLED_SHARE = 0.3;
const SEED = seedFrom('ECS_OPERATOR_THROTTLE_SEED');
// ECS registers at most 1 task definition per second sustained (after a burst of 20): 100 of them,
// plus the retries of the throttled attempts, take two minutes or more within ECS's rates.
const CONVERGE_TIMEOUT_MS = 240_000;
/** The operator signs with this key (test/support/operator-process.ts); the test's own calls with another. */
const OPERATOR_KEY = 'testing';

let emulator: Emulator;
let world: World;
let ns: string;
let operator: OperatorProcess;
let rule: Fault;
let recorder: CallRateRecorder;
let rates: CategoryRate[] = [];
let convergedInMs = 0;
const stalled = new Map<string, string>();

interface Obj {
  kind: string;
  metadata: { name: string; generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

beforeAll(async () => {
  console.log(`[reliability-throttle] seed ${SEED} (replay with ECS_OPERATOR_THROTTLE_SEED=${SEED})`);
  emulator = await startEmulator();
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  ns = await createNamespace('e2e-throttle');
  const items: object[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const name = `storm-${shortId()}-${i}`;
    items.push(taskDefinitionManifest(name, { containerName: 'app' }), serviceManifest(world, name, { desiredCount: 1, launchType: 'FARGATE' }));
  }
  const res = await kubectl(['apply', '--server-side', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  expect(res.code, res.stderr).toBe(0);
  rule = await emulator.control.addFault({ operation: '*', service: 'ecs', accessKeyId: OPERATOR_KEY, kind: 'throttle', probability: THROTTLED_SHARE, seed: SEED });
  const started = Date.now();
  operator = await startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, logLevel: 'info', extraArgs: [`--cluster-id=${world.clusterId}`] });
  recorder = new CallRateRecorder(operator.metricsUrl);
  await recorder.start();
  await converge();
  convergedInMs = Date.now() - started;
  rates = await recorder.stop();
  console.log(`[reliability-throttle] ${SERVICES} services converged in ${(convergedInMs / 1000).toFixed(1)} s with ${THROTTLED_SHARE * 100}% of ECS calls throttled; ECS call rates:\n${formatRates(rates)}`);
}, CONVERGE_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  await emulator?.stop();
});

async function objects(): Promise<Obj[]> {
  const res = await kubectl(['get', 'ecstaskdefinitions,ecsservices', '-o', 'json'], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { items: Obj[] }).items;
}

const ready = (o: Obj) => o.status?.observedGeneration === o.metadata.generation && o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** Until every object is Ready, noting any Stalled=True seen on the way. */
async function converge(): Promise<void> {
  const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
  for (;;) {
    const all = await objects();
    for (const o of all) {
      const s = o.status?.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
      if (s) stalled.set(`${o.kind}/${o.metadata.name}`, `${s.reason ?? ''}: ${s.message ?? ''}`);
    }
    const notReady = all.filter((o) => !ready(o));
    if (all.length === 2 * SERVICES && notReady.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `seed ${SEED}: ${notReady.length} of ${all.length} objects not Ready after ${CONVERGE_TIMEOUT_MS / 1000}s, e.g. ${notReady
          .slice(0, 3)
          .map((o) => `${o.kind}/${o.metadata.name}: ${JSON.stringify(o.status?.conditions)}`)
          .join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The sum of the operator's `name` series that carry `labels`, from its /metrics. */
async function operatorMetric(name: string, labels: Record<string, string>): Promise<number> {
  return total((await scrape(operator.metricsUrl, name)).filter(labelled(labels)));
}

describe(`${SERVICES} services while ${THROTTLED_SHARE * 100}% of ECS calls are throttled`, () => {
  it('all converge, and no object ever shows a terminal condition', async () => {
    expect(convergedInMs).toBeGreaterThan(0);
    expect(Object.fromEntries(stalled)).toEqual({});
    expect(await operatorMetric('ecs_operator_reconcile_total', { outcome: 'terminal_error' })).toBe(0);
  });

  it('sees every throttle the emulator injected as a retried attempt in its /metrics', async () => {
    const throttledSeen = () => operatorMetric('ecs_operator_aws_api_calls_total', { service: 'ecs', outcome: 'throttled' });
    // An injection is counted by the operator when its answer arrives: read the operator's count
    // before and after the emulator's to bracket it.
    const before = await throttledSeen();
    const injected = (await emulator.control.state()).faults.find((f) => f.id === rule.id)?.injected ?? -1;
    await new Promise((r) => setTimeout(r, 500));
    const after = await throttledSeen();
    console.log(`[reliability-throttle] the emulator throttled ${injected} ECS calls; the operator counted ${before}..${after} throttled attempts`);
    expect(injected).toBeGreaterThan(SERVICES);
    expect(injected).toBeGreaterThanOrEqual(before);
    expect(injected).toBeLessThanOrEqual(after);
  });

  it("keeps the operator's own ECS call rate within ECS's documented burst and sustained rates", () => {
    const over = rates.filter((r) => r.calls > 0 && (r.peakPerSecond > r.burst || r.lowestTokens < 0));
    expect(
      over.map((r) => `${r.category}: peak ${r.peakPerSecond.toFixed(1)}/s (burst ${r.burst}), bucket fell to ${r.lowestTokens.toFixed(1)} (sustained ${r.sustained}/s)`),
      `seed ${SEED}\n${formatRates(rates)}`,
    ).toEqual([]);
  });
});
