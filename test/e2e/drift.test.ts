// End to end, drift as an SRE meets it: the operator process against the apiserver and the AWS
// emulator, and someone changing things in ECS behind its back with the SDK, as the console would:
// a desiredCount changed, a load balancer unbound, a scaling policy deleted.
// Under driftPolicy Report each shows in status.drift and in `ecs-operator drift` (table, JSON,
// Markdown), and the operator writes nothing to AWS; under Correct each is put back within one
// resync, with a DriftCorrected Event. The drift metrics say the same.
import { ApplicationAutoScalingClient, DeleteScalingPolicyCommand, DescribeScalingPoliciesCommand, type ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, DescribeServicesCommand, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/index.js';
import { createWorld, type World } from '../integration/reconcile-support.js';
import { runCli, type CliRun } from '../support/cli.js';
import { awsClientConfig, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, scrape, total } from '../support/metrics.js';
import { isAwsWrite, startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

// Fixed names (unique within a test run: each run has its own apiserver and emulator, and no other
// file uses them) keep the drift reports free of random ids, so they can be snapshot-tested.
const CLUSTER_ID = 'drift-e2e';
const RESYNC_MS = 10_000;

let world: World;
let operator: OperatorProcess;
let targetGroupArn: string;
const aas = new ApplicationAutoScalingClient(awsClientConfig());

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  targetGroupArn = await world.targetGroup('drift-web');
  for (const name of ['drift-report', 'drift-correct']) {
    await world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: name, capacityProviders: ['FARGATE'] }));
    expect((await kubectl(['create', 'namespace', name])).code).toBe(0);
  }
  operator = await startOperator({ namespaces: ['drift-report', 'drift-correct'], extraArgs: [`--cluster-id=${CLUSTER_ID}`], resyncPeriod: `${RESYNC_MS / 1000}s`, logLevel: 'info' });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  aas.destroy();
});

/** A task definition, `web` (2 tasks behind the target group) and `api` (CPU target tracking), under one drift policy. */
function manifests(ns: 'drift-report' | 'drift-correct', driftPolicy: 'Report' | 'Correct') {
  const td = taskDefinitionManifest('app', { executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole', spec: { family: ns } });
  const placement = { cluster: ns, subnets: world.subnets, securityGroup: world.securityGroup };
  const common = { taskDefinitionRef: { name: 'app' }, launchType: 'FARGATE', driftPolicy };
  const web = serviceManifest(placement, 'web', { ...common, desiredCount: 2, loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }] });
  const api = serviceManifest(placement, 'api', {
    ...common,
    desiredCount: 1,
    autoscaling: { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'cpu', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 }] },
  });
  return { td, services: [web, api] };
}

type Obj = {
  metadata: { name: string; generation: number };
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
    drift?: { detected: boolean; firstSeenTime?: string; lastCheckedTime?: string; differences?: { path: string; desired?: unknown; actual?: unknown }[] };
  };
};

async function get(ns: string, kind: string, name: string): Promise<Obj> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Obj;
}

const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);

const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator.logs(), logLines: 30 });

async function inSync(ns: string, kind: string, name: string): Promise<boolean> {
  const o = await get(ns, kind, name);
  return o.status?.observedGeneration === o.metadata.generation && condition(o, 'Ready')?.status === 'True' && condition(o, 'Synced')?.status === 'True';
}

/** Applies the task definition, then the services (the examples' Argo CD sync-wave order; see cli-examples.test.ts for why). */
async function applyAndWait(ns: 'drift-report' | 'drift-correct', driftPolicy: 'Report' | 'Correct'): Promise<void> {
  const { td, services } = manifests(ns, driftPolicy);
  expect((await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(td) })).code).toBe(0);
  await waitFor('the task definition', () => inSync(ns, 'ecstaskdefinition', 'app'));
  expect((await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: services }) })).code).toBe(0);
  await waitFor('both services Ready and Synced', async () => (await inSync(ns, 'ecsservice', 'web')) && (await inSync(ns, 'ecsservice', 'api')));
}

async function describeService(cluster: string, name: string): Promise<Service> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const svc = out.services?.[0];
  if (!svc) throw new Error(`no service ${name}`);
  return svc;
}

async function policies(cluster: string): Promise<ScalingPolicy[]> {
  return (await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/api` }))).ScalingPolicies ?? [];
}

/** What someone does in the console: scale web by hand, unbind its target group, delete api's scaling policy. */
async function changeBehindTheOperatorsBack(cluster: string): Promise<void> {
  const ecs = world.aws.region().clients.ecs;
  await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', desiredCount: 5 }));
  await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', loadBalancers: [] }));
  const [policy] = await policies(cluster);
  expect(policy?.PolicyName).toMatch(/^ecsop-[0-9a-f]{10}-cpu$/);
  await aas.send(new DeleteScalingPolicyCommand({ ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/api`, ScalableDimension: 'ecs:service:DesiredCount', PolicyName: policy?.PolicyName }));
}

async function writes(): Promise<number> {
  let total = 0;
  for (const [key, n] of await operator.awsCalls()) if (isAwsWrite(key)) total += n;
  return total;
}

/** A metric's value for one namespace (0 when the series does not exist yet). */
async function metric(name: string, ns: string): Promise<number> {
  return total((await scrape(operator.metricsUrl, name)).filter(labelled({ kind: 'EcsService', namespace: ns })));
}

function driftCli(ns: string, output: string): Promise<CliRun> {
  return runCli(['drift', '--cluster-source', `--kubeconfig=${testEnv().kubeconfig}`, '-n', ns, '-o', output, `--endpoint=${testEnv().awsEndpoint}`, `--cluster-id=${CLUSTER_ID}`], {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
}

/**
 * The report with what changes from run to run made constant: times, and the target group's
 * generated id (also where the table or Markdown cut a value short and kept only its end).
 */
function normalize(text: string): string {
  const id = targetGroupArn.slice(targetGroupArn.lastIndexOf('/') + 1);
  let out = text.replaceAll(id, 'TARGETGROUP-ID00'.slice(0, id.length).padEnd(id.length, '0'));
  for (let keep = id.length - 1; keep >= 4; keep--) out = out.replaceAll(`…${id.slice(-keep)}`, `…${'TARGETGROUP-ID00'.slice(-keep).padStart(keep, '0')}`);
  return out.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>');
}

describe('driftPolicy Report', () => {
  const ns = 'drift-report';

  it('reports a changed desiredCount, an unbound load balancer and a deleted scaling policy, and writes nothing to AWS', async () => {
    await applyAndWait(ns, 'Report');
    expect(await metric('ecs_operator_drifted_objects', ns)).toBe(0);
    const before = await writes();

    await changeBehindTheOperatorsBack(ns);
    await waitFor('drift in both services', async () => (await get(ns, 'ecsservice', 'web')).status?.drift?.detected === true && (await get(ns, 'ecsservice', 'api')).status?.drift?.detected === true, RESYNC_MS * 3);
    // Settle on a complete report: the unbinding and the count may be seen one resync apart.
    await waitFor('all three differences', async () => (await get(ns, 'ecsservice', 'web')).status?.drift?.differences?.length === 2, RESYNC_MS * 3);

    const web = await get(ns, 'ecsservice', 'web');
    expect(web.status?.drift?.differences).toEqual([
      { path: 'spec.desiredCount', desired: 2, actual: 5 },
      // Absent in AWS: no `actual`.
      { path: 'spec.loadBalancers[web]', desired: { containerName: 'web', containerPort: 80, targetGroupArn } },
    ]);
    expect(web.status?.drift?.firstSeenTime).toBeDefined();
    expect(condition(web, 'Drifted')).toMatchObject({ status: 'True', reason: 'DriftDetected' });
    expect(condition(web, 'Drifted')?.message).toContain('spec.desiredCount, spec.loadBalancers');
    const api = await get(ns, 'ecsservice', 'api');
    expect(api.status?.drift?.differences).toEqual([{ path: 'spec.autoscaling.targetTracking[cpu]', desired: expect.objectContaining({ predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 }) }]);
    expect(condition(api, 'Drifted')).toMatchObject({ status: 'True', reason: 'DriftDetected' });
    expect(await metric('ecs_operator_drifted_objects', ns)).toBe(2);

    // The CLI prints the same differences, from the same plan.
    const json = await driftCli(ns, 'json');
    expect(json.code, json.stderr).toBe(2);
    const report = JSON.parse(json.stdout) as DriftReport;
    const cliDiffs = (name: string) => report.objects.find((o) => o.kind === 'EcsService' && o.name === name)?.differences.map(({ path, desired, actual }) => ({ path, desired, ...(actual === undefined ? {} : { actual }) }));
    expect(cliDiffs('web')).toEqual(web.status?.drift?.differences);
    expect(cliDiffs('api')).toEqual(api.status?.drift?.differences);
    expect(normalize(json.stdout)).toMatchSnapshot('json');
    for (const format of ['table', 'markdown']) {
      const res = await driftCli(ns, format);
      expect(res.code, res.stderr).toBe(2);
      expect(normalize(res.stdout)).toMatchSnapshot(format);
    }

    // Another resync later: still reported, still nothing written, and ECS still as it was left.
    const checked = (await get(ns, 'ecsservice', 'web')).status?.drift?.lastCheckedTime ?? '';
    await waitFor('another resync', async () => ((await get(ns, 'ecsservice', 'web')).status?.drift?.lastCheckedTime ?? '') > checked, RESYNC_MS * 3);
    expect(await writes()).toBe(before);
    const svc = await describeService(ns, 'web');
    expect(svc.desiredCount).toBe(5);
    expect(svc.loadBalancers ?? []).toEqual([]);
    expect(await policies(ns)).toEqual([]);
    expect((await get(ns, 'ecsservice', 'web')).status?.drift?.firstSeenTime).toBe(web.status?.drift?.firstSeenTime);
    expect(await metric('ecs_operator_drifted_objects', ns)).toBe(2);
    expect(await metric('ecs_operator_drift_corrections_total', ns)).toBe(0);
  });
});

describe('driftPolicy Correct', () => {
  const ns = 'drift-correct';

  it('puts back each change within one resync and records a DriftCorrected Event', async () => {
    await applyAndWait(ns, 'Correct');
    const [policy] = await policies(ns);
    const corrections = await metric('ecs_operator_drift_corrections_total', ns);
    expect(corrections).toBe(0);

    await changeBehindTheOperatorsBack(ns);
    // Within one resync period, plus the time a reconcile of both services takes on a busy machine.
    const took = await waitFor(
      'web and api restored in ECS',
      async () => {
        const svc = await describeService(ns, 'web');
        const [restored] = await policies(ns);
        return svc.desiredCount === 2 && svc.loadBalancers?.[0]?.targetGroupArn === targetGroupArn && restored?.PolicyName === policy?.PolicyName;
      },
      RESYNC_MS + 8_000,
    );
    expect(took).toBeLessThan(RESYNC_MS + 8_000);
    const [restored] = await policies(ns);
    expect(restored?.TargetTrackingScalingPolicyConfiguration).toEqual(policy?.TargetTrackingScalingPolicyConfiguration);

    const events = async () => {
      const res = await kubectl(['get', 'events.events.k8s.io', '--field-selector', 'reason=DriftCorrected', '-o', 'json'], { namespace: ns });
      return (JSON.parse(res.stdout) as { items: { regarding: { name: string }; note: string; type: string }[] }).items;
    };
    await waitFor('DriftCorrected Events for both services', async () => new Set((await events()).map((e) => e.regarding.name)).size === 2, 15_000);
    // The two changes to web may be put back by one reconcile or by two.
    const notes = (name: string) => (async () => (await events()).filter((e) => e.regarding.name === name).map((e) => e.note).join('\n'))();
    expect(await notes('web')).toMatch(/^Put back what was changed outside the operator: .*spec\.desiredCount/m);
    expect(await notes('web')).toMatch(/^Put back what was changed outside the operator: .*spec\.loadBalancers/m);
    expect(await notes('api')).toBe('Put back what was changed outside the operator: spec.autoscaling.targetTracking[cpu]');
    expect(await metric('ecs_operator_drift_corrections_total', ns)).toBeGreaterThanOrEqual(2);

    await waitFor('both services in sync again', async () => (await inSync(ns, 'ecsservice', 'web')) && (await inSync(ns, 'ecsservice', 'api')));
    for (const name of ['web', 'api']) {
      const o = await get(ns, 'ecsservice', name);
      expect(o.status?.drift?.detected).toBe(false);
      expect(condition(o, 'Drifted')?.status).toBe('False');
    }
    expect(await metric('ecs_operator_drifted_objects', ns)).toBe(0);
  });
});
