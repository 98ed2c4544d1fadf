// End to end, as a user drives it: `kubectl apply` of an EcsTaskDefinition and an EcsService, the
// operator running as its own process against the real apiserver, and the AWS emulator.
import { DescribeServicesCommand, ListTaskDefinitionsCommand, CreateServiceCommand, ListTagsForResourceCommand, type Service } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';

const WRITES = ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition', 'ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:TagResource', 'ecs:UntagResource'];

let world: World;
let ns: string;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  ns = await createNamespace('e2e-reconcile');
  operator = await startOperator({ namespaces: [ns], extraArgs: [`--cluster-id=${world.clusterId}`] });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

const taskDefinition = (name: string, image: string) => taskDefinitionManifest(name, { image, executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' });

/** Two tasks over Fargate and Fargate Spot with the circuit breaker on, unless `spec` says otherwise. */
const service = (name: string, spec: Record<string, unknown> = {}) =>
  serviceManifest(world, name, {
    desiredCount: 2,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }],
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    ...spec,
  });

async function apply(...objects: object[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(res.code, res.stderr).toBe(0);
}

const waitFor = waiter({ timeoutMs: 60_000, logs: () => operator.logs() });

async function get(kind: string, name: string): Promise<{ metadata: { generation: number }; status?: Record<string, unknown> & { conditions?: { type: string; status: string; reason: string; message: string }[]; observedGeneration?: number } } | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  return res.code === 0 ? JSON.parse(res.stdout) : undefined;
}

async function isReady(kind: string, name: string): Promise<boolean> {
  const obj = await get(kind, name);
  return obj?.status?.observedGeneration === obj?.metadata.generation && obj?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

async function describeService(name: string): Promise<Service | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name], include: ['TAGS'] }));
  return out.services?.find((s) => s.status !== 'INACTIVE');
}

async function revisions(family: string): Promise<string[]> {
  const out = await world.aws.region().clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }));
  return out.taskDefinitionArns ?? [];
}

async function writes(): Promise<number> {
  const calls = await operator.awsCalls();
  return WRITES.reduce((sum, op) => sum + (calls.get(op) ?? 0), 0);
}

describe('kubectl apply of a task definition and a service', () => {
  const name = `web-${shortId()}`;

  it('registers a revision and runs an ACTIVE service with the desired count, capacity providers and load balancer; Ready', async () => {
    const tg = await world.targetGroup(`tg-${shortId()}`);
    await apply(taskDefinition(name, 'nginx:1.27'), service(name, { loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }] }));
    await waitFor('the service to be Ready', () => isReady('ecsservice', name));

    expect(await revisions(name)).toHaveLength(1);
    const svc = await describeService(name);
    expect(svc?.status).toBe('ACTIVE');
    expect(svc?.desiredCount).toBe(2);
    expect(svc?.runningCount).toBe(2);
    expect(svc?.launchType).toBeUndefined();
    expect(svc?.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    expect(svc?.loadBalancers).toEqual([{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }]);
    const status = (await get('ecsservice', name))?.status;
    expect(status?.serviceArn).toBe(svc?.serviceArn);
    expect(status?.taskDefinition).toBe(`${name}:1`);
  });

  it('names the field manager ecs-operator for the status, the finalizer and the Events it writes', async () => {
    type Managed = { manager: string; operation: string; subresource?: string; fieldsV1?: Record<string, unknown> };
    const res = await kubectl(['get', 'ecsservice', name, '-o', 'json', '--show-managed-fields'], { namespace: ns });
    const managed: Managed[] = JSON.parse(res.stdout).metadata.managedFields;
    const byOperator = managed.filter((m) => m.manager === 'ecs-operator');
    expect(byOperator.some((m) => m.subresource === 'status')).toBe(true);
    expect(byOperator.some((m) => m.subresource === undefined && JSON.stringify(m.fieldsV1).includes('f:finalizers'))).toBe(true);
    // Only kubectl (the manifest) and the operator write the object; no client's default name.
    expect(new Set(managed.map((m) => m.manager))).toEqual(new Set(['kubectl-client-side-apply', 'ecs-operator']));

    const events = await kubectl(['get', 'events.events.k8s.io', '-o', 'json', '--show-managed-fields', `--field-selector=regarding.name=${name}`], { namespace: ns });
    const items: { metadata: { managedFields: Managed[] } }[] = JSON.parse(events.stdout).items;
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.flatMap((e) => e.metadata.managedFields.map((m) => m.manager)))).toEqual(new Set(['ecs-operator']));
  });

  it('makes no AWS write and registers nothing when the same manifests are applied again and the operator restarts', async () => {
    const svc = (await get('ecsservice', name)) as { spec: { loadBalancers: unknown } } & Awaited<ReturnType<typeof get>>;
    const before = await writes();
    const reapplied = service(name, { loadBalancers: svc.spec.loadBalancers });
    await apply(taskDefinition(name, 'nginx:1.27'), reapplied);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await writes()).toBe(before);
    await operator.stop();
    operator = await startOperator({ namespaces: [ns], extraArgs: [`--cluster-id=${world.clusterId}`] });
    // The restarted operator reconciles every object once on start; give it a resync's worth of time.
    await waitFor('the restarted operator to reconcile both objects', async () => ((await operator.awsCalls()).get('ecs:DescribeServices') ?? 0) > 0);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(before).toBeGreaterThan(0);
    expect(await writes()).toBe(0);
    expect((await operator.awsCalls()).get('ecs:DescribeServices')).toBeGreaterThan(0);
    expect(await revisions(name)).toHaveLength(1);
  });

  it('reconciles a task definition at rest once per resync, not again for each status write of the service that runs it', async () => {
    const reconciles = async () => ({ td: await operator.reconciles('ecstaskdefinition'), svc: await operator.reconciles('ecsservice') });
    // One EcsTaskDefinition and one EcsService in the namespace, both at rest: every resync
    // reconciles each once, and the service's status writes reach the task definition only when
    // they change what it reads (the revisions the service runs).
    const before = await reconciles();
    await waitFor('two resyncs of the service', async () => (await reconciles()).svc - before.svc >= 2);
    const after = await reconciles();
    const resyncs = after.svc - before.svc;
    expect(after.td - before.td).toBeGreaterThanOrEqual(resyncs - 1);
    expect(after.td - before.td).toBeLessThanOrEqual(resyncs + 1);
  });

  it('registers exactly one new revision when the image changes and rolls the service to it', async () => {
    const svc = (await get('ecsservice', name)) as { spec: { loadBalancers: unknown } } & Awaited<ReturnType<typeof get>>;
    await apply(taskDefinition(name, 'nginx:1.28'), service(name, { loadBalancers: svc.spec.loadBalancers }));
    await waitFor('the service to run revision 2', async () => (await describeService(name))?.taskDefinition?.endsWith(`${name}:2`) === true);
    await waitFor('the rollout to finish', () => isReady('ecsservice', name));
    expect(await revisions(name)).toHaveLength(2);
    expect((await get('ecstaskdefinition', name))?.status?.revision).toBe(2);
  });

  it('changes only desiredCount with one UpdateService naming only that field', async () => {
    const svc = (await get('ecsservice', name)) as { spec: { loadBalancers: unknown } } & Awaited<ReturnType<typeof get>>;
    const updatesBefore = (await operator.awsCalls()).get('ecs:UpdateService') ?? 0;
    await apply(taskDefinition(name, 'nginx:1.28'), service(name, { loadBalancers: svc.spec.loadBalancers, desiredCount: 3 }));
    await waitFor('desiredCount 3 in ECS', async () => (await describeService(name))?.desiredCount === 3);
    await waitFor('Ready at 3 tasks', () => isReady('ecsservice', name));
    expect(((await operator.awsCalls()).get('ecs:UpdateService') ?? 0) - updatesBefore).toBe(1);
    const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=Updated`, '-o', 'jsonpath={.items[*].note}'], { namespace: ns });
    expect(events.stdout).toContain(': spec.desiredCount');
    expect(events.stdout).not.toMatch(/spec\.desiredCount, /);
  });

  it('converges a changed load balancer, capacity provider strategy and tags', async () => {
    const tg2 = await world.targetGroup(`tg-${shortId()}`, 8080);
    await apply(
      taskDefinition(name, 'nginx:1.28'),
      service(name, {
        desiredCount: 3,
        loadBalancers: [{ targetGroupArn: tg2, containerName: 'web', containerPort: 80 }],
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
        tags: [{ key: 'team', value: 'payments' }],
      }),
    );
    await waitFor('the new bindings in ECS', async () => {
      const svc = await describeService(name);
      return svc?.loadBalancers?.[0]?.targetGroupArn === tg2 && svc.capacityProviderStrategy?.[0]?.capacityProvider === 'FARGATE_SPOT' && svc.tags?.some((t) => t.key === 'team' && t.value === 'payments') === true;
    });
    await waitFor('Ready again', () => isReady('ecsservice', name));
  });
});

describe('deleting an EcsService', () => {
  it('removes the ECS service under deletionPolicy Delete', async () => {
    const name = `del-${shortId()}`;
    await apply(taskDefinition(name, 'nginx:1.27'), service(name));
    await waitFor('Ready', () => isReady('ecsservice', name));
    const res = await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=90s'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    expect(await describeService(name)).toBeUndefined();
  });

  it('leaves the ECS service in place under deletionPolicy Retain', async () => {
    const name = `keep-${shortId()}`;
    await apply(taskDefinition(name, 'nginx:1.27'), service(name, { deletionPolicy: 'Retain' }));
    await waitFor('Ready', () => isReady('ecsservice', name));
    const res = await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=60s'], { namespace: ns });
    expect(res.code, res.stderr).toBe(0);
    expect((await describeService(name))?.status).toBe('ACTIVE');
  });
});

describe('a service that already exists in ECS and that the operator does not own', () => {
  async function createUnowned(name: string): Promise<string> {
    await apply(taskDefinition(`${name}-td`, 'nginx:1.27'));
    await waitFor('the revision', async () => (await revisions(`${name}-td`)).length === 1);
    const [arn] = await revisions(`${name}-td`);
    const out = await world.aws.region().clients.ecs.send(
      new CreateServiceCommand({ cluster: world.cluster, serviceName: name, taskDefinition: arn, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets } } }),
    );
    return out.service?.serviceArn ?? '';
  }

  it('is left alone without adoption, with a condition saying why', async () => {
    const name = `hand-${shortId()}`;
    await createUnowned(name);
    await apply(service(name, { taskDefinitionRef: { name: `${name}-td` } }));
    await waitFor('a Stalled condition', async () => (await get('ecsservice', name))?.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') === true);
    const svc = await describeService(name);
    expect(svc?.desiredCount).toBe(1);
    expect(svc?.launchType).toBe('FARGATE');
    const stalled = (await get('ecsservice', name))?.status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled?.message).toMatch(/adoptExisting/);
    // Deleting the object never deletes a service it does not own.
    expect((await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=60s'], { namespace: ns })).code).toBe(0);
    expect((await describeService(name))?.status).toBe('ACTIVE');
  });

  it('is adopted and tagged with adoptExisting', async () => {
    const name = `adopt-${shortId()}`;
    const arn = await createUnowned(name);
    await apply(service(name, { taskDefinitionRef: { name: `${name}-td` }, adoptExisting: true, capacityProviderStrategy: undefined, launchType: 'FARGATE', desiredCount: 2 }));
    await waitFor('Ready', () => isReady('ecsservice', name));
    const tags = await world.aws.region().clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags?.find((t) => t.key === 'ecs.operator.dev/owner')?.value).toBe(`${ns}/${name}`);
    expect((await describeService(name))?.desiredCount).toBe(2);
  });
});

describe('a load balancer that names a port its EcsTaskDefinition does not have', () => {
  it('is Stalled (InvalidLoadBalancer) naming the field, with no CreateService or UpdateService, and created once the manifest is fixed', async () => {
    const name = `lb-${shortId()}`;
    const tg = await world.targetGroup(`tg-${shortId()}`);
    const serviceWrites = async () => {
      const calls = await operator.awsCalls();
      return (calls.get('ecs:CreateService') ?? 0) + (calls.get('ecs:UpdateService') ?? 0);
    };
    const before = await serviceWrites();
    await apply(taskDefinition(name, 'nginx:1.27'), service(name, { loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 8080 }] }));
    const stalled = async () => (await get('ecsservice', name))?.status?.conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
    await waitFor('Stalled InvalidLoadBalancer', async () => (await stalled())?.reason === 'InvalidLoadBalancer');
    expect((await stalled())?.message).toBe(`spec.loadBalancers[0].containerPort: container "web" of EcsTaskDefinition ${name} has no port mapping with containerPort 8080 (its container ports: 80)`);
    // The task definition itself is fine and registered; the service was never sent to ECS.
    await waitFor('the task definition Ready', () => isReady('ecstaskdefinition', name));
    expect(await describeService(name)).toBeUndefined();
    expect(await serviceWrites()).toBe(before);

    await apply(taskDefinition(name, 'nginx:1.27'), service(name, { loadBalancers: [{ targetGroupArn: tg, containerName: 'web', containerPort: 80 }] }));
    await waitFor('the service in ECS with its load balancer', async () => (await describeService(name))?.loadBalancers?.[0]?.containerPort === 80);
    await waitFor('Stalled gone', async () => (await stalled()) === undefined);
  });
});
