// CloudWatch metric alarms, which trigger step scaling policies (target tracking makes its own).
import {
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  paginateDescribeAlarms,
  type CloudWatchClient,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';

/** DescribeAlarms and DeleteAlarms take at most 100 alarm names per call. */
export const ALARM_NAMES_MAX = 100;

export type AlarmQuery = { names: string[] } | { prefix: string };

export class AlarmsApi {
  constructor(private readonly cloudwatch: CloudWatchClient) {}

  /** Creates the alarm or replaces it whole (PutMetricAlarm overwrites every field). */
  async putMetricAlarm(input: PutMetricAlarmCommandInput): Promise<void> {
    await this.cloudwatch.send(new PutMetricAlarmCommand(input));
  }

  /** Deleting an alarm that does not exist is not an error, so this is safe to repeat. */
  async deleteAlarms(names: string[]): Promise<void> {
    for (const chunk of chunks(names, ALARM_NAMES_MAX)) {
      await this.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: chunk }));
    }
  }

  /** Metric alarms by exact names or by name prefix. */
  async describeAlarms(query: AlarmQuery): Promise<MetricAlarm[]> {
    const inputs = 'names' in query ? chunks(query.names, ALARM_NAMES_MAX).map((AlarmNames) => ({ AlarmNames })) : [{ AlarmNamePrefix: query.prefix }];
    const alarms: MetricAlarm[] = [];
    for (const input of inputs) {
      for await (const page of paginateDescribeAlarms({ client: this.cloudwatch }, { ...input, AlarmTypes: ['MetricAlarm'] })) {
        alarms.push(...(page.MetricAlarms ?? []));
      }
    }
    return alarms;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
