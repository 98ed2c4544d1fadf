// Rollouts and replacements as a user sees them, end to end: kubectl apply, the operator as its own
// process, and an AWS emulator of this file's own (realtime clock) whose control endpoint keeps a
// revision's tasks PENDING, so that a rollout neither completes nor fails until the test says so.
//   - a rollout is counted by its own deployment, and one that outlives spec.progressDeadlineSeconds
//     is Stalled ProgressDeadlineExceeded while ECS keeps trying, until it completes;
//   - a new spec.cluster is a replacement: Stalled without the opt-in; with it the service is created
//     in the new cluster, the old one kept (and shown in status) until the new one is Ready, even
//     across a crash right after CreateService, and only then deleted.
import { CreateClusterCommand, DescribeServicesCommand, ListServicesCommand, type Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { shortId } from '../integration/reconcile-support.js';
import { kubectl } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { OPERATOR_KEY, operatorSuite, type Condition, type Reconciled } from '../support/operator-suite.js';

const suite = operatorSuite({ namespace: 'e2e-rollout' });
const { waitFor, eventually, apply } = suite;

interface Obj extends Reconciled {
  status?: Reconciled['status'] & {
    serviceArn?: string;
    previousServices?: { serviceArn?: string; clusterArn: string; status?: string }[];
  };
}

const get = (name: string) => suite.get<Obj>('ecsservice', name);
const condition = (name: string, type: string) => suite.condition('ecsservice', name, type);

async function conditionIs(name: string, type: string, reason: string): Promise<Condition | undefined> {
  const c = await condition(name, type);
  return c?.status === 'True' && c.reason === reason ? c : undefined;
}

async function liveServices(cluster: string, name: string): Promise<Service[]> {
  const ecs = suite.world.aws.region().clients.ecs;
  const listed = await ecs.send(new ListServicesCommand({ cluster }));
  const arns = (listed.serviceArns ?? []).filter((a) => a.endsWith(`/${name}`));
  if (arns.length === 0) return [];
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: arns }));
  return (out.services ?? []).filter((s) => s.status !== 'INACTIVE');
}

describe('a rollout', () => {
  const name = `roll-${shortId()}`;
  const service = () => serviceManifest(suite.world, name, { desiredCount: 2, launchType: 'FARGATE', progressDeadlineSeconds: 20 });

  it('whose tasks never start counts the new deployment\'s tasks, is Stalled ProgressDeadlineExceeded after progressDeadlineSeconds, and clears once it completes', async () => {
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service());
    await waitFor('the service to be Ready', async () => (await condition(name, 'Ready'))?.status === 'True');

    // Revision 2 never starts (no capacity, say): ECS keeps its tasks PENDING and keeps trying.
    await suite.emulator.control.holdTasksPending(`${name}:2`);
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), service());
    const rolling = await eventually('the new deployment\'s tasks to be PENDING', async () => {
      const c = await conditionIs(name, 'Reconciling', 'RolloutInProgress');
      return c?.message.includes('pending') ? c : undefined;
    });
    // The old deployment's two tasks still run; the message counts the new deployment's.
    expect(rolling.message).toContain(`rollout of ${name}:2 to ${name}`);
    expect(rolling.message).toContain('0 of 2 tasks running, 2 pending');
    expect(rolling.message).toContain('2 task(s) of the previous deployment(s) still running');

    const stalled = await eventually('ProgressDeadlineExceeded', () => conditionIs(name, 'Stalled', 'ProgressDeadlineExceeded'));
    expect(stalled.message).toMatch(/has not completed within progressDeadlineSeconds \(20s\) since \d{4}-\d\d-\d\dT[\d:]+Z: 0 of 2 tasks running, 2 pending/);
    expect((await condition(name, 'Ready'))?.status).toBe('False');
    const [running] = await liveServices(suite.world.cluster, name);
    expect(running?.deployments?.find((d) => d.status === 'PRIMARY')?.rolloutState).toBe('IN_PROGRESS');

    await suite.emulator.control.releasePendingTasks(`${name}:2`);
    const ready = await eventually('the rollout to complete and the object to be Ready', () => conditionIs(name, 'Ready', 'RolloutCompleted'));
    expect(ready.message).toContain(`runs ${name}:2: 2 of 2 tasks running`);
    expect((await condition(name, 'Stalled'))?.status).toBe('False');
  });
});

describe('a new spec.cluster', () => {
  const name = `move-${shortId()}`;
  const blue = `blue-${shortId()}`;
  const service = (spec: Record<string, unknown> = {}) => serviceManifest(suite.world, name, { desiredCount: 1, launchType: 'FARGATE', ...spec });

  it('is Stalled naming replaceOnImmutableChange without it; with it the service is created in the new cluster and the old one, kept and shown in status across a crash, is deleted once the new one is Ready', async () => {
    await suite.world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: blue, capacityProviders: ['FARGATE'] }));
    await apply(taskDefinitionManifest(name), service());
    await waitFor('the service to be Ready', async () => (await condition(name, 'Ready'))?.status === 'True');
    const [old] = await liveServices(suite.world.cluster, name);
    expect(old?.status).toBe('ACTIVE');

    await apply(service({ cluster: blue }));
    const blocked = await eventually('ReplacementRequired', () => conditionIs(name, 'Stalled', 'ReplacementRequired'));
    expect(blocked.message).toContain('spec.cluster');
    expect(blocked.message).toContain('spec.replaceOnImmutableChange: true');
    expect(await liveServices(blue, name)).toEqual([]);
    expect((await liveServices(suite.world.cluster, name)).map((s) => s.status)).toEqual(['ACTIVE']);
    expect((await get(name))?.status?.previousServices).toEqual([expect.objectContaining({ serviceArn: old?.serviceArn, status: 'ACTIVE' })]);

    // The new service's tasks stay PENDING until released, so it cannot be Ready before then; its
    // CreateService takes effect but answers late, and the operator is killed meanwhile: between
    // creating the new service and recording it.
    await suite.emulator.control.holdTasksPending(`${name}:1`);
    await suite.emulator.control.slowCalls('CreateService', 1, 10_000, { service: 'ecs', accessKeyId: OPERATOR_KEY, afterProcessing: true });
    await apply(service({ cluster: blue, replaceOnImmutableChange: true }));
    await waitFor('the new service to exist in the new cluster', async () => (await liveServices(blue, name)).length === 1);
    await suite.restartOperator('kill');

    const both = await eventually('status to show the new service and the old one it replaces', async () => {
      const status = (await get(name))?.status;
      return status?.serviceArn?.includes(`/${blue}/`) && status.previousServices?.length === 1 ? status : undefined;
    });
    expect(both.previousServices?.[0]).toMatchObject({ serviceArn: old?.serviceArn, status: 'ACTIVE' });
    expect(await condition(name, 'Synced')).toMatchObject({ status: 'False', reason: 'ReplacementInProgress' });
    // Looked at again over several polls: the old one serves on, and no second new one appears.
    await new Promise((r) => setTimeout(r, 8_000));
    expect((await liveServices(suite.world.cluster, name)).map((s) => s.status)).toEqual(['ACTIVE']);
    expect(await liveServices(blue, name)).toHaveLength(1);

    await suite.emulator.control.releasePendingTasks(`${name}:1`);
    await waitFor('the object to be Ready with the old service gone from status', async () => {
      const obj = await get(name);
      return (await condition(name, 'Ready'))?.status === 'True' && obj?.status?.previousServices === undefined;
    });
    expect((await liveServices(suite.world.cluster, name)).filter((s) => s.status === 'ACTIVE')).toEqual([]);
    const [moved] = await liveServices(blue, name);
    expect(moved).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
    const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=Replaced`, '-o', 'jsonpath={.items[*].note}'], { namespace: suite.ns });
    expect(events.stdout).toContain(`Deleted ECS service ${name} in cluster ${suite.world.cluster}: ${name} in cluster ${blue} replaces it and is Ready`);
  });
});
