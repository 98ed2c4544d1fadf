// One benchmark's world: a fresh kube-apiserver with the CRDs, a fresh AWS emulator, and kubectl.
// Each scenario gets its own so that one's state (objects, throttling buckets) never colours another's.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { startEmulator, type Emulator } from '../test/aws/emulator.js';
import { startControlPlane, type ControlPlane } from '../test/support/controlplane.js';
import { repoRoot } from './paths.js';

const run = promisify(execFile);

export interface Stack {
  cp: ControlPlane;
  emulator: Emulator;
  /** Whether the emulator enforces AWS's request rates in this stack. */
  throttled: boolean;
  kubectl(args: string[]): Promise<string>;
  /** `kubectl apply --server-side` of a list of objects. */
  apply(items: object[]): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Ask the emulator to throttle as AWS documents (see throttleSupport). */
  throttle: boolean;
}

/** Whether this checkout's emulator can throttle as AWS does (`--throttle aws`); a reason when it cannot. */
export function throttleSupport(): { ok: true } | { ok: false; why: string } {
  const launcher = readFileSync(join(repoRoot, 'test', 'aws', 'emulator.py'), 'utf8');
  return launcher.includes('--throttle') ? { ok: true } : { ok: false, why: 'the emulator has no AWS request-rate throttling in this build' };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const throttled = opts.throttle && throttleSupport().ok;
  const [cp, emulator] = await Promise.all([startControlPlane(), startEmulator({ clock: 'realtime', throttle: throttled })]);
  const kubectlBin = join(cp.binDir, 'kubectl');
  const kubectl = async (args: string[]): Promise<string> =>
    (await run(kubectlBin, [`--kubeconfig=${cp.kubeconfig}`, ...args], { maxBuffer: 256 << 20 })).stdout;
  try {
    await kubectl(['apply', '--server-side', '-f', join(repoRoot, 'crds')]);
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  } catch (err) {
    await Promise.allSettled([cp.stop(), emulator.stop()]);
    throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ecs-operator-bench-'));
  let files = 0;
  return {
    cp,
    emulator,
    throttled,
    kubectl,
    async apply(items) {
      const file = join(dir, `objects-${files++}.json`);
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      await kubectl(['apply', '--server-side', '-f', file]);
    },
    async stop() {
      await Promise.all([cp.stop(), emulator.stop()]);
    },
  };
}

/** NODE_OPTIONS of the operator container in deploy/deployment.yaml, so the bench measures what is deployed. */
function deployedNodeOptions(): string {
  const deployment = load(readFileSync(join(repoRoot, 'deploy', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const value = deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'NODE_OPTIONS')?.value;
  if (value === undefined) throw new Error('deploy/deployment.yaml sets no NODE_OPTIONS');
  return value;
}

/** The Dockerfile's runtime stage: the image the operator runs in. */
function runtimeStage(): string {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  return dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
}

/** The image's ENV lines (NODE_ENV, say). */
export function imageEnv(): Record<string, string> {
  return Object.fromEntries([...runtimeStage().matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** The Node.js version of the image's runtime stage (its FROM node:<version>-...). */
export function imageNodeVersion(): string | undefined {
  return /^FROM node:(\d+\.\d+\.\d+)/m.exec(runtimeStage())?.[1];
}

/** The flags the image's ENTRYPOINT gives node, before the script. */
export function imageNodeArgs(): string[] {
  const line = /^ENTRYPOINT (\[.*\])$/m.exec(runtimeStage())?.[1];
  if (line === undefined) throw new Error('the Dockerfile has no ENTRYPOINT in exec form');
  const words = JSON.parse(line) as string[];
  const node = words.indexOf('node');
  return words.slice(node + 1).filter((w) => w.startsWith('--'));
}

/** The operator's process as deployed: the image's environment and node flags, and deploy/'s NODE_OPTIONS. */
export function deployedProcess(): { env: Record<string, string>; nodeArgs: string[] } {
  return { env: { ...imageEnv(), NODE_OPTIONS: deployedNodeOptions() }, nodeArgs: imageNodeArgs() };
}
