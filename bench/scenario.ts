// One benchmark scenario from a fresh apiserver and emulator to its figures: set up accounts,
// namespaces and objects, start the replicas, and run each measurement the scenario asks for.
import { shardOfNamespace } from '../src/controller/shard-ownership.js';
import { apiserverRequests, requestsBetween } from './apiserver.js';
import { createEventsQueue } from './events-queue.js';
import { isValue, measure, na, NOT_ASKED, of, type Figure } from './figure.js';
import type { Features } from './features.js';
import { accountObject, namespaceObject, namespaceOf, placements, serviceObjects, type Placement } from './manifests.js';
import { converge, type Convergence } from './measure/converge.js';
import { driftLatency, type DriftLatency } from './measure/drift.js';
import { perAccountReadyP99, perAccountReconcileP99, reconcileLatency, type ReconcileLatency } from './measure/latency.js';
import { OperatorMetrics } from './measure/operator-metrics.js';
import { resources, type Resources } from './measure/resources.js';
import { resyncReads, windowReads, type ResyncReads, type WindowReads } from './measure/steady.js';
import { takeover, type Takeover } from './measure/takeover.js';
import { LEASE_NAMESPACE, startReplicas, stopReplicas, type Replica, type ReplicaOptions } from './replicas.js';
import { startStack, throttleSupport, type Stack } from './stack.js';
import { sleep } from './stats.js';
import { ServiceWatch } from './watch.js';
import { accountForOperator, BENCH_CREDENTIALS, createAccountWorld, type AccountWorld } from './world.js';

export interface ScenarioOptions {
  label: string;
  services: number;
  accounts: number;
  namespaces: number;
  replicas: number;
  shards: number;
  throttle: boolean;
  /** The replicas follow an events queue from the start. */
  eventsQueue: boolean;
  /** After the main measurements, restart the operator with an events queue (its one-hour default
   * resync) on the converged objects and measure steady reads and drift latency again. */
  queuePhase: boolean;
  resync: string;
  concurrency: number;
  timeoutMs: number;
  steadyResync: boolean;
  steadyWindowMs: number;
  drift: { changes: number } | undefined;
  kill: 'converged' | 'midway' | 'none';
}

/** What the operator did once restarted with an events queue on the converged objects. */
export interface QueuePhase {
  windowReads: Figure<WindowReads>;
  drift: Figure<DriftLatency>;
  resources: Figure<Resources>;
}

export interface ScenarioFigures {
  label: string;
  services: number;
  /** What the scenario ran with, or why a requested feature was left out. */
  setup: {
    throttling: Figure<boolean>;
    pacing: boolean;
    eventsQueue: Figure<string>;
    accounts: Figure<number>;
    namespaces: number;
    replicas: number;
    shards: Figure<number>;
    resync: string;
  };
  converge: Figure<Convergence>;
  reconcileLatency: Figure<ReconcileLatency>;
  perAccountReconcileP99Ms: Figure<Record<string, number>>;
  perAccountReadyP99Seconds: Figure<Record<string, number>>;
  resyncReads: Figure<ResyncReads>;
  drift: Figure<DriftLatency>;
  takeover: Figure<Takeover>;
  resources: Figure<Resources>;
  /**
   * The operator restarted on the converged objects (what an upgrade does): its start pass, which
   * looks at every object at once, and one resync. Only where the steady state is measured.
   */
  restartResources: Figure<Resources>;
  /** All, and the kinds of request made most (the bench's own watch among them). */
  apiserverRequestsByOperator: Figure<{ total: number; top: Record<string, number> }>;
  /** Calls the emulator answered with ThrottlingException (every SDK attempt counts), whole run. */
  throttledCalls: Figure<number>;
  queuePhase: Figure<QueuePhase>;
}

/** The operator's resync period when none is given (src/controller/controller.ts). */
const DEFAULT_RESYNC = '5m';

/** A started operator reconciles every object once: waits until it has reconciled every service and
 * task definition (under throttling the task definitions' reads can trail the services'). */
async function startPass(metrics: OperatorMetrics, services: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const done = async (controller: string): Promise<boolean> => (await metrics.total('ecs_operator_reconcile_total', (l) => l.controller === controller)) >= services;
  while (!((await done('ecsservice')) && (await done('ecstaskdefinition'))) && Date.now() - started < timeoutMs) await sleep(1000);
}

/** Accounts 100000000001, 100000000002, ...: keys of AWS's form act in them on the emulator. */
const FIRST_ACCOUNT = 100000000001;

function durationMs(d: string): number {
  const m = d.match(/^(\d+(?:\.\d+)?)(ms|s|m|h)$/);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

interface Accounts {
  figure: Figure<number>;
  worlds: AccountWorld[];
  mapped: boolean;
}

/** One world per account (mapped through EcsAccount) or, without the kind, one for the operator's own identity. */
async function setUpAccounts(stack: Stack, o: ScenarioOptions, features: Features, spread: readonly Placement[]): Promise<Accounts> {
  const mapped = o.accounts > 1 && features.accounts;
  const worlds: AccountWorld[] = [];
  for (let a = 0; a < (mapped ? o.accounts : 1); a++) {
    const identity = mapped ? await accountForOperator(stack.emulator.endpoint, String(FIRST_ACCOUNT + a)) : { credentials: BENCH_CREDENTIALS };
    worlds.push(await createAccountWorld(stack.emulator.endpoint, identity));
  }
  await stack.apply(spread.map((p) => namespaceObject(p.namespace)).concat(o.replicas > 1 || o.shards > 1 ? [namespaceObject(LEASE_NAMESPACE)] : []));
  if (mapped) await stack.apply(worlds.map((w, a) => accountObject(a, w, spread.filter((p) => p.account === a).map((p) => p.namespace))));
  const figure: Figure<number> = o.accounts === 1 ? of(1) : mapped ? of(o.accounts) : na(`no EcsAccount kind in this build: ${o.accounts} accounts' namespaces run under the operator's own identity`);
  return { figure, worlds, mapped };
}

export async function runScenario(o: ScenarioOptions, features: Features, log: (msg: string) => void): Promise<ScenarioFigures> {
  const throttleOk = throttleSupport();
  const throttling: Figure<boolean> = !o.throttle ? of(false) : throttleOk.ok ? of(true) : na(throttleOk.why);
  const shards: Figure<number> = o.shards === 1 ? of(1) : features.shards ? of(o.shards) : na(`no --shards in this build: ${o.replicas} replicas elect one leader`);
  const shardCount = isValue(shards) ? shards.value : 1;
  const shardOf = (ns: string): number => shardOfNamespace(ns, shardCount);
  const spread = placements(o.namespaces, o.accounts, shardCount, shardOf);
  const namespaces = spread.map((p) => p.namespace);
  const stack = await startStack({ throttle: o.throttle });
  let replicas: Replica[] = [];
  let watch: ServiceWatch | undefined;
  try {
    const accounts = await setUpAccounts(stack, o, features, spread);
    const worldOf = (account: number): AccountWorld => accounts.worlds[accounts.mapped ? account : 0] ?? (accounts.worlds[0] as AccountWorld);
    const queue = async (): Promise<Figure<string>> =>
      features.eventsQueue ? measure('creating the events queue', async () => of(await createEventsQueue(stack.emulator.endpoint))) : na('no --events-queue in this build');
    const eventsQueue: Figure<string> = o.eventsQueue ? await queue() : na('off');

    const objects: object[] = [];
    for (let i = 0; i < o.services; i++) {
      const p = namespaceOf(i, spread);
      objects.push(...serviceObjects(i, p.namespace, worldOf(p.account)));
    }
    for (let i = 0; i < objects.length; i += 1000) await stack.apply(objects.slice(i, i + 1000));
    log(`${o.label}: ${o.services} services in ${o.namespaces} namespace(s) applied; starting ${o.replicas} replica(s)`);

    const w = (watch = await ServiceWatch.start(stack.cp.kubeconfig));
    const apiBefore = await apiserverRequests(stack.kubectl);
    const pacing = isValue(throttling) && throttling.value;
    const replicaOptions: ReplicaOptions = {
      kubeconfig: stack.cp.kubeconfig,
      awsEndpoint: stack.emulator.endpoint,
      namespaces,
      replicas: o.replicas,
      shards: shardCount,
      // Converging under AWS's limits takes many minutes: a short resync meanwhile would add its
      // reads to the calls per service, so the operator converges at its default period.
      resync: isValue(eventsQueue) ? '1h' : DEFAULT_RESYNC,
      concurrency: o.concurrency,
      clusterId: 'bench',
      pace: pacing,
      eventsQueueUrl: isValue(eventsQueue) ? eventsQueue.value : undefined,
    };
    const startedAt = Date.now();
    replicas = await startReplicas(replicaOptions);
    const metrics = new OperatorMetrics(replicas);
    const takeoverOf = (): Promise<Figure<Takeover>> =>
      measure('take-over', () =>
        takeover({ kubectl: stack.kubectl, watch: w, replicas, namespaces, serviceIn: (ns) => `svc-${namespaces.indexOf(ns)}`, shardOf: shardCount > 1 ? shardOf : undefined, timeoutMs: 5 * 60_000 }),
      );

    let takeoverFigure: Promise<Figure<Takeover>> = Promise.resolve(na(NOT_ASKED));
    if (o.kill === 'midway' && o.replicas > 1) {
      const off = w.onChange(() => {
        if (w.readyCount() < o.services / 2) return;
        off();
        log(`${o.label}: half the services Ready; killing a replica`);
        takeoverFigure = takeoverOf();
      });
    }
    const convergence = await measure('converge', () =>
      converge({ watch: w, metrics, replicas, services: o.services, startedAt, timeoutMs: o.timeoutMs, onProgress: (ready) => log(`${o.label}: ${ready}/${o.services} Ready after ${Math.round((Date.now() - startedAt) / 1000)} s`) }),
    );
    log(`${o.label}: converged: ${JSON.stringify(isValue(convergence) ? { seconds: convergence.value.seconds, callsPerService: convergence.value.callsPerService } : convergence)}`);
    const convergedTexts = await metrics.scrape();
    const accountName = (ns: string): string => `account-${spread.find((p) => p.namespace === ns)?.account ?? '?'}`;
    const perAccountReadyP99Seconds = o.accounts > 1 ? perAccountReadyP99(w, accountName, startedAt) : na(NOT_ASKED);
    if (o.kill === 'converged' && o.replicas > 1 && isValue(convergence)) {
      log(`${o.label}: killing the busiest replica`);
      takeoverFigure = takeoverOf();
    }
    const takeoverResult = await takeoverFigure;

    // The process that converged: its peak memory and CPU, before any restart.
    const res = resources(replicas, await metrics.scrape());
    const apiAfter = await apiserverRequests(stack.kubectl);

    // Steady state without a queue: the operator restarted with the short --resync, its start
    // pass let by, then one resync counted (and the drift latency at that period).
    let resyncFigure: Figure<ResyncReads> = na(NOT_ASKED);
    let restartRes: Figure<Resources> = na(NOT_ASKED);
    let steadyMetrics = metrics;
    if (o.steadyResync && !isValue(convergence)) resyncFigure = restartRes = na('did not converge');
    else if (o.steadyResync) {
      log(`${o.label}: restarting the operator with --resync-period ${o.resync} for the steady state`);
      await stopReplicas(replicas);
      replicas = await startReplicas({ ...replicaOptions, resync: o.resync });
      replicaOptions.resync = o.resync;
      steadyMetrics = new OperatorMetrics(replicas);
      await startPass(steadyMetrics, o.services, o.timeoutMs);
      resyncFigure = await measure('steady resync reads', () => resyncReads({ metrics: steadyMetrics, services: o.services, resyncMs: durationMs(o.resync), defaultResyncMinutes: 5 }));
      restartRes = resources(replicas, await steadyMetrics.scrape());
    }

    // Drift in the first namespace (services svc-0, svc-<namespaces>, ...), in the first account.
    const inFirst = Math.ceil(o.services / o.namespaces);
    const driftIn = (offset: number, timeoutMs: number) => (): Promise<Figure<DriftLatency>> =>
      driftLatency({ watch: w, endpoint: stack.emulator.endpoint, cluster: worldOf(0).cluster, namespace: namespaces[0] ?? '', services: inFirst, offset, changes: o.drift?.changes ?? 0, spacingMs: 200, timeoutMs, serviceName: (i) => `svc-${i * o.namespaces}` });
    let drift: Figure<DriftLatency> = na(NOT_ASKED);
    if (o.drift && accounts.mapped) drift = na('measured in the single-account run');
    else if (o.drift && !isValue(convergence)) drift = na('did not converge');
    else if (o.drift) {
      log(`${o.label}: ${o.drift.changes} out-of-band changes`);
      drift = await measure('drift latency', driftIn(0, isValue(eventsQueue) ? 120_000 : 2 * durationMs(replicaOptions.resync) + 60_000));
    }


    let queuePhase: Figure<QueuePhase> = na(NOT_ASKED);
    if (o.queuePhase && !isValue(convergence)) queuePhase = na('did not converge');
    else if (o.queuePhase) {
      const url = await queue();
      if (!isValue(url)) queuePhase = url;
      else {
        log(`${o.label}: restarting the operator with the events queue`);
        await stopReplicas(replicas);
        replicas = await startReplicas({ ...replicaOptions, resync: '1h', eventsQueueUrl: url.value });
        const qMetrics = new OperatorMetrics(replicas);
        await startPass(qMetrics, o.services, o.timeoutMs);
        const windowFigure = await measure('steady window reads', () =>
          windowReads({ metrics: qMetrics, services: o.services, windowMs: o.steadyWindowMs, resyncReadsPerService: isValue(resyncFigure) ? resyncFigure.value.readsPerServicePerResync : undefined, resyncMinutes: 60 }),
        );
        const queueDrift = o.drift ? await measure('drift latency with the events queue', driftIn(1, 120_000)) : na(NOT_ASKED);
        queuePhase = of({ windowReads: windowFigure, drift: queueDrift, resources: resources(replicas, await qMetrics.scrape()) });
      }
    }
    return {
      label: o.label,
      services: o.services,
      setup: { throttling, pacing, eventsQueue, accounts: accounts.figure, namespaces: o.namespaces, replicas: o.replicas, shards, resync: replicaOptions.resync },
      converge: convergence,
      reconcileLatency: reconcileLatency(convergedTexts),
      perAccountReconcileP99Ms: o.accounts > 1 ? perAccountReconcileP99(convergedTexts) : na(NOT_ASKED),
      perAccountReadyP99Seconds,
      resyncReads: resyncFigure,
      drift,
      takeover: takeoverResult,
      resources: res,
      restartResources: restartRes,
      // The bench's own requests (its watch and the two /metrics reads) are not the operator's.
      apiserverRequestsByOperator: isValue(apiBefore) && isValue(apiAfter) ? of(requestsBetween(apiBefore.value, apiAfter.value, w.requests + 2)) : na('apiserver /metrics unreadable'),
      throttledCalls: isValue(throttling) && throttling.value ? await measure('throttled calls', async () => of((await stack.emulator.control.state()).throttle.throttled)) : na(NOT_ASKED),
      queuePhase,
    };
  } finally {
    watch?.stop();
    await stopReplicas(replicas).catch(() => undefined);
    await stack.stop();
  }
}
