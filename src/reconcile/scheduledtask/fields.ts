// The fields of a schedule and of a rule's ECS target, one row each: the manifest path a difference
// is reported under, and how to read the value from a request (desired) and from what AWS returns
// (observed), which share field names. A value AWS fills in by default is compared with the default.
import type { Target as RuleTarget } from '@aws-sdk/client-eventbridge';
import type { CreateScheduleCommandInput, GetScheduleOutput } from '@aws-sdk/client-scheduler';
import { prune, sortedBy, type Json } from '../canonical.js';

type ScheduleLike = Pick<CreateScheduleCommandInput | GetScheduleOutput, 'ScheduleExpression' | 'ScheduleExpressionTimezone' | 'StartDate' | 'EndDate' | 'FlexibleTimeWindow' | 'State' | 'Target'>;
type EcsTargetLike = { Arn?: string | undefined; RoleArn?: string | undefined; Input?: string | undefined; EcsParameters?: Record<string, unknown> | undefined; RetryPolicy?: object | undefined; DeadLetterConfig?: { Arn?: string | undefined } | undefined };

export interface FieldRow<T> {
  path: string;
  read(value: T): Json | undefined;
}

const json = (value: unknown): Json | undefined => prune(value);
/** Input is JSON text: compared parsed, so spacing and key order do not count. */
const parsed = (text: string | undefined): Json | undefined => {
  if (text === undefined) return undefined;
  try {
    return prune(JSON.parse(text));
  } catch {
    return text;
  }
};

function ecs(t: EcsTargetLike | undefined, key: string): unknown {
  return t?.EcsParameters?.[key];
}

/** The ECS target rows both services share. Tags are read as key/value pairs from either shape. */
export function ecsTargetRows<T>(target: (value: T) => EcsTargetLike | undefined, tags: (value: T) => { key: string; value: string }[]): FieldRow<T>[] {
  return [
    { path: 'spec.target.cluster', read: (v) => json(target(v)?.Arn) },
    { path: 'spec.roleArn', read: (v) => json(target(v)?.RoleArn) },
    { path: 'spec.target.taskDefinition', read: (v) => json(ecs(target(v), 'TaskDefinitionArn')) },
    { path: 'spec.target.count', read: (v) => json(ecs(target(v), 'TaskCount') ?? 1) },
    { path: 'spec.target.launchType', read: (v) => json(ecs(target(v), 'LaunchType')) },
    { path: 'spec.target.capacityProviderStrategy', read: (v) => json(ecs(target(v), 'CapacityProviderStrategy')) },
    {
      path: 'spec.target.networkConfiguration',
      read: (v) => {
        const vpc = (ecs(target(v), 'NetworkConfiguration') as { awsvpcConfiguration?: { Subnets?: string[]; SecurityGroups?: string[]; AssignPublicIp?: string } } | undefined)?.awsvpcConfiguration;
        if (!vpc) return undefined;
        return json({ Subnets: [...(vpc.Subnets ?? [])].sort(), SecurityGroups: [...(vpc.SecurityGroups ?? [])].sort(), AssignPublicIp: vpc.AssignPublicIp ?? 'DISABLED' });
      },
    },
    { path: 'spec.target.platformVersion', read: (v) => json(ecs(target(v), 'PlatformVersion')) },
    { path: 'spec.target.group', read: (v) => json(ecs(target(v), 'Group')) },
    { path: 'spec.target.propagateTags', read: (v) => json(ecs(target(v), 'PropagateTags')) },
    { path: 'spec.target.enableECSManagedTags', read: (v) => json(ecs(target(v), 'EnableECSManagedTags') ?? false) },
    { path: 'spec.target.enableExecuteCommand', read: (v) => json(ecs(target(v), 'EnableExecuteCommand') ?? false) },
    { path: 'spec.target.tags', read: (v) => json(sortedBy(tags(v), (t) => t.key)) },
    {
      // Both services default to retrying for 24 hours, up to 185 times, and may return the defaults.
      path: 'spec.retryPolicy',
      read: (v) => {
        const r = target(v)?.RetryPolicy as { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number } | undefined;
        return json({ MaximumEventAgeInSeconds: r?.MaximumEventAgeInSeconds ?? 86_400, MaximumRetryAttempts: r?.MaximumRetryAttempts ?? 185 });
      },
    },
    { path: 'spec.deadLetterQueueArn', read: (v) => json(target(v)?.DeadLetterConfig?.Arn) },
  ];
}

const scheduleTags = (s: ScheduleLike) => ((s.Target?.EcsParameters?.Tags ?? []) as Record<string, string>[]).flatMap((m) => Object.entries(m).map(([key, value]) => ({ key, value })));

export const SCHEDULE_FIELDS: FieldRow<ScheduleLike>[] = [
  { path: 'spec.schedule.expression', read: (s) => json(s.ScheduleExpression) },
  // Scheduler reads an expression without a time zone in UTC.
  { path: 'spec.schedule.timezone', read: (s) => json(s.ScheduleExpressionTimezone ?? 'UTC') },
  { path: 'spec.schedule.startDate', read: (s) => json(s.StartDate) },
  { path: 'spec.schedule.endDate', read: (s) => json(s.EndDate) },
  { path: 'spec.schedule.flexibleTimeWindowMinutes', read: (s) => json(s.FlexibleTimeWindow?.Mode === 'FLEXIBLE' ? s.FlexibleTimeWindow.MaximumWindowInMinutes : undefined) },
  { path: 'spec.state', read: (s) => json(s.State ?? 'ENABLED') },
  { path: 'spec.target.overrides', read: (s) => parsed(s.Target?.Input) },
  ...ecsTargetRows<ScheduleLike>((s) => s.Target as EcsTargetLike | undefined, scheduleTags),
];

const ruleTags = (t: RuleTarget) => (t.EcsParameters?.Tags ?? []).map((x) => ({ key: x.Key ?? '', value: x.Value ?? '' }));

export const RULE_TARGET_FIELDS: FieldRow<RuleTarget>[] = [
  {
    path: 'spec.target.overrides',
    read: (t) => (t.InputTransformer ? parsed(t.InputTransformer.InputTemplate) : parsed(t.Input)),
  },
  { path: 'spec.inputTransformer.inputPathsMap', read: (t) => json(t.InputTransformer?.InputPathsMap) },
  ...ecsTargetRows<RuleTarget>((t) => t as EcsTargetLike, ruleTags),
];
