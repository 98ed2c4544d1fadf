// The finalizer's work for an EcsTask: with deletionPolicy Delete, stop its tasks that still run;
// with Retain, let them run to their end. Tasks that ended are ECS's to forget either way.
import { deletionPolicyOf, type EcsTask } from '../../api/index.js';
import type { AwsAdapter } from '../../aws/adapter.js';
import { EcsTaskApi } from '../../aws/ecs-task-api.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import type { CleanupOutcome, OperatorEvent } from '../outcome.js';
import { taskId } from './plan.js';

export async function cleanupTask(obj: EcsTask, deps: { aws: AwsAdapter }): Promise<CleanupOutcome> {
  const recorded = (obj.status?.tasks ?? []).filter((t) => t.lastStatus !== 'STOPPED').map((t) => t.taskArn);
  const cluster = obj.status?.clusterArn;
  if (recorded.length === 0 || cluster === undefined) return { done: true, conditions: [], events: [] };
  if (deletionPolicyOf(obj) === 'Retain') {
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left ${recorded.length} task(s) running (deletionPolicy Retain)` }] };
  }
  const api = new EcsTaskApi(deps.aws.region(obj.status?.region ?? obj.spec.region).clients.ecs);
  const events: OperatorEvent[] = [];
  try {
    const running = (await api.describeTasks(cluster, recorded)).filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED');
    for (const task of running) {
      await api.stopTask(cluster, task.taskArn ?? '', 'Stopped by ecs-operator: its EcsTask was deleted');
      events.push({ type: 'Normal', reason: 'Stopped', message: `Stopped task ${taskId(task.taskArn ?? '')}: the object was deleted (deletionPolicy Delete)` });
    }
    return { done: true, conditions: [], events };
  } catch (err) {
    const failure = failureOf(err, `stopping the tasks of ${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`);
    if (!failure) throw err;
    const failed = cleanupFailed(failure);
    return { ...failed, events: [...events, ...failed.events] };
  }
}
