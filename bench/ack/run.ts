// `npm run bench:ack -- --services N [--runs K]`: the same N task definitions + N services
// (Fargate, awsvpc, desired 1) converged into the AWS emulator by AWS Controllers for Kubernetes'
// ecs-controller (test/tools/ack/, pinned) and by this operator, each from a fresh kube-apiserver and
// emulator, in the same run. The emulator does not throttle and the operator does not pace (what
// ACK would do against real ECS cannot be shown without limits either way). Prints, side by side:
// time until all N services exist in ECS and until the controller says all are done (the
// operator's EcsService Ready; ACK's Service ACK.ResourceSynced, which it sets once a read after
// the create matches), AWS calls per service by operation (counted by the emulator, from the calls
// signed with each controller's own key), Kubernetes API writes per service (the apiserver's
// count), CPU seconds (user + system, /proc) at both points and peak resident memory (VmHWM).
// Asserts nothing.
import { Command } from 'commander';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startOperator, type OperatorProcess } from '../../test/support/operator-process.js';
import { namespaceObject, serviceObjects } from '../manifests.js';
import { cpuSeconds, peakRssMb } from '../measure/resources.js';
import { replicaArgs } from '../replicas.js';
import { deployedProcess, startStack, type Stack } from '../stack.js';
import { round, sleep } from '../stats.js';
import { BENCH_CREDENTIALS, createAccountWorld, REGION } from '../world.js';
import { ensureAck, startAck, type AckBuild } from './ack-process.js';
import { apiserverWrites, minus } from './apiserver-writes.js';
import { ConditionWatch } from './condition-watch.js';
import { ackServiceObjects } from './manifests.js';
import { callsByOperation, nthServiceCreatedAt, servicesInCluster } from './ecs-calls.js';
import { printProfileTop, profileTop } from './profile-top.js';

const opts = new Command()
  .option('--services <n>', 'services (each with its own task definition)', '100')
  .option('--runs <n>', 'repeat both contenders this many times', '1')
  .option('--only <who>', 'run one contender: ack or operator')
  .option('--ack-workers <n>', "ACK's --reconcile-default-max-concurrent-syncs (its default is 1)", '1')
  .option('--concurrency <n>', 'operator reconcile concurrency per kind (as bench/run.ts)', '16')
  .option('--resync-seconds <n>', 'resync period of both while converging', '300')
  .option('--cpu-prof <dir>', "profile the operator's convergence (V8 CPU profile, as node --cpu-prof) into this folder and print its top costs")
  .option('--timeout <minutes>', 'give up on a convergence after this long', '30')
  .option('--json <file>', 'also write the figures as JSON to this file')
  .parse(process.argv)
  .opts<{ services: string; runs: string; only?: string; ackWorkers: string; concurrency: string; resyncSeconds: string; cpuProf?: string; timeout: string; json?: string }>();

const services = Number(opts.services);
const timeoutMs = Number(opts.timeout) * 60_000;
const resyncSeconds = Number(opts.resyncSeconds);
const NAMESPACE = 'bench-0';
// Keys of no AWS form act in the bench's account (123456789012); the prefix names the caller.
const KEYS = { ack: 'ACKBENCHKEY', operator: 'OPERATORBENCHKEY' } as const;

type Who = keyof typeof KEYS;

interface Figures {
  who: Who;
  run: number;
  /** Until the N-th service was created in ECS (the emulator's journal), from the controller's start. */
  secondsToAllInEcs: number;
  /** Until every service's done condition (the operator's Ready, ACK's ACK.ResourceSynced) was True. */
  secondsToAllDone: number;
  callsPerService: number;
  callsPerServiceByOperation: Record<string, number>;
  /** User + system once started (the operator: /readyz answers; ACK: /readyz answers): the fixed cost. */
  cpuSecondsAtStart: number;
  /** User + system, from start until all N were seen in ECS (looked at every 2 s). */
  cpuSecondsToAllInEcs: number;
  /** Same, until all were done. */
  cpuSeconds: number;
  peakRssMb: number;
  /** Kubernetes API writes per service by `resource[/subresource] VERB` (its group and Events). */
  kubeWritesPerService: Record<string, number>;
  logFile: string;
}

const log = (msg: string): void => console.error(`bench:ack ${new Date().toISOString().slice(11, 19)}: ${msg}`);

interface Contender {
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Where each controller says a service is done. */
const DONE = {
  ack: { path: '/apis/ecs.services.k8s.aws/v1alpha1/services', condition: 'ACK.ResourceSynced' },
  operator: { path: '/apis/ecs.operator.dev/v1alpha1/ecsservices', condition: 'Ready' },
} as const;
const GROUP = { ack: 'ecs.services.k8s.aws', operator: 'ecs.operator.dev' } as const;

async function startContender(who: Who, stack: Stack, ack: AckBuild | undefined, profileDir: string | undefined): Promise<Contender> {
  if (who === 'ack') {
    if (!ack) throw new Error('ACK not built');
    const p = await startAck({ build: ack, kubeconfig: stack.cp.kubeconfig, awsEndpoint: stack.emulator.endpoint, region: REGION, namespace: NAMESPACE, accessKeyId: KEYS.ack, workers: Number(opts.ackWorkers), resyncSeconds });
    return { pid: p.pid, logFile: p.logFile, stop: () => p.stop() };
  }
  const replica = { kubeconfig: stack.cp.kubeconfig, awsEndpoint: stack.emulator.endpoint, namespaces: [NAMESPACE], replicas: 1, shards: 1, resync: `${resyncSeconds}s`, concurrency: Number(opts.concurrency), clusterId: 'bench', pace: false };
  const deployed = deployedProcess();
  const nodeOptions = [deployed.env.NODE_OPTIONS, ...(profileDir ? [`--import=${join(import.meta.dirname, 'cpu-profile-hook.mjs')}`] : [])].join(' ');
  // The bundle, as the image runs it; the tsc build when profiling, whose function names the bundle minifies.
  const p: OperatorProcess = await startOperator({
    namespaces: [NAMESPACE], kubeconfig: replica.kubeconfig, awsEndpoint: replica.awsEndpoint, resyncPeriod: replica.resync, logLevel: 'warn', entry: profileDir ? 'dist' : 'bundle', nodeArgs: deployed.nodeArgs,
    env: { ...deployed.env, NODE_OPTIONS: nodeOptions, AWS_ACCESS_KEY_ID: KEYS.operator, ...(profileDir ? { BENCH_CPU_PROF_DIR: profileDir } : {}) }, extraArgs: replicaArgs(replica, 'bench-replica-0'),
  });
  return { pid: p.pid, logFile: p.logFile, stop: async () => void (await p.stop()) };
}

async function converge(who: Who, run: number, ack: AckBuild | undefined): Promise<Figures> {
  const stack = await startStack({ throttle: false });
  let contender: Contender | undefined;
  let watch: ConditionWatch | undefined;
  try {
    if (ack) {
      await stack.kubectl(['apply', '--server-side', '-f', ack.crdDir]);
      await stack.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    }
    const world = await createAccountWorld(stack.emulator.endpoint, { credentials: BENCH_CREDENTIALS });
    await stack.apply([namespaceObject(NAMESPACE)]);
    await stack.emulator.control.startJournal(KEYS[who]);
    const objects: object[] = [];
    for (let i = 0; i < services; i++) objects.push(...(who === 'ack' ? ackServiceObjects(i, NAMESPACE, world) : serviceObjects(i, NAMESPACE, world)));
    for (let i = 0; i < objects.length; i += 1000) await stack.apply(objects.slice(i, i + 1000));
    const profileDir = who === 'operator' && opts.cpuProf ? resolve(opts.cpuProf, `run-${run}-${services}`) : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    log(`${who}, run ${run}: ${services} services applied; starting it (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);

    const writesBefore = await apiserverWrites(stack.kubectl, [GROUP[who]]);
    const done = (watch = await ConditionWatch.start(stack.cp.kubeconfig, DONE[who].path, DONE[who].condition));
    const startedAt = Date.now();
    contender = await startContender(who, stack, ack, profileDir);
    const c = contender;
    const cpuAtStart = cpuSeconds(c.pid);
    let cpuAtEcs: number | undefined;
    let lastReport = 0;
    for (;;) {
      if (Date.now() - startedAt > timeoutMs) throw new Error(`${who}: not converged after ${opts.timeout} min`);
      const cpu = cpuSeconds(c.pid);
      if (cpuAtEcs === undefined) {
        const inEcs = await servicesInCluster(stack.emulator.endpoint, world.cluster);
        if (inEcs >= services) cpuAtEcs = cpu;
        if (Date.now() - lastReport > 15_000) {
          lastReport = Date.now();
          log(`${who}: ${inEcs}/${services} in ECS, ${done.count()} ${DONE[who].condition} after ${Math.round((Date.now() - startedAt) / 1000)} s`);
        }
      }
      if (cpuAtEcs !== undefined && done.count() >= services) break;
      await sleep(2000);
    }
    const endedAt = Date.now();
    const cpu = cpuSeconds(c.pid);
    const rss = peakRssMb(c.pid);
    const writes = minus(await apiserverWrites(stack.kubectl, [GROUP[who]]), writesBefore);
    const journal = await stack.emulator.control.journal(KEYS[who]);
    const calls = callsByOperation(journal);
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    const createdAt = nthServiceCreatedAt(journal, services) ?? endedAt;
    const figures: Figures = {
      who, run,
      secondsToAllInEcs: round((createdAt - startedAt) / 1000, 1),
      secondsToAllDone: round((endedAt - startedAt) / 1000, 1),
      callsPerService: round(total / services),
      callsPerServiceByOperation: Object.fromEntries([...calls].sort().map(([k, v]) => [k, round(v / services, 3)])),
      cpuSecondsAtStart: round(cpuAtStart, 1),
      cpuSecondsToAllInEcs: round(cpuAtEcs ?? cpu, 1),
      cpuSeconds: round(cpu, 1),
      peakRssMb: rss,
      kubeWritesPerService: Object.fromEntries([...writes].sort().map(([k, v]) => [k, round(v / services, 3)])),
      logFile: c.logFile,
    };
    log(`${who}, run ${run}: ${JSON.stringify(figures)}`);
    contender = undefined;
    await c.stop();
    if (profileDir) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      console.log(file ? `\n== CPU profile of the operator converging ${services} services (${join(profileDir, file)})\n${printProfileTop(profileTop(join(profileDir, file), 25))}` : `\n(no CPU profile written in ${profileDir})`);
    }
    return figures;
  } finally {
    watch?.stop();
    await contender?.stop().catch(() => undefined);
    await stack.stop();
  }
}

function table(all: readonly Figures[]): string {
  const ops = [...new Set(all.flatMap((f) => Object.keys(f.callsPerServiceByOperation)))].sort();
  const writes = [...new Set(all.flatMap((f) => Object.keys(f.kubeWritesPerService)))].sort();
  const sum = (r: Record<string, number>): number => round(Object.values(r).reduce((a, b) => a + b, 0));
  const cols = all.map((f) => `${f.who === 'ack' ? 'ACK ecs-controller' : 'ecs-operator'}${Number(opts.runs) > 1 ? ` #${f.run}` : ''}`);
  const rows: [string, ...string[]][] = [
    ['all N services in ECS (s)', ...all.map((f) => String(f.secondsToAllInEcs))],
    ['all N done (s): Ready / ResourceSynced', ...all.map((f) => String(f.secondsToAllDone))],
    ['CPU s (user+sys) at start (ready)', ...all.map((f) => String(f.cpuSecondsAtStart))],
    ['CPU s (user+sys) to all in ECS', ...all.map((f) => String(f.cpuSecondsToAllInEcs))],
    ['CPU s (user+sys) to all done', ...all.map((f) => String(f.cpuSeconds))],
    ['peak RSS (MB, VmHWM)', ...all.map((f) => String(f.peakRssMb))],
    ['AWS calls per service', ...all.map((f) => String(f.callsPerService))],
    ...ops.map((op): [string, ...string[]] => [`  ${op}`, ...all.map((f) => String(f.callsPerServiceByOperation[op] ?? 0))]),
    ['Kubernetes API writes per service', ...all.map((f) => String(sum(f.kubeWritesPerService)))],
    ...writes.map((w): [string, ...string[]] => [`  ${w}`, ...all.map((f) => String(f.kubeWritesPerService[w] ?? 0))]),
  ];
  const widths = [Math.max(...rows.map((r) => r[0].length)), ...cols.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i + 1] ?? '').length)))];
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line([`N=${services}`, ...cols]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const who: Who[] = opts.only === 'ack' ? ['ack'] : opts.only === 'operator' ? ['operator'] : ['ack', 'operator'];
const ack = who.includes('ack') ? ensureAck() : undefined;
const all: Figures[] = [];
for (let r = 1; r <= Number(opts.runs); r++) {
  for (const w of who) {
    all.push(await converge(w, r, w === 'ack' ? ack : undefined));
    if (opts.json) writeFileSync(opts.json, JSON.stringify(all, null, 2));
  }
}
console.log(`\n== ACK ecs-controller v1.2.1 and ecs-operator, ${services} services, unthrottled emulator, operator pacing off, ACK ${opts.ackWorkers} worker(s)\n${table(all)}`);
