// The operator as a user runs it: a separate process (`ecs-operator run`) against the shared
// apiserver and the AWS emulator. Tests read what it did from its /metrics, as an SRE would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './controlplane.js';
import { testEnv } from './env.js';
import { awsCallsOf, labelled, scrape, total } from './metrics.js';
import { isReadOperation } from '../../src/aws/operations.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface OperatorProcess {
  readonly metricsUrl: string;
  readonly logFile: string;
  readonly pid: number;
  /** AWS calls by `service:Operation` (summed over outcomes), from the operator's /metrics. */
  awsCalls(): Promise<Map<string, number>>;
  /** Reconciles one controller (`ecsservice`, `ecsaccount`...) has run (summed over outcomes and accounts), from /metrics. */
  reconciles(controller: string): Promise<number>;
  /** Graceful stop (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  logs(): string;
}

export interface OperatorOptions {
  namespaces: string[];
  resyncPeriod?: string;
  extraArgs?: string[];
  awsEndpoint?: string;
  kubeconfig?: string;
  logLevel?: string;
  /** What runs: the bundle the image runs (default), the tsc build, or the sources through tsx. */
  entry?: 'bundle' | 'dist' | 'src';
  /** Flags for node itself, before the script (the image's ENTRYPOINT gives some; bench/stack.ts). */
  nodeArgs?: string[];
  /** Extra environment for the operator process. */
  env?: Record<string, string>;
  /** Run with leader election (give --lease-namespace in extraArgs); off by default. */
  leaderElection?: boolean;
}

function entryArgs(entry: NonNullable<OperatorOptions['entry']>): string[] {
  if (entry === 'bundle') return [join(repoRoot, 'dist', 'bundle', 'main.mjs')];
  if (entry === 'dist') return [join(repoRoot, 'dist', 'cli', 'main.js')];
  return ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts')];
}

/**
 * Whether an operator's call (`service:Operation`, as awsCalls() keys it) changes something in AWS.
 * STS's AssumeRole does not: it fetches credentials. It matters because EcsAccounts are
 * cluster-scoped, so every operator on the shared apiserver looks at those another suite made, with
 * an AssumeRole of each at every resync.
 */
export function isAwsWrite(key: string): boolean {
  const [service = '', operation = ''] = key.split(':');
  return service !== 'sts' && !isReadOperation(operation);
}

export async function startOperator(opts: OperatorOptions): Promise<OperatorProcess> {
  const port = await freePort();
  const logFile = join(mkdtempSync(join(tmpdir(), 'ecs-operator-e2e-')), 'operator.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // The bundle the image runs (global-setup.ts builds it from the sources), so that every e2e
      // suite tests what ships; the tsc build for the CPU profiles of bench/ack, whose function
      // names the bundle minifies.
      ...(opts.nodeArgs ?? []),
      ...entryArgs(opts.entry ?? 'bundle'),
      'run',
      `--kubeconfig=${opts.kubeconfig ?? testEnv().kubeconfig}`,
      `--namespaces=${opts.namespaces.join(',')}`,
      `--endpoint=${opts.awsEndpoint ?? testEnv().awsEndpoint}`,
      '--region=us-east-1',
      ...(opts.leaderElection ? [] : ['--no-leader-elect']),
      `--http-address=127.0.0.1:${port}`,
      `--resync-period=${opts.resyncPeriod ?? '10s'}`,
      `--log-level=${opts.logLevel ?? 'debug'}`,
      ...(opts.extraArgs ?? []),
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...opts.env },
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`operator not ready in 60s:\n${readFileSync(logFile, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    metricsUrl,
    logFile,
    pid: child.pid ?? 0,
    async awsCalls() {
      return awsCallsOf(await (await fetch(metricsUrl)).text());
    },
    async reconciles(controller) {
      return total((await scrape(metricsUrl, 'ecs_operator_reconcile_total')).filter(labelled({ controller })));
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    logs: () => readFileSync(logFile, 'utf8'),
  };
}
