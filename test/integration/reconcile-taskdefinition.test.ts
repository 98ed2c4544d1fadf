// The task definition reconciler against the AWS emulator, without Kubernetes: one revision per
// spec, nothing registered for an unchanged spec (nothing read but the recorded revision's status
// and tags), tags changed in place, a revision lost outside the operator replaced, restart- and
// crash-safe, old revisions cleaned up within revisionHistoryLimit, deletion that waits for services.
import { DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cleanupTaskDefinition, reconcileTaskDefinition, SPEC_HASH_TAG } from '../../src/reconcile/index.js';
import { desiredTaskDefinition, registerRequest } from '../../src/reconcile/taskdefinition/desired.js';
import type { TaskDefinitionDeps } from '../../src/reconcile/taskdefinition/reconcile.js';
import type { EcsTaskDefinition } from '../../src/api/index.js';
import { testEnv } from '../support/env.js';
import { callsSince, condition, createWorld, injectFault, edit, fargateTaskDefinition, owner, shortId, writeBack, type World } from './reconcile-support.js';

let world: World;
const worlds: World[] = [];

beforeEach(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  worlds.push(world);
});

afterEach(() => {
  worlds.splice(0).forEach((w) => w.destroy());
});

function deps(w: World, name: string): TaskDefinitionDeps {
  return { aws: w.aws, owner: owner(w, 'EcsTaskDefinition', name), now: () => new Date() };
}

const run = { dryRun: false };

async function activeRevisions(w: World, family: string): Promise<number[]> {
  const arns = await w.aws.region().ecs.listTaskDefinitionArns(family, 'ACTIVE');
  return arns.filter((a) => a.includes(`/${family}:`)).map((a) => Number(a.slice(a.lastIndexOf(':') + 1)));
}

describe('reconcileTaskDefinition on the emulator', () => {
  test('registers once, then an unchanged manifest costs no AWS call at all', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    const first = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    writeBack(td, first);
    expect(first.plan.map((c) => c.action)).toEqual(['Register']);
    expect(first.events).toEqual([expect.objectContaining({ type: 'Normal', reason: 'Registered' })]);
    expect(td.status).toMatchObject({ family: td.metadata.name, revision: 1, region: 'us-east-1', taskDefinitionArn: expect.stringMatching(/task-definition\/web-[0-9a-f]+:1$/) });
    expect(condition(first, 'Ready')).toMatchObject({ status: 'True', reason: 'Registered' });

    const before = world.aws.calls.snapshot();
    const second = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    expect(second.plan).toEqual([]);
    expect(second.applied).toBe(false);
    expect(second.events).toEqual([]);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(second.status).toEqual(first.status);
  });

  test('the recorded revision is checked again only when the copy in hand is older than recheckAfterMs, in the listing of ACTIVE revisions all of them share, or read again once forgotten (an event about it)', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));

    await new Promise((r) => setTimeout(r, 5)); // the copy in hand is now older than 0 ms
    let before = world.aws.calls.snapshot();
    await reconcileTaskDefinition(td, { ...deps(world, td.metadata.name), recheckAfterMs: 0 }, run);
    expect(callsSince(world.aws, before).op('ecs:ListTaskDefinitions')).toBeGreaterThanOrEqual(1);
    expect(callsSince(world.aws, before).op('ecs:DescribeTaskDefinition')).toBe(0);

    before = world.aws.calls.snapshot();
    await reconcileTaskDefinition(td, { ...deps(world, td.metadata.name), recheckAfterMs: 3_600_000 }, run);
    expect(callsSince(world.aws, before).total).toBe(0);

    // Deregistered outside the operator; the events queue's CloudTrail event drops the copy in hand.
    await world.aws.region().clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: td.status?.taskDefinitionArn }));
    world.aws.region().taskDefinitions.forget(td.status?.taskDefinitionArn ?? '');
    const after = await reconcileTaskDefinition(td, { ...deps(world, td.metadata.name), recheckAfterMs: 3_600_000 }, run);
    expect(after.plan.map((c) => c.action)).toContain('Register');
  });

  test('after an operator restart with status in hand: one read of the recorded revision (its status and tags); without status (the CLI): one list and one read, no registration', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    edit(td, { containerDefinitions: td.spec.containerDefinitions.map((c) => ({ ...c, image: 'nginx:1.28' })) });
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));

    const restarted = await createWorld(testEnv().awsEndpoint);
    worlds.push(restarted);
    const fresh = { ...restarted, clusterId: world.clusterId };
    const before = restarted.aws.calls.snapshot();
    const withStatus = await reconcileTaskDefinition(td, deps(fresh, td.metadata.name), run);
    expect(withStatus.plan).toEqual([]);
    expect(callsSince(restarted.aws, before).total).toBe(1);
    expect(callsSince(restarted.aws, before).op('ecs:DescribeTaskDefinition')).toBe(1);

    const statusless = { ...td, status: undefined };
    const again = await reconcileTaskDefinition(statusless, deps(fresh, td.metadata.name), run);
    const calls = callsSince(restarted.aws, before);
    expect(again.plan).toEqual([]);
    expect(calls.writes).toBe(0);
    expect(calls.op('ecs:ListTaskDefinitions')).toBe(1);
    // The one read after the restart is cached: the search finds the revision in hand.
    expect(calls.op('ecs:DescribeTaskDefinition')).toBe(1);
    expect(again.status).toMatchObject({ revision: 2, taskDefinitionArn: td.status?.taskDefinitionArn, specHash: td.status?.specHash });
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1, 2]);
  });

  test('a crash between RegisterTaskDefinition and the status write: the next reconcile records that revision', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    edit(td, { containerDefinitions: [{ name: 'web', image: 'nginx:1.28' }] });
    const beforeCrash = structuredClone(td);
    await reconcileTaskDefinition(td, deps(world, td.metadata.name), run); // status never written

    const before = world.aws.calls.snapshot();
    const recovered = await reconcileTaskDefinition(beforeCrash, deps(world, td.metadata.name), run);
    expect(recovered.plan).toEqual([]);
    expect(callsSince(world.aws, before).writes).toBe(0);
    expect(recovered.status).toMatchObject({ revision: 2 });
    expect(recovered.status.revisions?.map((r) => r.revision)).toEqual([2, 1]);
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1, 2]);
  });

  test('changing the image registers exactly one new revision', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    const containers = td.spec.containerDefinitions.map((c) => ({ ...c, image: 'nginx:1.28' }));
    edit(td, { containerDefinitions: containers });

    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    writeBack(td, out);
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(1);
    expect(out.plan).toEqual([expect.objectContaining({ action: 'Register', diffs: [{ path: 'spec.containerDefinitions[web].image', desired: 'nginx:1.28', actual: 'nginx:1.27' }] })]);
    expect(td.status).toMatchObject({ revision: 2 });

    const steady = world.aws.calls.snapshot();
    expect((await reconcileTaskDefinition(td, deps(world, td.metadata.name), run)).plan).toEqual([]);
    expect(callsSince(world.aws, steady).total).toBe(0);
  });

  test('a tag-only change tags the current revision in place and registers nothing; a tag removed from the manifest is untagged', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    const arn = td.status?.taskDefinitionArn ?? '';
    const tagsOf = async () => (await world.aws.region().clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }))).tags ?? [];

    edit(td, { tags: [{ key: 'team', value: 'payments' }, { key: 'cost-center', value: '42' }] });
    const before = world.aws.calls.snapshot();
    const tagged = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    writeBack(td, tagged);
    expect(tagged.plan.map((c) => c.action)).toEqual(['Tag']);
    expect(tagged.events).toEqual([{ type: 'Normal', reason: 'Tagged', message: expect.stringContaining('spec.tags[team], spec.tags[cost-center]') }]);
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(0);
    expect(callsSince(world.aws, before).op('ecs:TagResource')).toBe(1);
    expect(td.status).toMatchObject({ revision: 1, taskDefinitionArn: arn, managedTagKeys: ['team', 'cost-center'] });
    expect(await tagsOf()).toEqual(expect.arrayContaining([{ key: 'team', value: 'payments' }, { key: 'cost-center', value: '42' }]));

    edit(td, { tags: [{ key: 'team', value: 'payments' }] });
    const untagged = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    writeBack(td, untagged);
    expect(untagged.plan.map((c) => c.action)).toEqual(['Untag']);
    expect((await tagsOf()).map((t) => t.key)).not.toContain('cost-center');
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1]);
  });

  test('the recorded revision deregistered outside the operator: the next reconcile registers one in its place and says why', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    await world.aws.region().clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: td.status?.taskDefinitionArn }));

    // A restarted operator has no copy of the revision: it reads it, INACTIVE.
    const restarted = await createWorld(testEnv().awsEndpoint);
    worlds.push(restarted);
    const out = await reconcileTaskDefinition(td, deps({ ...restarted, clusterId: world.clusterId }, td.metadata.name), run);
    writeBack(td, out);
    expect(out.plan).toEqual([expect.objectContaining({ action: 'Register', diffs: [{ path: `revision ${td.metadata.name}:1`, desired: 'ACTIVE', actual: 'INACTIVE' }] })]);
    expect(out.events).toEqual([{ type: 'Normal', reason: 'Registered', message: `Registered ${td.metadata.name}:2 (${td.metadata.name}:1 was deregistered outside the operator (INACTIVE): ECS runs no new task from it)` }]);
    expect(condition(out, 'Ready')?.message).toContain(`registered because ${td.metadata.name}:1 was deregistered outside the operator`);
    expect(td.status).toMatchObject({ revision: 2, replacedRevision: { revision: 1, status: 'INACTIVE' }, revisions: [expect.objectContaining({ revision: 2 })] });
    expect(await activeRevisions(world, td.metadata.name)).toEqual([2]);
  });

  test('the recorded revision deregistered outside the operator is missing from the next listing of ACTIVE revisions: read again, and replaced', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, td.metadata.name), run));
    await world.aws.region().clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: td.status?.taskDefinitionArn }));
    await new Promise((r) => setTimeout(r, 5));

    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, { ...deps(world, td.metadata.name), recheckAfterMs: 0 }, run);
    expect(out.plan).toEqual([expect.objectContaining({ action: 'Register', diffs: [{ path: `revision ${td.metadata.name}:1`, desired: 'ACTIVE', actual: 'INACTIVE' }] })]);
    expect(callsSince(world.aws, before).op('ecs:DescribeTaskDefinition')).toBe(1);
  });

  test('revisions beyond revisionHistoryLimit are deregistered; one registered by hand in the family is never touched', async () => {
    const name = `web-${shortId()}`;
    const td = fargateTaskDefinition(name, { revisionHistoryLimit: 1 });
    writeBack(td, await reconcileTaskDefinition(td, deps(world, name), run));
    // Someone registers revision 2 of the family by hand.
    await world.aws.region().ecs.registerTaskDefinition({ family: name, containerDefinitions: [{ name: 'x', image: 'busybox', memory: 64 }] });
    for (const image of ['nginx:1.28', 'nginx:1.29']) {
      edit(td, { containerDefinitions: td.spec.containerDefinitions.map((c) => ({ ...c, image })) });
      const out = await reconcileTaskDefinition(td, deps(world, name), run);
      writeBack(td, out);
    }
    // Ours: 1, 3, 4. The limit keeps the current (4) and one before it (3); 1 goes, 2 is not ours.
    expect(await activeRevisions(world, name)).toEqual([2, 3, 4]);
    expect(td.status?.revisions?.map((r) => r.revision)).toEqual([4, 3]);
  });

  test('a dry run reports the registration and makes none', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, deps(world, td.metadata.name), { dryRun: true });
    expect(out.plan.map((c) => c.action)).toEqual(['Register']);
    expect(out.applied).toBe(false);
    expect(callsSince(world.aws, before).writes).toBe(0);
    expect(condition(out, 'Synced')).toMatchObject({ status: 'False', reason: 'ChangesWithheld' });
  });

  test('a request ECS rejects (ClientException) is Stalled with the AWS message, and not retried', async () => {
    const key = `AKIDTD${shortId()}`;
    const own = await createWorld(testEnv().awsEndpoint, { accessKeyId: key });
    worlds.push(own);
    const message = 'Invalid setting for container web: memory must be at least 6 MiB.';
    await injectFault({ operation: 'RegisterTaskDefinition', count: 1, kind: 'error', service: 'ecs', accessKeyId: key, status: 400, code: 'ClientException', message });
    const td = fargateTaskDefinition(`web-${shortId()}`);
    const out = await reconcileTaskDefinition(td, deps(own, td.metadata.name), run);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidRequest' });
    expect(condition(out, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidRequest' });
    expect(out.conditions.find((c) => c.type === 'Stalled')?.message).toContain(message);
    expect(out.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'InvalidRequest' })]);
    expect(out.requeueAfterMs).toBeUndefined();
  });

  test('a task definition over 64 KiB is Stalled (TaskDefinitionTooLarge) with no AWS call, and registered once it fits', async () => {
    const big = 'x'.repeat(30_000);
    const container = (environment: { name: string; value: string }[]) => [{ name: 'web', image: 'nginx:1.27', environment }];
    const td = fargateTaskDefinition(`web-${shortId()}`, { containerDefinitions: container(['A', 'B', 'C'].map((name) => ({ name, value: big }))) });
    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(out.applied).toBe(false);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'TaskDefinitionTooLarge', message: expect.stringMatching(/^spec: the task definition is 90\d{3} bytes as a RegisterTaskDefinition request, more than the 65536 \(64 KiB\) ECS accepts: /) });
    expect(condition(out, 'Ready')?.status).toBe('False');
    expect(await activeRevisions(world, td.metadata.name)).toEqual([]);

    edit(td, { containerDefinitions: container([{ name: 'A', value: big }]) });
    const fits = await reconcileTaskDefinition(td, deps(world, td.metadata.name), run);
    expect(fits.plan.map((c) => c.action)).toEqual(['Register']);
    expect(condition(fits, 'Ready')?.status).toBe('True');
  });
});

describe('reconcileTaskDefinition with status as the record of registrations (the operator)', () => {
  /** Deps whose recordRegistration stores status.registering on `td`, as the operator's status write does, noting what ECS had been asked by then. */
  function recording(w: World, td: EcsTaskDefinition, log: { registrationsBefore: number }[] = []): TaskDefinitionDeps {
    return {
      ...deps(w, td.metadata.name),
      recordRegistration: async (registering) => {
        log.push({ registrationsBefore: w.aws.calls.snapshot().operations['ecs:RegisterTaskDefinition']?.total ?? 0 });
        td.status = { ...td.status, registering };
      },
    };
  }

  test('an object whose status records nothing, in a family that exists (made by `apply -f`, or recreated from Git), finds its revision instead of registering a copy', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    // The CLI keeps no status: its registration leaves only ECS's record.
    const byCli = await reconcileTaskDefinition(structuredClone(td), deps(world, td.metadata.name), run);
    expect(byCli.plan.map((c) => c.action)).toEqual(['Register']);

    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, recording(world, td), run);
    expect(out.plan).toEqual([]);
    expect(out.status).toMatchObject({ revision: 1, taskDefinitionArn: byCli.status.taskDefinitionArn });
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(0);
    expect(callsSince(world.aws, before).op('ecs:ListTaskDefinitions')).toBe(1);
  });

  test('a first registration and a spec change cost one RegisterTaskDefinition each: no ListTaskDefinitions, the intent recorded before and cleared after', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    const log: { registrationsBefore: number }[] = [];
    let before = world.aws.calls.snapshot();
    const first = await reconcileTaskDefinition(td, recording(world, td, log), run);
    writeBack(td, first);
    expect(first.plan.map((c) => c.action)).toEqual(['Register']);
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(1);
    // The region's one listing of families, shared by every object of this operator (the family is new: no search).
    expect(callsSince(world.aws, before).op('ecs:ListTaskDefinitionFamilies')).toBe(1);
    expect(callsSince(world.aws, before).total).toBe(2);
    expect(log).toEqual([{ registrationsBefore: before.operations['ecs:RegisterTaskDefinition']?.total ?? 0 }]);
    expect(td.status).toMatchObject({ revision: 1 });
    expect(td.status?.registering).toBeUndefined();

    edit(td, { containerDefinitions: [{ name: 'web', image: 'nginx:1.28' }] });
    before = world.aws.calls.snapshot();
    writeBack(td, await reconcileTaskDefinition(td, recording(world, td, log), run));
    expect(callsSince(world.aws, before).total).toBe(1);
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(1);
    expect(td.status).toMatchObject({ revision: 2 });
    expect(td.status?.revisions?.map((r) => r.revision)).toEqual([2, 1]);
    expect(td.status?.registering).toBeUndefined();
    expect(log).toHaveLength(2);
  });

  test("RegisterTaskDefinition's answer lost after it took effect: the record stays, and the next reconcile finds the revision instead of registering again", async () => {
    const key = `AKIDTD${shortId()}`;
    const own = await createWorld(testEnv().awsEndpoint, { accessKeyId: key });
    worlds.push(own);
    const td = fargateTaskDefinition(`web-${shortId()}`);
    await injectFault({ operation: 'RegisterTaskDefinition', count: 1, kind: 'error', service: 'ecs', accessKeyId: key, status: 400, code: 'ClientException', message: 'answer lost', afterProcessing: true });
    const failed = await reconcileTaskDefinition(td, recording(own, td), run);
    writeBack(td, failed);
    expect(condition(failed, 'Ready')).toMatchObject({ status: 'False' });
    expect(td.status?.registering).toEqual({ specHash: desiredTaskDefinition(td, 'us-east-1').specHash, startedTime: expect.any(String) });
    expect(await activeRevisions(own, td.metadata.name)).toEqual([1]);

    const before = own.aws.calls.snapshot();
    const recovered = await reconcileTaskDefinition(td, recording(own, td), run);
    writeBack(td, recovered);
    expect(recovered.plan).toEqual([]);
    expect(callsSince(own.aws, before).writes).toBe(0);
    expect(callsSince(own.aws, before).op('ecs:ListTaskDefinitions')).toBe(1);
    expect(td.status).toMatchObject({ revision: 1 });
    expect(td.status?.registering).toBeUndefined();
    expect(await activeRevisions(own, td.metadata.name)).toEqual([1]);
  });

  test('stopped after the record and before RegisterTaskDefinition: the next reconcile searches, finds nothing and registers once', async () => {
    const td = fargateTaskDefinition(`web-${shortId()}`);
    td.status = { registering: { specHash: desiredTaskDefinition(td, 'us-east-1').specHash, startedTime: new Date().toISOString() } };
    const log: { registrationsBefore: number }[] = [];
    const before = world.aws.calls.snapshot();
    const out = await reconcileTaskDefinition(td, recording(world, td, log), run);
    writeBack(td, out);
    expect(out.plan.map((c) => c.action)).toEqual(['Register']);
    expect(callsSince(world.aws, before).op('ecs:ListTaskDefinitions')).toBe(1);
    expect(callsSince(world.aws, before).op('ecs:RegisterTaskDefinition')).toBe(1);
    // The record of this very spec stood already: not written again.
    expect(log).toEqual([]);
    expect(td.status).toMatchObject({ revision: 1 });
    expect(td.status?.registering).toBeUndefined();
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1]);
  });
});

describe('cleanupTaskDefinition on the emulator', () => {
  async function registered(name: string) {
    const td = fargateTaskDefinition(name);
    writeBack(td, await reconcileTaskDefinition(td, deps(world, name), run));
    edit(td, { containerDefinitions: td.spec.containerDefinitions.map((c) => ({ ...c, image: 'nginx:1.28' })) });
    writeBack(td, await reconcileTaskDefinition(td, deps(world, name), run));
    return td;
  }

  test('waits, naming the service, while an EcsService still runs a revision', async () => {
    const td = await registered(`web-${shortId()}`);
    const before = world.aws.calls.snapshot();
    const out = await cleanupTaskDefinition(td, deps(world, td.metadata.name), { servicesUsing: ['checkout'] });
    expect(out.done).toBe(false);
    expect(out.requeueAfterMs).toBeGreaterThan(0);
    expect(condition(out, 'Reconciling')).toMatchObject({ status: 'True', reason: 'InUse' });
    expect(out.conditions.find((c) => c.type === 'Reconciling')?.message).toContain('EcsService checkout');
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1, 2]);
  });

  test('waits, naming the schedule, while an EcsScheduledTask still starts a revision', async () => {
    const td = await registered(`report-${shortId()}`);
    const before = world.aws.calls.snapshot();
    const out = await cleanupTaskDefinition(td, deps(world, td.metadata.name), { servicesUsing: ['checkout'], scheduledTasksUsing: ['hourly-report'] });
    expect(out.done).toBe(false);
    expect(out.conditions.find((c) => c.type === 'Reconciling')?.message).toMatch(/still used by EcsService checkout; EcsScheduledTask hourly-report$/);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1, 2]);
  });

  test('deregisters every revision it registered once nothing uses them, and only those', async () => {
    const td = await registered(`web-${shortId()}`);
    await world.aws.region().ecs.registerTaskDefinition({ family: td.metadata.name, containerDefinitions: [{ name: 'x', image: 'busybox', memory: 64 }] });
    const out = await cleanupTaskDefinition(td, deps(world, td.metadata.name), { servicesUsing: [] });
    expect(out.done).toBe(true);
    expect(out.events.map((e) => e.reason)).toEqual(['Deregistered', 'Deregistered']);
    expect(await activeRevisions(world, td.metadata.name)).toEqual([3]);
  });

  test('deletionPolicy Retain leaves every revision registered', async () => {
    const td = await registered(`web-${shortId()}`);
    edit(td, { deletionPolicy: 'Retain' });
    const before = world.aws.calls.snapshot();
    const out = await cleanupTaskDefinition(td, deps(world, td.metadata.name), { servicesUsing: [] });
    expect(out.done).toBe(true);
    expect(callsSince(world.aws, before).total).toBe(0);
    expect(await activeRevisions(world, td.metadata.name)).toEqual([1, 2]);
  });
});

test('a revision registered from the same spec under another hash (an older operator) is recognized by content', async () => {
  // Guards the normalization against what the emulator actually answers: its revision, described
  // back, must compare equal to the manifest it came from.
  const name = `web-${shortId()}`;
  const td = fargateTaskDefinition(name);
  const tdDeps = deps(world, name);
  const request = registerRequest(desiredTaskDefinition(td, 'us-east-1'), tdDeps.owner);
  await world.aws.region().ecs.registerTaskDefinition({ ...request, tags: request.tags?.map((t) => (t.key === SPEC_HASH_TAG ? { ...t, value: 'hash-of-another-version' } : t)) });

  const before = world.aws.calls.snapshot();
  const out = await reconcileTaskDefinition(td, tdDeps, run);
  expect(out.plan).toEqual([]);
  expect(callsSince(world.aws, before).writes).toBe(0);
  expect(out.status).toMatchObject({ revision: 1 });
});
