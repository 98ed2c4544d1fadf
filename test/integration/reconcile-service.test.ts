// The service reconciler against the AWS emulator, without Kubernetes: create once (idempotently),
// then only the UpdateService members that changed, no write in a steady state, tags, load
// balancers and capacity providers converging, ownership and adoption, deletion.
import { CreateClusterCommand, CreateServiceCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { EcsService, EcsTaskDefinition } from '../../src/api/index.js';
import { cleanupService, reconcileService, reconcileTaskDefinition, type ServiceDeps } from '../../src/reconcile/index.js';
import { testEnv } from '../support/env.js';
import {
  callsSince,
  condition,
  createWorld,
  describe as describeService,
  edit,
  fargateService,
  fargateTaskDefinition,
  injectFault,
  owner,
  refsFrom,
  shortId,
  until,
  writeBack,
  type World,
} from './reconcile-support.js';

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

/** A registered task definition and a service manifest referring to it. */
async function app(w: World = world, spec: Partial<EcsService['spec']> = {}): Promise<{ td: EcsTaskDefinition; svc: EcsService; deps: ServiceDeps }> {
  const name = `web-${shortId()}`;
  const td = fargateTaskDefinition(name);
  writeBack(td, await reconcileTaskDefinition(td, { aws: w.aws, owner: owner(w, 'EcsTaskDefinition', name), now: () => new Date() }, run));
  const svc = fargateService(w, name, spec);
  return { td, svc, deps: { aws: w.aws, owner: owner(w, 'EcsService', name), now: () => new Date(), resolveTaskDefinitionRef: refsFrom(td) } };
}

/** Reconciles and writes status back, as the controller does. */
async function reconcile(svc: EcsService, deps: ServiceDeps) {
  const out = await reconcileService(svc, deps, run);
  writeBack(svc, out);
  return out;
}

async function serviceCount(w: World): Promise<number> {
  const out = await w.aws.region().clients.ecs.send(new ListServicesCommand({ cluster: w.cluster }));
  return out.serviceArns?.length ?? 0;
}

describe('reconcileService on the emulator', () => {
  test('creates the service; while its first deployment rolls out a reconcile makes no write and reads only the service; at rest one batched read', async () => {
    const { svc, deps } = await app();
    const created = await reconcile(svc, deps);
    expect(created.plan.map((c) => c.action)).toEqual(['Create']);
    expect(created.events).toEqual([expect.objectContaining({ reason: 'Created' })]);
    expect(svc.status).toMatchObject({ serviceName: svc.metadata.name, desiredCount: 2, desiredCountOwner: 'Manifest', rollout: { state: 'IN_PROGRESS' } });
    expect(condition(created, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RolloutInProgress' });
    expect(created.requeueAfterMs).toBeGreaterThan(0);

    const service = await describeService(world, svc.metadata.name);
    expect(service.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'storefront' }, { key: 'ecs.operator.dev/owner', value: `shop/${svc.metadata.name}` }]));

    const before = world.aws.calls.snapshot();
    const again = await reconcile(svc, deps);
    expect(again.plan).toEqual([]);
    const calls = callsSince(world.aws, before);
    expect(calls.writes).toBe(0);
    // A new service's first ROLLING deployment is its only one: DescribeServices tells how far it
    // got, and its service deployment would add nothing (no traffic shift, nothing to roll back to).
    expect(calls.total).toBe(1);
    expect(calls.op('ecs:DescribeServices')).toBe(1);
    expect(calls.op('ecs:DescribeServiceDeployments')).toBe(0);

    // The realtime clock completes the deployment: Ready, still without writes.
    const ready = await until(() => reconcile(svc, deps), (out) => condition(out, 'Ready')?.status === 'True');
    expect(ready.plan).toEqual([]);
    expect(svc.status).toMatchObject({ runningCount: 2, rollout: { state: 'COMPLETED' } });
    expect(callsSince(world.aws, before).writes).toBe(0);

    // At rest: one DescribeServices (batched with other services in a resync), nothing else.
    const atRest = world.aws.calls.snapshot();
    expect((await reconcile(svc, deps)).plan).toEqual([]);
    expect(callsSince(world.aws, atRest).total).toBe(1);
    expect(callsSince(world.aws, atRest).op('ecs:DescribeServices')).toBe(1);
  });

  test('a crash between CreateService and the status write never makes two services', async () => {
    const { svc, deps } = await app();
    await reconcileService(svc, deps, run); // status lost
    const before = world.aws.calls.snapshot();
    const again = await reconcileService(svc, deps, run);
    expect(again.plan).toEqual([]);
    expect(callsSince(world.aws, before).writes).toBe(0);
    expect(await serviceCount(world)).toBe(1);
    expect(again.status.serviceArn).toBe((await describeService(world, svc.metadata.name)).serviceArn);
  });

  test('a CreateService whose answer was lost is retried with the same token and returns the same service', async () => {
    const key = `AKIDSVC${shortId()}`;
    const own = await createWorld(testEnv().awsEndpoint, { accessKeyId: key });
    worlds.push(own);
    const { svc, deps } = await app(own);
    await injectFault({ operation: 'CreateService', count: 1, kind: 'error', service: 'ecs', accessKeyId: key, afterProcessing: true });
    const before = own.aws.calls.snapshot();
    const out = await reconcile(svc, deps);
    expect(out.plan.map((c) => c.action)).toEqual(['Create']);
    // The SDK's retry repeats the request, token included; ECS answers with the service it made.
    expect(callsSince(own.aws, before).op('ecs:CreateService')).toBe(2);
    expect(condition(out, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RolloutInProgress' });
    expect(await serviceCount(own)).toBe(1);
  });

  test('changing only desiredCount calls UpdateService once, with only desiredCount', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    edit(svc, { desiredCount: 3 });
    const before = world.aws.calls.snapshot();
    const out = await reconcile(svc, deps);
    const calls = callsSince(world.aws, before);
    expect(calls.writes).toBe(1);
    expect(calls.op('ecs:UpdateService')).toBe(1);
    expect(out.plan).toEqual([expect.objectContaining({ action: 'Update', diffs: [{ path: 'spec.desiredCount', desired: 3, actual: 2 }] })]);
    const { region: _r, cluster: _c, service: _s, ...members } = out.plan[0]?.payload as Record<string, unknown>;
    expect(members).toEqual({ desiredCount: 3 });
    expect((await describeService(world, svc.metadata.name)).desiredCount).toBe(3);
  });

  test('a new task definition revision rolls out with one UpdateService', async () => {
    const { td, svc, deps } = await app();
    await reconcile(svc, deps);
    edit(td, { containerDefinitions: td.spec.containerDefinitions.map((c) => ({ ...c, image: 'nginx:1.28' })) });
    writeBack(td, await reconcileTaskDefinition(td, { aws: world.aws, owner: owner(world, 'EcsTaskDefinition', td.metadata.name), now: () => new Date() }, run));
    const before = world.aws.calls.snapshot();
    const out = await reconcile(svc, deps);
    expect(callsSince(world.aws, before).writes).toBe(1);
    expect(out.plan).toEqual([expect.objectContaining({ action: 'Update', diffs: [expect.objectContaining({ path: 'spec.taskDefinitionRef', desired: `${td.metadata.name}:2` })] })]);
    expect(svc.status).toMatchObject({ taskDefinitionArn: td.status?.taskDefinitionArn, rollout: { taskDefinitionArn: td.status?.taskDefinitionArn, state: 'IN_PROGRESS' } });
    expect((await describeService(world, svc.metadata.name)).taskDefinition).toBe(td.status?.taskDefinitionArn);
  });

  test('load balancers by name and ARN: added, changed and removed', async () => {
    const { svc, deps } = await app();
    const tgName = `tg-${shortId()}`;
    const tgArn = await world.targetGroup(tgName);
    await reconcile(svc, deps);

    edit(svc, { loadBalancers: [{ targetGroupName: tgName, containerName: 'web', containerPort: 80 }] });
    await reconcile(svc, deps);
    expect((await describeService(world, svc.metadata.name)).loadBalancers).toEqual([{ targetGroupArn: tgArn, containerName: 'web', containerPort: 80 }]);
    expect(svc.status?.loadBalancers).toEqual([{ targetGroupArn: tgArn, targetGroupName: tgName, containerName: 'web', containerPort: 80 }]);
    expect((await reconcile(svc, deps)).plan).toEqual([]);

    const other = await world.targetGroup(`tg-${shortId()}`, 8080);
    edit(svc, { loadBalancers: [{ targetGroupArn: other, containerName: 'web', containerPort: 80 }] });
    await reconcile(svc, deps);
    expect((await describeService(world, svc.metadata.name)).loadBalancers).toEqual([{ targetGroupArn: other, containerName: 'web', containerPort: 80 }]);

    edit(svc, { loadBalancers: [] });
    await reconcile(svc, deps);
    expect((await describeService(world, svc.metadata.name)).loadBalancers).toEqual([]);
    expect((await reconcile(svc, deps)).plan).toEqual([]);
  });

  test('a target group that does not exist is Stalled, naming the field, and looked for again later', async () => {
    const { svc, deps } = await app(world, { loadBalancers: [{ targetGroupName: `missing-${shortId()}`, containerName: 'web', containerPort: 80 }] });
    const out = await reconcile(svc, deps);
    expect(condition(out, 'Ready')).toMatchObject({ status: 'False', reason: 'TargetGroupNotFound' });
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'TargetGroupNotFound' });
    expect(condition(out, 'Stalled')?.message).toMatch(/create it or correct spec\.loadBalancers$/);
    expect(out.backoff).toBe('stalled');
    expect(await serviceCount(world)).toBe(0);
  });

  test('a load balancer naming a container or port its EcsTaskDefinition lacks is Stalled (InvalidLoadBalancer) with no AWS call, and created once fixed', async () => {
    const tgArn = await world.targetGroup(`tg-${shortId()}`);
    const { svc, deps } = await app(world, { loadBalancers: [{ targetGroupArn: tgArn, containerName: 'web', containerPort: 8080 }] });
    const before = world.aws.calls.snapshot();
    const out = await reconcile(svc, deps);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(out.plan).toEqual([]);
    expect(out.applied).toBe(false);
    expect(condition(out, 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'InvalidLoadBalancer',
      message: `spec.loadBalancers[0].containerPort: container "web" of EcsTaskDefinition ${svc.metadata.name} has no port mapping with containerPort 8080 (its container ports: 80)`,
    });
    expect(condition(out, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidLoadBalancer' });
    expect(condition(out, 'Synced')?.status).toBe('False');

    edit(svc, { loadBalancers: [{ targetGroupArn: tgArn, containerName: 'app', containerPort: 80 }] });
    const wrongContainer = await reconcile(svc, deps);
    expect(condition(wrongContainer, 'Stalled')?.message).toBe(`spec.loadBalancers[0].containerName: EcsTaskDefinition ${svc.metadata.name} has no container "app" (its containers: web)`);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(await serviceCount(world)).toBe(0);

    edit(svc, { loadBalancers: [{ targetGroupArn: tgArn, containerName: 'web', containerPort: 80 }] });
    const fixed = await reconcile(svc, deps);
    expect(condition(fixed, 'Stalled')?.status).toBe('False');
    expect(fixed.events.map((e) => e.reason)).toEqual(['Created']);
  });

  test('the capacity provider strategy converges, and so do tags', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    edit(svc, {
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
      ],
      tags: [{ key: 'tier', value: 'web' }],
    });
    const out = await reconcile(svc, deps);
    expect(out.plan.map((c) => c.action)).toEqual(['Update', 'Tag', 'Untag']);
    const service = await describeService(world, svc.metadata.name);
    expect(service.capacityProviderStrategy).toEqual(
      expect.arrayContaining([
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 0 },
      ]),
    );
    const tags = Object.fromEntries((service.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ tier: 'web', 'ecs.operator.dev/owner': `shop/${svc.metadata.name}` });
    expect(tags.team).toBeUndefined();
    const before = world.aws.calls.snapshot();
    expect((await reconcile(svc, deps)).plan).toEqual([]);
    expect(callsSince(world.aws, before).writes).toBe(0);
  });

  test('a tag someone else added is left alone', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    const arn = svc.status?.serviceArn ?? '';
    await world.aws.region().ecs.tagResource(arn, [{ key: 'cost-center', value: '42' }]);
    expect((await reconcile(svc, deps)).plan).toEqual([]);
  });

  test('waits for a task definition that is not registered yet, without a call', async () => {
    const name = `web-${shortId()}`;
    const svc = fargateService(world, name);
    const before = world.aws.calls.snapshot();
    const out = await reconcileService(svc, { aws: world.aws, owner: owner(world, 'EcsService', name), now: () => new Date(), resolveTaskDefinitionRef: refsFrom() }, run);
    expect(condition(out, 'Reconciling')).toMatchObject({ status: 'True', reason: 'WaitingForTaskDefinition' });
    expect(condition(out, 'Ready')?.status).toBe('False');
    // Not polled: the controller's watch on task definitions wakes it when the revision is published.
    expect(out.requeueAfterMs).toBeUndefined();
    expect(callsSince(world.aws, before).total).toBe(0);
  });

  test('a missing cluster is Stalled and retried; a request ECS rejects is Stalled with its message', async () => {
    const cluster = `nowhere-${shortId()}`;
    const { svc, deps } = await app(world, { cluster });
    const missing = await reconcileService(svc, deps, run);
    expect(condition(missing, 'Ready')).toMatchObject({ status: 'False', reason: 'ClusterNotFound' });
    expect(condition(missing, 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'ClusterNotFound',
      message: `ECS cluster "${cluster}" was not found in us-east-1: create it or correct spec.cluster`,
    });
    expect(missing.events[0]).toMatchObject({ type: 'Warning', reason: 'ClusterNotFound' });
    // Stalled, yet looked at again (after a backoff): a cluster another tool creates later is found.
    expect(missing.backoff).toBe('stalled');
    await world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    const found = await reconcileService(svc, deps, run);
    expect(condition(found, 'Stalled')?.status).toBe('False');
    expect(found.events.map((e) => e.reason)).toEqual(['Created']);

    // A capacity provider the cluster does not have: InvalidParameterException.
    const bad = await app(world, { capacityProviderStrategy: [{ capacityProvider: 'NOT_THERE', weight: 1 }] });
    const rejected = await reconcileService(bad.svc, bad.deps, run);
    expect(condition(rejected, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidRequest' });
    expect(rejected.conditions.find((c) => c.type === 'Stalled')?.message).toContain('capacity provider');
    expect(rejected.events[0]).toMatchObject({ type: 'Warning', reason: 'InvalidRequest' });
  });

  test('a strategy goes back to its launch type in place; another launch type is Stalled until replacement is allowed, which deletes and recreates the service', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    const firstCreated = (await describeService(world, svc.metadata.name)).createdAt?.getTime() ?? 0;
    // UpdateService with an empty strategy (and a deployment to move the tasks): the same service.
    edit(svc, { capacityProviderStrategy: undefined, launchType: 'FARGATE' });
    const back = await reconcile(svc, deps);
    expect(back.plan.map((c) => c.action)).toEqual(['Update']);
    const onFargate = await describeService(world, svc.metadata.name);
    expect(onFargate.launchType).toBe('FARGATE');
    expect(onFargate.createdAt?.getTime()).toBe(firstCreated);

    edit(svc, { launchType: 'EC2' });
    const before = world.aws.calls.snapshot();
    const blocked = await reconcile(svc, deps);
    expect(condition(blocked, 'Stalled')).toMatchObject({ status: 'True', reason: 'ReplacementRequired' });
    expect(blocked.conditions.find((c) => c.type === 'Stalled')?.message).toContain('spec.launchType');
    expect(callsSince(world.aws, before).writes).toBe(0);

    edit(svc, { replaceOnImmutableChange: true });
    const replacing = await reconcile(svc, deps);
    expect(replacing.plan.map((c) => c.action)).toEqual(['Replace']);
    expect(condition(replacing, 'Reconciling')).toMatchObject({ status: 'True' });
    const recreated = await until(() => reconcile(svc, deps), (out) => out.plan.some((c) => c.action === 'Create'));
    expect(recreated.events.map((e) => e.reason)).toEqual(['Created']);
    const service = await describeService(world, svc.metadata.name);
    expect(service.launchType).toBe('EC2');
    expect(service.status).toBe('ACTIVE');
    expect(service.createdAt?.getTime()).toBeGreaterThan(firstCreated);
    expect((await reconcile(svc, deps)).plan).toEqual([]);
  });
});

describe('ownership and adoption', () => {
  async function existingService(w: World, name: string, taskDefinitionArn: string): Promise<void> {
    await w.aws.region().clients.ecs.send(
      new CreateServiceCommand({
        cluster: w.cluster,
        serviceName: name,
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        networkConfiguration: { awsvpcConfiguration: { subnets: w.subnets } },
        tags: [{ key: 'team', value: 'legacy' }],
      }),
    );
  }

  test('an existing service the operator does not own is left untouched', async () => {
    const { td, svc, deps } = await app();
    await existingService(world, svc.metadata.name, td.status?.taskDefinitionArn ?? '');
    const before = world.aws.calls.snapshot();
    const out = await reconcile(svc, deps);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'NotOwned' });
    expect(callsSince(world.aws, before).writes).toBe(0);
    expect((await describeService(world, svc.metadata.name)).desiredCount).toBe(1);
  });

  test('with adoptExisting it is adopted: tagged as owned and converged to the manifest', async () => {
    const { td, svc, deps } = await app(world, { adoptExisting: true });
    await existingService(world, svc.metadata.name, td.status?.taskDefinitionArn ?? '');
    const out = await reconcile(svc, deps);
    expect(out.plan.map((c) => c.action)).toEqual(['Adopt', 'Update', 'Tag']);
    expect(out.events.map((e) => e.reason)).toEqual(['Adopted', 'Updated', 'Tagged']);
    const service = await describeService(world, svc.metadata.name);
    expect(service.desiredCount).toBe(2);
    expect(service.tags).toEqual(expect.arrayContaining([{ key: 'team', value: 'storefront' }, { key: 'ecs.operator.dev/owner', value: `shop/${svc.metadata.name}` }]));
    expect((await reconcile(svc, deps)).plan).toEqual([]);
  });

  test('a second object claiming the same ECS service gets a condition naming the first', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    const twin = fargateService(world, 'web-twin', { serviceName: svc.metadata.name, taskDefinitionRef: { name: svc.metadata.name }, adoptExisting: true });
    const out = await reconcileService(twin, { ...deps, owner: owner(world, 'EcsService', 'web-twin') }, run);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'OwnedByAnotherObject' });
    expect(out.conditions.find((c) => c.type === 'Stalled')?.message).toContain(`shop/${svc.metadata.name}`);
  });
});

describe('cleanupService on the emulator', () => {
  test('deletionPolicy Delete scales to 0, deletes, and reports progress until the service is gone', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    const first = await cleanupService(svc, deps);
    expect(first.done).toBe(false);
    expect(first.events.map((e) => e.reason)).toEqual(['ScaledDown', 'Deleting']);
    expect(condition(first, 'Reconciling')).toMatchObject({ status: 'True', reason: 'Deleting' });
    await until(() => cleanupService(svc, deps), (out) => out.done);
    const observation = await world.aws.region().services.describe(world.cluster, svc.metadata.name);
    expect(observation.kind === 'notFound' || observation.service.status === 'INACTIVE').toBe(true);
    expect(await serviceCount(world)).toBe(0);
  });

  test('deleting an object halfway through moving its service to another cluster deletes the old service too', async () => {
    const { svc, deps } = await app();
    await reconcile(svc, deps);
    const blue = `blue-${shortId()}`;
    await world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: blue, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    edit(svc, { cluster: blue, replaceOnImmutableChange: true });
    const moving = await reconcile(svc, deps);
    expect(moving.plan.map((c) => c.action)).toEqual(['Create']);
    expect(svc.status?.previousServices).toEqual([expect.objectContaining({ clusterArn: expect.stringContaining(`/${world.cluster}`), status: 'ACTIVE' })]);

    await until(() => cleanupService(svc, deps), (out) => out.done);
    for (const cluster of [world.cluster, blue]) {
      const observation = await world.aws.region().services.describe(cluster, svc.metadata.name);
      expect(observation.kind === 'notFound' || observation.service.status === 'INACTIVE', cluster).toBe(true);
    }
  });

  test('deletionPolicy Retain leaves the service untouched', async () => {
    const { svc, deps } = await app(world, { deletionPolicy: 'Retain' });
    await reconcile(svc, deps);
    const before = world.aws.calls.snapshot();
    const out = await cleanupService(svc, deps);
    expect(out.done).toBe(true);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect((await describeService(world, svc.metadata.name)).status).toBe('ACTIVE');
  });

  test('a service this object does not own is never deleted', async () => {
    const { td, svc, deps } = await app();
    await world.aws.region().clients.ecs.send(
      new CreateServiceCommand({ cluster: world.cluster, serviceName: svc.metadata.name, taskDefinition: td.status?.taskDefinitionArn, desiredCount: 1, networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets } } }),
    );
    const out = await cleanupService(svc, deps);
    expect(out.done).toBe(true);
    expect(out.events.map((e) => e.reason)).toEqual(['NotOwned']);
    expect((await describeService(world, svc.metadata.name)).status).toBe('ACTIVE');
  });
});
