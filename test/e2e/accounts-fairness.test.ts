// Fairness between accounts, end to end (issue 22: "30% throttling on one account, the other two
// converge in the same time as without it, within 20%"). Three AWS accounts in the emulator, each
// with a role the operator assumes, three namespaces mapped to them by EcsAccounts, and SERVICES
// EcsServices (each with its EcsTaskDefinition) per account. The same operator settings converge
// them three times, each time new objects from a fresh operator process: with no faults, then while
// the emulator throttles 30% of the first account's ECS calls (a seeded fault rule scoped to that
// account), then with no faults again. The baseline is the mean of the two fault-free runs, before
// and after, so that a machine whose load drifts during the test does not decide the comparison.
// The figure is what a user sees: the time from
// `kubectl apply` until `kubectl wait --for=condition=Ready` returns for all of an account's
// services. Each account has its own request budget (ECS's documented buckets: 100
// RegisterTaskDefinition calls take a minute and more) and its own share of the work queue, so
// the throttled account's retries spend neither the others' budget nor their workers.
// Uses an emulator of its own: the throttling would otherwise reach suites sharing it, and their
// load would blur the comparison.
import { ListServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../../src/api/index.js';
import { accountCredentials, roleAdmin, startEmulator, trustPolicy, type Emulator } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl, uniqueName } from '../support/env.js';
import { seedFrom } from '../support/faults.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, samples, total } from '../support/metrics.js';
import { startOperator } from '../support/operator-process.js';

const SERVICES = Number(process.env.ECS_OPERATOR_FAIRNESS_SERVICES ?? 40);
const THROTTLED_SHARE = 0.3;
const SEED = seedFrom('ECS_OPERATOR_FAIRNESS_SEED');
/** The issue's bound: the others' convergence with one account throttled, against the baseline. */
const MAX_SLOWDOWN = 1.2;
const CONVERGE_TIMEOUT_S = 300;
/** The operator signs as itself in moto's default account; the roles trust that account. */
const OPERATOR_ACCOUNT = '123456789012';
const ACCOUNTS = ['210000000001', '210000000002', '210000000003'] as const;
const THROTTLED = ACCOUNTS[0];

interface Account {
  id: string;
  world: World;
  roleArn: string;
  /** EcsAccount object name (cluster-scoped: unique in the shared apiserver). */
  mapping: string;
  /** The namespace of each run. */
  namespaces: Record<Run, string>;
}

const RUNS = ['calm', 'storm', 'calm2'] as const;
type Run = (typeof RUNS)[number];

let emulator: Emulator;
const accounts: Account[] = [];
const clusterId = `fair-${shortId()}`;
/** Seconds until each account's services were all Ready, per run. */
const converged: Record<Run, Map<string, number>> = { calm: new Map(), storm: new Map(), calm2: new Map() };
/** Seconds without faults: the mean of the runs before and after the throttled one. */
const baseline = (id: string) => ((converged.calm.get(id) ?? NaN) + (converged.calm2.get(id) ?? NaN)) / 2;
let injected = 0;
/** The operator's /metrics and log at the end of each run. */
const seen: Partial<Record<Run, { metrics: string; logs: string }>> = {};

beforeAll(async () => {
  console.log(`[accounts-fairness] seed ${SEED} (replay with ECS_OPERATOR_FAIRNESS_SEED=${SEED}), ${SERVICES} services per account`);
  emulator = await startEmulator();
  for (const id of ACCOUNTS) {
    const roleArn = await roleAdmin(emulator.endpoint, id).createRole('ecs-operator', trustPolicy(OPERATOR_ACCOUNT));
    const world = await createWorld(emulator.endpoint, { accessKeyId: accountCredentials(id).accessKeyId });
    const namespaces = { calm: await createNamespace('e2e-fair-calm'), storm: await createNamespace('e2e-fair-storm'), calm2: await createNamespace('e2e-fair-calm') };
    accounts.push({ id, world, roleArn, mapping: uniqueName('e2e-fair'), namespaces });
  }
  const mappings = accounts.map((a) => ({
    apiVersion: API_VERSION,
    kind: 'EcsAccount',
    metadata: { name: a.mapping },
    spec: { roleArn: a.roleArn, namespaces: RUNS.map((run) => a.namespaces[run]) },
  }));
  const res = await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: mappings }) });
  if (res.code !== 0) throw new Error(`applying the EcsAccounts failed: ${res.stderr}`);

  await converge('calm');
  const rule = await emulator.control.addFault({ operation: '*', service: 'ecs', kind: 'throttle', account: THROTTLED, probability: THROTTLED_SHARE, seed: SEED });
  try {
    await converge('storm');
  } finally {
    injected = (await emulator.control.state()).faults.find((f) => f.id === rule.id)?.injected ?? 0;
    await emulator.control.clearFaults(rule.id);
  }
  await converge('calm2');
  const rows = accounts.map((a) => {
    const [calm, storm, calm2] = RUNS.map((run) => converged[run].get(a.id) ?? NaN);
    return `  account ${a.id}${a.id === THROTTLED ? ` (${THROTTLED_SHARE * 100}% of its ECS calls throttled)` : ''}: ${calm!.toFixed(1)} s and ${calm2!.toFixed(1)} s without faults, ${storm!.toFixed(1)} s with (x${(storm! / baseline(a.id)).toFixed(2)} their mean)`;
  });
  console.log(`[accounts-fairness] ${SERVICES} services per account converged (the emulator throttled ${injected} calls):\n${rows.join('\n')}`);
}, RUNS.length * CONVERGE_TIMEOUT_S * 1000 + 180_000);

afterAll(async () => {
  if (accounts.length > 0) await kubectl(['delete', 'ecsaccount', ...accounts.map((a) => a.mapping), '--ignore-not-found', '--wait=false']);
  for (const a of accounts) a.world.destroy();
  await emulator?.stop();
});

/** Every account's task definitions and services, interleaved so that no account is applied first. */
function manifests(run: Run): object[] {
  const items: object[] = [];
  for (let i = 0; i < SERVICES; i++) {
    for (const a of accounts) {
      const name = `${run}-${i}`;
      const namespace = a.namespaces[run];
      const td = taskDefinitionManifest(name, { containerName: 'app' });
      const svc = serviceManifest(a.world, name, { desiredCount: 1, launchType: 'FARGATE' });
      items.push({ ...td, metadata: { ...td.metadata, namespace } }, { ...svc, metadata: { ...svc.metadata, namespace } });
    }
  }
  return items;
}

/** Starts a fresh operator, applies the run's objects and times each account until kubectl sees all its services Ready. */
async function converge(run: Run): Promise<void> {
  const operator = await startOperator({
    namespaces: accounts.map((a) => a.namespaces[run]),
    awsEndpoint: emulator.endpoint,
    logLevel: 'info',
    resyncPeriod: '5m',
    extraArgs: [`--cluster-id=${clusterId}`],
  });
  try {
    const started = performance.now();
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests(run) }) });
    if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
    await Promise.all(
      accounts.map(async (a) => {
        const res = await kubectl(['wait', '--for=condition=Ready', 'ecsservices', '--all', `--timeout=${CONVERGE_TIMEOUT_S}s`], { namespace: a.namespaces[run] });
        if (res.code !== 0) throw new Error(`${run}: the services of account ${a.id} were not all Ready in ${CONVERGE_TIMEOUT_S} s: ${res.stderr}\n${res.stdout}`);
        converged[run].set(a.id, (performance.now() - started) / 1000);
      }),
    );
    seen[run] = { metrics: await (await fetch(operator.metricsUrl)).text(), logs: operator.logs() };
  } finally {
    const code = await operator.stop();
    if (code !== 0) console.log(`[accounts-fairness] ${run}: the operator exited with ${code}; its log: ${operator.logFile}`);
  }
}

async function servicesIn(a: Account): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await a.world.aws.region().clients.ecs.send(new ListServicesCommand({ cluster: a.world.cluster, nextToken }));
    names.push(...(out.serviceArns ?? []).map((arn) => arn.slice(arn.lastIndexOf('/') + 1)));
    nextToken = out.nextToken;
  } while (nextToken);
  return names.sort();
}

describe(`three accounts, ${SERVICES} services each, one of them throttled`, () => {
  it("puts each account's services in that account only", async () => {
    const expected = RUNS.flatMap((run) => Array.from({ length: SERVICES }, (_, i) => `${run}-${i}`)).sort();
    for (const a of accounts) expect(await servicesIn(a), `account ${a.id}`).toEqual(expected);
  });

  it('throttled the account the fault names', () => {
    expect(injected).toBeGreaterThan(SERVICES / 2);
  });

  it(`converges the other accounts within ${MAX_SLOWDOWN}x the time they take without the throttling`, () => {
    for (const a of accounts.filter((x) => x.id !== THROTTLED)) {
      const storm = converged.storm.get(a.id) ?? NaN;
      expect(storm, `account ${a.id}: ${storm.toFixed(1)} s with another account throttled, ${baseline(a.id).toFixed(1)} s without (mean of two runs)`).toBeLessThanOrEqual(baseline(a.id) * MAX_SLOWDOWN);
    }
  });

  it("labels the operator's AWS calls and reconciles with their account: the throttling shows on the throttled account only", () => {
    const sum = (metric: string, labels: Record<string, string>) => total(samples(seen.storm?.metrics ?? '', metric).filter(labelled(labels)));
    for (const a of accounts) {
      const throttled = sum('ecs_operator_aws_api_calls_total', { account: a.id, outcome: 'throttled' });
      if (a.id === THROTTLED) expect(throttled, `account ${a.id}`).toBeGreaterThan(0);
      else expect(throttled, `account ${a.id}`).toBe(0);
      expect(sum('ecs_operator_aws_api_calls_total', { account: a.id, operation: 'CreateService', outcome: 'success' }), `account ${a.id}`).toBe(SERVICES);
      expect(sum('ecs_operator_reconcile_total', { account: a.id, controller: 'ecsservice' }), `account ${a.id}`).toBeGreaterThanOrEqual(SERVICES);
    }
  });

  it("names the account on every line of a reconcile's log, the account its namespace is mapped to", () => {
    const accountOf = new Map(accounts.map((a) => [a.namespaces.storm, a.id]));
    const lines = (seen.storm?.logs ?? '')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { key?: string; account?: string; msg?: string });
    const ofReconciles = lines.filter((l) => l.key !== undefined && accountOf.has(l.key.split('/')[0] ?? ''));
    expect(ofReconciles.filter((l) => l.msg === 'AWS write').length).toBeGreaterThanOrEqual(2 * SERVICES * accounts.length);
    expect(ofReconciles.filter((l) => l.account !== accountOf.get(l.key?.split('/')[0] ?? ''))).toEqual([]);
  });
});
