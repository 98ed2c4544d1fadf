// The status an EcsScheduledTask shows: the schedule or rule AWS holds, the revision its target
// starts, when its schedule fires next, and the tasks it started last.
import { createRequire } from 'node:module';
import type { Task } from '@aws-sdk/client-ecs';
import type * as CronParser from 'cron-parser';
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
 * creation when they have none (EventBridge Scheduler user guide, "Schedule types").
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

/**
 * The next time a cron schedule fires, in its time zone (UTC by default), from its start date if
 * that is later than now; none past its end date or when the expression is not one cron-parser reads.
 * EventBridge's cron has six fields, minutes first and a year last, and numbers days of the week
 * 1-7 from Sunday (EventBridge Scheduler user guide, "Cron-based schedules"); cron-parser takes
 * seconds first, no year, and numbers days 0-6 from Sunday, so the fields are translated and the
 * year is matched here.
 */
export function nextCronFireTime(expression: string, zone: string | undefined, now: Date, startDate?: Date, endDate?: Date): Date | undefined {
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!m) return undefined;
  const [, minutes, hours, dayOfMonth, month, dayOfWeek, year] = m as unknown as [string, string, string, string, string, string, string];
  // Day numbers only, not what follows # (the nth weekday) or / (a step).
  const weekdays = dayOfWeek.replace(/(^|[,-])([1-7])/g, (_all, before: string, day: string) => `${before}${Number(day) - 1}`);
  const from = startDate !== undefined && startDate > now ? startDate : now;
  try {
    const dates = cronParser().CronExpressionParser.parse(`0 ${minutes} ${hours} ${dayOfMonth} ${month} ${weekdays}`, { currentDate: from, tz: zone ?? 'UTC', ...(endDate ? { endDate } : {}) });
    // A year field rarely names anything but *: a few hundred steps reach any year it can.
    for (let i = 0; i < 1000 && dates.hasNext(); i++) {
      const next = dates.next().toDate();
      if (yearMatches(year, new Date(next).getUTCFullYear())) return next;
    }
  } catch {
    // An expression cron-parser cannot read (W, say): no next time rather than a wrong one.
  }
  return undefined;
}

/**
 * cron-parser, loaded on the first cron schedule: with luxon it weighs ~1.4 MB of the process's
 * memory, which an operator without cron schedules would carry for nothing. (A CommonJS package,
 * so `require` loads it synchronously.)
 */
function cronParser(): typeof CronParser {
  return (loadedCronParser ??= createRequire(import.meta.url)('cron-parser') as typeof CronParser);
}
let loadedCronParser: typeof CronParser | undefined;

/** Whether a year field (*, a year, a range, a list, a step) holds the year. */
function yearMatches(field: string, year: number): boolean {
  return field.split(',').some((part) => {
    const [range = '*', step] = part.split('/');
    const [low, high] = range === '*' ? [1970, 2199] : range.includes('-') ? range.split('-').map(Number) : [Number(range), step ? 2199 : Number(range)];
    if (low === undefined || high === undefined || year < low || year > high) return false;
    return step === undefined || (year - low) % Number(step) === 0;
  });
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
    const next =
      s.State === 'DISABLED'
        ? undefined
        : (nextRateFireTime(expression, s.StartDate ?? s.CreationDate, now, s.EndDate) ??
          nextAtFireTime(expression, s.ScheduleExpressionTimezone, now) ??
          nextCronFireTime(expression, s.ScheduleExpressionTimezone, now, s.StartDate, s.EndDate));
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
