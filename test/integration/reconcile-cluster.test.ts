// The cluster reconciler against the AWS emulator, without Kubernetes: the ECS workflow's Fargate
// cluster (FARGATE + FARGATE_SPOT, FARGATE base 1 weight 1 / FARGATE_SPOT weight 4), an EC2 cluster
// on an Auto Scaling group capacity provider, drift (Report and Correct), a provider a service still
// uses, and a deletion that waits for the cluster's services. What AWS holds is read directly.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  UpdateClusterSettingsCommand,
  type Cluster,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { EcsCluster } from '../../src/api/index.js';
import { cleanupCluster, reconcileCluster, type ClusterDeps } from '../../src/reconcile/cluster/index.js';
import { withDrift } from '../../src/reconcile/drift.js';
import { createAutoScalingGroup } from '../support/autoscaling-group.js';
import { testEnv } from '../support/env.js';
import { callsSince, condition, createWorld, edit, owner, REGION, shortId, until, writeBack, type World } from './reconcile-support.js';

let world: World;
const worlds: World[] = [];

beforeEach(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  worlds.push(world);
});

afterEach(() => {
  worlds.splice(0).forEach((w) => w.destroy());
});

const run = { dryRun: false };

const WORKFLOW_STRATEGY = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 4 },
];

function fargateCluster(spec: Partial<EcsCluster['spec']> = {}): EcsCluster {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsCluster',
    metadata: { name: `cl-${shortId()}`, namespace: 'shop', generation: 1 },
    spec: {
      capacityProviders: [{ name: 'FARGATE' }, { name: 'FARGATE_SPOT' }],
      defaultCapacityProviderStrategy: WORKFLOW_STRATEGY,
      settings: { containerInsights: 'enabled' },
      tags: [{ key: 'team', value: 'platform' }],
      ...spec,
    },
  };
}

function deps(obj: EcsCluster): ClusterDeps {
  return { aws: world.aws, owner: owner(world, 'EcsCluster', obj.metadata.name), now: () => new Date() };
}

async function reconcile(obj: EcsCluster) {
  const out = withDrift(obj, await reconcileCluster(obj, deps(obj), run), new Date());
  writeBack(obj, out);
  return out;
}

async function describeCluster(name: string): Promise<Cluster | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeClustersCommand({ clusters: [name], include: ['SETTINGS', 'TAGS'] }));
  return out.clusters?.[0];
}

const strategyOf = (c: Cluster | undefined) => (c?.defaultCapacityProviderStrategy ?? []).map((i) => ({ capacityProvider: i.capacityProvider, base: i.base ?? 0, weight: i.weight ?? 0 }));
const insightsOf = (c: Cluster | undefined) => c?.settings?.find((s) => s.name === 'containerInsights')?.value;

const autoScalingGroup = () => createAutoScalingGroup(testEnv().awsEndpoint, REGION);

describe('reconcileCluster on the emulator', () => {
  test('creates the workflow cluster: FARGATE + FARGATE_SPOT, FARGATE base 1 weight 1 / FARGATE_SPOT weight 4; a steady reconcile writes nothing', async () => {
    const obj = fargateCluster();
    const created = await reconcile(obj);
    expect(created.plan.map((c) => c.action)).toEqual(['CreateCluster']);
    expect(created.events).toEqual([expect.objectContaining({ reason: 'Created' })]);
    expect(condition(created, 'Ready')).toMatchObject({ status: 'True', reason: 'ClusterActive' });

    const cluster = await describeCluster(obj.metadata.name);
    expect(cluster?.capacityProviders?.slice().sort()).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(strategyOf(cluster)).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 4 },
    ]);
    expect(insightsOf(cluster)).toBe('enabled');
    expect(cluster?.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'platform' }, { key: 'ecs.operator.dev/owner', value: `shop/${obj.metadata.name}` }]));
    expect(obj.status).toMatchObject({ clusterName: obj.metadata.name, clusterStatus: 'ACTIVE', capacityProviders: ['FARGATE', 'FARGATE_SPOT'], activeServicesCount: 0 });

    const before = world.aws.calls.snapshot();
    const again = await reconcile(obj);
    expect(again.plan).toEqual([]);
    expect(callsSince(world.aws, before).writes).toBe(0);
    expect(condition(again, 'Synced')).toMatchObject({ status: 'True' });
  });

  test('an EC2 cluster on an Auto Scaling group capacity provider it creates, updates and deletes', async () => {
    const asg = await autoScalingGroup();
    const provider = `ec2-${shortId()}`;
    const obj = fargateCluster({
      capacityProviders: [{ name: provider, autoScalingGroup: asg, managedScaling: { status: 'ENABLED', targetCapacity: 100 }, managedTerminationProtection: 'ENABLED' }],
      defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }],
    });
    const created = await reconcile(obj);
    expect(created.plan.map((c) => `${c.action} ${c.id}`)).toEqual([`CreateCapacityProvider ${provider}`, `CreateCluster ${obj.metadata.name}`]);
    expect(condition(created, 'Ready')).toMatchObject({ status: 'True' });

    const ecs = world.aws.region().clients.ecs;
    const describeProvider = async () => (await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [provider], include: ['TAGS'] }))).capacityProviders?.[0];
    const described = await describeProvider();
    expect(described?.autoScalingGroupProvider).toMatchObject({ autoScalingGroupArn: expect.stringContaining(`autoScalingGroupName/${asg}`), managedTerminationProtection: 'ENABLED', managedScaling: { status: 'ENABLED', targetCapacity: 100 } });
    expect(described?.tags).toEqual(expect.arrayContaining([{ key: 'ecs.operator.dev/owner', value: `shop/${obj.metadata.name}` }]));
    expect((await describeCluster(obj.metadata.name))?.capacityProviders).toEqual([provider]);
    expect(obj.status?.ownedCapacityProviders).toEqual([expect.objectContaining({ name: provider })]);
    expect((await reconcile(obj)).plan).toEqual([]);

    edit(obj, { capacityProviders: [{ name: provider, autoScalingGroup: asg, managedScaling: { status: 'ENABLED', targetCapacity: 80 }, managedTerminationProtection: 'ENABLED' }] });
    const updated = await reconcile(obj);
    expect(updated.plan.map((c) => c.action)).toEqual(['UpdateCapacityProvider']);
    expect(condition(updated, 'Reconciling')).toMatchObject({ status: 'True', reason: 'CapacityProviderUpdating' });
    const settled = await reconcile(obj);
    expect(settled.plan).toEqual([]);
    expect(condition(settled, 'Ready')).toMatchObject({ status: 'True' });
    expect((await describeProvider())?.autoScalingGroupProvider?.managedScaling?.targetCapacity).toBe(80);

    edit(obj, { capacityProviders: [{ name: 'FARGATE' }], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] });
    const removed = await reconcile(obj);
    expect(removed.plan.map((c) => `${c.action} ${c.id}`)).toEqual([`PutClusterCapacityProviders ${obj.metadata.name}`, `DeleteCapacityProvider ${provider}`]);
    expect((await describeProvider())?.status).toBe('INACTIVE');
    expect(obj.status?.ownedCapacityProviders).toEqual([]);
  });

  test('drift on the default strategy and containerInsights: Report records it and changes nothing', async () => {
    const obj = fargateCluster({ driftPolicy: 'Report' });
    await reconcile(obj);
    await driftOutside(obj.metadata.name);

    const reported = await reconcile(obj);
    expect(reported.applied).toBe(false);
    expect(obj.status?.drift?.detected).toBe(true);
    expect(obj.status?.drift?.differences?.map((d) => d.path)).toEqual(['spec.settings.containerInsights', 'spec.defaultCapacityProviderStrategy']);
    expect(condition(reported, 'Drifted')).toMatchObject({ status: 'True', reason: 'DriftDetected' });
    expect(condition(reported, 'Synced')).toMatchObject({ status: 'False', reason: 'ChangesWithheld' });
    const cluster = await describeCluster(obj.metadata.name);
    expect(insightsOf(cluster)).toBe('disabled');
    expect(strategyOf(cluster)).toEqual([{ capacityProvider: 'FARGATE', base: 0, weight: 1 }]);
  });

  test('drift on the default strategy and containerInsights: Correct puts both back and says so', async () => {
    const obj = fargateCluster();
    await reconcile(obj);
    await driftOutside(obj.metadata.name);

    const corrected = await reconcile(obj);
    expect(corrected.plan.map((c) => c.action)).toEqual(['UpdateClusterSettings', 'PutClusterCapacityProviders']);
    expect(condition(corrected, 'Drifted')).toMatchObject({ status: 'False', reason: 'DriftCorrected' });
    expect(corrected.events).toContainEqual(expect.objectContaining({ reason: 'DriftCorrected', message: expect.stringContaining('spec.defaultCapacityProviderStrategy') }));
    const cluster = await describeCluster(obj.metadata.name);
    expect(insightsOf(cluster)).toBe('enabled');
    expect(strategyOf(cluster)).toEqual([
      { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      { capacityProvider: 'FARGATE_SPOT', base: 0, weight: 4 },
    ]);
    expect((await reconcile(obj)).plan).toEqual([]);
  });

  test('a capacity provider a service still uses cannot be removed: Stalled, naming the service, and retried', async () => {
    const obj = fargateCluster();
    await reconcile(obj);
    const service = await fargateService(obj.metadata.name, [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);

    edit(obj, { capacityProviders: [{ name: 'FARGATE' }], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] });
    const out = await reconcile(obj);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'CapacityProviderInUse', message: expect.stringContaining(service) });
    expect(condition(out, 'Stalled')?.message).toContain('FARGATE_SPOT');
    expect(condition(out, 'Synced')).toMatchObject({ status: 'False' });
    expect(out.backoff).toBe('stalled');
    expect(obj.status?.blockedBy).toEqual({ capacityProviders: ['FARGATE_SPOT'], services: [service] });
    expect((await describeCluster(obj.metadata.name))?.capacityProviders?.slice().sort()).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  test('deletion waits while a service is in the cluster, says so, and completes once it is gone', async () => {
    const obj = fargateCluster();
    await reconcile(obj);
    const service = await fargateService(obj.metadata.name);

    const waiting = await cleanupCluster(obj, deps(obj));
    expect(waiting.done).toBe(false);
    expect(waiting.requeueAfterMs).toBeGreaterThan(0);
    expect(condition(waiting, 'Reconciling')).toMatchObject({ status: 'True', reason: 'WaitingForServices', message: expect.stringContaining(service) });
    expect((await describeCluster(obj.metadata.name))?.status).toBe('ACTIVE');

    const ecs = world.aws.region().clients.ecs;
    await ecs.send(new DeleteServiceCommand({ cluster: obj.metadata.name, service, force: true }));
    await until(
      async () => (await ecs.send(new DescribeServicesCommand({ cluster: obj.metadata.name, services: [service] }))).services?.[0]?.status,
      (status) => status === 'INACTIVE',
    );
    const finished = await cleanupCluster(obj, deps(obj));
    expect(finished.done).toBe(true);
    expect(finished.events).toContainEqual(expect.objectContaining({ reason: 'Deleted' }));
    expect((await describeCluster(obj.metadata.name))?.status).toBe('INACTIVE');
  });

  test('deletionPolicy Retain leaves the cluster in place', async () => {
    const obj = fargateCluster({ deletionPolicy: 'Retain' });
    await reconcile(obj);
    const out = await cleanupCluster(obj, deps(obj));
    expect(out).toMatchObject({ done: true, events: [expect.objectContaining({ reason: 'Retained' })] });
    expect((await describeCluster(obj.metadata.name))?.status).toBe('ACTIVE');
  });
});

/** Someone changes the cluster in the console: containerInsights off, FARGATE only in the strategy. */
async function driftOutside(cluster: string): Promise<void> {
  const ecs = world.aws.region().clients.ecs;
  await ecs.send(new UpdateClusterSettingsCommand({ cluster, settings: [{ name: 'containerInsights', value: 'disabled' }] }));
  await ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }));
}

/** A one-task Fargate service in the cluster, created directly (not by the operator); returns its name. */
async function fargateService(cluster: string, capacityProviderStrategy?: { capacityProvider: string; weight: number }[]): Promise<string> {
  const ecs = world.aws.region().clients.ecs;
  const name = `svc-${shortId()}`;
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: 'nginx:1.27' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition: name,
      desiredCount: 1,
      ...(capacityProviderStrategy ? { capacityProviderStrategy } : {}),
      networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
    }),
  );
  return name;
}
