// `npm run demo`: the operator's main job on an embedded default, with no AWS account and no
// cluster. A local AWS emulator (moto, installed on first use) gets the world examples/ expects
// (its network and load balancers; the ECS clusters are examples' EcsCluster manifests);
// `ecs-operator apply` reconciles the examples into it and waits for the services to be Ready; a
// service is then changed behind the operator's back, as someone in the console would, and
// `ecs-operator drift` reports it (exit code 2) before `apply` puts it back.
//
// `npm run demo -- --kube` does the same through Kubernetes: a local kube-apiserver, the real
// controller (`ecs-operator run`), `kubectl apply` of the examples and `kubectl get ecs`.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ApplicationAutoScalingClient, DeleteScalingPolicyCommand, DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startEmulator, type Emulator } from '../test/aws/emulator.js';
import { freePort, startControlPlane, type ControlPlane } from '../test/support/controlplane.js';
import { KIND_ORDER } from '../src/api/index.js';
import { createDemoWorld, documentsOfKind, EXAMPLES_DIR, type DemoWorld } from './demo-world.js';

const repoRoot = resolve(import.meta.dirname, '..');
const REGION = 'us-east-1';
const CLUSTER_ID = 'demo';
const NAMESPACE = 'demo';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const kube = process.argv.includes('--kube');
// The SDK's notice that it will need Node 22 in 2027 says nothing about the demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const started = Date.now();
const cleanups: (() => Promise<unknown>)[] = [];

function step(title: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(3);
  console.log(`\n\x1b[1m[${seconds}s] ${title}\x1b[0m`);
}

function note(text: string): void {
  console.log(`  ${text}`);
}

/** Runs a command, echoing it as a user would type it and its output as it comes; resolves with its exit code. */
async function sh(shown: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<number> {
  console.log(`\n$ ${shown}`);
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'] });
  child.stdin?.end(input);
  const [code] = (await once(child, 'exit')) as [number | null];
  console.log(`(exit code ${code ?? 'none'})`);
  return code ?? 1;
}

function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: REGION,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ECS_OPERATOR_AWS_ENDPOINT: endpoint,
    ECS_OPERATOR_CLUSTER_ID: CLUSTER_ID,
  };
}

/** `ecs-operator <args>`, run from the sources the way the package's bin runs the build. */
function operatorCli(endpoint: string, args: string[]): Promise<number> {
  return sh(`ecs-operator ${args.join(' ')}`, process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], awsEnv(endpoint));
}

function shownPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel.startsWith('..') ? dir : `${rel}/`;
}

function expectExit(what: string, code: number, wanted: number): void {
  if (code !== wanted) throw new Error(`${what} exited with ${code}, expected ${wanted}`);
}

async function setUp(): Promise<{ emulator: Emulator; world: DemoWorld; manifests: string }> {
  step('Starting a local AWS emulator (moto; the first run installs it into ~/.cache/ecs-operator, about 35 s)');
  const emulator = await startEmulator();
  cleanups.push(() => emulator.stop());
  note(`AWS endpoint: ${emulator.endpoint} (region ${REGION}, any credentials)`);

  step('Creating what examples/ expects to exist: subnets, security groups, target groups (its ECS clusters are EcsCluster manifests)');
  const world = await createDemoWorld(emulator.endpoint);
  if (world.needs.clusters.length > 0) note(`clusters no EcsCluster declares: ${world.needs.clusters.join(', ')}`);
  note(`subnets: ${world.needs.subnets.length}, security groups: ${world.needs.securityGroups.length}, target groups behind an ALB: ${[...world.needs.targetGroups.keys()].join(', ')}`);
  if (world.substitutions.size > 0) {
    // moto picks its own ids for subnets, security groups and target groups; the examples use the
    // ids of an imagined account. The copy differs from examples/ in those ids only.
    note(`the emulator cannot create resources with the ids the examples name, so a copy of examples/ with the ${world.substitutions.size} ids it gave is applied: ${world.manifestsDir}`);
  }
  return { emulator, world, manifests: shownPath(world.manifestsDir) };
}

/** A console user's edit: the renderer service scaled down by hand and its circuit breaker switched off. */
async function changeBehindTheOperatorsBack(endpoint: string): Promise<void> {
  const ecs = new ECSClient({ endpoint, region: REGION, credentials });
  try {
    await ecs.send(new UpdateServiceCommand({ cluster: 'demo', service: 'renderer', desiredCount: 2, deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50, deploymentCircuitBreaker: { enable: false, rollback: false } } }));
  } finally {
    ecs.destroy();
  }
  note('aws ecs update-service --cluster demo --service renderer --desired-count 2 \\');
  note('    --deployment-configuration "maximumPercent=200,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=false,rollback=false}"');
}

async function fileDemo(): Promise<void> {
  const { emulator, manifests } = await setUp();

  step('Applying the examples straight into ECS through the file source, and waiting for every service to be Ready');
  expectExit('apply', await operatorCli(emulator.endpoint, ['apply', '-f', manifests, '--wait', '--timeout', '3m']), 0);

  step('Someone changes a service in the console');
  await changeBehindTheOperatorsBack(emulator.endpoint);

  step('The drift report: what differs from the manifests (exit code 2 = drift found)');
  expectExit('drift', await operatorCli(emulator.endpoint, ['drift', '-f', manifests]), 2);
  expectExit('drift -o markdown', await operatorCli(emulator.endpoint, ['drift', '-f', manifests, '-o', 'markdown']), 2);

  step('Correcting it: apply the same manifests again');
  expectExit('apply', await operatorCli(emulator.endpoint, ['apply', '-f', manifests, '--wait', '--timeout', '3m']), 0);

  step('No drift left (exit code 0)');
  expectExit('drift', await operatorCli(emulator.endpoint, ['drift', '-f', manifests]), 0);
}

async function startController(cp: ControlPlane, endpoint: string): Promise<{ logFile: string }> {
  const port = await freePort();
  const logFile = join(mkdtempSync(join(tmpdir(), 'ecs-operator-demo-')), 'operator.log');
  const log = createWriteStream(logFile);
  const args = ['run', `--kubeconfig=${cp.kubeconfig}`, `--namespaces=${NAMESPACE}`, `--endpoint=${endpoint}`, `--region=${REGION}`, '--no-leader-elect', `--http-address=127.0.0.1:${port}`, '--resync-period=10s', `--cluster-id=${CLUSTER_ID}`];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, env: { ...process.env, ...awsEnv(endpoint) }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  note(`$ ecs-operator ${args.join(' ')}`);
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the controller did not become ready:\n${readFileSync(logFile, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  note(`controller ready; its log: ${logFile}`);
  return { logFile };
}

async function kubeDemo(): Promise<void> {
  const { emulator, world } = await setUp();

  step('Starting a local Kubernetes control plane (etcd + kube-apiserver) and installing the CRDs');
  const cp = await startControlPlane({ controllerManager: true });
  cleanups.push(() => cp.stop());
  const kubectl = (args: string[]) => sh(`kubectl ${args.join(' ')}`, join(cp.binDir, 'kubectl'), [`--kubeconfig=${cp.kubeconfig}`, ...args]);
  expectExit('kubectl apply crds', await kubectl(['apply', '--server-side', '-f', 'crds/']), 0);
  expectExit('kubectl wait crds', await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']), 0);

  await kubectl(['create', 'namespace', NAMESPACE]);

  step(`Running the controller against it, watching namespace ${NAMESPACE}`);
  await startController(cp, emulator.endpoint);

  // In the order of the examples' Argo CD sync waves: clusters, task definitions, then the services.
  step('kubectl apply of the examples\' clusters, then their task definitions, then their services; the controller reconciles them into ECS');
  for (const kind of KIND_ORDER) {
    const input = await documentsOfKind(world.manifestsDir, kind);
    expectExit('kubectl apply', await sh(`kubectl apply -n ${NAMESPACE} -f -   # the ${kind} documents of ${shownPath(world.manifestsDir)}`, join(cp.binDir, 'kubectl'), [`--kubeconfig=${cp.kubeconfig}`, 'apply', '-n', NAMESPACE, '-f', '-'], {}, input), 0);
    expectExit('kubectl wait', await kubectl(['wait', '-n', NAMESPACE, '--for=condition=Ready', kind.toLowerCase(), '--all', '--timeout=120s']), 0);
  }
  await kubectl(['get', 'ecs', '-n', NAMESPACE]);

  step('Someone changes two services in the console');
  await changeBehindTheOperatorsBack(emulator.endpoint);
  // backoffice has driftPolicy Report: the controller reports changes made outside it and leaves them.
  const aas = new ApplicationAutoScalingClient({ endpoint: emulator.endpoint, region: REGION, credentials });
  try {
    const { ScalingPolicies = [] } = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: 'service/demo/backoffice' }));
    for (const p of ScalingPolicies) {
      await aas.send(new DeleteScalingPolicyCommand({ ServiceNamespace: 'ecs', ResourceId: 'service/demo/backoffice', ScalableDimension: 'ecs:service:DesiredCount', PolicyName: p.PolicyName }));
      note(`aws application-autoscaling delete-scaling-policy --resource-id service/demo/backoffice --policy-name ${p.PolicyName} ...`);
    }
  } finally {
    aas.destroy();
  }

  step('Within one resync (10 s): renderer (driftPolicy Correct) is put back; backoffice (driftPolicy Report) is reported');
  await waitUntil(async () => (await capture(cp, ['get', 'ecsservice', 'backoffice', '-n', NAMESPACE, '-o', 'jsonpath={.status.drift.detected}'])) === 'true', 30_000);
  await waitUntil(async () => (await capture(cp, ['get', 'events.events.k8s.io', '-n', NAMESPACE, '--field-selector', 'reason=DriftCorrected', '-o', 'name'])) !== '', 30_000);
  await kubectl(['get', 'ecs', '-n', NAMESPACE]);
  await kubectl(['get', 'events.events.k8s.io', '-n', NAMESPACE, '--field-selector', 'reason=DriftCorrected', '-o', 'custom-columns=OBJECT:.regarding.name,REASON:.reason,NOTE:.note']);
  await kubectl(['get', 'ecsservice', 'backoffice', '-n', NAMESPACE, '-o', 'jsonpath={range .status.drift.differences[*]}{.path}{"\\n"}{end}']);

  step('The same drift, read from the cluster\'s objects (exit code 2)');
  expectExit('drift', await operatorCli(emulator.endpoint, ['drift', '--cluster-source', `--kubeconfig=${cp.kubeconfig}`, '-n', NAMESPACE]), 2);

  step('Letting the controller correct backoffice too: driftPolicy Correct');
  await kubectl(['patch', 'ecsservice', 'backoffice', '-n', NAMESPACE, '--type=merge', '-p', '{"spec":{"driftPolicy":"Correct"}}']);
  await waitUntil(async () => (await capture(cp, ['get', 'ecsservice', 'backoffice', '-n', NAMESPACE, '-o', 'jsonpath={.status.drift.detected}'])) === 'false', 30_000);
  await kubectl(['get', 'ecs', '-n', NAMESPACE]);
  expectExit('drift', await operatorCli(emulator.endpoint, ['drift', '--cluster-source', `--kubeconfig=${cp.kubeconfig}`, '-n', NAMESPACE]), 0);
}

async function capture(cp: ControlPlane, args: string[]): Promise<string> {
  const child = spawn(join(cp.binDir, 'kubectl'), [`--kubeconfig=${cp.kubeconfig}`, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await once(child, 'exit');
  return out.trim();
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

try {
  console.log(`ecs-operator demo${kube ? ' (--kube)' : ''}: ${relative(process.cwd(), EXAMPLES_DIR) || EXAMPLES_DIR} against a local AWS emulator`);
  await (kube ? kubeDemo() : fileDemo());
  step(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (err) {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
