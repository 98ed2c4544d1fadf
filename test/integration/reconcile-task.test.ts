// The task reconciler against the AWS emulator, without Kubernetes: what a lost RunTask answer
// leaves behind. ECS remembers a RunTask client token (per cluster) and answers the same token with
// other parameters by ConflictException; the reconciler then finds the run's tasks by their
// startedBy instead of starting more.
import { ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { API_VERSION, type EcsTask } from '../../src/api/index.js';
import { reconcileTask, type TaskDeps } from '../../src/reconcile/task/index.js';
import { testEnv } from '../support/env.js';
import { createWorld, owner, shortId, type World } from './reconcile-support.js';

let world: World;
let accessKeyId: string;

beforeEach(async () => {
  // The faults below are armed for this key only: other files share the emulator.
  accessKeyId = `task-${shortId()}`;
  world = await createWorld(testEnv().awsEndpoint, { accessKeyId });
});

afterEach(() => world?.destroy());

async function control(path: string, body: object): Promise<{ added?: { id: number } }> {
  const res = await fetch(`${testEnv().awsEndpoint}/moto-api/ecs-operator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { added?: { id: number } };
}

async function register(family: string, image: string): Promise<string> {
  const out = await world.aws.region().clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image }] }),
  );
  return out.taskDefinition?.taskDefinitionArn ?? '';
}

function task(name: string, family: string): EcsTask {
  return {
    apiVersion: API_VERSION,
    kind: 'EcsTask',
    metadata: { name, namespace: 'shop', generation: 1, uid: `uid-${shortId()}` },
    spec: {
      cluster: world.cluster,
      taskDefinition: family,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets } },
    },
  };
}

describe('reconcileTask', () => {
  test('a RunTask that took effect but whose answer was lost is not started again, even when the family moved to a new revision meanwhile', async () => {
    const family = `lost-${shortId()}`;
    const first = await register(family, 'migrate:1');
    const obj = task(family, family);
    const deps: TaskDeps = {
      aws: world.aws,
      owner: { ...owner(world, 'EcsTask', obj.metadata.name), uid: obj.metadata.uid },
      now: () => new Date(),
      resolveTaskDefinitionRef: () => ({ waiting: 'no reference' }),
      resolveClusterRef: () => ({ waiting: 'no reference' }),
    };
    // Every RunTask attempt (the SDK's retries included) takes effect and answers 500.
    const fault = await control('/faults', { operation: 'RunTask', kind: 'error', count: 10, service: 'ecs', accessKeyId, afterProcessing: true });
    await expect(reconcileTask(obj, deps, { dryRun: false })).rejects.toThrow();
    await control('/faults/clear', { id: fault.added?.id });
    await register(family, 'migrate:2');

    const out = await reconcileTask(obj, deps, { dryRun: false });
    const listed = await world.aws.region().clients.ecs.send(new ListTasksCommand({ cluster: world.cluster, family }));
    expect(listed.taskArns).toHaveLength(1);
    expect(out.status.tasks?.map((t) => t.taskArn)).toEqual(listed.taskArns);
    expect(out.status).toMatchObject({ phase: 'Running', attempts: 1, taskDefinitionArn: first });
    expect(out.conditions.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'TaskRunning' });
  });
});
