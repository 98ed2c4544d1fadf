import { describe, expect, it } from 'vitest';
import type { TaskRunStatus } from '../../../src/api/index.js';
import { runTaskToken } from '../../../src/reconcile/task/desired.js';
import { judgeRun, planTaskRun, type RecordedRun } from '../../../src/reconcile/task/plan.js';

const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/jobs/${id}`;
const stopped = (id: string, exitCode: number | undefined, extra: Partial<TaskRunStatus> = {}): TaskRunStatus => ({
  taskArn: arn(id),
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  containers: [{ name: 'app', lastStatus: 'STOPPED', ...(exitCode === undefined ? {} : { exitCode }) }],
  ...extra,
});
const running = (id: string): TaskRunStatus => ({ taskArn: arn(id), lastStatus: 'RUNNING', containers: [{ name: 'app', lastStatus: 'RUNNING' }] });
const spec = { generation: 2, count: 1, backoffLimit: 0 };
const run = (over: Partial<RecordedRun> = {}): RecordedRun => ({ generation: 2, attempts: 1, phase: 'Running', tasks: [], startTime: new Date('2026-01-01T00:00:00Z'), ...over });
const now = new Date('2026-01-01T00:01:00Z');

describe('an EcsTask run', () => {
  it('starts once for a generation that has no run yet, and again for a new generation', () => {
    expect(planTaskRun(spec, run({ generation: undefined, attempts: 0 }), [], now)).toEqual({ action: 'RunTask', attempt: 1 });
    expect(planTaskRun({ ...spec, generation: 3 }, run({ phase: 'Succeeded' }), [], now)).toEqual({ action: 'RunTask', attempt: 1 });
  });

  it('waits while a task has not stopped', () => {
    expect(planTaskRun(spec, run(), [running('a')], now).action).toBe('Wait');
  });

  it('succeeds when every task stopped with exit code 0', () => {
    expect(planTaskRun(spec, run(), [stopped('a', 0)], now)).toEqual({ action: 'Done', verdict: { state: 'succeeded' } });
  });

  it('fails on a non-zero exit code, naming the container and the code, and is not retried without backoffLimit', () => {
    const decision = planTaskRun(spec, run(), [stopped('a', 3)], now);
    expect(decision).toEqual({ action: 'Done', verdict: { state: 'failed', reason: 'NonZeroExitCode', message: 'task a failed: container app exited with code 3' } });
  });

  it('retries a failed run while backoffLimit allows, then stays failed', () => {
    expect(planTaskRun({ ...spec, backoffLimit: 1 }, run(), [stopped('a', 1)], now)).toEqual({ action: 'RunTask', attempt: 2 });
    expect(planTaskRun({ ...spec, backoffLimit: 1 }, run({ attempts: 2 }), [stopped('b', 1)], now).action).toBe('Done');
  });

  it('reports a task that failed to start with its stop reason and the container reason', () => {
    const task = stopped('a', undefined, { stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull image manifest has been retried', containers: [{ name: 'app', reason: 'CannotPullContainerError: not found' }] });
    expect(judgeRun([task], 1)).toEqual({ state: 'failed', reason: 'TaskFailedToStart', message: 'task a failed to start: CannotPullContainerError: pull image manifest has been retried; CannotPullContainerError: not found' });
  });

  it('stops the tasks still running past activeDeadlineSeconds and fails, for good', () => {
    const decision = planTaskRun({ ...spec, backoffLimit: 3, activeDeadlineSeconds: 30 }, run(), [running('a'), stopped('b', 0)], now);
    expect(decision).toMatchObject({ action: 'StopTasks', taskArns: [arn('a')], verdict: { state: 'failed', reason: 'DeadlineExceeded' } });
    expect(planTaskRun({ ...spec, backoffLimit: 3 }, run({ phase: 'Failed', failureReason: 'DeadlineExceeded' }), [], now).action).toBe('Done');
  });

  it('fails a run that started fewer tasks than asked', () => {
    expect(judgeRun([stopped('a', 0)], 2)).toMatchObject({ state: 'failed', reason: 'RunTaskFailed' });
  });

  it('sends the same RunTask token for the same object, generation and attempt, and another for any other', () => {
    const owner = { clusterId: 'c', kind: 'EcsTask' as const, namespace: 'ns', name: 'migrate', uid: 'u-1' };
    const token = runTaskToken(owner, 2, 1);
    expect(token).toBe(runTaskToken({ ...owner }, 2, 1));
    expect(token).toMatch(/^[!-~]{1,64}$/);
    expect(new Set([token, runTaskToken(owner, 3, 1), runTaskToken(owner, 2, 2), runTaskToken({ ...owner, uid: 'u-2' }, 2, 1)]).size).toBe(4);
  });
});
