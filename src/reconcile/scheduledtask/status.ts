// The status an EcsScheduledTask shows: the schedule or rule AWS holds, the revision its target
// starts, when a rate schedule fires next, and the tasks it started last.
import type { Task } from '@aws-sdk/client-ecs';
import type { EcsScheduledTaskStatus, StartedTask } from '../../api/index.js';
import type { ObservedRule } from '../../aws/events-api.js';
import type { Schedule } from '../../aws/scheduler-api.js';
import { rfc3339 } from '../outcome.js';
import { familyRevisionOf } from '../task-definition-names.js';
import type { DesiredScheduledTask } from './desired.js';

export function carriedStatus(status: EcsScheduledTaskStatus | undefined): EcsScheduledTaskStatus {
  const { conditions: _c, observedGeneration: _g, reconciledGeneration: _r, ...rest } = status ?? {};
  return rest;
}

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The next time a rate schedule fires: rate schedules count from their start date, or from their
 * creation when they have none (EventBridge Scheduler user guide, "Schedule types"). Cron
 * schedules are not computed: that takes a cron library the project does not have yet.
 */
export function nextRateFireTime(expression: string, base: Date | undefined, now: Date, endDate?: Date): Date | undefined {
  const m = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!m || !base) return undefined;
  const period = Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  if (period <= 0) return undefined;
  const elapsed = now.getTime() - base.getTime();
  const next = new Date(base.getTime() + (elapsed < 0 ? 0 : Math.floor(elapsed / period) + 1) * period);
  return endDate !== undefined && next > endDate ? undefined : next;
}

/** The UTC instant of a wall-clock time in an IANA time zone (Intl gives the zone's offset at that instant). */
function zonedTime(local: string, zone: string): Date {
  const asUtc = Date.parse(`${local}Z`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(asUtc))
      .map((p) => [p.type, p.value]),
  );
  const offset = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`) - asUtc;
  return new Date(asUtc - offset);
}

/** When a one-time at() schedule fires, read in its time zone (UTC by default); none once past. */
export function nextAtFireTime(expression: string, zone: string | undefined, now: Date): Date | undefined {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!m?.[1]) return undefined;
  const at = zonedTime(m[1], zone ?? 'UTC');
  return at > now ? at : undefined;
}

export function startedTask(t: Task): StartedTask {
  const exitCodes = Object.fromEntries((t.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => [c.name ?? '', String(c.exitCode)]));
  return {
    taskArn: t.taskArn ?? '',
    ...(t.taskDefinitionArn ? { taskDefinition: familyRevisionOf(t.taskDefinitionArn) } : {}),
    ...(t.lastStatus ? { lastStatus: t.lastStatus } : {}),
    ...(t.startedAt ? { startedAt: rfc3339(t.startedAt) } : {}),
    ...(t.stoppedAt ? { stoppedAt: rfc3339(t.stoppedAt) } : {}),
    ...(t.stopCode ? { stopCode: t.stopCode } : {}),
    ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
    ...(Object.keys(exitCodes).length > 0 ? { exitCodes } : {}),
  };
}

export interface Observed {
  schedule?: Schedule;
  rule?: ObservedRule;
  tasks: Task[];
}

export function scheduledTaskStatus(previous: EcsScheduledTaskStatus, desired: DesiredScheduledTask, observed: Observed, now: Date): EcsScheduledTaskStatus {
  const base: EcsScheduledTaskStatus = { ...previous, region: desired.region, mode: desired.mode, name: desired.name };
  delete base.nextFireTime;
  const lastTasks = observed.tasks.map(startedTask);
  if (desired.mode === 'Schedule') {
    const s = observed.schedule;
    if (!s) return { ...base, groupName: desired.groupName };
    const arn = s.Target?.EcsParameters?.TaskDefinitionArn;
    const expression = s.ScheduleExpression ?? '';
    const next = s.State === 'DISABLED' ? undefined : (nextRateFireTime(expression, s.StartDate ?? s.CreationDate, now, s.EndDate) ?? nextAtFireTime(expression, s.ScheduleExpressionTimezone, now));
    return {
      ...base,
      groupName: desired.groupName,
      arn: s.Arn,
      state: s.State,
      expression: s.ScheduleExpression,
      ...(arn ? { taskDefinitionArn: arn, targetRevision: familyRevisionOf(arn) } : {}),
      ...(next ? { nextFireTime: rfc3339(next) } : {}),
      lastTasks,
    };
  }
  const r = observed.rule;
  if (!r) return { ...base, eventBusName: desired.eventBusName };
  const arn = r.targets.find((t) => t.EcsParameters)?.EcsParameters?.TaskDefinitionArn;
  return {
    ...base,
    eventBusName: desired.eventBusName,
    arn: r.rule.Arn,
    state: r.rule.State,
    ...(arn ? { taskDefinitionArn: arn, targetRevision: familyRevisionOf(arn) } : {}),
    lastTasks,
  };
}
