// Reads the tasks a schedule or rule started: ECS's ListTasks filters by family (not by group), and
// lists RUNNING tasks unless asked for STOPPED ones, so both are listed for the family and the
// tasks of the group are picked from DescribeTasks (100 tasks per call).
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';

const DESCRIBE_TASKS_BATCH = 100;

export async function tasksOfGroup(ecs: ECSClient, cluster: string, family: string, group: string, limit: number): Promise<Task[]> {
  const [running, stopped] = await Promise.all(
    (['RUNNING', 'STOPPED'] as const).map(async (desiredStatus) => (await ecs.send(new ListTasksCommand({ cluster, family, desiredStatus, maxResults: 100 }))).taskArns ?? []),
  );
  const arns = [...(running ?? []), ...(stopped ?? [])];
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_BATCH) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_TASKS_BATCH) }));
    tasks.push(...(out.tasks ?? []));
  }
  const started = (t: Task) => (t.startedAt ?? t.createdAt)?.getTime() ?? 0;
  return tasks
    .filter((t) => t.group === group)
    .sort((a, b) => started(b) - started(a))
    .slice(0, limit);
}
