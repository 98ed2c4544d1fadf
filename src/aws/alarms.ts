// CloudWatch metric alarms, which trigger step scaling policies (target tracking makes its own).
import type { CloudWatchClient, MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { LazyClient } from './clients.js';

/** DescribeAlarms and DeleteAlarms take at most 100 alarm names per call. */
export const ALARM_NAMES_MAX = 100;

export type AlarmQuery = { names: string[] } | { prefix: string };

export class AlarmsApi {
  constructor(private readonly cloudwatch: LazyClient<CloudWatchClient>) {}

  /** Creates the alarm or replaces it whole (PutMetricAlarm overwrites every field). */
  async putMetricAlarm(input: PutMetricAlarmCommandInput): Promise<void> {
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    await (await this.cloudwatch()).send(new PutMetricAlarmCommand(input));
  }

  /** Deleting an alarm that does not exist is not an error, so this is safe to repeat. */
  async deleteAlarms(names: string[]): Promise<void> {
    const { DeleteAlarmsCommand } = await import('@aws-sdk/client-cloudwatch');
    for (const chunk of chunks(names, ALARM_NAMES_MAX)) {
      await (await this.cloudwatch()).send(new DeleteAlarmsCommand({ AlarmNames: chunk }));
    }
  }

  /** Metric alarms by exact names or by name prefix. */
  async describeAlarms(query: AlarmQuery): Promise<MetricAlarm[]> {
    const { paginateDescribeAlarms } = await import('@aws-sdk/client-cloudwatch');
    const inputs = 'names' in query ? chunks(query.names, ALARM_NAMES_MAX).map((AlarmNames) => ({ AlarmNames })) : [{ AlarmNamePrefix: query.prefix }];
    const alarms: MetricAlarm[] = [];
    for (const input of inputs) {
      for await (const page of paginateDescribeAlarms({ client: await this.cloudwatch() }, { ...input, AlarmTypes: ['MetricAlarm'] })) {
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
