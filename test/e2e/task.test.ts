// EcsTask end to end: kubectl apply, the operator as its own process, and an AWS emulator of this
// file's own (realtime clock) whose control endpoint says how each task ends.
//   - a run that exits 0 is Ready, with the task, its container's exit code and its times in status;
//   - a container exiting 3 is Stalled NonZeroExitCode with the exit code in status, not retried;
//   - the operator killed while RunTask is in flight (the call took effect, its answer is late)
//     starts no second task after its restart: the client token returns the first one;
//   - a run past activeDeadlineSeconds has its task stopped (StopTask) and is Stalled DeadlineExceeded;
//   - a new generation runs again.
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { API_VERSION, KINDS } from '../../src/api/index.js';
import { shortId } from '../integration/reconcile-support.js';
import { kubectl } from '../support/env.js';
import { taskDefinitionManifest } from '../support/manifests.js';
import { conditionOf, OPERATOR_KEY, operatorSuite, type Reconciled } from '../support/operator-suite.js';

const suite = operatorSuite({ namespace: 'e2e-task' });
const { waitFor, apply } = suite;

interface TaskObj extends Reconciled {
  status?: Reconciled['status'] & {
    phase?: string;
    attempts?: number;
    runGeneration?: number;
    failureReason?: string;
    taskDefinition?: string;
    startTime?: string;
    completionTime?: string;
    tasks?: { taskArn: string; lastStatus?: string; stopCode?: string; stoppedReason?: string; startedAt?: string; stoppedAt?: string; containers?: { name: string; exitCode?: number; reason?: string }[] }[];
  };
}

const getTask = (name: string) => suite.get<TaskObj>('ecstask', name);

/** Waits until the task's current generation has ended, Ready or Stalled, and returns it. */
async function ended(name: string): Promise<TaskObj> {
  let obj: TaskObj | undefined;
  await waitFor(`EcsTask ${name} to end`, async () => {
    obj = await getTask(name);
    const current = obj?.status?.observedGeneration === obj?.metadata.generation;
    return current && (conditionOf(obj, 'Ready')?.status === 'True' || conditionOf(obj, 'Stalled')?.status === 'True');
  });
  return obj as TaskObj;
}

/** A Fargate task definition whose one container is `app`, and an EcsTask running it in the test's cluster. */
function taskManifests(name: string, spec: Record<string, unknown> = {}): object[] {
  return [
    taskDefinitionManifest(name, { containerName: 'app', ports: [], image: 'migrate:1' }),
    {
      apiVersion: API_VERSION,
      kind: KINDS.EcsTask,
      metadata: { name },
      spec: {
        cluster: suite.world.cluster,
        taskDefinitionRef: { name },
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: suite.world.subnets, securityGroups: [suite.world.securityGroup] } },
        overrides: { containerOverrides: [{ name: 'app', command: ['./migrate', 'up'] }] },
        ...spec,
      },
    },
  ];
}

/** Every task of the family in the test's cluster, running or stopped, as ECS lists them. */
async function tasksOf(family: string): Promise<string[]> {
  const ecs = suite.world.aws.region().clients.ecs;
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const out = await ecs.send(new ListTasksCommand({ cluster: suite.world.cluster, family, desiredStatus }));
    arns.push(...(out.taskArns ?? []));
  }
  return arns;
}

describe('EcsTask', () => {
  it('runs its task once and is Ready when it exits 0, with the exit code, stop code and times in status', async () => {
    const name = `ok-${shortId()}`;
    await apply(...taskManifests(name));
    const obj = await ended(name);
    expect(conditionOf(obj, 'Ready'), JSON.stringify(obj.status)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(obj.status).toMatchObject({ phase: 'Succeeded', attempts: 1, taskDefinition: `${name}:1` });
    expect(obj.status?.tasks).toHaveLength(1);
    const task = obj.status?.tasks?.[0];
    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 0 }] });
    expect(task?.startedAt).toBeDefined();
    expect(task?.stoppedAt).toBeDefined();
    expect(obj.status?.completionTime).toBeDefined();
    expect(await tasksOf(name)).toEqual([task?.taskArn]);
  });

  it('is Stalled NonZeroExitCode with the exit code in status when its container exits 3, and does not run it again', async () => {
    const name = `fail-${shortId()}`;
    await suite.emulator.control.setTaskOutcome({ taskDefinition: name, outcome: 'exit', exitCodes: { app: 3 } });
    await apply(...taskManifests(name));
    const obj = await ended(name);
    const stalled = conditionOf(obj, 'Stalled');
    expect(stalled, JSON.stringify(obj.status)).toMatchObject({ status: 'True', reason: 'NonZeroExitCode' });
    expect(stalled?.message).toContain('container app exited with code 3');
    expect(conditionOf(obj, 'Ready')?.status).toBe('False');
    expect(obj.status).toMatchObject({ phase: 'Failed', failureReason: 'NonZeroExitCode', attempts: 1 });
    expect(obj.status?.tasks?.[0]?.containers).toEqual([expect.objectContaining({ name: 'app', exitCode: 3 })]);
    // Looked at again (an annotation changes nothing in spec): still one task, still failed.
    const res = await kubectl(['annotate', 'ecstask', name, `e2e.ecs.operator.dev/poke=${shortId()}`], { namespace: suite.ns });
    expect(res.code, res.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await tasksOf(name)).toHaveLength(1);
    expect((await getTask(name))?.status?.phase).toBe('Failed');
  });

  it('starts exactly one task when the operator is killed while RunTask is in flight, and runs again for a new generation', async () => {
    const name = `crash-${shortId()}`;
    // RunTask takes effect at once and answers 6 s later: the crash lands in between.
    await suite.emulator.control.slowCalls('RunTask', 1, 6_000, { service: 'ecs', accessKeyId: OPERATOR_KEY, afterProcessing: true });
    await apply(...taskManifests(name));
    await waitFor('the task to be started in ECS', async () => (await tasksOf(name)).length > 0);
    expect((await getTask(name))?.status?.tasks ?? []).toEqual([]);
    await suite.restartOperator('kill');
    const obj = await ended(name);
    expect(conditionOf(obj, 'Ready'), JSON.stringify(obj.status)).toMatchObject({ status: 'True' });
    const started = await tasksOf(name);
    expect(started).toHaveLength(1);
    expect(obj.status?.tasks?.map((t) => t.taskArn)).toEqual(started);

    // A changed spec is a new generation: its run starts one more task.
    await apply(taskManifests(name, { overrides: { containerOverrides: [{ name: 'app', command: ['./migrate', 'status'] }] } })[1] as object);
    await waitFor('the new generation to run', async () => {
      const o = await getTask(name);
      return o?.status?.runGeneration === o?.metadata.generation && o?.status?.phase === 'Succeeded';
    });
    expect(await tasksOf(name)).toHaveLength(2);
  });

  it('stops the task past activeDeadlineSeconds and is Stalled DeadlineExceeded', async () => {
    const name = `deadline-${shortId()}`;
    await suite.emulator.control.setTaskOutcome({ taskDefinition: name, outcome: 'exit', runsUntilStopped: true });
    await apply(...taskManifests(name, { activeDeadlineSeconds: 5, backoffLimit: 2 }));
    const obj = await ended(name);
    expect(conditionOf(obj, 'Stalled'), JSON.stringify(obj.status)).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(obj.status).toMatchObject({ phase: 'Failed', failureReason: 'DeadlineExceeded', attempts: 1 });
    const arn = obj.status?.tasks?.[0]?.taskArn ?? '';
    await waitFor('ECS to stop the task', async () => {
      const out = await suite.world.aws.region().clients.ecs.send(new ListTasksCommand({ cluster: suite.world.cluster, family: name, desiredStatus: 'STOPPED' }));
      return (out.taskArns ?? []).includes(arn);
    });
    expect(await tasksOf(name)).toEqual([arn]);
  });
});
