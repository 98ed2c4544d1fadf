// Rollouts judged by their own deployment, on an emulator of this file's own with a manual clock:
// a new service becomes Ready when its deployment completes; a revision whose tasks fail is rolled
// back by the circuit breaker and reported as Stalled RolloutFailed (not as the healthy service the
// rollback leaves), is not rolled out again, and a fixed revision rolls out and becomes Ready.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { EcsService, EcsTaskDefinition } from '../../src/api/index.js';
import { reconcileService, reconcileTaskDefinition, type ReconcileOutcome, type ServiceDeps, type ServiceStatus } from '../../src/reconcile/index.js';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { callsSince, condition, createWorld, edit, fargateService, fargateTaskDefinition, owner, refsFrom, writeBack, type World } from './reconcile-support.js';

let emulator: Emulator;
let world: World;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  world = await createWorld(emulator.endpoint);
});

afterAll(async () => {
  world?.destroy();
  await emulator?.stop();
});

const run = { dryRun: false };

async function registerImage(td: EcsTaskDefinition, image: string): Promise<string> {
  edit(td, { containerDefinitions: td.spec.containerDefinitions.map((c) => ({ ...c, image })) });
  writeBack(td, await reconcileTaskDefinition(td, { aws: world.aws, owner: owner(world, 'EcsTaskDefinition', td.metadata.name), now: () => new Date() }, run));
  return td.status?.taskDefinitionArn ?? '';
}

async function reconcile(svc: EcsService, deps: ServiceDeps): Promise<ReconcileOutcome<ServiceStatus>> {
  const out = await reconcileService(svc, deps, run);
  writeBack(svc, out);
  return out;
}

/** One clock step and one reconcile at a time, until `done`. */
async function stepUntil(svc: EcsService, deps: ServiceDeps, done: (out: ReconcileOutcome<ServiceStatus>) => boolean, maxSteps = 12): Promise<ReconcileOutcome<ServiceStatus>> {
  for (let i = 0; i < maxSteps; i++) {
    await emulator.control.advance();
    const out = await reconcile(svc, deps);
    if (done(out)) return out;
  }
  return expect.fail(`not reached in ${maxSteps} steps: ${JSON.stringify(svc.status?.deployments)}`);
}

test('Ready when the deployment completes; a rolled-back revision is Stalled RolloutFailed and not retried; a fixed one rolls out; at rest a look reads no service deployments', async () => {
  const td = fargateTaskDefinition('shop');
  writeBack(td, await reconcileTaskDefinition(td, { aws: world.aws, owner: owner(world, 'EcsTaskDefinition', 'shop'), now: () => new Date() }, run));
  const good = td.status?.taskDefinitionArn ?? '';
  const svc = fargateService(world, 'shop');
  const deps: ServiceDeps = { aws: world.aws, owner: owner(world, 'EcsService', 'shop'), now: () => new Date(), resolveTaskDefinitionRef: refsFrom(td) };

  const created = await reconcile(svc, deps);
  expect(condition(created, 'Reconciling')).toMatchObject({ status: 'True', reason: 'RolloutInProgress' });
  expect(condition(created, 'Ready')?.status).toBe('False');
  expect(created.requeueAfterMs).toBeGreaterThan(0);
  const firstDeployment = svc.status?.rollout?.deploymentId;

  const ready = await stepUntil(svc, deps, (out) => condition(out, 'Ready')?.status === 'True');
  expect(condition(ready, 'Ready')).toMatchObject({ reason: 'RolloutCompleted' });
  expect(condition(ready, 'Reconciling')?.status).toBe('False');
  expect(ready.requeueAfterMs).toBeUndefined();
  expect(svc.status).toMatchObject({ runningCount: 2, desiredCount: 2, rollout: { deploymentId: firstDeployment, state: 'COMPLETED', taskDefinitionArn: good } });
  expect(svc.status?.deployments).toEqual([expect.objectContaining({ id: firstDeployment, status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2 })]);

  // A revision whose tasks never start: the circuit breaker fails it and rolls back to the good one.
  const bad = await registerImage(td, 'nginx:does-not-exist');
  await emulator.control.failTasks(bad, 'CannotPullContainerError: nginx:does-not-exist not found');
  const rollingOut = await reconcile(svc, deps);
  expect(rollingOut.plan.map((c) => c.action)).toEqual(['Update']);
  expect(svc.status?.rollout).toMatchObject({ taskDefinitionArn: bad, state: 'IN_PROGRESS' });
  const badDeployment = svc.status?.rollout?.deploymentId;
  expect(badDeployment).not.toBe(firstDeployment);

  const before = world.aws.calls.snapshot();
  const failed = await stepUntil(svc, deps, (out) => condition(out, 'Stalled')?.status === 'True');
  expect(condition(failed, 'Stalled')).toMatchObject({ reason: 'RolloutFailed' });
  expect(condition(failed, 'Ready')).toMatchObject({ status: 'False', reason: 'RolloutFailed' });
  expect(failed.conditions.find((c) => c.type === 'Stalled')?.message).toContain('circuit breaker');
  expect(svc.status?.rollout).toMatchObject({ deploymentId: badDeployment, taskDefinitionArn: bad, state: 'FAILED' });

  // The rollback completes and the service looks healthy again, on the good revision: still Stalled,
  // and the failed revision is not rolled out again.
  for (let i = 0; i < 6; i++) {
    await emulator.control.advance();
    const out = await reconcile(svc, deps);
    expect(condition(out, 'Stalled')).toMatchObject({ status: 'True', reason: 'RolloutFailed' });
    expect(out.plan).toEqual([]);
  }
  expect(callsSince(world.aws, before).writes).toBe(0);
  expect(svc.status?.deployments).toEqual([expect.objectContaining({ status: 'PRIMARY', rolloutState: 'COMPLETED', taskDefinitionArn: good })]);
  expect(svc.status?.rollout).toMatchObject({ taskDefinitionArn: bad, state: 'FAILED' });

  // A fixed image is a new revision: it rolls out and the service becomes Ready on it.
  const fixed = await registerImage(td, 'nginx:1.28');
  expect((await reconcile(svc, deps)).plan.map((c) => c.action)).toEqual(['Update']);
  const recovered = await stepUntil(svc, deps, (out) => condition(out, 'Ready')?.status === 'True');
  expect(condition(recovered, 'Stalled')?.status).toBe('False');
  expect(svc.status?.rollout).toMatchObject({ taskDefinitionArn: fixed, state: 'COMPLETED', serviceDeploymentStatus: 'SUCCESSFUL', strategy: 'ROLLING' });

  // At rest, a look costs what it did before service deployments were followed: one DescribeServices.
  const atRest = world.aws.calls.snapshot();
  for (let i = 0; i < 3; i++) await reconcile(svc, deps);
  const calls = callsSince(world.aws, atRest);
  expect(calls.op('ecs:DescribeServices')).toBe(3);
  expect(calls.op('ecs:DescribeServiceDeployments')).toBe(0);
  expect(calls.op('ecs:ListServiceDeployments')).toBe(0);
  expect(calls.total).toBe(3);
});
