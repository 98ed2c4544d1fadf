// Reads the tasks a schedule or rule started. EventBridge Scheduler and EventBridge start them with
// a startedBy of their own ("chronos-schedule/<schedule>", "events-rule/<rule>", cut to the 36
// characters ECS keeps), which ListTasks filters by; ListTasks lists RUNNING tasks unless asked for
// STOPPED ones, so both are listed, and DescribeTasks reads them 100 at a time. startedBy cut to 36
// characters can be shared by two long names, so the task group picks this object's tasks.
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';

const DESCRIBE_TASKS_BATCH = 100;
const STARTED_BY_MAX = 36;

export function startedByOf(mode: 'Schedule' | 'Event', name: string): string {
  return `${mode === 'Schedule' ? 'chronos-schedule' : 'events-rule'}/${name}`.slice(0, STARTED_BY_MAX);
}

export async function tasksStartedBy(ecs: ECSClient, cluster: string, startedBy: string, group: string, limit: number): Promise<Task[]> {
  const [running, stopped] = await Promise.all(
    (['RUNNING', 'STOPPED'] as const).map(async (desiredStatus) => (await ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus, maxResults: 100 }))).taskArns ?? []),
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
