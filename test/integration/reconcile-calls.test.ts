// AWS calls per new service, counted by operation: N task definitions and N services, new, are
// reconciled as the operator's workers would run them (all at once, on an adapter batching reads
// within the operator's 25 ms window), then looked at again, one emulator clock step apart, until
// every service is Ready; then one steady-state resync of all of them. The emulator is this file's
// own (manual clock), so that no other test's calls or timing mix in.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { EcsService, EcsTaskDefinition } from '../../src/api/index.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/adapter.js';
import { reconcileService, reconcileTaskDefinition, type ServiceDeps, type TaskDefinitionDeps } from '../../src/reconcile/index.js';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { condition, createWorld, fargateService, fargateTaskDefinition, owner, refsFrom, shortId, writeBack, type World } from './reconcile-support.js';

const N = 20;
let emulator: Emulator;
let world: World;
let aws: AwsAdapter;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
  world = await createWorld(emulator.endpoint);
  aws = createAwsAdapter({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, batchWindowMs: 25 });
});

afterAll(async () => {
  aws?.destroy();
  world?.destroy();
  await emulator?.stop();
});

const run = { dryRun: false };

/** Calls by operation since `before`, divided by N. */
function perService(before: Record<string, { total: number }>): Record<string, number> {
  const now = aws.calls.snapshot().operations;
  return Object.fromEntries(
    Object.entries(now)
      .map(([op, c]) => [op, (c.total - (before[op]?.total ?? 0)) / N] as const)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

const total = (calls: Record<string, number>) => Math.round(Object.values(calls).reduce((a, b) => a + b, 0) * 100) / 100;

test(`${N} new task definitions and services converge with at most 2.3 AWS calls per service; a steady-state resync reads 0.1 services and nothing else`, async () => {
  const id = shortId();
  const tds: EcsTaskDefinition[] = Array.from({ length: N }, (_, i) => fargateTaskDefinition(`calls-${id}-${i}`));
  const svcs: EcsService[] = tds.map((td) => fargateService(world, td.metadata.name, { desiredCount: 1 }));
  const tdDeps = (td: EcsTaskDefinition): TaskDefinitionDeps => ({
    aws,
    owner: owner(world, 'EcsTaskDefinition', td.metadata.name),
    now: () => new Date(),
    // The operator's status write, here onto the object in hand.
    recordRegistration: async (registering) => {
      td.status = { ...td.status, registering };
    },
  });
  const svcDeps = (svc: EcsService): ServiceDeps => ({ aws, owner: owner(world, 'EcsService', svc.metadata.name), now: () => new Date(), resolveTaskDefinitionRef: refsFrom(...tds) });
  const readyNow = new Set<EcsService>();
  const reconcileAll = async (which: EcsService[]) =>
    Promise.all(
      which.map(async (svc) => {
        const out = await reconcileService(svc, svcDeps(svc), run);
        writeBack(svc, out);
        if (condition(out, 'Ready')?.status === 'True') readyNow.add(svc);
        else readyNow.delete(svc);
      }),
    );
  const ready = (svc: EcsService) => readyNow.has(svc);

  const before = aws.calls.snapshot().operations;
  await Promise.all(tds.map(async (td) => writeBack(td, await reconcileTaskDefinition(td, tdDeps(td), run))));
  expect(tds.every((td) => td.status?.revision === 1)).toBe(true);
  await reconcileAll(svcs);
  for (let step = 0; step < 12 && !svcs.every(ready); step++) {
    await emulator.control.advance();
    await reconcileAll(svcs.filter((s) => !ready(s)));
  }
  expect(svcs.filter((s) => !ready(s)).map((s) => s.metadata.name)).toEqual([]);
  const converge = perService(before);
  console.log(`[reconcile-calls] AWS calls per new service to converge (${N}): ${total(converge)} ${JSON.stringify(converge)}`);
  expect(converge['ecs:RegisterTaskDefinition']).toBe(1);
  expect(converge['ecs:CreateService']).toBe(1);
  expect(converge['ecs:ListTaskDefinitions']).toBeUndefined();
  // One listing of the region's families serves every object of the operator (1/N here, 0.001 at 1,000).
  const families = converge['ecs:ListTaskDefinitionFamilies'] ?? 0;
  expect(families * N).toBe(1);
  expect(Math.round((total(converge) - families) * 100) / 100).toBeLessThanOrEqual(2.3);

  // A resync: every object once, nothing changed. The recorded revisions were read within the
  // last seconds (RECHECK_AFTER_MS), as in a burst of reconciles; services in calls of 10.
  const steadyBefore = aws.calls.snapshot().operations;
  await Promise.all(tds.map(async (td) => writeBack(td, await reconcileTaskDefinition(td, tdDeps(td), run))));
  await reconcileAll(svcs);
  const steady = perService(steadyBefore);
  console.log(`[reconcile-calls] AWS calls per service in a steady-state resync (${N}): ${total(steady)} ${JSON.stringify(steady)}`);
  expect(steady).toEqual({ 'ecs:DescribeServices': 0.1 });
  expect(svcs.every(ready)).toBe(true);

  // A resync a whole period later: every recorded revision is due for a check (recheckAfterMs 0),
  // and one listing of the region's ACTIVE revisions checks them all.
  await new Promise((r) => setTimeout(r, 5));
  const dueBefore = aws.calls.snapshot().operations;
  await Promise.all(tds.map(async (td) => writeBack(td, await reconcileTaskDefinition(td, { ...tdDeps(td), recheckAfterMs: 0 }, run))));
  await reconcileAll(svcs);
  const due = perService(dueBefore);
  console.log(`[reconcile-calls] AWS calls per service in a resync with every revision due for a check (${N}): ${total(due)} ${JSON.stringify(due)}`);
  expect(due).toEqual({ 'ecs:DescribeServices': 0.1, 'ecs:ListTaskDefinitions': 1 / N });
  expect(tds.every((td) => td.status?.revision === 1)).toBe(true);
});

test(`${N} task definitions and services made one at a time, as paced registrations let them through, converge with at most 2.3 AWS calls per service`, async () => {
  const id = shortId();
  const tds: EcsTaskDefinition[] = Array.from({ length: N }, (_, i) => fargateTaskDefinition(`paced-${id}-${i}`));
  const svcs: EcsService[] = tds.map((td) => fargateService(world, td.metadata.name, { desiredCount: 1 }));
  const svcDeps = (svc: EcsService): ServiceDeps => ({ aws, owner: owner(world, 'EcsService', svc.metadata.name), now: () => new Date(), resolveTaskDefinitionRef: refsFrom(...tds) });
  const before = aws.calls.snapshot().operations;
  // Each service is created as soon as its revision is registered, alone: no read of another
  // service is under way to share a DescribeServices call with.
  for (const [i, td] of tds.entries()) {
    const recordRegistration = async (registering: NonNullable<EcsTaskDefinition['status']>['registering']) => {
      td.status = { ...td.status, registering };
    };
    writeBack(td, await reconcileTaskDefinition(td, { aws, owner: owner(world, 'EcsTaskDefinition', td.metadata.name), now: () => new Date(), recordRegistration }, run));
    const svc = svcs[i] as EcsService;
    writeBack(svc, await reconcileService(svc, svcDeps(svc), run));
  }
  const made = perService(before);
  console.log(`[reconcile-calls] AWS calls per service, made one at a time (${N}): ${total(made)} ${JSON.stringify(made)}`);
  expect(made['ecs:CreateService']).toBe(1);
  expect(made['ecs:RegisterTaskDefinition']).toBe(1);
  // No service is read before it is created: one listing of the cluster's services (a minute
  // old at most; the one the test above made, here) serves them all.
  expect(made['ecs:DescribeServices']).toBeUndefined();
  expect(made['ecs:ListServices'] ?? 0).toBeLessThanOrEqual(1 / N);
  expect(total(made)).toBeLessThanOrEqual(2.3);
});
