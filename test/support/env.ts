// What integration and end-to-end tests use to reach the shared control plane and AWS emulator that
// test/support/global-setup.ts started for this run.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

export interface TestEnv {
  kubeconfig: string;
  server: string;
  binDir: string;
  awsEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ecsOperatorEnv: TestEnv;
  }
}

export function testEnv(): TestEnv {
  return inject('ecsOperatorEnv');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the pinned kubectl against the shared apiserver; never throws on a non-zero exit. */
export function kubectl(args: string[], opts: { input?: string; namespace?: string; kubeconfig?: string } = {}): Promise<KubectlResult> {
  const env = testEnv();
  const fullArgs = [`--kubeconfig=${opts.kubeconfig ?? env.kubeconfig}`, ...(opts.namespace ? [`--namespace=${opts.namespace}`] : []), ...args];
  return new Promise((resolve) => {
    const child = execFile(join(env.binDir, 'kubectl'), fullArgs, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testEnv().kubeconfig);
  return kc;
}

export function awsClientConfig(region = 'us-east-1') {
  return {
    endpoint: testEnv().awsEndpoint,
    region,
    // moto accepts any credentials; these are not secrets.
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** A short DNS-1123 name, unique per call (tests share one apiserver and one emulator). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createNamespace(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await createNamespaceNamed(name);
  return name;
}

/** A namespace of exactly this name (one from uniqueName(), chosen by the test for a property of it). */
export async function createNamespaceNamed(name: string): Promise<void> {
  const res = await kubectl(['create', 'namespace', name]);
  if (res.code !== 0) throw new Error(`kubectl create namespace ${name} failed: ${res.stderr}`);
}
