// End to end, what UpdateService may carry (issue 16, section 2), as a user sees it with kubectl and
// in ECS: a CodeDeploy service that gets only what CodeDeploy allows and reports the rest, a move
// from CODE_DEPLOY to ECS in place, platform versions that never redeploy, a strategy back to a
// launch type without replacement, settings that reach only new tasks, placement strategy spellings
// that never drift, and a blue/green load balancer setting kept through an update.
import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest, type Manifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

const ns = 'svc-updates';
const RESYNC_MS = 10_000;

let world: World;
let operator: OperatorProcess;

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  expect((await kubectl(['create', 'namespace', ns])).code).toBe(0);
  operator = await startOperator({ namespaces: [ns], extraArgs: [`--cluster-id=${world.clusterId}`], resyncPeriod: `${RESYNC_MS / 1000}s`, logLevel: 'info' });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

const waitFor = waiter({ timeoutMs: 60_000, logs: () => operator.logs() });

type Condition = { type: string; status: string; reason: string; message: string };
type Obj = {
  metadata: { generation: number };
  status?: {
    observedGeneration?: number;
    serviceArn?: string;
    conditions?: Condition[];
    deploymentControllerDifferences?: { path: string; desired?: unknown; actual?: unknown }[];
    pendingOnRunningTasks?: { path: string; desired?: unknown; since: string }[];
    drift?: { detected: boolean };
  };
};

async function apply(...items: Manifest[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  expect(res.code, res.stderr).toBe(0);
}

async function get(name: string): Promise<Obj> {
  const res = await kubectl(['get', 'ecsservice', name, '-o', 'json'], { namespace: ns });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Obj;
}

const condition = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);
const current = (o: Obj) => o.status?.observedGeneration === o.metadata.generation;
const synced = async (name: string) => {
  const o = await get(name);
  return current(o) && condition(o, 'Synced')?.status === 'True';
};
const ready = async (name: string) => {
  const o = await get(name);
  return current(o) && condition(o, 'Ready')?.status === 'True' && condition(o, 'Synced')?.status === 'True';
};

async function describeService(name: string): Promise<Service> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
  const svc = out.services?.[0];
  if (!svc) throw new Error(`no service ${name}`);
  return svc;
}

async function eventNotes(name: string, reason: string): Promise<string> {
  const res = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=${reason}`, '-o', 'jsonpath={.items[*].note}'], { namespace: ns });
  return res.stdout;
}

const placement = () => ({ cluster: world.cluster, subnets: world.subnets, securityGroup: world.securityGroup });
const td = (name: string, image = 'nginx:1.27', ports = [80]) => taskDefinitionManifest(name, { image, ports });
const service = (name: string, spec: Record<string, unknown>) => serviceManifest(placement(), name, { launchType: 'FARGATE', desiredCount: 1, ...spec });
/** Enough time for the operator to look at every object again (one resync and a margin). */
const aResync = () => new Promise((r) => setTimeout(r, RESYNC_MS + 2_000));

describe('deployment controller CODE_DEPLOY', () => {
  const name = 'bluegreen';

  it('gets desiredCount while a new task definition revision is reported as CodeDeploy\'s, never sent', async () => {
    await apply(td(name), service(name, { deploymentController: { type: 'CODE_DEPLOY' } }));
    await waitFor('the CodeDeploy service created and Synced', () => synced(name));

    await apply(td(name, 'nginx:1.28'), service(name, { deploymentController: { type: 'CODE_DEPLOY' }, desiredCount: 2 }));
    await waitFor('desiredCount 2 in ECS', async () => (await describeService(name)).desiredCount === 2);
    await waitFor('the new revision reported', async () => ((await get(name)).status?.deploymentControllerDifferences ?? []).some((d) => d.path === 'spec.taskDefinitionRef'));
    await aResync();

    const o = await get(name);
    expect(o.status?.deploymentControllerDifferences).toEqual([{ path: 'spec.taskDefinitionRef', desired: `${name}:2`, actual: `${name}:1` }]);
    expect(condition(o, 'Synced')).toMatchObject({ status: 'True', reason: 'AwaitingDeploymentController' });
    expect(condition(o, 'Synced')?.message).toContain('CodeDeploy deploys them');
    expect(condition(o, 'Stalled')?.status).toBe('False');
    expect((await describeService(name)).taskDefinition).toMatch(new RegExp(`/${name}:1$`));
    // Nothing was refused: the operator never sent what CodeDeploy owns.
    expect(await eventNotes(name, 'UpdateFailed')).toBe('');
    expect(operator.logs()).not.toContain('Unable to update task definition');
  });

  it('moves to the ECS controller in place, and the waiting revision then rolls out', async () => {
    const arn = (await describeService(name)).serviceArn;
    await apply(td(name, 'nginx:1.28'), service(name, { deploymentController: { type: 'ECS' }, desiredCount: 2 }));
    await waitFor('the service on revision 2 under ECS', async () => {
      const svc = await describeService(name);
      return svc.deploymentController?.type === 'ECS' && svc.taskDefinition?.endsWith(`/${name}:2`) === true;
    });
    await waitFor('Ready', () => ready(name));
    const svc = await describeService(name);
    expect(svc.serviceArn).toBe(arn);
    expect(await eventNotes(name, 'Replacing')).toBe('');
    expect((await get(name)).status?.deploymentControllerDifferences).toBeUndefined();
  });
});

describe('platformVersion', () => {
  const name = 'platform';

  it('LATEST is satisfied by the version ECS resolved, and an omitted version is never compared', async () => {
    await apply(td(name), service(name, { platformVersion: 'LATEST' }));
    await waitFor('Ready', () => ready(name));
    // ECS answers with a resolved version (as it does once it picked one); the manifest says LATEST.
    await world.aws.region().clients.ecs.send(new UpdateServiceCommand({ cluster: world.cluster, service: name, platformVersion: '1.4.0' }));
    await aResync();
    expect((await describeService(name)).platformVersion).toBe('1.4.0');
    expect(await eventNotes(name, 'Updated')).toBe('');
    expect((await get(name)).status?.drift?.detected).toBe(false);

    await apply(td(name), service(name, { platformVersion: undefined }));
    await aResync();
    expect((await describeService(name)).platformVersion).toBe('1.4.0');
    expect(await eventNotes(name, 'Updated')).toBe('');
  });
});

describe('capacity provider strategy back to a launch type', () => {
  const name = 'compute';

  it('is an UpdateService with an empty strategy, not a replacement', async () => {
    await apply(td(name), service(name, { launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }));
    await waitFor('Ready on FARGATE_SPOT', () => ready(name));
    const arn = (await describeService(name)).serviceArn;

    await apply(td(name), service(name, { launchType: 'FARGATE' }));
    await waitFor('the service back on the FARGATE launch type', async () => (await describeService(name)).launchType === 'FARGATE');
    await waitFor('Ready', () => ready(name));
    const svc = await describeService(name);
    expect(svc.serviceArn).toBe(arn);
    expect(svc.capacityProviderStrategy ?? []).toEqual([]);
    expect(condition(await get(name), 'Stalled')?.status).toBe('False');
    expect(await eventNotes(name, 'Replacing')).toBe('');
  });
});

describe('settings that reach only new tasks', () => {
  const name = 'newtasks';

  it('forces a new deployment by default, and says so', async () => {
    await apply(td(name), service(name, {}));
    await waitFor('Ready', () => ready(name));
    const before = (await describeService(name)).deployments?.find((d) => d.status === 'PRIMARY')?.id;

    await apply(td(name), service(name, { enableExecuteCommand: true }));
    await waitFor('a new deployment', async () => (await describeService(name)).deployments?.find((d) => d.status === 'PRIMARY')?.id !== before);
    await waitFor('Ready', () => ready(name));
    expect(await eventNotes(name, 'Updated')).toContain('spec.enableExecuteCommand applies only to tasks started after the change: a new deployment was forced');
    expect((await get(name)).status?.pendingOnRunningTasks).toBeUndefined();
  });

  it('with forceNewDeploymentOnChange false leaves the tasks running and lists the setting as pending on them', async () => {
    const before = (await describeService(name)).deployments?.find((d) => d.status === 'PRIMARY')?.id;
    await apply(td(name), service(name, { enableExecuteCommand: true, forceNewDeploymentOnChange: false, propagateTags: 'SERVICE' }));
    await waitFor('propagateTags SERVICE in ECS', async () => (await describeService(name)).propagateTags === 'SERVICE');
    await waitFor('Synced', () => synced(name));

    const o = await get(name);
    expect(o.status?.pendingOnRunningTasks).toEqual([{ path: 'spec.propagateTags', desired: 'SERVICE', since: expect.any(String) }]);
    expect(condition(o, 'Synced')?.message).toContain('tasks started before spec.propagateTags changed do not have it yet');
    expect((await describeService(name)).deployments?.find((d) => d.status === 'PRIMARY')?.id).toBe(before);
  });
});

describe('placement strategy field host', () => {
  const name = 'placed';

  it('matches the instanceId ECS stores, so it never drifts', async () => {
    await apply(
      taskDefinitionManifest(name, { spec: { requiresCompatibilities: ['EC2'] } }),
      service(name, { launchType: 'EC2', placementStrategy: [{ type: 'spread', field: 'host' }, { type: 'binpack', field: 'memory' }] }),
    );
    await waitFor('Ready', () => ready(name));
    expect((await describeService(name)).placementStrategy).toEqual([{ type: 'spread', field: 'instanceId' }, { type: 'binpack', field: 'MEMORY' }]);
    await aResync();
    expect(await eventNotes(name, 'Updated')).toBe('');
    expect(condition(await get(name), 'Drifted')?.status).toBe('False');
  });
});

describe('load balancers with a blue/green advancedConfiguration', () => {
  const name = 'adopted';

  it('an adopted service keeps its advancedConfiguration through an update of its load balancers', async () => {
    const blue = await world.targetGroup(`blue-${shortId()}`);
    const green = await world.targetGroup(`green-${shortId()}`);
    const advancedConfiguration = {
      alternateTargetGroupArn: green,
      productionListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/0123456789abcdef/0123456789abcdef/0123456789abcdef',
      roleArn: 'arn:aws:iam::123456789012:role/ecs-blue-green',
    };
    const taskDefinition = td(name, 'nginx:1.27', [80, 8080]);
    await apply(taskDefinition);
    await waitFor('the task definition registered', async () => {
      const res = await kubectl(['get', 'ecstaskdefinition', name, '-o', 'jsonpath={.status.taskDefinitionArn}'], { namespace: ns });
      return res.stdout.length > 0;
    });
    const taskDefinitionArn = (await kubectl(['get', 'ecstaskdefinition', name, '-o', 'jsonpath={.status.taskDefinitionArn}'], { namespace: ns })).stdout;
    // Made outside the operator, as a console or another tool would.
    await world.aws.region().clients.ecs.send(
      new CreateServiceCommand({
        cluster: world.cluster,
        serviceName: name,
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
        loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 80, advancedConfiguration }],
      }),
    );

    await apply(taskDefinition, service(name, { adoptExisting: true, loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 80 }] }));
    await waitFor('adopted, Ready', () => ready(name));
    expect(await eventNotes(name, 'Updated')).toBe('');

    await apply(taskDefinition, service(name, { adoptExisting: true, loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 8080 }] }));
    await waitFor('the new container port in ECS', async () => (await describeService(name)).loadBalancers?.[0]?.containerPort === 8080);
    expect((await describeService(name)).loadBalancers).toEqual([{ targetGroupArn: blue, containerName: 'web', containerPort: 8080, advancedConfiguration }]);
  });
});
