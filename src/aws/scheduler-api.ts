// The EventBridge Scheduler calls of the scheduled task reconciler. A schedule is read whole
// (GetSchedule) and written whole: UpdateSchedule replaces every field, so an update always sends
// the complete desired schedule, never a patch.
import type { CreateScheduleCommandInput, GetScheduleOutput, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { LazyClient } from './clients.js';
import { isAwsError } from './errors.js';

export type Schedule = GetScheduleOutput;

export class SchedulerApi {
  constructor(private readonly scheduler: LazyClient<SchedulerClient>) {}

  /** The schedule, or undefined when the group holds none of that name. */
  async getSchedule(groupName: string, name: string): Promise<Schedule | undefined> {
    const { GetScheduleCommand } = await import('@aws-sdk/client-scheduler');
    try {
      return await (await this.scheduler()).send(new GetScheduleCommand({ GroupName: groupName, Name: name }));
    } catch (err) {
      if (isAwsError(err, 'notFound')) return undefined;
      throw err;
    }
  }

  /** Creates the schedule; `ClientToken` makes a retried create (after a crash) return the same schedule. */
  async createSchedule(input: CreateScheduleCommandInput): Promise<string> {
    const { CreateScheduleCommand } = await import('@aws-sdk/client-scheduler');
    const out = await (await this.scheduler()).send(new CreateScheduleCommand(input));
    return out.ScheduleArn ?? '';
  }

  async updateSchedule(input: CreateScheduleCommandInput): Promise<string> {
    const { UpdateScheduleCommand } = await import('@aws-sdk/client-scheduler');
    const { ClientToken: _token, ...rest } = input;
    const out = await (await this.scheduler()).send(new UpdateScheduleCommand(rest));
    return out.ScheduleArn ?? '';
  }

  /** Deletes the schedule; one already gone counts as deleted. */
  async deleteSchedule(groupName: string, name: string): Promise<void> {
    const { DeleteScheduleCommand } = await import('@aws-sdk/client-scheduler');
    try {
      await (await this.scheduler()).send(new DeleteScheduleCommand({ GroupName: groupName, Name: name }));
    } catch (err) {
      if (!isAwsError(err, 'notFound')) throw err;
    }
  }
}
