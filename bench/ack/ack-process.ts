// AWS Controllers for Kubernetes' ECS controller (the peer the operator is compared with) as its
// Helm chart runs it: one process, watching the bench's namespace, talking to the bench's AWS
// emulator. Built once from its pinned Go module by test/tools/ack/ensure.sh.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/controlplane.js';
import { repoRoot } from '../paths.js';

export interface AckBuild {
  binary: string;
  /** Its CRDs (ecs.services.k8s.aws and the services.k8s.aws ones every ACK controller watches). */
  crdDir: string;
}

/** Builds ACK on first use (minutes), then answers from the cache. */
export function ensureAck(): AckBuild {
  const dir = execFileSync(join(repoRoot, 'test', 'tools', 'ack', 'ensure.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return { binary: join(dir, 'controller'), crdDir: join(dir, 'crds') };
}

export interface AckOptions {
  build: AckBuild;
  kubeconfig: string;
  awsEndpoint: string;
  region: string;
  namespace: string;
  /** Its own key, so the emulator's journal tells its calls from the bench's. */
  accessKeyId: string;
  /** --reconcile-default-max-concurrent-syncs (ACK's default is 1). */
  workers: number;
  resyncSeconds: number;
}

export interface AckProcess {
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** The bench's environment without AWS_CA_BUNDLE: ACK's runtime wraps the SDK's HTTP client, and
 * the SDK then fails every call ("unable to add custom RootCAs HTTPClient"); the emulator is http. */
function ackEnv(): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _, ...env } = process.env;
  return env;
}

export async function startAck(o: AckOptions): Promise<AckProcess> {
  const [metricsPort, healthPort] = await Promise.all([freePort(), freePort()]);
  const logFile = join(mkdtempSync(join(tmpdir(), 'ack-bench-')), 'ack.log');
  const log = createWriteStream(logFile);
  const child = spawn(
    o.build.binary,
    [
      `--aws-region=${o.region}`,
      `--aws-endpoint-url=${o.awsEndpoint}`,
      // Its account id comes from STS GetCallerIdentity at start-up, from the same emulator.
      `--aws-identity-endpoint-url=${o.awsEndpoint}`,
      '--allow-unsafe-aws-endpoint-urls',
      `--watch-namespace=${o.namespace}`,
      `--reconcile-default-resync-seconds=${o.resyncSeconds}`,
      `--reconcile-default-max-concurrent-syncs=${o.workers}`,
      // Cross-account mapping reads a ConfigMap in ack-system; the bench has one account.
      '--enable-carm=false',
      '--log-level=info',
      `--metrics-addr=127.0.0.1:${metricsPort}`,
      `--healthz-addr=127.0.0.1:${healthPort}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...ackEnv(), KUBECONFIG: o.kubeconfig, AWS_ACCESS_KEY_ID: o.accessKeyId, AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: o.region },
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ACK exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    if (await fetch(`http://127.0.0.1:${healthPort}/readyz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`ACK not ready in 60 s:\n${readFileSync(logFile, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid ?? 0,
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
