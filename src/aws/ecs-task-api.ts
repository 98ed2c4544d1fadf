// The ECS calls of the task reconciler: start tasks, read them, stop them. RunTask answers with
// the tasks it started and, separately, the ones it could not place (`failures`): both come back.
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand, paginateListTasks, type DesiredStatus, type Failure, type RunTaskCommandInput, type ECSClient, type Task } from '@aws-sdk/client-ecs';

// DescribeTasks takes at most 100 tasks per call (the tasks member of the ECS API reference).
const DESCRIBE_TASKS_BATCH = 100;

export interface RunTaskResult {
  tasks: Task[];
  failures: Failure[];
}

export class EcsTaskApi {
  constructor(private readonly ecs: ECSClient) {}

  async runTask(input: RunTaskCommandInput): Promise<RunTaskResult> {
    const out = await this.ecs.send(new RunTaskCommand(input));
    return { tasks: out.tasks ?? [], failures: out.failures ?? [] };
  }

  /** The tasks ECS still knows, with their containers; a task gone from ECS is left out. */
  async describeTasks(cluster: string, taskArns: readonly string[]): Promise<Task[]> {
    const found: Task[] = [];
    for (let i = 0; i < taskArns.length; i += DESCRIBE_TASKS_BATCH) {
      const out = await this.ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + DESCRIBE_TASKS_BATCH) }));
      found.push(...(out.tasks ?? []));
    }
    return found;
  }

  /** Every task the cluster still lists with this startedBy, running or stopped. */
  async tasksStartedBy(cluster: string, startedBy: string): Promise<Task[]> {
    const arns: string[] = [];
    // ListTasks lists one desired status at a time, RUNNING when none is given.
    for (const desiredStatus of ['RUNNING', 'STOPPED'] satisfies DesiredStatus[]) {
      for await (const page of paginateListTasks({ client: this.ecs }, { cluster, startedBy, desiredStatus })) arns.push(...(page.taskArns ?? []));
    }
    return this.describeTasks(cluster, [...new Set(arns)]);
  }

  async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    // StopTask's reason shows as the task's stoppedReason; the API takes at most 255 characters.
    await this.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
  }
}
