// The heart of the task reconciler, pure: from the run recorded in status and the tasks ECS
// reports, what to do next. A run is the tasks started together for one generation of the spec;
// it is started again only when it failed and spec.backoffLimit allows another attempt.
import type { TaskRunStatus } from '../../api/task.js';

/** How the run of the current generation stands, as the last reconcile recorded it. */
export interface RecordedRun {
  /** The generation the recorded run belongs to; anything else means no run for this one yet. */
  generation: number | undefined;
  attempts: number;
  phase: 'Running' | 'Succeeded' | 'Failed' | undefined;
  failureReason?: string;
  failureMessage?: string;
  tasks: readonly TaskRunStatus[];
  startTime?: Date;
}

export interface TaskRunSpec {
  generation: number;
  /** Tasks each attempt starts. */
  count: number;
  backoffLimit: number;
  activeDeadlineSeconds?: number;
}

export type RunVerdict =
  | { state: 'running' }
  | { state: 'succeeded' }
  | { state: 'failed'; reason: string; message: string };

export type TaskDecision =
  /** Start the tasks (the first attempt of a generation, or a retry). */
  | { action: 'RunTask'; attempt: number }
  /** The run took longer than activeDeadlineSeconds: stop what still runs; the run has failed. */
  | { action: 'StopTasks'; taskArns: string[]; verdict: RunVerdict & { state: 'failed' } }
  | { action: 'Wait'; verdict: RunVerdict & { state: 'running' } }
  | { action: 'Done'; verdict: RunVerdict & { state: 'succeeded' | 'failed' } };

/**
 * `tasks` are the run's tasks as ECS reports them now (recorded ones ECS no longer lists keep
 * their recorded state), or undefined when the run has not been read.
 */
export function planTaskRun(spec: TaskRunSpec, run: RecordedRun, tasks: readonly TaskRunStatus[], now: Date): TaskDecision {
  if (run.generation !== spec.generation || run.attempts === 0) return { action: 'RunTask', attempt: 1 };
  // A final verdict stands: the deadline's, or one whose retries are used up.
  if (run.phase === 'Succeeded') return { action: 'Done', verdict: { state: 'succeeded' } };
  if (run.phase === 'Failed' && (run.failureReason === DEADLINE_EXCEEDED || run.attempts > spec.backoffLimit)) {
    return { action: 'Done', verdict: { state: 'failed', reason: run.failureReason ?? 'Failed', message: run.failureMessage ?? 'the run failed' } };
  }
  const verdict = judgeRun(tasks, spec.count);
  if (verdict.state === 'running') {
    const deadline = spec.activeDeadlineSeconds;
    if (deadline !== undefined && run.startTime !== undefined && now.getTime() >= run.startTime.getTime() + deadline * 1000) {
      const running = tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn);
      return { action: 'StopTasks', taskArns: running, verdict: { state: 'failed', reason: DEADLINE_EXCEEDED, message: `the run took longer than activeDeadlineSeconds (${deadline}s): ${running.length} task(s) stopped` } };
    }
    return { action: 'Wait', verdict };
  }
  if (verdict.state === 'failed' && run.attempts <= spec.backoffLimit) return { action: 'RunTask', attempt: run.attempts + 1 };
  return { action: 'Done', verdict };
}

export const DEADLINE_EXCEEDED = 'DeadlineExceeded';

/**
 * Every task stopped with every essential container at exit code 0: succeeded. One task that
 * failed to start (its stopCode TaskFailedToStart, e.g. CannotPullContainerError) or whose
 * essential container exited otherwise fails the run, once every task has stopped.
 */
export function judgeRun(tasks: readonly TaskRunStatus[], count: number): RunVerdict {
  if (tasks.some((t) => t.lastStatus !== 'STOPPED')) return { state: 'running' };
  for (const task of tasks) {
    const id = taskId(task.taskArn);
    if (task.stopCode === 'TaskFailedToStart') {
      const why = [task.stoppedReason, ...(task.containers ?? []).map((c) => c.reason)].filter((r) => r !== undefined && r !== '');
      return { state: 'failed', reason: 'TaskFailedToStart', message: `task ${id} failed to start: ${why.join('; ') || 'no reason given'}` };
    }
    const exited = (task.containers ?? []).filter((c) => c.exitCode !== 0);
    if (exited.length > 0 || (task.containers ?? []).length === 0) {
      const codes = exited.map((c) => (c.exitCode === undefined ? `container ${c.name} stopped without an exit code${c.reason ? ` (${c.reason})` : ''}` : `container ${c.name} exited with code ${c.exitCode}`));
      const detail = codes.length > 0 ? codes.join(', ') : 'no essential container reported an exit code';
      return { state: 'failed', reason: exited.some((c) => c.exitCode !== undefined) ? 'NonZeroExitCode' : 'TaskFailed', message: `task ${id} failed: ${detail}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}` };
    }
  }
  if (tasks.length < count) return { state: 'failed', reason: 'RunTaskFailed', message: `only ${tasks.length} of ${count} task(s) started` };
  return { state: 'succeeded' };
}

/** The task id: the last part of its ARN. */
export function taskId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
