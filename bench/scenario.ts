// One benchmark scenario from a fresh apiserver and emulator to its figures: set up accounts,
// namespaces and objects, start the replicas, and run each measurement the scenario asks for.
import { createEventsQueue } from './events-queue.js';
import { isValue, measure, na, NOT_ASKED, of, type Figure } from './figure.js';
import type { Features } from './features.js';
import { accountObject, namespaceObject, namespaceOf, placements, serviceObjects } from './manifests.js';
import { converge, type Convergence } from './measure/converge.js';
import { driftLatency, type DriftLatency } from './measure/drift.js';
import { perAccountReadyP99, perAccountReconcileP99, reconcileLatency, type ReconcileLatency } from './measure/latency.js';
import { OperatorMetrics } from './measure/operator-metrics.js';
import { resources, type Resources } from './measure/resources.js';
import { resyncReads, windowReads, type ResyncReads, type WindowReads } from './measure/steady.js';
import { takeover, type Takeover } from './measure/takeover.js';
import { LEASE_NAMESPACE, startReplicas, stopReplicas, type Replica } from './replicas.js';
import { apiserverRequests } from './apiserver.js';
import { startStack, throttleSupport } from './stack.js';
import { shardOfNamespace } from '../src/controller/shard-ownership.js';
import { ServiceWatch } from './watch.js';
import { assumeAccountRole, BENCH_CREDENTIALS, createAccountWorld, type AccountWorld } from './world.js';

export interface ScenarioOptions {
  label: string;
  services: number;
  accounts: number;
  namespaces: number;
  replicas: number;
  shards: number;
  throttle: boolean;
  eventsQueue: boolean;
  resync: string;
  concurrency: number;
  timeoutMs: number;
  steady: 'resync' | 'window' | 'none';
  steadyWindowMs: number;
  /** Reads per service per resync from an earlier scenario, for the long resync's share with a queue. */
  resyncReadsPerService?: number;
  drift: { changes: number } | undefined;
  kill: 'converged' | 'midway' | 'none';
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
  windowReads: Figure<WindowReads>;
  drift: Figure<DriftLatency>;
  takeover: Figure<Takeover>;
  resources: Figure<Resources>;
  apiserverRequestsByOperator: Figure<number>;
}

const FIRST_ACCOUNT = 100000000001;

function durationMs(d: string): number {
  const m = d.match(/^(\d+(?:\.\d+)?)(ms|s|m|h)$/);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export async function runScenario(o: ScenarioOptions, features: Features, log: (msg: string) => void): Promise<ScenarioFigures> {
  const throttleOk = throttleSupport();
  const throttling: Figure<boolean> = !o.throttle ? of(false) : throttleOk.ok ? of(true) : na(throttleOk.why);
  const stack = await startStack({ throttle: o.throttle });
  const replicas: Replica[] = [];
  let watch: ServiceWatch | undefined;
  try {
    // Accounts: a role per account, assumed through the emulator's STS, mapped to its namespaces.
    const shards: Figure<number> = o.shards === 1 ? of(1) : features.shards ? of(o.shards) : na(`no --shards in this build: ${o.replicas} replicas elect one leader`);
    const shardCount = isValue(shards) ? shards.value : 1;
    const shardOf = (ns: string): number => shardOfNamespace(ns, shardCount);
    const spread = placements(o.namespaces, o.accounts, shardCount, shardOf);
    const mapped = o.accounts > 1 && features.accounts;
    const accounts: Figure<number> = o.accounts === 1 ? of(1) : mapped ? of(o.accounts) : na(`no EcsAccount kind in this build: ${o.accounts} accounts' namespaces run under the operator's own identity`);
    const worlds: AccountWorld[] = [];
    for (let a = 0; a < (mapped ? o.accounts : 1); a++) {
      const identity = mapped ? { accountId: String(FIRST_ACCOUNT + a), ...(await assumeAccountRole(stack.emulator.endpoint, String(FIRST_ACCOUNT + a))) } : { credentials: BENCH_CREDENTIALS };
      worlds.push(await createAccountWorld(stack.emulator.endpoint, identity));
    }
    const worldOf = (account: number): AccountWorld => worlds[mapped ? account : 0] ?? (worlds[0] as AccountWorld);

    let eventsQueue: Figure<string> = na('off');
    if (o.eventsQueue) eventsQueue = features.eventsQueue ? await measure('creating the events queue', async () => of(await createEventsQueue(stack.emulator.endpoint))) : na('no --events-queue in this build');

    const setupObjects: object[] = spread.map((p) => namespaceObject(p.namespace));
    if (o.replicas > 1 || shardCount > 1) setupObjects.push(namespaceObject(LEASE_NAMESPACE));
    await stack.apply(setupObjects);
    if (mapped) await stack.apply(worlds.map((w, a) => accountObject(a, w, spread.filter((p) => p.account === a).map((p) => p.namespace))));
    const objects: object[] = [];
    for (let i = 0; i < o.services; i++) {
      const p = namespaceOf(i, spread);
      objects.push(...serviceObjects(i, p.namespace, worldOf(p.account)));
    }
    for (let i = 0; i < objects.length; i += 1000) await stack.apply(objects.slice(i, i + 1000));
    log(`${o.label}: ${o.services} services in ${o.namespaces} namespace(s) applied; starting ${o.replicas} replica(s)`);

    watch = await ServiceWatch.start(stack.cp.kubeconfig);
    const apiBefore = await apiserverRequests(stack.kubectl);
    const pacing = isValue(throttling) && throttling.value;
    const resync = o.eventsQueue && isValue(eventsQueue) ? '1h' : o.resync;
    const startedAt = Date.now();
    replicas.push(
      ...(await startReplicas({
        kubeconfig: stack.cp.kubeconfig,
        awsEndpoint: stack.emulator.endpoint,
        namespaces: spread.map((p) => p.namespace),
        replicas: o.replicas,
        shards: shardCount,
        resync,
        concurrency: o.concurrency,
        clusterId: 'bench',
        pace: pacing,
        eventsQueueUrl: isValue(eventsQueue) ? eventsQueue.value : undefined,
      })),
    );
    const metrics = new OperatorMetrics(replicas);
    const w = watch;
    const kubectl = stack.kubectl;
    const firstService = (ns: string): string => `svc-${spread.findIndex((p) => p.namespace === ns)}`;
    const shardOfNs = shardCount > 1 ? shardOf : undefined;
    const takeoverOf = (): Promise<Figure<Takeover>> =>
      measure('take-over', () => takeover({ kubectl, watch: w, replicas, namespaces: spread.map((p) => p.namespace), serviceIn: firstService, shardOf: shardOfNs, timeoutMs: 5 * 60_000 }));

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
    const readyTexts = await metrics.scrape();
    const accountName = (ns: string): string => `account-${spread.find((p) => p.namespace === ns)?.account ?? '?'}`;
    const perAccountReadyP99Seconds = perAccountReadyP99(w, accountName, startedAt);
    if (o.kill === 'converged' && o.replicas > 1 && isValue(convergence)) {
      log(`${o.label}: killing the busiest replica`);
      takeoverFigure = takeoverOf();
    }
    const takeoverResult = await takeoverFigure;

    const resyncFigure: Figure<ResyncReads> =
      o.steady !== 'resync' ? na(NOT_ASKED) : isValue(convergence) ? await measure('steady resync reads', () => resyncReads({ metrics, services: o.services, resyncMs: durationMs(o.resync), defaultResyncMinutes: 5 })) : na('did not converge');
    const windowFigure: Figure<WindowReads> =
      o.steady !== 'window' ? na(NOT_ASKED) : !isValue(eventsQueue) ? na(`events queue: ${eventsQueue.na}`) : isValue(convergence) ? await measure('steady window reads', () => windowReads({ metrics, services: o.services, windowMs: o.steadyWindowMs, resyncReadsPerService: o.resyncReadsPerService, resyncMinutes: 60 })) : na('did not converge');

    let drift: Figure<DriftLatency> = na(NOT_ASKED);
    if (o.drift && o.eventsQueue && !isValue(eventsQueue)) drift = na(`events queue: ${eventsQueue.na}`);
    else if (o.drift && mapped) drift = na('measured in the single-account run');
    else if (o.drift && isValue(convergence)) {
      const ns = spread[0]?.namespace ?? '';
      const inNs = Math.ceil(o.services / o.namespaces);
      const driftTimeout = o.eventsQueue ? 120_000 : 2 * durationMs(resync) + 60_000;
      log(`${o.label}: ${o.drift.changes} out-of-band changes`);
      drift = await measure('drift latency', () => driftLatency({ watch: w, endpoint: stack.emulator.endpoint, cluster: worldOf(0).cluster, namespace: ns, services: inNs, changes: o.drift?.changes ?? 50, spacingMs: 200, timeoutMs: driftTimeout, serviceName: (i) => `svc-${i * o.namespaces}` }));
    }

    const texts = await metrics.scrape();
    const res = resources(replicas, texts);
    const apiAfter = await apiserverRequests(stack.kubectl);
    return {
      label: o.label,
      services: o.services,
      setup: { throttling, pacing, eventsQueue, accounts, namespaces: o.namespaces, replicas: o.replicas, shards, resync },
      converge: convergence,
      reconcileLatency: reconcileLatency(readyTexts),
      perAccountReconcileP99Ms: o.accounts > 1 ? perAccountReconcileP99(readyTexts) : na(NOT_ASKED),
      perAccountReadyP99Seconds: o.accounts > 1 ? perAccountReadyP99Seconds : na(NOT_ASKED),
      resyncReads: resyncFigure,
      windowReads: windowFigure,
      drift,
      takeover: takeoverResult,
      resources: res,
      // The bench's own requests (its watch, the two /metrics reads and kubectl calls) are not the operator's: roughly subtracted.
      apiserverRequestsByOperator: isValue(apiBefore) && isValue(apiAfter) ? of(apiAfter.value - apiBefore.value - w.requests - 2) : na('apiserver /metrics unreadable'),
    };
  } finally {
    watch?.stop();
    await stopReplicas(replicas).catch(() => undefined);
    await stack.stop();
  }
}
