// End to end, the ECS workflow this project started from, as manifests: a cluster with FARGATE and
// FARGATE_SPOT and a default strategy, services that name it by clusterRef, an EC2 cluster on an
// Auto Scaling group, drift on the cluster, and a deletion that waits for the cluster's services.
// One operator process, the real apiserver and the AWS emulator, read directly.
//
// The resync period is long on purpose: a service waiting for its cluster must be started by the
// watch on clusters, and drift is looked at when a test asks (an annotation), not by a timer.
import { DescribeClustersCommand, DescribeServicesCommand, PutClusterCapacityProvidersCommand, UpdateClusterSettingsCommand, type Cluster, type Service } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, KINDS } from '../../src/api/index.js';
import { createAutoScalingGroup } from '../support/autoscaling-group.js';
import { createNamespace, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';

let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  ns = await createNamespace('e2e-cluster');
  operator = await startOperator({ namespaces: [ns], resyncPeriod: '10m', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

const WORKFLOW_STRATEGY = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 4 },
];

const clusterManifest = (name: string, spec: Record<string, unknown>) => ({ apiVersion: API_VERSION, kind: KINDS.EcsCluster, metadata: { name }, spec });

/** A Fargate service in the EcsCluster `cluster`, with no launch type and no strategy: the cluster's default applies. */
const fargateService = (name: string, cluster: string) => serviceManifest(world, name, { cluster: undefined, clusterRef: { name: cluster }, desiredCount: 2 });

/** An EC2 task definition (bridge networking) and a service of it in the EcsCluster `cluster`. */
const ec2TaskDefinition = (name: string) => taskDefinitionManifest(name, { spec: { networkMode: 'bridge', requiresCompatibilities: ['EC2'] } });
const ec2Service = (name: string, cluster: string, spec: Record<string, unknown>) => serviceManifest(world, name, { cluster: undefined, clusterRef: { name: cluster }, networkConfiguration: undefined, ...spec });

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

async function patch(kind: string, name: string, patchBody: object): Promise<void> {
  const res = await kubectl(['patch', kind, name, '--type=merge', '-p', JSON.stringify(patchBody)], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
}

/** What a user does to have the operator look again now rather than at the next resync. */
const poke = (kind: string, name: string) => patch(kind, name, { metadata: { annotations: { 'e2e.ecs.operator.dev/poke': shortId() } } });

const waitFor = waiter({ timeoutMs: 60_000, logs: () => operator.logs() });

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface Obj {
  metadata: { generation: number };
  status?: Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
}

async function get(kind: string, name: string): Promise<Obj | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as Obj) : undefined;
}

async function conditionOf(kind: string, name: string, type: string): Promise<Condition | undefined> {
  return (await get(kind, name))?.status?.conditions?.find((c) => c.type === type);
}

async function isReady(kind: string, name: string): Promise<boolean> {
  const obj = await get(kind, name);
  return obj?.status?.observedGeneration === obj?.metadata.generation && obj?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

async function describeCluster(name: string): Promise<Cluster | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS', 'TAGS'] }));
  return out.clusters?.[0];
}

async function describeService(cluster: string, name: string): Promise<Service | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  return out.services?.find((s) => s.status !== 'INACTIVE');
}

const strategyOf = (items: { capacityProvider?: string; base?: number; weight?: number }[] | undefined) =>
  (items ?? []).map((i) => ({ capacityProvider: i.capacityProvider, base: i.base ?? 0, weight: i.weight ?? 0 }));
const insightsOf = (c: Cluster | undefined) => c?.settings?.find((s) => s.name === 'containerInsights')?.value;
const WORKFLOW_AS_ECS_HOLDS_IT = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 4 },
];

describe('the ECS workflow as manifests', () => {
  const cluster = `shop-${shortId()}`;
  const web = `web-${shortId()}`;

  it('a service by clusterRef waits for its EcsCluster (WaitingForCluster), then runs on the cluster\'s default strategy once it is Ready', async () => {
    await apply(taskDefinitionManifest(web), fargateService(web, cluster));
    await waitFor('the service to wait for its cluster', async () => (await conditionOf('ecsservice', web, 'Reconciling'))?.reason === 'WaitingForCluster');
    expect(await conditionOf('ecsservice', web, 'Reconciling')).toMatchObject({ status: 'True', message: expect.stringContaining(`EcsCluster ${cluster}`) });

    await apply(clusterManifest(cluster, { capacityProviders: [{ name: 'FARGATE' }, { name: 'FARGATE_SPOT' }], defaultCapacityProviderStrategy: WORKFLOW_STRATEGY, settings: { containerInsights: 'enabled' } }));
    await waitFor('the cluster to be Ready', () => isReady('ecscluster', cluster));
    // The resync is 10 minutes away: only the watch on clusters can start the service this soon.
    await waitFor('the service to be Ready', () => isReady('ecsservice', web));

    const ecsCluster = await describeCluster(cluster);
    expect(ecsCluster?.status).toBe('ACTIVE');
    expect(ecsCluster?.capacityProviders?.slice().sort()).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(strategyOf(ecsCluster?.defaultCapacityProviderStrategy)).toEqual(WORKFLOW_AS_ECS_HOLDS_IT);
    expect(insightsOf(ecsCluster)).toBe('enabled');

    const service = await describeService(cluster, web);
    expect(service?.clusterArn).toBe(ecsCluster?.clusterArn);
    expect(service?.launchType).toBeUndefined();
    expect(strategyOf(service?.capacityProviderStrategy)).toEqual(WORKFLOW_AS_ECS_HOLDS_IT);
    // The cluster's strategy on the service is what the manifest asked for (nothing): no drift.
    expect(await conditionOf('ecsservice', web, 'Drifted')).toMatchObject({ status: 'False' });
  });

  it('drift on the default strategy and containerInsights: Report records it and changes nothing; Correct puts both back', async () => {
    await patch('ecscluster', cluster, { spec: { driftPolicy: 'Report' } });
    await waitFor('the cluster to be Ready at the new generation', () => isReady('ecscluster', cluster));
    const ecs = world.aws.region().clients.ecs;
    await ecs.send(new UpdateClusterSettingsCommand({ cluster, settings: [{ name: 'containerInsights', value: 'disabled' }] }));
    await ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }));

    await poke('ecscluster', cluster);
    await waitFor('drift to be reported', async () => (await conditionOf('ecscluster', cluster, 'Drifted'))?.status === 'True');
    const drifted = await get('ecscluster', cluster);
    const drift = drifted?.status?.drift as { detected: boolean; differences: { path: string }[] };
    expect(drift.differences.map((d) => d.path)).toEqual(['spec.settings.containerInsights', 'spec.defaultCapacityProviderStrategy']);
    expect(await conditionOf('ecscluster', cluster, 'Synced')).toMatchObject({ status: 'False', reason: 'ChangesWithheld' });
    expect(insightsOf(await describeCluster(cluster))).toBe('disabled');
    expect(strategyOf((await describeCluster(cluster))?.defaultCapacityProviderStrategy)).toEqual([{ capacityProvider: 'FARGATE', base: 0, weight: 1 }]);

    await patch('ecscluster', cluster, { spec: { driftPolicy: 'Correct' } });
    await waitFor('the cluster to be put back', async () => {
      const c = await describeCluster(cluster);
      return insightsOf(c) === 'enabled' && JSON.stringify(strategyOf(c?.defaultCapacityProviderStrategy)) === JSON.stringify(WORKFLOW_AS_ECS_HOLDS_IT);
    });
    await waitFor('the cluster to be Synced and not Drifted', async () => (await conditionOf('ecscluster', cluster, 'Drifted'))?.status === 'False' && (await isReady('ecscluster', cluster)));
  });

  it('deleting the cluster while a service runs in it waits and says so, then completes once the service is gone', async () => {
    expect((await kubectl(['delete', 'ecscluster', cluster, '--wait=false'], { namespace: ns })).code).toBe(0);
    await waitFor('the cluster to wait for its services', async () => (await conditionOf('ecscluster', cluster, 'Reconciling'))?.reason === 'WaitingForServices');
    expect((await conditionOf('ecscluster', cluster, 'Reconciling'))?.message).toContain(web);
    expect((await describeCluster(cluster))?.status).toBe('ACTIVE');

    expect((await kubectl(['delete', 'ecsservice', web, '--wait=true', '--timeout=90s'], { namespace: ns })).code).toBe(0);
    await waitFor('the EcsCluster to be gone', async () => (await get('ecscluster', cluster)) === undefined, 90_000);
    expect((await describeCluster(cluster))?.status).toBe('INACTIVE');
  });
});

describe('an EC2 cluster on an Auto Scaling group capacity provider', () => {
  it('creates the capacity provider and the cluster, and runs a DAEMON and a REPLICA service on it', async () => {
    const cluster = `ec2-${shortId()}`;
    const provider = `cp-${shortId()}`;
    const asg = await createAutoScalingGroup(testEnv().awsEndpoint);
    const daemon = `agent-${shortId()}`;
    const replica = `api-${shortId()}`;
    await apply(
      clusterManifest(cluster, {
        capacityProviders: [{ name: provider, autoScalingGroup: asg, managedScaling: { status: 'ENABLED', targetCapacity: 100 }, managedTerminationProtection: 'ENABLED' }],
        defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }],
      }),
      ec2TaskDefinition(daemon),
      ec2TaskDefinition(replica),
      // ECS runs DAEMON services on a launch type, never on a capacity provider strategy.
      ec2Service(daemon, cluster, { schedulingStrategy: 'DAEMON', launchType: 'EC2' }),
      ec2Service(replica, cluster, { desiredCount: 1 }),
    );
    await waitFor('the cluster to be Ready', () => isReady('ecscluster', cluster));
    await waitFor('both services to be Ready', async () => (await isReady('ecsservice', daemon)) && (await isReady('ecsservice', replica)));

    const ecsCluster = await describeCluster(cluster);
    expect(ecsCluster?.capacityProviders).toEqual([provider]);
    expect(strategyOf(ecsCluster?.defaultCapacityProviderStrategy)).toEqual([{ capacityProvider: provider, base: 0, weight: 1 }]);
    expect((await get('ecscluster', cluster))?.status?.ownedCapacityProviders).toEqual([expect.objectContaining({ name: provider, autoScalingGroupArn: expect.stringContaining(`autoScalingGroupName/${asg}`) })]);

    expect(await describeService(cluster, daemon)).toMatchObject({ schedulingStrategy: 'DAEMON', launchType: 'EC2', clusterArn: ecsCluster?.clusterArn });
    const api = await describeService(cluster, replica);
    expect(api).toMatchObject({ schedulingStrategy: 'REPLICA', desiredCount: 1, clusterArn: ecsCluster?.clusterArn });
    expect(strategyOf(api?.capacityProviderStrategy)).toEqual([{ capacityProvider: provider, base: 0, weight: 1 }]);
  });
});
