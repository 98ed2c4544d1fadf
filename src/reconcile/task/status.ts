// An ECS task as the EcsTask's status shows it: its state, why it stopped, and the exit code of
// each essential container (the ones whose end decides the task's).
import type { Task } from '@aws-sdk/client-ecs';
import type { TaskRunStatus } from '../../api/task.js';
import { rfc3339 } from '../outcome.js';

/** `essential`: names of the essential containers (a task definition's containers are essential unless they say otherwise). */
export function taskRunStatus(task: Task, essential: ReadonlySet<string> | undefined): TaskRunStatus {
  const containers = (task.containers ?? [])
    .filter((c) => essential === undefined || essential.has(c.name ?? ''))
    .map((c) => ({
      name: c.name ?? '',
      ...(c.lastStatus ? { lastStatus: c.lastStatus } : {}),
      ...(c.exitCode !== undefined && c.exitCode !== null ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason.slice(0, 1024) } : {}),
    }));
  return {
    taskArn: task.taskArn ?? '',
    ...(task.lastStatus ? { lastStatus: task.lastStatus } : {}),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason.slice(0, 1024) } : {}),
    ...(task.startedAt ? { startedAt: rfc3339(task.startedAt) } : {}),
    ...(task.stoppedAt ? { stoppedAt: rfc3339(task.stoppedAt) } : {}),
    ...(containers.length > 0 ? { containers } : {}),
  };
}

/**
 * The run's tasks now: each recorded task as ECS reports it, or as recorded when ECS no longer
 * lists it (ECS forgets stopped tasks after a while).
 */
export function currentTasks(recorded: readonly TaskRunStatus[], described: readonly Task[], essential: ReadonlySet<string> | undefined): TaskRunStatus[] {
  const byArn = new Map(described.map((t) => [t.taskArn ?? '', t]));
  return recorded.map((r) => {
    const task = byArn.get(r.taskArn);
    if (task) return taskRunStatus(task, essential);
    // Never seen stopped and gone: nothing says how it ended.
    return r.lastStatus === 'STOPPED' ? r : { ...r, lastStatus: 'STOPPED', stoppedReason: r.stoppedReason ?? 'ECS no longer reports this task' };
  });
}
