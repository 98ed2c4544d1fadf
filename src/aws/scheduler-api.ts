// The EventBridge Scheduler calls of the scheduled task reconciler. A schedule is read whole
// (GetSchedule) and written whole: UpdateSchedule replaces every field, so an update always sends
// the complete desired schedule, never a patch.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type GetScheduleOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { isAwsError } from './errors.js';

export type Schedule = GetScheduleOutput;

export class SchedulerApi {
  constructor(private readonly scheduler: SchedulerClient) {}

  /** The schedule, or undefined when the group holds none of that name. */
  async getSchedule(groupName: string, name: string): Promise<Schedule | undefined> {
    try {
      return await this.scheduler.send(new GetScheduleCommand({ GroupName: groupName, Name: name }));
    } catch (err) {
      if (isAwsError(err, 'notFound')) return undefined;
      throw err;
    }
  }

  /** Creates the schedule; `ClientToken` makes a retried create (after a crash) return the same schedule. */
  async createSchedule(input: CreateScheduleCommandInput): Promise<string> {
    const out = await this.scheduler.send(new CreateScheduleCommand(input));
    return out.ScheduleArn ?? '';
  }

  async updateSchedule(input: CreateScheduleCommandInput): Promise<string> {
    const { ClientToken: _token, ...rest } = input;
    const out = await this.scheduler.send(new UpdateScheduleCommand(rest));
    return out.ScheduleArn ?? '';
  }

  /** Deletes the schedule; one already gone counts as deleted. */
  async deleteSchedule(groupName: string, name: string): Promise<void> {
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ GroupName: groupName, Name: name }));
    } catch (err) {
      if (!isAwsError(err, 'notFound')) throw err;
    }
  }
}
