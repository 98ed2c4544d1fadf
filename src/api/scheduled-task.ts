// EcsScheduledTask: tasks that EventBridge starts, either on a schedule (EventBridge Scheduler:
// CreateSchedule with an ECS target) or when an event matches a pattern (an EventBridge rule with
// an ECS target). The target is what ECS RunTask takes (run-task.ts), with the overrides handed to
// EventBridge as the target's input, as both services document for ECS targets.
import { Type, type Static } from '@sinclair/typebox';
import type { FieldError } from './cel.js';
import { DeletionPolicy, DriftPolicy, IamRoleArn, Region, StringEnum, StringMap, Struct, type CelRule } from './common.js';
import { RunTaskParameters } from './run-task.js';
import { Condition, DriftStatus } from './status.js';

// (Parentheses are matched as [(] and [)]: CEL string literals take no \( escape.)
// Expressions as the Scheduler API reference (CreateSchedule, ScheduleExpression) defines them:
// at(yyyy-mm-ddThh:mm:ss), rate(value unit) and cron(minutes hours day-of-month month day-of-week year).
const AT = '^at[(][0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[)]$';
// "rate(1 minute)" but "rate(5 minutes)": the unit is singular for 1 only.
const RATE = '^rate[(](1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))[)]$';
// Six fields, and one of day-of-month and day-of-week must be '?' (not both).
const CRON = '^cron[(][^ ?]+ [^ ?]+ ([?] [^ ?]+ [^ ?]+|[^ ?]+ [^ ?]+ [?]) [^ ?]+[)]$';

const Timestamp = (description: string) => Type.String({ description: `${description} (RFC 3339, for example 2027-01-01T00:00:00Z).`, format: 'date-time' });

export const Schedule = Struct(
  'When EventBridge Scheduler starts the tasks.',
  {
    expression: Type.String({
      description: 'cron(minutes hours day-of-month month day-of-week year), for example cron(0 * * * ? *) every hour; rate(value unit), for example rate(15 minutes); or at(yyyy-mm-ddThh:mm:ss) once.',
      minLength: 1,
      maxLength: 256,
      'x-kubernetes-validations': [
        {
          rule: "self.startsWith('cron(') || self.startsWith('rate(') || self.startsWith('at(')",
          message: 'must be a cron(...), rate(...) or at(...) expression',
        },
        {
          rule: `!self.startsWith('cron(') || self.matches('${CRON}')`,
          message: 'a cron expression has six fields (minutes hours day-of-month month day-of-week year), and exactly one of day-of-month and day-of-week is ?, for example cron(0 * * * ? *)',
        },
        {
          rule: `!self.startsWith('rate(') || self.matches('${RATE}')`,
          message: 'a rate expression is rate(1 minute|hour|day) or rate(N minutes|hours|days) with N above 1, for example rate(15 minutes)',
        },
        {
          rule: `!self.startsWith('at(') || self.matches('${AT}')`,
          message: 'an at expression is at(yyyy-mm-ddThh:mm:ss), for example at(2027-01-01T09:00:00)',
        },
      ] satisfies CelRule[],
    }),
    timezone: Type.Optional(
      Type.String({
        description: 'IANA time zone the cron or at expression is read in, for example Europe/Paris. Scheduler defaults to UTC.',
        minLength: 1,
        maxLength: 50,
        pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$',
      }),
    ),
    startDate: Type.Optional(Timestamp('No task is started before this time')),
    endDate: Type.Optional(Timestamp('No task is started after this time')),
    flexibleTimeWindowMinutes: Type.Optional(
      Type.Integer({ description: 'Let Scheduler start the tasks at any time within this many minutes after the scheduled time (1-1440), to spread load. Without it, tasks start at the scheduled time (mode OFF).', minimum: 1, maximum: 1440 }),
    ),
    groupName: Type.Optional(
      Type.String({ description: 'Schedule group that holds the schedule; it must exist. Defaults to default.', minLength: 1, maxLength: 64, pattern: '^[0-9a-zA-Z-_.]+$' }),
    ),
  },
);

export const InputTransformer = Struct(
  'Passes fields of the event to the tasks: each name of inputPathsMap, written <name> in a string of target.overrides (an environment value, a command argument), is replaced by the event field its JSON path selects.',
  {
    inputPathsMap: StringMap('Placeholder name to JSON path in the event, for example key: $.detail.object.key.', { maxProperties: 100, valueMaxLength: 256 }),
  },
);

export const RetryPolicy = Struct('How long and how often EventBridge retries starting the tasks when RunTask fails.', {
  maximumEventAgeInSeconds: Type.Optional(Type.Integer({ description: 'Give up on an event or a scheduled time older than this (60-86400). AWS defaults to 86400.', minimum: 60, maximum: 86400 })),
  maximumRetryAttempts: Type.Optional(Type.Integer({ description: 'Retries (0-185). AWS defaults to 185.', minimum: 0, maximum: 185 })),
});

const scheduledTaskRules: CelRule[] = [
  {
    rule: 'has(self.schedule) != has(self.eventPattern)',
    message: 'set exactly one of schedule (EventBridge Scheduler starts the tasks at set times) and eventPattern (an EventBridge rule starts them when an event matches)',
  },
  {
    rule: "!has(self.target.launchType) || self.target.launchType != 'MANAGED_INSTANCES'",
    message: 'EventBridge Scheduler and EventBridge start tasks with launch type FARGATE, EC2 or EXTERNAL only: use a capacityProviderStrategy for managed instances',
    fieldPath: '.target.launchType',
  },
  {
    rule: 'has(self.eventPattern) || !(has(self.eventBusName) || has(self.inputTransformer))',
    message: 'eventBusName and inputTransformer belong to an eventPattern',
    fieldPath: '.eventPattern',
    reason: 'FieldValueRequired',
  },
];

export const EcsScheduledTaskSpec = Struct(
  'Tasks that EventBridge starts on a schedule (EventBridge Scheduler) or when an event matches a pattern (an EventBridge rule).',
  {
    name: Type.Optional(
      Type.String({ description: 'Name of the schedule or rule. Defaults to metadata.name. Cannot change in place.', minLength: 1, maxLength: 64, pattern: '^[0-9a-zA-Z-_.]+$' }),
    ),
    region: Type.Optional(Region),
    schedule: Type.Optional(Schedule),
    eventPattern: Type.Optional(
      Type.String({
        description: 'EventBridge event pattern, as JSON, for example {"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["uploads"]}}}.',
        minLength: 2,
        maxLength: 4096,
        // Whitespace around the object is allowed: a YAML block scalar (|) ends with a newline.
        'x-kubernetes-validations': [{ rule: "self.matches('^[ \\t\\r\\n]*[{](.|\\r|\\n)*[}][ \\t\\r\\n]*$')", message: 'must be a JSON object' }] satisfies CelRule[],
      }),
    ),
    eventBusName: Type.Optional(Type.String({ description: 'Event bus of the rule. Defaults to default.', minLength: 1, maxLength: 256, pattern: '^[/\\.\\-_A-Za-z0-9]+$' })),
    inputTransformer: Type.Optional(InputTransformer),
    state: Type.Optional(StringEnum(['ENABLED', 'DISABLED'], 'DISABLED keeps the schedule or rule but starts no task. Defaults to ENABLED.')),
    roleArn: IamRoleArn('The role EventBridge assumes to call ecs:RunTask (and iam:PassRole for the task roles) on your behalf; it must trust scheduler.amazonaws.com (schedule) or events.amazonaws.com (eventPattern).'),
    retryPolicy: Type.Optional(RetryPolicy),
    deadLetterQueueArn: Type.Optional(
      Type.String({ description: 'SQS queue that receives the events or scheduled times whose tasks could not be started.', maxLength: 1600, pattern: '^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_.-]+$' }),
    ),
    target: RunTaskParameters,
    driftPolicy: Type.Optional(DriftPolicy),
    deletionPolicy: Type.Optional(DeletionPolicy),
    adoptExisting: Type.Optional(
      Type.Boolean({ description: 'Take over an existing schedule or rule of the same name that this operator did not create. Without it (the default), such a schedule or rule is never changed and the object reports Stalled.' }),
    ),
  },
  { rules: scheduledTaskRules },
);

export const StartedTask = Struct('A task the schedule or rule started.', {
  taskArn: Type.String({ description: 'ARN of the task.', maxLength: 2048 }),
  taskDefinition: Type.Optional(Type.String({ description: 'family:revision the task ran.', maxLength: 512 })),
  lastStatus: Type.Optional(Type.String({ description: 'PROVISIONING, PENDING, RUNNING, STOPPED...', maxLength: 32 })),
  startedAt: Type.Optional(Type.String({ description: 'When it started (RFC 3339).', maxLength: 64 })),
  stoppedAt: Type.Optional(Type.String({ description: 'When it stopped (RFC 3339).', maxLength: 64 })),
  stopCode: Type.Optional(Type.String({ description: 'Why it stopped, as ECS codes it (EssentialContainerExited, TaskFailedToStart...).', maxLength: 64 })),
  stoppedReason: Type.Optional(Type.String({ description: 'Why it stopped, in words.', maxLength: 1024 })),
  exitCodes: Type.Optional(StringMap('Exit code of each container that exited, by container name.', { maxProperties: 100, valueMaxLength: 16 })),
});

export const EcsScheduledTaskStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the operator last reconciled.', minimum: 0 })),
    reconciledGeneration: Type.Optional(Type.Integer({ description: 'The latest metadata.generation whose changes were all carried out in AWS (Synced).', minimum: 0 })),
    conditions: Type.Optional(
      Type.Array(Condition, { description: 'Ready, Reconciling, Stalled, Synced and Drifted.', maxItems: 16, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
    ),
    region: Type.Optional(Type.String({ description: 'AWS region of the schedule or rule.', maxLength: 32 })),
    drift: Type.Optional(DriftStatus),
    mode: Type.Optional(StringEnum(['Schedule', 'Event'], 'Schedule: an EventBridge Scheduler schedule; Event: an EventBridge rule.')),
    arn: Type.Optional(Type.String({ description: 'ARN of the schedule or rule.', maxLength: 2048 })),
    name: Type.Optional(Type.String({ description: 'Name of the schedule or rule.', maxLength: 64 })),
    groupName: Type.Optional(Type.String({ description: 'Schedule group of the schedule.', maxLength: 64 })),
    eventBusName: Type.Optional(Type.String({ description: 'Event bus of the rule.', maxLength: 256 })),
    state: Type.Optional(Type.String({ description: 'ENABLED or DISABLED, as AWS reports it.', maxLength: 32 })),
    expression: Type.Optional(Type.String({ description: 'The schedule expression AWS holds.', maxLength: 256 })),
    taskDefinitionArn: Type.Optional(Type.String({ description: 'Task definition revision the target starts.', maxLength: 2048 })),
    targetRevision: Type.Optional(Type.String({ description: 'family:revision the target starts.', maxLength: 512 })),
    nextFireTime: Type.Optional(Type.String({ description: 'When the schedule next starts tasks (RFC 3339), computed for cron (in its time zone), rate and at schedules.', maxLength: 64 })),
    lastTasks: Type.Optional(Type.Array(StartedTask, { description: 'The latest tasks the schedule or rule started, newest first.', maxItems: 10 })),
  },
  { description: 'Observed state of the scheduled task, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);

export type EcsScheduledTaskSpec = Static<typeof EcsScheduledTaskSpec>;
export type EcsScheduledTaskStatus = Static<typeof EcsScheduledTaskStatus>;
export type StartedTask = Static<typeof StartedTask>;

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/** Every string of a JSON value, wherever it sits. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

/**
 * What CEL cannot check: that eventPattern parses as JSON, that the time zone exists, that the
 * end date follows the start date, and that every <placeholder> of the overrides is an input path
 * (EventBridge would pass it on literally). Run before any AWS call.
 */
export function scheduledTaskErrors(spec: EcsScheduledTaskSpec): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.eventPattern !== undefined) {
    try {
      const parsed: unknown = JSON.parse(spec.eventPattern);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) errors.push({ path: 'spec.eventPattern', message: 'must be a JSON object' });
    } catch (err) {
      errors.push({ path: 'spec.eventPattern', message: `is not valid JSON: ${(err as Error).message}` });
    }
  }
  const timezone = spec.schedule?.timezone;
  if (timezone !== undefined && !isTimeZone(timezone)) errors.push({ path: 'spec.schedule.timezone', message: `${timezone} is not an IANA time zone` });
  const { startDate, endDate } = spec.schedule ?? {};
  if (startDate !== undefined && endDate !== undefined && Date.parse(endDate) <= Date.parse(startDate)) {
    errors.push({ path: 'spec.schedule.endDate', message: 'must be after startDate' });
  }
  const paths = spec.inputTransformer?.inputPathsMap ?? {};
  const used = new Set(stringsOf(spec.target.overrides).flatMap((s) => [...s.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '')));
  if (spec.inputTransformer) {
    for (const name of used) {
      if (!Object.hasOwn(paths, name)) errors.push({ path: 'spec.target.overrides', message: `<${name}> is not a name of spec.inputTransformer.inputPathsMap` });
    }
  }
  return errors;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
