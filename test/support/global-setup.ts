// Starts the real parts every integration and end-to-end test shares: etcd + kube-apiserver (+ the
// garbage collector) and the AWS emulator. A control plane that cannot start fails the run: it is
// never a skip.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from './controlplane.js';
import { startEmulator } from '../aws/emulator.js';
import { bundle } from '../../scripts/bundle.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  // The operator processes of the e2e suites run the bundle the image runs (operator-process.ts).
  const [cp, emulator] = await Promise.all([startControlPlane({ controllerManager: true }), startEmulator(), bundle()]);
  console.log(`[global-setup] control plane at ${cp.server} and AWS emulator at ${emulator.endpoint} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const crds = join(repoRoot, 'crds');
  if (readdirSync(crds).some((f) => f.endsWith('.yaml'))) {
    // The operator's CRDs are installed once, as a user would before deploying it.
    await promisify(execFile)(join(cp.binDir, 'kubectl'), [`--kubeconfig=${cp.kubeconfig}`, 'apply', '--server-side', '-f', crds]);
    await promisify(execFile)(join(cp.binDir, 'kubectl'), [`--kubeconfig=${cp.kubeconfig}`, 'wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  }

  project.provide('ecsOperatorEnv', { kubeconfig: cp.kubeconfig, server: cp.server, binDir: cp.binDir, awsEndpoint: emulator.endpoint });
  return async () => {
    const checked = await emulator.control.modelViolations().then(
      (found) => Object.entries(found.checked).map(([service, n]) => `${service} ${n}`).join(', '),
      () => 'unknown',
    );
    console.log(`[global-setup] requests the AWS emulator checked against the AWS service models: ${checked || 'none'}`);
    // emulator.stop() throws when a request broke the AWS service model and no test declared it
    // (expectModelViolation). vitest only logs a teardown error ("error during close"), so the
    // exit code is set here: the run fails, and the error names each violation.
    const stopped = await Promise.allSettled([cp.stop(), emulator.stop()]);
    const errors = stopped.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length > 0) {
      process.exitCode = 1;
      throw errors[0];
    }
  };
}
