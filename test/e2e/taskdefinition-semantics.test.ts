// End to end, how an EcsTaskDefinition follows what ECS does with revisions: the operator process
// against the apiserver and the AWS emulator, with kubectl for the user and the AWS SDK for someone
// working in the console. A tag edit tags the revision in place (no new revision, no redeploy); a
// revision deregistered and deleted in the console is noticed at the next resync, replaced, and
// the service rolls to the new one; and switching drifted objects to driftPolicy Report (a new
// generation that asks nothing new of AWS) keeps the console changes and reports them.
import {
  CreateClusterCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../integration/reconcile-support.js';
import { kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

const NS = 'td-semantics';
const CLUSTER = 'td-semantics';
// Long enough that a console change made right after a resync is still there when the test's
// next kubectl edit arrives; short enough that "noticed at the next resync" is quick.
const RESYNC_S = 20;

let world: World;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  await world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER, capacityProviders: ['FARGATE'] }));
  expect((await kubectl(['create', 'namespace', NS])).code).toBe(0);
  operator = await startOperator({ namespaces: [NS], extraArgs: ['--cluster-id=td-semantics-e2e'], resyncPeriod: `${RESYNC_S}s`, logLevel: 'info' });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

type Obj = {
  metadata: { name: string; generation: number };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    taskDefinitionArn?: string;
    revision?: number;
    replacedRevision?: { revision: number; taskDefinitionArn: string; status: string };
    conditions?: { type: string; status: string; reason: string; message: string }[];
    drift?: { detected: boolean; lastCheckedTime?: string; differences?: { path: string; desired?: unknown; actual?: unknown }[] };
  };
};

async function get(kind: string, name: string): Promise<Obj> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: NS });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Obj;
}

const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);
const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator.logs(), logLines: 40 });

async function settled(kind: string, name: string): Promise<boolean> {
  const o = await get(kind, name);
  return o.status?.observedGeneration === o.metadata.generation && condition(o, 'Ready')?.status === 'True' && condition(o, 'Synced')?.status === 'True';
}

async function patch(kind: string, name: string, spec: Record<string, unknown>): Promise<void> {
  const res = await kubectl(['patch', kind, name, '--type=merge', '-p', JSON.stringify({ spec })], { namespace: NS });
  expect(res.code, res.stderr).toBe(0);
}

async function describeService(): Promise<Service> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
  const svc = out.services?.[0];
  if (!svc) throw new Error('no service web');
  return svc;
}

async function revisionTags(arn: string): Promise<Record<string, string>> {
  const out = await world.aws.region().clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
}

/** Notes of the object's Events with that reason. */
async function events(name: string, reason: string): Promise<string> {
  const res = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=${reason}`, '-o', 'jsonpath={.items[*].note}'], { namespace: NS });
  return res.stdout;
}

/**
 * Returns right after a periodic resync, so that a console change made now is not seen before
 * the test's next kubectl edit: the service's drift check time moves once all is quiet (both kinds
 * resync on the same beat).
 */
async function afterResync(): Promise<void> {
  await new Promise((r) => setTimeout(r, 3_000));
  const checked = (await get('ecsservice', 'web')).status?.drift?.lastCheckedTime;
  await waitFor('a resync', async () => (await get('ecsservice', 'web')).status?.drift?.lastCheckedTime !== checked, 2 * RESYNC_S * 1000);
}

async function operatorCalls(operation: string): Promise<number> {
  return (await operator.awsCalls()).get(`ecs:${operation}`) ?? 0;
}

describe('EcsTaskDefinition update semantics', () => {
  beforeAll(async () => {
    const td = taskDefinitionManifest('web', { spec: { tags: [{ key: 'team', value: 'storefront' }] } });
    const svc = serviceManifest({ cluster: CLUSTER, subnets: world.subnets, securityGroup: world.securityGroup }, 'web', { launchType: 'FARGATE', desiredCount: 1 });
    expect((await kubectl(['apply', '-f', '-'], { namespace: NS, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [td, svc] }) })).code).toBe(0);
    await waitFor('the task definition and the service Ready and Synced', async () => (await settled('ecstaskdefinition', 'web')) && (await settled('ecsservice', 'web')));
  });

  it('a tag-only change of an EcsTaskDefinition tags the revision in place: no new revision, no redeploy of its service', async () => {
    const before = await get('ecstaskdefinition', 'web');
    const arn = before.status?.taskDefinitionArn ?? '';
    const deployment = (await describeService()).deployments?.map((d) => d.id);
    const registered = await operatorCalls('RegisterTaskDefinition');

    await patch('ecstaskdefinition', 'web', { tags: [{ key: 'team', value: 'payments' }, { key: 'cost-center', value: '42' }] });
    await waitFor('the tag edit carried out', async () => (await settled('ecstaskdefinition', 'web')) && (await revisionTags(arn))['cost-center'] === '42');

    const after = await get('ecstaskdefinition', 'web');
    expect(after.status).toMatchObject({ revision: before.status?.revision, taskDefinitionArn: arn });
    expect(await revisionTags(arn)).toMatchObject({ team: 'payments', 'cost-center': '42' });
    expect(await operatorCalls('RegisterTaskDefinition')).toBe(registered);
    expect(await operatorCalls('TagResource')).toBeGreaterThan(0);
    await waitFor('the Tagged Event', async () => (await events('web', 'Tagged')).includes('spec.tags[cost-center]'));
    // The service keeps running the same revision, in the same deployment.
    expect((await get('ecsservice', 'web')).status?.taskDefinitionArn).toBe(arn);
    expect((await describeService()).deployments?.map((d) => d.id)).toEqual(deployment);

    await patch('ecstaskdefinition', 'web', { tags: [{ key: 'team', value: 'payments' }] });
    await waitFor('the tag removed from the revision', async () => (await settled('ecstaskdefinition', 'web')) && !('cost-center' in (await revisionTags(arn))));
    expect(await operatorCalls('RegisterTaskDefinition')).toBe(registered);
  });

  it('a revision deregistered and deleted outside the operator is noticed on resync and replaced; the object says why, and its service rolls to the new revision', async () => {
    const before = await get('ecstaskdefinition', 'web');
    const lost = before.status?.taskDefinitionArn ?? '';
    const lostName = lost.slice(lost.lastIndexOf('/') + 1);
    const ecs = world.aws.region().clients.ecs;
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: lost }));
    const deleted = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [lost] }));
    expect(deleted.taskDefinitions?.map((t) => t.status)).toEqual(['DELETE_IN_PROGRESS']);

    await waitFor('a new revision in place of the deleted one', async () => (await get('ecstaskdefinition', 'web')).status?.replacedRevision?.taskDefinitionArn === lost, 3 * RESYNC_S * 1000);
    const td = await get('ecstaskdefinition', 'web');
    const replacement = td.status?.taskDefinitionArn ?? '';
    expect(td.status?.revision).toBe((before.status?.revision ?? 0) + 1);
    expect(td.status?.replacedRevision).toMatchObject({ revision: before.status?.revision, status: 'DELETE_IN_PROGRESS' });
    // The Ready message says so in the reconcile that replaced it; the Event and status stay.
    await waitFor('the Registered Event naming the deleted revision', async () => (await events('web', 'Registered')).includes(`${lostName} was deleted outside the operator (DELETE_IN_PROGRESS)`));
    await waitFor('the DriftCorrected Event', async () => (await events('web', 'DriftCorrected')).includes(`revision ${lostName}`));
    // The new revision carries the manifest's tags: tagging stays in place across a replacement.
    expect(await revisionTags(replacement)).toMatchObject({ team: 'payments' });

    await waitFor('the service rolled to the new revision', async () => {
      const svc = await get('ecsservice', 'web');
      return svc.status?.taskDefinitionArn === replacement && (await describeService()).taskDefinition === replacement && (await settled('ecsservice', 'web'));
    });
    await waitFor('the task definition Ready and Synced again', () => settled('ecstaskdefinition', 'web'));
  });

  it('a generation that changes only driftPolicy writes nothing to AWS: switching drifted objects to Report keeps the console changes and reports them', async () => {
    const arn = (await get('ecstaskdefinition', 'web')).status?.taskDefinitionArn ?? '';
    const ecs = world.aws.region().clients.ecs;
    const writes = () => Promise.all(['UpdateService', 'TagResource', 'UntagResource', 'RegisterTaskDefinition'].map(operatorCalls));
    const before = await writes();

    // One kind at a time: each one's status writes make the other reconcile, and a reconcile of
    // the other under Correct would put its console change back before its own switch.
    await afterResync();
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 3 }));
    await patch('ecsservice', 'web', { driftPolicy: 'Report' });
    await waitFor('the service drift reported at its new generation', async () => {
      const svc = await get('ecsservice', 'web');
      return svc.status?.observedGeneration === svc.metadata.generation && condition(svc, 'Drifted')?.status === 'True';
    });
    const svc = await get('ecsservice', 'web');
    expect(condition(svc, 'Drifted')?.message).toBe('AWS differs from the manifest (driftPolicy Report): spec.desiredCount');
    expect(svc.status?.drift?.differences).toEqual([{ path: 'spec.desiredCount', desired: 1, actual: 3 }]);

    await afterResync();
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'changed-in-console' }] }));
    await patch('ecstaskdefinition', 'web', { driftPolicy: 'Report' });
    // A new generation reads the recorded revision afresh, tags included (a resync reads its tags
    // at most hourly without the events queue), so the change shows at this generation's reconcile.
    await waitFor('the task definition drift reported', async () => condition(await get('ecstaskdefinition', 'web'), 'Drifted')?.status === 'True', 2 * RESYNC_S * 1000);
    const td = await get('ecstaskdefinition', 'web');
    expect(td.status?.observedGeneration).toBe(td.metadata.generation);
    expect(condition(td, 'Drifted')?.message).toBe('AWS differs from the manifest (driftPolicy Report): spec.tags[team]');
    expect(td.status?.drift?.differences).toEqual([{ path: 'spec.tags[team]', desired: 'payments', actual: 'changed-in-console' }]);
    expect(condition(td, 'Ready')?.status).toBe('True');

    // What was changed in the console stays, and the operator wrote nothing.
    expect((await describeService()).desiredCount).toBe(3);
    expect((await revisionTags(arn)).team).toBe('changed-in-console');
    expect(await writes()).toEqual(before);
    expect(await events('web', 'DriftCorrected')).not.toMatch(/spec\.desiredCount|spec\.tags\[team\]/);
  });
});
