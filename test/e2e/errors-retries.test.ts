// Errors and retries end to end: the operator as its own process (resync every 10 s) against an
// AWS emulator of its own, whose fault control answers the operator's calls (its access key only)
// with the errors AWS really returns:
//   - the validation-shaped errors that clear by themselves (a family busy with another
//     registration, a target group not yet attached to a load balancer, Application Auto Scaling not
//     yet seeing a new service) are retried until Ready, and never make the object Stalled;
//   - a request AWS keeps rejecting is Stalled, says when it is looked at again, is sent far less
//     often than the resyncs come (counted by the emulator, not timed), is one Event with a count,
//     and is sent again at once when the manifest changes;
//   - a reason a condition reports (waiting for a task definition, a service not owned) is an
//     Event, one per reason however many reconciles report it;
//   - an object whose ECS service cannot be read is Drifted Unknown, not False.
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateServiceCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type FaultRule } from '../aws/emulator.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, scrape, total } from '../support/metrics.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

/** The operator signs with this key (test/support/operator-process.ts); the test's own calls with another. */
const OPERATOR_KEY = 'testing';

let emulator: Emulator;
let world: World;
let ns: string;
let operator: OperatorProcess;
const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator?.logs() ?? '' });

beforeAll(async () => {
  emulator = await startEmulator();
  world = await createWorld(emulator.endpoint, { accessKeyId: 'observer' });
  ns = await createNamespace('e2e-errors');
  operator = await startOperator({ namespaces: [ns], awsEndpoint: emulator.endpoint, resyncPeriod: '10s', extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
  await emulator?.stop();
});

type Condition = { type: string; status: string; reason: string; message: string };
interface Obj {
  kind: string;
  metadata: { name: string; generation: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

const taskDefinition = (name: string) => taskDefinitionManifest(name);
const service = (name: string, spec: Record<string, unknown> = {}) => serviceManifest(world, name, { desiredCount: 1, launchType: 'FARGATE', ...spec });

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

async function get(kind: 'ecsservice' | 'ecstaskdefinition', name: string): Promise<Obj | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? (JSON.parse(res.stdout) as Obj) : undefined;
}

const condition = (obj: Obj | undefined, type: string) => obj?.status?.conditions?.find((c) => c.type === type);

/** Polls until the task definition and the service `name` are Ready; returns every Stalled=True seen meanwhile. */
async function untilReady(name: string): Promise<string[]> {
  const stalled = new Set<string>();
  await waitFor(`${name} to be Ready`, async () => {
    const objects = [await get('ecstaskdefinition', name), await get('ecsservice', name)];
    for (const o of objects) {
      const s = condition(o, 'Stalled');
      if (s?.status === 'True') stalled.add(`${o?.kind}/${name}: ${s.reason}: ${s.message}`);
    }
    return objects.every((o) => o !== undefined && o.status?.observedGeneration === o.metadata.generation && condition(o, 'Ready')?.status === 'True');
  });
  return [...stalled];
}

interface KubeEvent {
  reason: string;
  type: string;
  note: string;
  series?: { count: number };
}

async function eventsOf(name: string, reason: string): Promise<KubeEvent[]> {
  const res = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=${reason}`, '-o', 'json'], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { items: KubeEvent[] }).items;
}

/** Arms a rule for the operator's calls only; `matched` reads how many calls it has seen while it is armed. */
async function fault(rule: FaultRule): Promise<{ id: number; matched: () => Promise<number> }> {
  const added = await emulator.control.addFault({ accessKeyId: OPERATOR_KEY, ...rule });
  return { id: added.id, matched: async () => (await emulator.control.state()).faults.find((f) => f.id === added.id)?.matched ?? 0 };
}

/** The operator's calls of `operation` that ended in `code`, from its /metrics (an exhausted rule leaves the emulator's list). */
async function callsFailedWith(operation: string, code: string): Promise<number> {
  return total((await scrape(operator.metricsUrl, 'ecs_operator_aws_api_calls_total')).filter(labelled({ operation, outcome: code })));
}

/** ECS's answer for a validation error: HTTP 400 and the exception's name, as the JSON protocol gives it. */
const rejected = (operation: string, code: string, message: string, count: number, service = 'ecs'): FaultRule => ({ operation, service, kind: 'error', status: 400, code, message, count });

/** The operator's periodic resyncs of EcsServices so far, from its (debug) log. */
function serviceResyncs(): number {
  return operator.logs().split('\n').filter((l) => l.includes('"periodic resync"') && l.includes('"controller":"ecsservice"')).length;
}

describe('errors AWS reports as invalid requests that clear by themselves', () => {
  it('retries a registration refused because another one of the family is under way, and is Ready without ever being Stalled', async () => {
    const name = `busy-${shortId()}`;
    const before = await callsFailedWith('RegisterTaskDefinition', 'ClientException');
    await fault(rejected('RegisterTaskDefinition', 'ClientException', 'Too many concurrent attempts to create a new revision of the specified family.', 2));
    await apply(taskDefinition(name), service(name));
    expect(await untilReady(name)).toEqual([]);
    expect((await callsFailedWith('RegisterTaskDefinition', 'ClientException')) - before).toBe(2);
    const revisions = (await world.aws.region().clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: name }))).taskDefinitionArns ?? [];
    expect(revisions.filter((arn) => arn.includes(`/${name}:`))).toHaveLength(1);
  });

  it('retries a service whose target group has no load balancer yet, Reconciling and never Stalled, and creates it once ECS accepts it', async () => {
    const name = `tg-${shortId()}`;
    const targetGroupArn = await world.targetGroup(`tg-${shortId()}`);
    const before = await callsFailedWith('CreateService', 'InvalidParameterException');
    await fault(rejected('CreateService', 'InvalidParameterException', `The target group with targetGroupArn ${targetGroupArn} does not have an associated load balancer.`, 2));
    await apply(taskDefinition(name), service(name, { loadBalancers: [{ targetGroupArn, containerName: 'web', containerPort: 80 }] }));
    expect(await untilReady(name)).toEqual([]);
    expect((await callsFailedWith('CreateService', 'InvalidParameterException')) - before).toBe(2);
    // What the user saw meanwhile: a Warning naming the situation and what clears it, not a failure.
    const [event] = await eventsOf(name, 'TargetGroupNotAttached');
    expect(event?.type).toBe('Warning');
    expect(event?.note).toContain('attach the target group to a load balancer');
    const services = (await world.aws.region().clients.ecs.send(new ListServicesCommand({ cluster: world.cluster }))).serviceArns ?? [];
    expect(services.filter((arn) => arn.endsWith(`/${name}`))).toHaveLength(1);
  });

  it('retries registering the scalable target of a service Application Auto Scaling does not see yet, and is Ready without being Stalled', async () => {
    const name = `aas-${shortId()}`;
    const before = await callsFailedWith('RegisterScalableTarget', 'ValidationException');
    await fault(rejected('RegisterScalableTarget', 'ValidationException', `ECS service doesn't exist: service/${world.cluster}/${name}`, 1, 'application-autoscaling'));
    await apply(taskDefinition(name), service(name, { autoscaling: { minCapacity: 1, maxCapacity: 2 } }));
    expect(await untilReady(name)).toEqual([]);
    expect((await callsFailedWith('RegisterScalableTarget', 'ValidationException')) - before).toBe(1);
    expect((await eventsOf(name, 'ServiceNotVisibleYet')).map((e) => e.type)).toEqual(['Warning']);
    const targets = await world.aws.region().clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [`service/${world.cluster}/${name}`] }));
    expect(targets.ScalableTargets).toHaveLength(1);
  });
});

describe('a request AWS keeps rejecting', () => {
  it('is Stalled, says when it looks again, is sent far less often than the resyncs come, is one Event, and is sent at once after a manifest edit', async () => {
    const name = `stuck-${shortId()}`;
    await apply(taskDefinition(name));
    await waitFor('the task definition', async () => condition(await get('ecstaskdefinition', name), 'Ready')?.status === 'True');
    const refused = await fault(rejected('CreateService', 'InvalidParameterException', 'The specified platform version does not satisfy the task definition\'s required capabilities.', 1000));
    try {
      await apply(service(name));
      await waitFor('the Stalled condition', async () => condition(await get('ecsservice', name), 'Stalled')?.status === 'True');
      const stalled = condition(await get('ecsservice', name), 'Stalled');
      expect(stalled?.reason).toBe('InvalidRequest');
      expect(stalled?.message).toMatch(/required capabilities\. \(looking again in 30s\)$/);

      // Six resyncs of every EcsService: without a backoff, six more CreateService calls.
      const attemptsBefore = await refused.matched();
      const resyncsBefore = serviceResyncs();
      await waitFor('six resyncs', async () => serviceResyncs() - resyncsBefore >= 6, 120_000);
      const attempts = (await refused.matched()) - attemptsBefore;
      const resyncs = serviceResyncs() - resyncsBefore;
      console.log(`[errors-retries] ${attempts} CreateService attempt(s) over ${resyncs} resyncs`);
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(attempts).toBeLessThanOrEqual(resyncs / 3);
      // Every attempt failed the same way: one Event, counted, not one per attempt.
      await waitFor('the Event count to catch up', async () => ((await eventsOf(name, 'InvalidRequest'))[0]?.series?.count ?? 1) >= 2, 60_000);
      expect(await eventsOf(name, 'InvalidRequest')).toHaveLength(1);

      // A manifest edit is tried at once, whatever the backoff says.
      await emulator.control.clearFaults(refused.id);
      const edited = await kubectl(['patch', 'ecsservice', name, '--type=merge', '-p', JSON.stringify({ spec: { desiredCount: 2 } })], { namespace: ns });
      expect(edited.code, edited.stderr).toBe(0);
      expect(await untilReady(name)).toEqual([]);
    } finally {
      await emulator.control.clearFaults(refused.id);
    }
  });
});

describe('Events for what a condition reports', () => {
  it('records a service waiting for its task definition as one Event, counted over its reconciles, and is Ready once the task definition exists', async () => {
    const name = `wait-${shortId()}`;
    await apply(service(name));
    await waitFor('Reconciling WaitingForTaskDefinition', async () => condition(await get('ecsservice', name), 'Reconciling')?.reason === 'WaitingForTaskDefinition');
    // Not polled while it waits (the task definition's publishing wakes it): an edit reconciles it
    // again, and the Event's count grows where no second Event appears.
    expect((await kubectl(['patch', 'ecsservice', name, '--type=merge', '-p', JSON.stringify({ spec: { desiredCount: 2 } })], { namespace: ns })).code).toBe(0);
    await waitFor('the Event count to grow', async () => ((await eventsOf(name, 'WaitingForTaskDefinition'))[0]?.series?.count ?? 1) >= 2, 60_000);
    const events = await eventsOf(name, 'WaitingForTaskDefinition');
    expect(events.map((e) => e.type)).toEqual(['Normal']);
    expect(events[0]?.note).toContain(`EcsTaskDefinition ${name}`);
    await apply(taskDefinition(name));
    expect(await untilReady(name)).toEqual([]);
  });

  it('records a service left alone because the operator does not own it as a Warning Event', async () => {
    const name = `hand-${shortId()}`;
    await apply(taskDefinition(name));
    await waitFor('the task definition', async () => condition(await get('ecstaskdefinition', name), 'Ready')?.status === 'True');
    const [revision] = (await world.aws.region().clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: name }))).taskDefinitionArns ?? [];
    await world.aws.region().clients.ecs.send(
      new CreateServiceCommand({ cluster: world.cluster, serviceName: name, taskDefinition: revision, desiredCount: 0, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets } } }),
    );
    await apply(service(name));
    await waitFor('Stalled NotOwned', async () => condition(await get('ecsservice', name), 'Stalled')?.reason === 'NotOwned');
    await waitFor('the NotOwned Event', async () => (await eventsOf(name, 'NotOwned')).length > 0);
    expect((await eventsOf(name, 'NotOwned')).map((e) => [e.type, e.note.includes('adoptExisting')])).toEqual([['Warning', true]]);
    expect((await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=60s'], { namespace: ns })).code).toBe(0);
  });
});

describe('Drifted', () => {
  it('is Unknown, not False, while the ECS service cannot be read, and False again once it can', async () => {
    const name = `unread-${shortId()}`;
    await apply(taskDefinition(name), service(name));
    expect(await untilReady(name)).toEqual([]);
    await waitFor('Drifted False', async () => condition(await get('ecsservice', name), 'Drifted')?.status === 'False');
    const denied = await fault({ operation: 'DescribeServices', service: 'ecs', kind: 'error', status: 400, code: 'AccessDeniedException', message: 'User is not authorized to perform: ecs:DescribeServices', count: 1000 });
    try {
      await waitFor('Drifted Unknown', async () => condition(await get('ecsservice', name), 'Drifted')?.status === 'Unknown', 60_000);
      const drifted = condition(await get('ecsservice', name), 'Drifted');
      expect(drifted).toMatchObject({ reason: 'AwsNotRead' });
      expect(drifted?.message).toContain('AccessDeniedException');
    } finally {
      await emulator.control.clearFaults(denied.id);
    }
    await waitFor('Drifted False again', async () => condition(await get('ecsservice', name), 'Drifted')?.status === 'False', 90_000);
  });
});
