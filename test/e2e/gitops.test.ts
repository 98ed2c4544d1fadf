// GitOps end to end with a real Argo CD (issue 12): examples/argocd/application.yaml syncs the
// manifests in examples/ from a Git repository into the test control plane, the operator runs as
// its own process, and the AWS emulator's manual clock decides when deployments progress. Argo CD
// judges health with the project's Lua checks, installed into argocd-cm from deploy/argocd/.
//
// One Argo CD, one Application and one Git history for the whole file: the scenarios are the
// commits a team would make, in order. Argo CD runs in the namespaces the Application names
// (`argocd`, `ecs-examples`), so this is the only file that may start one on the shared apiserver.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld, EXAMPLES_DIR } from '../../scripts/demo-world.js';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { startArgoCd, type ArgoCd } from '../support/argocd.js';
import { kubectl, testEnv } from '../support/env.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const applicationFile = join(repoRoot, 'examples', 'argocd', 'application.yaml');

interface Application {
  metadata: { name: string; namespace: string };
  spec: { source: { repoURL: string; path: string }; destination: { server?: string; namespace: string } };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    reconciledAt?: string;
    resources?: { group?: string; kind: string; name: string; status?: string; health?: { status?: string; message?: string } }[];
    operationState?: { phase?: string; startedAt?: string; operation?: { initiatedBy?: { automated?: boolean } }; syncResult?: { revision?: string; resources?: { kind: string; name: string; message?: string }[] } };
  };
}
type Condition = { type: string; status: string; reason: string; message: string; lastTransitionTime: string };
interface EcsObject {
  metadata: { name: string; generation: number; creationTimestamp: string };
  spec: { desiredCount?: number; cluster?: string };
  status?: { observedGeneration?: number; conditions?: Condition[]; taskDefinitionArn?: string; desiredCount?: number; desiredCountOwner?: string };
}

const example = load(readFileSync(applicationFile, 'utf8')) as Application;
const appName = example.metadata.name;
const argoNamespace = example.metadata.namespace;
const ns = example.spec.destination.namespace;
const examplesPath = example.spec.source.path;

let emulator: Emulator;
let ecs: ECSClient;
let argocd: ArgoCd;
let operator: OperatorProcess;
/** The files of examples/ (ids rewritten for the emulator), as the next commit will hold them. */
const files = new Map<string, string>();
const transcript: string[] = [];
const started = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  ecs = new ECSClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const world = await createDemoWorld(emulator.endpoint);
  for (const file of readdirSync(world.manifestsDir).filter((f) => f.endsWith('.yaml'))) files.set(file, readFileSync(join(world.manifestsDir, file), 'utf8'));
  // A copy with the emulator's ids, when it could not choose them: read once, not needed after.
  if (world.manifestsDir !== EXAMPLES_DIR) rmSync(world.manifestsDir, { recursive: true, force: true });
  const env = testEnv();
  // The cold build of Argo CD (minutes) happens here on a fresh machine; later runs find it cached.
  // Argo CD refreshes an Application when a resource's health changes, not when only its message
  // does (argocd-cm ignores status-only updates); a 10 s resync (default 120 s) shows new messages
  // sooner.
  argocd = await startArgoCd({ kubeconfig: env.kubeconfig, binDir: env.binDir, namespace: argoNamespace, managedNamespaces: [ns], appResyncSeconds: 10 });
  operator = await startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, resyncPeriod: '10s', extraArgs: ['--cluster-id=gitops-e2e'] });
}, 30 * 60_000);

afterAll(async () => {
  if (transcript.length > 0) console.log(`[gitops] Application ${appName} (sync health) at each step:\n${transcript.join('\n')}`);
  await operator?.stop();
  await argocd?.stop();
  ecs?.destroy();
  await emulator?.stop();
});

/** The files of examples/ as the last commit holds them. */
const committed = new Map<string, string>();

/** A commit of `files` to examples/ in the Git repository, then a refresh, as Git's webhook would ask for. */
async function commit(message: string, change: (files: Map<string, string>) => void = () => undefined): Promise<string> {
  change(files);
  const written: Record<string, string | null> = {};
  for (const [file, content] of files) if (committed.get(file) !== content) written[`${examplesPath}/${file}`] = content;
  for (const file of committed.keys()) if (!files.has(file)) written[`${examplesPath}/${file}`] = null;
  const sha = await argocd.repo.commit(written, message);
  committed.clear();
  for (const [file, content] of files) committed.set(file, content);
  await kubectl(['annotate', 'application', appName, 'argocd.argoproj.io/refresh=normal', '--overwrite'], { namespace: argoNamespace });
  return sha;
}

/** `kubectl edit`, with `editor` in place of the person at the keyboard. */
async function kubectlEdit(resource: string, editor: string): Promise<string> {
  const { binDir, kubeconfig } = testEnv();
  const { stdout } = await promisify(execFile)(join(binDir, 'kubectl'), [`--kubeconfig=${kubeconfig}`, `--namespace=${ns}`, 'edit', resource], { env: { ...process.env, KUBE_EDITOR: editor } });
  return stdout;
}

function edit(file: string, from: string | RegExp, to: string): (files: Map<string, string>) => void {
  return (all) => {
    const content = all.get(file) ?? '';
    const next = content.replace(from, to);
    if (next === content) throw new Error(`${file}: nothing matched ${String(from)}`);
    all.set(file, next);
  };
}

async function application(): Promise<Application> {
  const res = await kubectl(['get', 'application', appName, '-o', 'json'], { namespace: argoNamespace });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Application;
}

/** Exactly what a user sees: `kubectl get application -o jsonpath='{.status.sync.status} {.status.health.status}'`. */
async function syncAndHealth(): Promise<string> {
  const res = await kubectl(['get', 'application', appName, '-o', 'jsonpath={.status.sync.status} {.status.health.status}'], { namespace: argoNamespace });
  return res.stdout.trim();
}

/** Adds a step to the transcript printed after the file; with `service`, also its health in the Application. */
async function record(step: string, service?: string): Promise<string> {
  const state = await syncAndHealth();
  transcript.push(`$ kubectl get application ${appName} -o jsonpath='{.status.sync.status} {.status.health.status}'   # ${step}\n${state}`);
  if (service !== undefined) {
    const path = `{.status.resources[?(@.name=="${service}")].health}`;
    const health = await kubectl(['get', 'application', appName, '-o', `jsonpath=${path}`], { namespace: argoNamespace });
    transcript.push(`$ kubectl get application ${appName} -o jsonpath='${path}'\n${health.stdout.trim()}`);
  }
  console.log(`[gitops] ${((Date.now() - started) / 1000).toFixed(0)}s ${step}: ${state}`);
  return state;
}

async function diagnostics(): Promise<string> {
  const app = await kubectl(['get', 'application', appName, '-o', 'jsonpath={.status.conditions} {.status.operationState.phase} {.status.operationState.message}'], { namespace: argoNamespace });
  const services = await kubectl(['get', 'ecsservice', '-o', 'jsonpath={range .items[*]}{.metadata.name}: {range .status.conditions[?(@.status=="True")]}{.type} {.message}; {end}{"\\n"}{end}'], { namespace: ns });
  return [
    `--- Application conditions and last operation ---\n${app.stdout}`,
    `--- EcsService conditions that are True ---\n${services.stdout}`,
    '--- argocd-application-controller ---',
    argocd.logs('application-controller').split('\n').slice(-25).join('\n'),
    '--- operator ---',
    operator.logs().split('\n').slice(-25).join('\n'),
  ].join('\n');
}

/** Polls without moving the emulator's clock. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (Application: ${await syncAndHealth()})\n${await diagnostics()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Lets deployments progress, one scheduling step of the emulator at a time, until `check` holds. */
async function advanceUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (Application: ${await syncAndHealth()})\n${await diagnostics()}`);
    await emulator.control.advance(1);
    await new Promise((r) => setTimeout(r, 700));
  }
}

async function get(kind: string, name: string): Promise<EcsObject | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as EcsObject) : undefined;
}

async function list(kind: string): Promise<EcsObject[]> {
  const res = await kubectl(['get', kind, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as { items: EcsObject[] }).items : [];
}

const condition = (obj: EcsObject | undefined, type: string) => obj?.status?.conditions?.find((c) => c.type === type);

async function describeService(cluster: string, name: string): Promise<Service | undefined> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  return out.services?.[0];
}

function resourceHealth(app: Application, kind: string, name: string) {
  return app.status?.resources?.find((r) => r.kind === kind && r.name === name);
}

const is = (state: string) => async () => (await syncAndHealth()) === state;

// Each step waits on Argo CD, the operator and the emulator in turn: minutes on a busy 2-core machine.
describe('an Application of examples/ (examples/argocd/application.yaml) synced by Argo CD', { timeout: 300_000 }, () => {
  const serviceNames = () => [...files.values()].flatMap((text) => [...text.matchAll(/kind: EcsService\nmetadata:\n {2}name: (\S+)/g)].map((m) => m[1] ?? ''));

  it('syncs clusters, then task definitions, then services, is Progressing while the deployments roll out and Healthy when they complete', async () => {
    await commit('examples');
    // The Application as the README has users apply it; only where Git is and where the cluster is
    // (registered by its Secret: Argo CD runs on the host, without in-cluster config) differ.
    const app = structuredClone(example);
    app.spec.source.repoURL = argocd.repo.url;
    app.spec.destination.server = argocd.clusterServer;
    const applied = await kubectl(['apply', '-f', '-'], { namespace: argoNamespace, input: JSON.stringify(app) });
    expect(applied.code, applied.stderr).toBe(0);

    const expected = serviceNames();
    expect(expected.length).toBeGreaterThanOrEqual(5);
    await waitFor('Argo CD to create every EcsService', async () => (await list('ecsservice')).length === expected.length, 180_000);
    await waitFor('the sync to finish', async () => (await application()).status?.operationState?.phase === 'Succeeded');

    // No task of any new service has started yet (the emulator's clock has not moved).
    expect(await record('synced, no deployment has progressed')).toBe('Synced Progressing');
    await waitFor('the operator to report web\'s rollout', async () => condition(await get('ecsservice', 'web'), 'Reconciling')?.status === 'True');
    const web = await get('ecsservice', 'web');
    // Argo CD's health message for the service is the operator's own word for the rollout.
    const rolling = condition(web, 'Reconciling')?.message ?? '';
    expect(rolling).toMatch(/in progress/);
    await waitFor('Argo CD to show the rollout message', async () => resourceHealth(await application(), 'EcsService', 'web')?.health?.message === rolling);
    expect(resourceHealth(await application(), 'EcsService', 'web')?.health?.status).toBe('Progressing');
    expect((await describeService('demo', 'web'))?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');

    // Wave -1 (clusters) was Healthy before Argo CD created anything of wave 0 (task definitions),
    // and wave 0 before anything of wave 1 (services).
    const readyTimes = async (kind: string) => (await list(kind)).map((o) => Date.parse(condition(o, 'Ready')?.lastTransitionTime ?? ''));
    const createdTimes = async (kind: string) => (await list(kind)).map((o) => Date.parse(o.metadata.creationTimestamp));
    expect(await readyTimes('ecscluster')).toHaveLength(2);
    expect(Math.max(...(await readyTimes('ecscluster')))).toBeLessThanOrEqual(Math.min(...(await createdTimes('ecstaskdefinition'))));
    expect(Math.max(...(await readyTimes('ecstaskdefinition')))).toBeLessThanOrEqual(Math.min(...(await createdTimes('ecsservice'))));

    await advanceUntil('the Application to be Healthy', is('Synced Healthy'));
    await record('deployments completed');
    for (const name of expected) {
      const obj = await get('ecsservice', name);
      expect(condition(obj, 'Ready'), name).toMatchObject({ status: 'True' });
      expect(resourceHealth(await application(), 'EcsService', name)?.health?.status, name).toBe('Healthy');
    }
    expect((await describeService('demo', 'web'))?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    for (const name of ['demo', 'demo-ec2']) expect(resourceHealth(await application(), 'EcsCluster', name)?.health?.status, name).toBe('Healthy');
  });

  it('stays Synced while the operator resyncs every object several times', async () => {
    const before = await application();
    const describesBefore = (await operator.awsCalls()).get('ecs:DescribeServices') ?? 0;
    const seen = new Set<string>();
    // --resync-period is 10s: 35s spans three resyncs of every object, and Argo CD refreshes on
    // each status write the operator makes.
    const end = Date.now() + 35_000;
    while (Date.now() < end) {
      seen.add(await syncAndHealth());
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect([...seen]).toEqual(['Synced Healthy']);
    const after = await application();
    // No sync was needed: the last operation is still the first one.
    expect(after.status?.operationState?.startedAt).toBe(before.status?.operationState?.startedAt);
    expect(after.status?.resources?.filter((r) => r.status !== 'Synced')).toEqual([]);
    expect(((await operator.awsCalls()).get('ecs:DescribeServices') ?? 0) - describesBefore).toBeGreaterThan(0);
  });

  it('turns Degraded with the operator\'s message when the circuit breaker rolls a rollout back, and Healthy again after a fixing commit', async () => {
    await record('before the failing commit');
    const revisionBefore = (await get('ecstaskdefinition', 'web'))?.status?.taskDefinitionArn;
    await commit('web: nginx 1.28', edit('fargate-web-alb.yaml', 'image: public.ecr.aws/nginx/nginx:1.27', 'image: public.ecr.aws/nginx/nginx:1.28'));
    await waitFor('the new revision of web', async () => {
      const arn = (await get('ecstaskdefinition', 'web'))?.status?.taskDefinitionArn;
      return arn !== undefined && arn !== revisionBefore;
    });
    const failing = (await get('ecstaskdefinition', 'web'))?.status?.taskDefinitionArn ?? '';
    // Every task of the new revision stops before it runs, as a crashing image's would.
    await emulator.control.failTasks(failing, 'Essential container in task exited');
    await waitFor('the rollout of the new revision to start', async () => (await describeService('demo', 'web'))?.taskDefinition === failing);
    await waitFor('Argo CD to see it', is('Synced Progressing'));
    await record('failing commit synced, rollout under way', 'web');

    // The clock stops once ECS's circuit breaker has failed the deployment and started the rollback,
    // so the operator reads the FAILED deployment itself (it looks every 5 s during a rollout).
    await advanceUntil('the circuit breaker to fail the deployment', async () =>
      (await describeService('demo', 'web'))?.deployments?.some((d) => d.taskDefinition === failing && d.rolloutState === 'FAILED') === true,
    );
    await waitFor('the Application to be Degraded', is('Synced Degraded'));
    await record('circuit breaker failed the deployment and rolls back', 'web');
    const stalled = condition(await get('ecsservice', 'web'), 'Stalled');
    expect(stalled?.status).toBe('True');
    expect(stalled?.message).toMatch(/^rollout of web:\d+ failed: ECS deployment circuit breaker/);
    await waitFor('Argo CD to show the operator\'s message', async () => resourceHealth(await application(), 'EcsService', 'web')?.health?.message === stalled?.message);
    expect(resourceHealth(await application(), 'EcsService', 'web')?.health?.status).toBe('Degraded');

    // The rollback restores the previous revision; the rollout the commit asked for still failed.
    await advanceUntil('ECS to run the previous revision again', async () => {
      const svc = await describeService('demo', 'web');
      return svc?.deployments?.length === 1 && svc.deployments[0]?.taskDefinition === revisionBefore && svc.deployments[0]?.rolloutState === 'COMPLETED';
    });
    expect(condition(await get('ecsservice', 'web'), 'Stalled')?.status).toBe('True');
    expect(await record('rollback completed, the failed rollout still reported', 'web')).toBe('Synced Degraded');

    await commit('web: nginx 1.29', edit('fargate-web-alb.yaml', 'image: public.ecr.aws/nginx/nginx:1.28', 'image: public.ecr.aws/nginx/nginx:1.29'));
    await waitFor('the fixing revision to roll out', async () => (await syncAndHealth()) === 'Synced Progressing' || (await syncAndHealth()) === 'Synced Healthy');
    await record('fixing commit synced');
    await advanceUntil('the Application to be Healthy again', is('Synced Healthy'));
    await record('fixed rollout completed', 'web');
    expect((await describeService('demo', 'web'))?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
  });

  it('self-heals: a kubectl edit of desiredCount is reverted by Argo CD, a change made in ECS is put back by the operator', async () => {
    const lastSync = (await application()).status?.operationState?.startedAt;
    // `kubectl edit`, with an editor that changes the count as a person would.
    const edited = await kubectlEdit('ecsservice/renderer', `sed -i -e 's/^  desiredCount: 6$/  desiredCount: 3/'`);
    expect(edited).toContain('edited');
    await waitFor('Argo CD to put desiredCount back to what Git says', async () => {
      const op = (await application()).status?.operationState;
      return op?.startedAt !== lastSync && op?.phase === 'Succeeded' && (await get('ecsservice', 'renderer'))?.spec.desiredCount === 6;
    });
    // The Application's status says who did it: a sync Argo CD started itself, that configured renderer.
    const healed = (await application()).status?.operationState;
    expect(healed?.operation?.initiatedBy?.automated).toBe(true);
    expect(healed?.syncResult?.resources?.find((r) => r.kind === 'EcsService' && r.name === 'renderer')?.message).toMatch(/configured/);
    await advanceUntil('the Application to be Synced and Healthy after self-heal', is('Synced Healthy'));
    expect((await describeService('demo', 'renderer'))?.desiredCount).toBe(6);

    // Out of band in ECS: the operator's business (driftPolicy Correct, the default), not Argo CD's.
    await ecs.send(new UpdateServiceCommand({ cluster: 'demo', service: 'renderer', desiredCount: 1 }));
    await waitFor('the operator to report the drift it corrected', async () => condition(await get('ecsservice', 'renderer'), 'Drifted')?.reason === 'DriftCorrected', 60_000);
    expect((await describeService('demo', 'renderer'))?.desiredCount).toBe(6);
    const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', 'regarding.name=renderer,reason=DriftCorrected', '-o', 'jsonpath={.items[*].note}'], { namespace: ns });
    expect(events.stdout).toContain('desiredCount');
    await advanceUntil('the Application to be Synced and Healthy after the drift', is('Synced Healthy'));
    expect((await application()).status?.operationState?.startedAt).toBe(healed?.startedAt);
  });

  it('does not show the service OutOfSync when autoscaling changes its count', async () => {
    const lastSync = (await application()).status?.operationState?.startedAt;
    // What Application Auto Scaling does when web's CPU target is exceeded: a new count in ECS.
    await ecs.send(new UpdateServiceCommand({ cluster: 'demo', service: 'web', desiredCount: 4 }));
    await waitFor('the operator to report the scaled count', async () => (await get('ecsservice', 'web'))?.status?.desiredCount === 4, 60_000);
    const scaledAt = Date.now();
    const web = await get('ecsservice', 'web');
    expect(web?.status?.desiredCountOwner).toBe('Autoscaling');
    expect(web?.spec.desiredCount).toBe(2);
    await advanceUntil('the scaled service to run its tasks', async () => (await describeService('demo', 'web'))?.runningCount === 4);
    // Argo CD compared again after the operator wrote the new count, and found nothing to sync.
    await waitFor('Argo CD to compare again', async () => Date.parse((await application()).status?.reconciledAt ?? '') > scaledAt);
    await waitFor('Healthy', is('Synced Healthy'));
    const app = await application();
    expect(resourceHealth(app, 'EcsService', 'web')?.status).toBe('Synced');
    expect(app.status?.operationState?.startedAt).toBe(lastSync);
    expect((await describeService('demo', 'web'))?.desiredCount).toBe(4);
  });

  it('with driftPolicy Report, a change made in ECS stays: the Application stays Synced and Healthy, and the service\'s health message names the drift', async () => {
    await commit('api-ec2: report drift, do not correct it', edit('ec2-bridge-alb.yaml', /^( {2}desiredCount: 3)$/m, '$1\n  driftPolicy: Report'));
    await advanceUntil('driftPolicy Report on api-ec2', async () => (await get('ecsservice', 'api-ec2'))?.status?.observedGeneration === 2 && (await syncAndHealth()) === 'Synced Healthy');
    const lastSync = (await application()).status?.operationState?.startedAt;

    await ecs.send(new UpdateServiceCommand({ cluster: 'demo-ec2', service: 'api-ec2', desiredCount: 5 }));
    const reported = 'AWS differs from the manifest (driftPolicy Report): spec.desiredCount';
    await advanceUntil('Argo CD to show the reported drift in api-ec2\'s health', async () => {
      const health = resourceHealth(await application(), 'EcsService', 'api-ec2')?.health;
      return health?.status === 'Healthy' && health.message?.endsWith(`; ${reported}`) === true;
    });
    expect(condition(await get('ecsservice', 'api-ec2'), 'Drifted')).toMatchObject({ status: 'True', reason: 'DriftDetected' });
    expect(await record('drift reported under driftPolicy Report', 'api-ec2')).toBe('Synced Healthy');
    // Left as ECS has it, and no sync: the manifest did not change.
    expect((await describeService('demo-ec2', 'api-ec2'))?.desiredCount).toBe(5);
    expect((await application()).status?.operationState?.startedAt).toBe(lastSync);

    // Back to Correct (by a commit): the manifest's count is put back.
    await commit('api-ec2: correct drift again', edit('ec2-bridge-alb.yaml', '\n  driftPolicy: Report', ''));
    await advanceUntil('api-ec2 back to 3 tasks', async () => (await describeService('demo-ec2', 'api-ec2'))?.desiredCount === 3 && (await syncAndHealth()) === 'Synced Healthy');
    expect(condition(await get('ecsservice', 'api-ec2'), 'Drifted')?.status).toBe('False');
  });

  it('turns Degraded with the operator\'s message when a commit removes a capacity provider a service still uses, and Healthy when it is put back', async () => {
    const withoutSpot = (all: Map<string, string>) => {
      edit('clusters.yaml', '\n    - name: FARGATE_SPOT', '')(all);
      edit('clusters.yaml', '\n    - capacityProvider: FARGATE_SPOT\n      weight: 4', '')(all);
    };
    const before = new Map(files);
    await commit('demo: no more FARGATE_SPOT', withoutSpot);
    await waitFor('the demo cluster to be Degraded', async () => resourceHealth(await application(), 'EcsCluster', 'demo')?.health?.status === 'Degraded');
    expect(await record('FARGATE_SPOT removed while renderer runs on it', 'demo')).toBe('Synced Degraded');
    const stalled = condition(await get('ecscluster', 'demo'), 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason: 'CapacityProviderInUse', message: expect.stringContaining('renderer') });
    expect(resourceHealth(await application(), 'EcsCluster', 'demo')?.health).toEqual({ status: 'Degraded', message: stalled?.message });

    await commit('demo: FARGATE_SPOT back', (all) => void all.set('clusters.yaml', before.get('clusters.yaml') ?? ''));
    await waitFor('the Application to be Healthy again', is('Synced Healthy'));
    await record('FARGATE_SPOT back', 'demo');
  });

  it('prunes a service removed from Git: scaled to 0 and deleted in ECS, the Application Synced and Healthy', async () => {
    await commit('remove renderer', (all) => void all.delete('fargate-spot.yaml'));
    await advanceUntil('Argo CD to prune renderer', async () => (await get('ecsservice', 'renderer')) === undefined && (await get('ecstaskdefinition', 'renderer')) === undefined, 180_000);
    const gone = await describeService('demo', 'renderer');
    expect(gone?.status).toBe('INACTIVE');
    expect(gone?.desiredCount).toBe(0);
    await waitFor('Synced and Healthy', is('Synced Healthy'));
    expect(resourceHealth(await application(), 'EcsService', 'renderer')).toBeUndefined();
  });

  it('leaves the ECS service running when a service with deletionPolicy Retain is removed from Git', async () => {
    await commit('cms: retain in ECS', (all) => {
      // Both kinds: deregistering the revision a retained service runs would wait forever.
      all.set('efs-volume.yaml', (all.get('efs-volume.yaml') ?? '').replace(/^spec:$/gm, 'spec:\n  deletionPolicy: Retain'));
    });
    await waitFor('deletionPolicy Retain on cms', async () => (await get('ecsservice', 'cms'))?.status?.observedGeneration === 2 && (await syncAndHealth()) === 'Synced Healthy');
    await commit('remove cms', (all) => void all.delete('efs-volume.yaml'));
    await advanceUntil('Argo CD to prune cms', async () => (await get('ecsservice', 'cms')) === undefined && (await get('ecstaskdefinition', 'cms')) === undefined, 180_000);
    await waitFor('Synced and Healthy', is('Synced Healthy'));
    expect((await describeService('demo', 'cms'))).toMatchObject({ status: 'ACTIVE', desiredCount: 1 });
  });

  // Last: until it passes, the service it leaves Progressing holds back later syncs.
  it('turns Degraded when a commit points a service at a missing cluster, and Healthy when it is put back', async () => {
    await commit('node-agent: cluster that does not exist', edit('daemon-service.yaml', 'clusterRef:\n    name: demo-ec2', 'cluster: no-such-cluster'));
    // A service cannot move between clusters in place (it is replaced); the clock runs in case the
    // operator drains anything before its calls meet the missing cluster.
    await advanceUntil('node-agent to be Degraded', async () => resourceHealth(await application(), 'EcsService', 'node-agent')?.health?.status === 'Degraded', 90_000);
    expect(await record('service pointed at a missing cluster', 'node-agent')).toBe('Synced Degraded');
    const stalled = condition(await get('ecsservice', 'node-agent'), 'Stalled');
    expect(stalled?.message).toContain('no-such-cluster');
    expect(resourceHealth(await application(), 'EcsService', 'node-agent')?.health).toEqual({ status: 'Degraded', message: stalled?.message });

    await commit('node-agent: back on demo-ec2', edit('daemon-service.yaml', 'cluster: no-such-cluster', 'clusterRef:\n    name: demo-ec2'));
    await advanceUntil('the Application to be Healthy again', is('Synced Healthy'));
    await record('service back on its cluster', 'node-agent');
    expect((await describeService('demo-ec2', 'node-agent'))?.status).toBe('ACTIVE');
  });
});

// A second Application, of examples/argocd/presync-migration/: its EcsTask runs a migration as a
// PreSync hook, and Argo CD judges the hook by the EcsTask health check (deploy/argocd/). It uses
// the demo cluster the first Application created.
describe('a migration as an Argo CD PreSync hook before a service rollout (examples/argocd/presync-migration-application.yaml)', { timeout: 300_000 }, () => {
  const shopApp = load(readFileSync(join(repoRoot, 'examples', 'argocd', 'presync-migration-application.yaml'), 'utf8')) as Application;
  const shopDir = join(repoRoot, shopApp.spec.source.path);
  interface RunStatus {
    tasks?: { taskArn: string; containers?: { name: string; exitCode?: number }[] }[];
  }
  type TaskObject = EcsObject & { metadata: { uid: string }; status?: RunStatus };

  async function shopApplication(): Promise<Application> {
    const res = await kubectl(['get', 'application', shopApp.metadata.name, '-o', 'json'], { namespace: argoNamespace });
    expect(res.code, res.stderr).toBe(0);
    return JSON.parse(res.stdout) as Application;
  }

  /** The example's files with the emulator's ids, taken from how examples/ was rewritten (the same subnets and security group as web). */
  function shopFiles(change: (text: string) => string = (t) => t): Record<string, string> {
    const ids = (text: string) => [...text.matchAll(/\b(?:subnet|sg)-[0-9a-z]+\b/g)].map((m) => m[0]);
    const original = ids(readFileSync(join(EXAMPLES_DIR, 'fargate-web-alb.yaml'), 'utf8'));
    const rewritten = ids(files.get('fargate-web-alb.yaml') ?? '');
    const out: Record<string, string> = {};
    for (const file of readdirSync(shopDir)) {
      let text = readFileSync(join(shopDir, file), 'utf8');
      for (const [i, id] of original.entries()) text = text.replaceAll(id, rewritten[i] ?? id);
      out[`${shopApp.spec.source.path}/${file}`] = change(text);
    }
    return out;
  }

  const migration = async () => (await get('ecstask', 'shop-migrate')) as TaskObject | undefined;
  const refreshShop = () => kubectl(['annotate', 'application', shopApp.metadata.name, 'argocd.argoproj.io/refresh=normal', '--overwrite'], { namespace: argoNamespace });

  it('runs the migration to completion (Healthy) before Argo CD creates the service', async () => {
    await argocd.repo.commit(shopFiles(), 'shop-api with its migration');
    const app = structuredClone(shopApp);
    app.spec.source.repoURL = argocd.repo.url;
    app.spec.destination.server = argocd.clusterServer;
    const applied = await kubectl(['apply', '-f', '-'], { namespace: argoNamespace, input: JSON.stringify(app) });
    expect(applied.code, applied.stderr).toBe(0);

    await waitFor('Argo CD to create the migration hook', async () => (await migration()) !== undefined, 180_000);
    // The hook runs: its task is started, the service not created while it runs.
    await waitFor('the migration task to start', async () => ((await migration())?.status?.tasks ?? []).length === 1);
    expect(await get('ecsservice', 'shop-api')).toBeUndefined();
    await advanceUntil('the migration to succeed', async () => condition(await migration(), 'Ready')?.status === 'True');
    await advanceUntil('the sync to finish and shop-api to be Healthy', async () => {
      const a = await shopApplication();
      return a.status?.operationState?.phase === 'Succeeded' && a.status.health?.status === 'Healthy';
    });
    const task = await migration();
    expect(task?.status?.tasks?.[0]?.containers).toEqual([expect.objectContaining({ name: 'migrate', exitCode: 0 })]);
    const service = await get('ecsservice', 'shop-api');
    expect(Date.parse(service?.metadata.creationTimestamp ?? '')).toBeGreaterThanOrEqual(Date.parse(condition(task, 'Ready')?.lastTransitionTime ?? '') - 1_000);
    expect((await describeService('demo', 'shop-api'))?.status).toBe('ACTIVE');
  });

  it('stops the sync when the migration exits non-zero: the service and its task definition stay as they were', async () => {
    const first = await migration();
    const revisionBefore = (await describeService('demo', 'shop-api'))?.taskDefinition;
    // Every migration task from now on exits 1.
    await emulator.control.setTaskOutcome({ taskDefinition: 'shop-migrate', outcome: 'exit', exitCodes: { migrate: 1 } });
    const sha = await argocd.repo.commit(shopFiles((text) => text.replace('image: public.ecr.aws/nginx/nginx:1.27', 'image: public.ecr.aws/nginx/nginx:1.28')), 'shop-api: nginx 1.28');
    await refreshShop();
    await advanceUntil('the migration of the new commit to fail', async () => {
      const task = await migration();
      return task !== undefined && task.metadata.uid !== first?.metadata.uid && condition(task, 'Stalled')?.status === 'True';
    });
    expect(condition(await migration(), 'Stalled')).toMatchObject({ reason: 'NonZeroExitCode', message: expect.stringContaining('container migrate exited with code 1') });
    // The clock runs on (Argo CD may run the hook again): the commit's sync never gets past it.
    const phases = new Set<string>();
    for (let tick = 0; tick < 20; tick++) {
      await emulator.control.advance(1);
      await new Promise((r) => setTimeout(r, 700));
      const op = (await shopApplication()).status?.operationState;
      phases.add(`${op?.phase ?? ''}${op?.syncResult?.revision === sha ? ' (this commit)' : ''}`);
      const td = (await get('ecstaskdefinition', 'shop-api')) as (EcsObject & { spec: { containerDefinitions?: { image?: string }[] } }) | undefined;
      expect(td?.spec.containerDefinitions?.[0]?.image).toBe('public.ecr.aws/nginx/nginx:1.27');
      expect((await describeService('demo', 'shop-api'))?.taskDefinition).toBe(revisionBefore);
    }
    expect([...phases]).not.toContain('Succeeded (this commit)');
    expect((await shopApplication()).status?.sync?.status).toBe('OutOfSync');
    console.log(`[gitops] failing migration: operation phases seen ${[...phases].join(', ')}`);
    await emulator.control.clearTaskOutcomes();
  });
});

// Issue 21: checks installed into an Argo CD that already runs showed Healthy and Degraded late
// until its application controller restarted. The controller's live-state cache decides whether a
// status-only change refreshes an Application by the health it computes with the checks it loaded,
// and it reloads them on an argocd-cm change only when Argo CD's settings are complete (argocd-secret
// with server.secretkey, which argocd-server writes; none runs here, as in an install without it).
// deploy/argocd/README.md therefore ends its kubectl install with a controller restart; this runs
// the README's commands as written, the restart being the harness's (its controller is a process,
// not a StatefulSet).
describe('health checks installed into a running Argo CD with deploy/argocd/README.md\'s commands', { timeout: 300_000 }, () => {
  const healthKeys = readdirSync(join(repoRoot, 'deploy', 'argocd', 'ecs.operator.dev')).map((kind) => `resource.customizations.health.ecs.operator.dev_${kind}`);
  const readyMessage = async (name: string) => condition(await get('ecsservice', name), 'Ready')?.message;

  it('a running Argo CD without the checks shows no health for the operator\'s kinds', async () => {
    const removed = await kubectl(['patch', 'configmap', 'argocd-cm', '--type', 'merge', '-p', JSON.stringify({ data: Object.fromEntries(healthKeys.map((k) => [k, null])) })], { namespace: argoNamespace });
    expect(removed.code, removed.stderr).toBe(0);
    await argocd.restartController();
    await kubectl(['annotate', 'application', appName, 'argocd.argoproj.io/refresh=normal', '--overwrite'], { namespace: argoNamespace });
    await waitFor('Argo CD to show web without a health', async () => {
      const web = resourceHealth(await application(), 'EcsService', 'web');
      return web !== undefined && web.health === undefined;
    });
  });

  it('after the README\'s patch and controller restart, Argo CD shows each object\'s health from the operator\'s conditions', async () => {
    const readme = readFileSync(join(repoRoot, 'deploy', 'argocd', 'README.md'), 'utf8');
    const block = readme.split('**With kubectl**')[1]?.match(/```sh\n([\s\S]*?)```/)?.[1];
    expect(block).toBeDefined();
    const { binDir, kubeconfig } = testEnv();
    const restarts = join(tmpdir(), `argocd-restarts-${process.pid}.log`);
    // kubectl as the README has users run it; `rollout` (the StatefulSet restart) is recorded.
    const shim = `kubectl() { if [ "$1" = rollout ] || [ "\${3:-}" = rollout ]; then echo "$*" >> '${restarts}'; return 0; fi; '${join(binDir, 'kubectl')}' --kubeconfig='${kubeconfig}' "$@"; }\n`;
    await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', shim + (block ?? '')], { cwd: repoRoot });
    const restartLines = readFileSync(restarts, 'utf8');
    rmSync(restarts, { force: true });
    expect(restartLines).toContain('-n argocd rollout restart statefulset argocd-application-controller');
    const cm = JSON.parse((await kubectl(['get', 'configmap', 'argocd-cm', '-o', 'json'], { namespace: argoNamespace })).stdout) as { data: Record<string, string> };
    for (const key of healthKeys) expect(cm.data[key], key).toContain('obj.status');
    // Why the restart: this Argo CD cannot deliver the argocd-cm change to its live-state cache.
    await waitFor('the controller to try to read the new settings', async () => argocd.logs('application-controller').includes('Unable to parse updated settings'), 30_000);
    expect(argocd.logs('application-controller')).toContain('server.secretkey is missing');

    await argocd.restartController();
    await kubectl(['annotate', 'application', appName, 'argocd.argoproj.io/refresh=normal', '--overwrite'], { namespace: argoNamespace });
    const web = await readyMessage('web');
    await waitFor('Argo CD to show web Healthy with the operator\'s Ready message', async () => {
      const health = resourceHealth(await application(), 'EcsService', 'web')?.health;
      return health?.status === 'Healthy' && health.message === web;
    });
    for (const [kind, name] of [['EcsCluster', 'demo'], ['EcsTaskDefinition', 'web']] as const) {
      expect(resourceHealth(await application(), kind, name)?.health?.status, `${kind} ${name}`).toBe('Healthy');
    }
    expect(await record('health checks reinstalled with the README\'s commands', 'web')).toBe('Synced Healthy');
  });
});

// ECS-native blue/green (issue 18): examples/blue-green-payments.yaml, deployed by ECS through its
// lifecycle stages on the emulator's clock, with the lifecycle hook's answer set on the control
// endpoint (no Lambda runs). Argo CD shows the stage while the new revision bakes, and Degraded,
// naming the hook, when a hook rolls a deployment back.
describe('a BLUE_GREEN service of examples/ (blue-green-payments.yaml) synced by Argo CD', { timeout: 300_000 }, () => {
  const hook = 'arn:aws:lambda:us-east-1:123456789012:function:payments-smoke-test';

  /** The lifecycle stage of the payments service's current service deployment, read from ECS directly. */
  async function stage(): Promise<string | undefined> {
    const arn = (await describeService('demo', 'payments'))?.currentServiceDeployment;
    if (!arn) return undefined;
    const { serviceDeployments } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const current = serviceDeployments?.[0];
    return current?.status === 'IN_PROGRESS' ? current.lifecycleStage : current?.status;
  }

  async function newImage(image: string): Promise<string> {
    const before = (await get('ecstaskdefinition', 'payments'))?.status?.taskDefinitionArn;
    await commit(`payments: ${image}`, edit('blue-green-payments.yaml', /image: public\.ecr\.aws\/nginx\/nginx:\S+/, `image: public.ecr.aws/nginx/nginx:${image}`));
    await waitFor(`the revision of payments with ${image}`, async () => {
      const arn = (await get('ecstaskdefinition', 'payments'))?.status?.taskDefinitionArn;
      return arn !== undefined && arn !== before;
    });
    return (await get('ecstaskdefinition', 'payments'))?.status?.taskDefinitionArn ?? '';
  }

  it('is Progressing with its lifecycle stage while the new revision bakes, and Healthy once ECS says SUCCESSFUL', async () => {
    await advanceUntil('the Application to be Healthy', is('Synced Healthy'));
    const next = await newImage('1.28');
    await waitFor('the blue/green rollout to start', async () => (await describeService('demo', 'payments'))?.taskDefinition === next);
    // The clock stops in the bake time, so the operator and Argo CD see that stage.
    await advanceUntil('ECS to reach BAKE_TIME', async () => (await stage()) === 'BAKE_TIME');
    await waitFor('Argo CD to show the bake time', async () => {
      const health = resourceHealth(await application(), 'EcsService', 'payments')?.health;
      return health?.status === 'Progressing' && health.message?.includes('stage BAKE_TIME') === true;
    });
    await record('blue/green rollout baking', 'payments');
    const reconciling = condition(await get('ecsservice', 'payments'), 'Reconciling');
    expect(reconciling?.message).toMatch(/^BLUE_GREEN rollout of payments:\d+ to payments \(deployment \S+\) in progress, stage BAKE_TIME since /);
    expect(resourceHealth(await application(), 'EcsService', 'payments')?.health?.message).toBe(reconciling?.message);

    await advanceUntil('the Application to be Healthy again', is('Synced Healthy'));
    await record('blue/green rollout completed', 'payments');
    expect(await stage()).toBe('SUCCESSFUL');
  });

  it('turns Degraded naming the lifecycle hook that rolled a rollout back, and Healthy again after a fixing commit', async () => {
    await emulator.control.setLifecycleHookOutcome({ outcome: 'FAILED', service: 'payments', hookTargetArn: hook });
    const failing = await newImage('1.29');
    await waitFor('the blue/green rollout to start', async () => (await describeService('demo', 'payments'))?.taskDefinition === failing);
    await advanceUntil('payments to be Degraded', async () => resourceHealth(await application(), 'EcsService', 'payments')?.health?.status === 'Degraded');
    expect(await record('lifecycle hook failed the rollout', 'payments')).toBe('Synced Degraded');
    const stalled = condition(await get('ecsservice', 'payments'), 'Stalled');
    expect(stalled?.message).toContain(`lifecycle hook ${hook} at POST_TEST_TRAFFIC_SHIFT failed`);
    await waitFor('Argo CD to show the operator\'s message', async () => resourceHealth(await application(), 'EcsService', 'payments')?.health?.message === stalled?.message);

    await emulator.control.clearLifecycleHookOutcomes('payments');
    await newImage('1.30');
    await advanceUntil('the Application to be Healthy again', is('Synced Healthy'));
    await record('fixing commit rolled out', 'payments');
    expect(await stage()).toBe('SUCCESSFUL');
  });
});
