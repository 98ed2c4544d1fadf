// `npm run bench [-- --services 200 [--services 1000 ...]]`: N EcsServices (each with its own
// EcsTaskDefinition) applied to a real kube-apiserver, converged by the operator process into the
// AWS emulator. Prints figures, asserts nothing: time to converge, AWS calls per service to
// converge and per steady-state resync (reads and writes), reconcile latency, operator CPU seconds to
// converge, peak RSS and the requests the operator made to the apiserver.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { load } from 'js-yaml';
import { startEmulator } from '../test/aws/emulator.js';
import { createWorld } from '../test/integration/reconcile-support.js';
import { startControlPlane } from '../test/support/controlplane.js';
import { startOperator } from '../test/support/operator-process.js';

const repoRoot = resolve(import.meta.dirname, '..');

/** NODE_OPTIONS of the operator container in deploy/deployment.yaml, so the bench measures what is deployed. */
function deployedNodeOptions(): string {
  const deployment = load(readFileSync(join(repoRoot, 'deploy', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const value = deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'NODE_OPTIONS')?.value;
  if (value === undefined) throw new Error('deploy/deployment.yaml sets no NODE_OPTIONS');
  return value;
}
const run = promisify(execFile);

const opts = new Command()
  .option('--services <n...>', 'service counts to run, one benchmark each', ['200'])
  .option('--resync <duration>', 'resync period of the operator (one steady-state resync is measured)', '30s')
  .option('--concurrency <n>', 'operator reconcile concurrency per kind', '16')
  .parse(process.argv)
  .opts<{ services: string[]; resync: string; concurrency: string }>();

interface Figures {
  services: number;
  convergeSeconds: number;
  awsCallsPerServiceToConverge: number;
  awsCallsByOperationToConverge: Record<string, number>;
  resyncReadsPerService: number;
  resyncDescribeServicesPerService: number;
  resyncWrites: number;
  reconcileP50Ms: number;
  reconcileP99Ms: number;
  /** CPU seconds (user + system) the operator process spent from start to all services Ready. */
  operatorCpuSecondsToConverge: number;
  operatorPeakRssMb: number;
  /** V8 heap in use after converging and a resync: what the objects really cost. */
  operatorHeapUsedMb: number;
  apiserverRequestsByOperator: number;
}

const WRITE = /^(Register|Deregister|Create|Update|Delete|Put|Tag|Untag)/;

function sum(calls: Map<string, number>, pick: (op: string) => boolean): number {
  let n = 0;
  for (const [op, c] of calls) if (pick(op.split(':')[1] ?? '')) n += c;
  return n;
}

function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

/** Quantile from a Prometheus histogram's cumulative buckets (upper bound of the bucket that holds it). */
function quantile(metrics: string, name: string, q: number): number {
  const buckets = new Map<number, number>();
  for (const line of metrics.split('\n')) {
    const m = line.match(new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`));
    if (!m || !(m[1] ?? '').includes('outcome="done"') && !(m[1] ?? '').includes('outcome="requeue"')) continue;
    const le = (m[1] ?? '').match(/le="([^"]+)"/)?.[1] ?? '+Inf';
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[2]));
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  for (const [bound, count] of sorted) if (count >= q * total) return bound * 1000;
  return NaN;
}

async function apiserverRequests(kubectl: string, kubeconfig: string): Promise<number> {
  const { stdout } = await run(kubectl, [`--kubeconfig=${kubeconfig}`, 'get', '--raw', '/metrics'], { maxBuffer: 256 << 20 });
  let n = 0;
  for (const line of stdout.split('\n')) {
    const m = line.match(/^apiserver_request_total\{[^}]*\} (\S+)$/);
    if (m) n += Number(m[1]);
  }
  return n;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number((await run('getconf', ['CLK_TCK'])).stdout.trim());
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

async function bench(services: number): Promise<Figures> {
  const [cp, emulator] = await Promise.all([startControlPlane(), startEmulator({ clock: 'realtime' })]);
  const kubectl = join(cp.binDir, 'kubectl');
  const k = (args: string[]) => run(kubectl, [`--kubeconfig=${cp.kubeconfig}`, ...args], { maxBuffer: 256 << 20 });
  try {
    await k(['apply', '--server-side', '-f', join(repoRoot, 'crds')]);
    await k(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    await k(['create', 'namespace', 'bench']);
    const world = await createWorld(emulator.endpoint);
    const items: object[] = [];
    for (let i = 0; i < services; i++) {
      const name = `svc-${i}`;
      items.push({
        apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTaskDefinition', metadata: { name, namespace: 'bench' },
        spec: { networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: `nginx:1.27`, portMappings: [{ containerPort: 80 }] }] },
      });
      items.push({
        apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: { name, namespace: 'bench' },
        spec: { cluster: world.cluster, taskDefinitionRef: { name }, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } } },
      });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-operator-bench-')), 'objects.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    await k(['apply', '--server-side', '-f', file]);

    const apiBefore = await apiserverRequests(kubectl, cp.kubeconfig);
    const started = Date.now();
    const operator = await startOperator({
      namespaces: ['bench'],
      kubeconfig: cp.kubeconfig,
      awsEndpoint: emulator.endpoint,
      resyncPeriod: opts.resync,
      logLevel: 'warn',
      entry: 'dist',
      // As deploy/deployment.yaml runs it.
      env: { NODE_OPTIONS: deployedNodeOptions() },
      extraArgs: [`--cluster-id=${world.clusterId}`, `--concurrency=${opts.concurrency}`, '--reconcile-qps=500', '--reconcile-burst=1000', '--no-aws-pace-requests'],
    });
    let polls = 0;
    for (;;) {
      polls++;
      const { stdout } = await k(['get', 'ecsservices', '-n', 'bench', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
      const ready = stdout.split('\n').filter((s) => s === 'True').length;
      if (ready === services) break;
      if (Date.now() - started > 30 * 60_000) throw new Error(`only ${ready}/${services} Ready after 30 minutes`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const convergeSeconds = (Date.now() - started) / 1000;
    const convergeCpuSeconds = await cpuSeconds(operator.pid);
    const converged = await operator.awsCalls();

    // One steady-state resync: every object is reconciled once more; count what that costs.
    const resyncMs = Number(opts.resync.replace(/s$/, '')) * 1000;
    // Reconciles in the window are counted too, so the figure is per reconcile of a service (one
    // resync reconciles each once) whether the window catches one resync or two.
    const serviceReconciles = async () => {
      const text = await (await fetch(operator.metricsUrl)).text();
      return [...text.matchAll(/^ecs_operator_reconcile_total\{[^}]*controller="ecsservice"[^}]*\} (\S+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    };
    const beforeResync = await operator.awsCalls();
    const reconcilesBefore = await serviceReconciles();
    await new Promise((r) => setTimeout(r, resyncMs + Math.max(5_000, services * 5)));
    const resync = diff(await operator.awsCalls(), beforeResync);
    const resyncs = Math.max(1, (await serviceReconciles()) - reconcilesBefore) / services;
    const metrics = await (await fetch(operator.metricsUrl)).text();
    const apiAfter = await apiserverRequests(kubectl, cp.kubeconfig);
    const figures: Figures = {
      services,
      convergeSeconds: Math.round(convergeSeconds * 10) / 10,
      awsCallsPerServiceToConverge: Math.round((sum(converged, () => true) / services) * 100) / 100,
      awsCallsByOperationToConverge: Object.fromEntries([...converged].sort()),
      resyncReadsPerService: Math.round((sum(resync, (op) => !WRITE.test(op)) / services / resyncs) * 1000) / 1000,
      resyncDescribeServicesPerService: Math.round(((resync.get('ecs:DescribeServices') ?? 0) / services / resyncs) * 1000) / 1000,
      resyncWrites: sum(resync, (op) => WRITE.test(op)),
      reconcileP50Ms: quantile(metrics, 'ecs_operator_reconcile_duration_seconds', 0.5),
      reconcileP99Ms: quantile(metrics, 'ecs_operator_reconcile_duration_seconds', 0.99),
      operatorCpuSecondsToConverge: Math.round(convergeCpuSeconds * 10) / 10,
      operatorPeakRssMb: peakRssMb(operator.pid),
      operatorHeapUsedMb: Math.round(Number(metrics.match(/^nodejs_heap_size_used_bytes (\S+)$/m)?.[1] ?? NaN) / 2 ** 20),
      // The bench's own polling (one list per poll, plus the two /metrics reads) is not the operator's.
      apiserverRequestsByOperator: apiAfter - apiBefore - polls - 2,
    };
    await operator.stop();
    world.destroy();
    return figures;
  } finally {
    await Promise.all([cp.stop(), emulator.stop()]);
  }
}

const results: Figures[] = [];
for (const n of opts.services.map(Number)) {
  console.error(`bench: ${n} services...`);
  results.push(await bench(n));
}
console.log(JSON.stringify(results, null, 2));
console.table(
  results.map((r) => ({
    services: r.services,
    'converge s': r.convergeSeconds,
    'AWS calls/svc to converge': r.awsCallsPerServiceToConverge,
    'reads/svc per resync': r.resyncReadsPerService,
    'DescribeServices/svc per resync': r.resyncDescribeServicesPerService,
    'writes per resync': r.resyncWrites,
    'reconcile p50 ms': r.reconcileP50Ms,
    'reconcile p99 ms': r.reconcileP99Ms,
    'CPU s to converge': r.operatorCpuSecondsToConverge,
    'peak RSS MB': r.operatorPeakRssMb,
    'heap used MB': r.operatorHeapUsedMb,
    'apiserver requests': r.apiserverRequestsByOperator,
  })),
);
