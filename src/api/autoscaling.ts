// spec.autoscaling of an EcsService: Application Auto Scaling on ecs:service:DesiredCount, with the
// CloudWatch alarm that drives each step scaling policy declared next to the policy.
import { Type, type Static } from '@sinclair/typebox';
import { CEL_RULES_KEY, StringEnum, Struct, uniqueBy, type CelRule } from './common.js';

// Application Auto Scaling policy and scheduled action names end up in ARNs; keep them plain.
const ScalingName = (description: string) =>
  Type.String({ description, minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.-]+$' });

// The name a policy, scheduled action or alarm has in AWS. The operator names what it creates after
// its owner (see src/reconcile/scaling/naming.ts); one made outside the operator keeps its own name,
// given here so that the operator takes it over instead of creating a second one.
const AwsName = (what: string) =>
  Type.Optional(
    Type.String({
      description: `Name of an existing ${what} in AWS to take over (what \`ecs-operator import\` writes for one made by hand). Defaults to a name the operator derives from this object and name.`,
      minLength: 1,
      maxLength: 256,
    }),
  );

const MetricDimension = Struct('A CloudWatch metric dimension.', {
  name: Type.String({ description: 'Dimension name, for example QueueName.', minLength: 1, maxLength: 255 }),
  value: Type.String({ description: 'Dimension value.', minLength: 1, maxLength: 1024 }),
});

const Dimensions = Type.Array(MetricDimension, { description: 'Dimensions that select the metric.', maxItems: 30 });

const MetricStatistic = StringEnum(['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'], 'Statistic of the metric.');

const Unit = StringEnum(
  ['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None'],
  'Unit of the metric, as CloudWatch spells it.',
);

export const CustomizedMetric = Struct('A CloudWatch metric to track, for example SQS ApproximateNumberOfMessagesVisible.', {
  namespace: Type.String({ description: 'Metric namespace, for example AWS/SQS.', minLength: 1, maxLength: 255 }),
  metricName: Type.String({ description: 'Metric name.', minLength: 1, maxLength: 255 }),
  dimensions: Type.Optional(Dimensions),
  statistic: MetricStatistic,
  unit: Type.Optional(Unit),
});

export const TargetTrackingPolicy = Struct(
  'A target tracking scaling policy: Application Auto Scaling adds or removes tasks to keep a metric near a target value.',
  {
    name: ScalingName('Policy name, unique among the service\'s scaling policies.'),
    policyName: AwsName('policy'),
    predefinedMetric: Type.Optional(
      StringEnum(
        ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget'],
        'A predefined ECS metric. ALBRequestCountPerTarget needs a load balancer on the service (the operator derives the resource label from spec.loadBalancers[0]) or an explicit resourceLabel. Give this or customizedMetric.',
      ),
    ),
    resourceLabel: Type.Optional(
      Type.String({
        description: 'For ALBRequestCountPerTarget: app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>. Defaults to the one derived from spec.loadBalancers[0].',
        maxLength: 1023,
        pattern: '^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$',
      }),
    ),
    customizedMetric: Type.Optional(CustomizedMetric),
    targetValue: Type.Number({ description: 'Value to keep the metric at, for example 60 (percent CPU). Must be greater than 0.' }),
    scaleInCooldown: Type.Optional(Type.Integer({ description: 'Seconds after a scale-in before another scale-in may start.', minimum: 0, maximum: 86400 })),
    scaleOutCooldown: Type.Optional(Type.Integer({ description: 'Seconds after a scale-out before another scale-out may start.', minimum: 0, maximum: 86400 })),
    disableScaleIn: Type.Optional(Type.Boolean({ description: 'Only ever scale out with this policy (scale in by other means).' })),
  },
  {
    rules: [
      {
        rule: 'has(self.predefinedMetric) != has(self.customizedMetric)',
        message: 'a target tracking policy takes exactly one of predefinedMetric and customizedMetric',
      },
      {
        rule: "!has(self.resourceLabel) || (has(self.predefinedMetric) && self.predefinedMetric == 'ALBRequestCountPerTarget')",
        message: 'resourceLabel is only used with predefinedMetric ALBRequestCountPerTarget',
        fieldPath: '.resourceLabel',
        reason: 'FieldValueForbidden',
      },
      {
        rule: 'self.targetValue > 0.0',
        message: 'targetValue must be greater than 0',
        fieldPath: '.targetValue',
      },
    ],
  },
);

export const StepAdjustment = Struct(
  'One step: when the alarm metric minus the alarm threshold falls in [lower, upper), change capacity by scalingAdjustment.',
  {
    metricIntervalLowerBound: Type.Optional(Type.Number({ description: 'Lower bound (inclusive) of the difference from the threshold; omitted means minus infinity.' })),
    metricIntervalUpperBound: Type.Optional(Type.Number({ description: 'Upper bound (exclusive) of the difference from the threshold; omitted means infinity.' })),
    scalingAdjustment: Type.Integer({ description: 'Capacity change (tasks, percent or exact count, depending on adjustmentType); negative scales in.' }),
  },
  {
    rules: [
      {
        rule: '!has(self.metricIntervalLowerBound) || !has(self.metricIntervalUpperBound) || self.metricIntervalLowerBound < self.metricIntervalUpperBound',
        message: 'metricIntervalLowerBound must be below metricIntervalUpperBound',
        fieldPath: '.metricIntervalLowerBound',
      },
    ],
  },
);

export const MetricAlarm = Struct(
  'The CloudWatch alarm that triggers a step scaling policy. The operator creates it with the policy as its action and deletes it with the policy.',
  {
    namespace: Type.String({ description: 'Metric namespace, for example AWS/SQS.', minLength: 1, maxLength: 255 }),
    metricName: Type.String({ description: 'Metric name, for example ApproximateNumberOfMessagesVisible.', minLength: 1, maxLength: 255 }),
    dimensions: Type.Optional(Dimensions),
    statistic: MetricStatistic,
    unit: Type.Optional(Unit),
    period: Type.Integer({ description: 'Seconds per evaluated datapoint: 10, 20, 30 or a multiple of 60.', minimum: 10, maximum: 86400 }),
    evaluationPeriods: Type.Integer({ description: 'Number of most recent periods evaluated.', minimum: 1, maximum: 1440 }),
    datapointsToAlarm: Type.Optional(Type.Integer({ description: 'Breaching datapoints among evaluationPeriods that trigger the alarm. Defaults to evaluationPeriods.', minimum: 1, maximum: 1440 })),
    threshold: Type.Number({ description: 'Value the statistic is compared with.' }),
    comparisonOperator: StringEnum(
      ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'],
      'How the statistic is compared with the threshold.',
    ),
    treatMissingData: Type.Optional(StringEnum(['breaching', 'notBreaching', 'ignore', 'missing'], 'How missing datapoints count. CloudWatch defaults to missing.')),
    alarmName: AwsName('alarm'),
    description: Type.Optional(
      Type.String({
        description: 'Alarm description. Defaults to one saying that the operator manages the alarm; an alarm adopted by alarmName has none unless given here.',
        maxLength: 1024,
      }),
    ),
  },
  {
    rules: [
      {
        rule: 'self.period in [10, 20, 30] || self.period % 60 == 0',
        message: 'period must be 10, 20, 30 or a multiple of 60 seconds',
        fieldPath: '.period',
      },
      {
        rule: '!has(self.datapointsToAlarm) || self.datapointsToAlarm <= self.evaluationPeriods',
        message: 'datapointsToAlarm must not exceed evaluationPeriods',
        fieldPath: '.datapointsToAlarm',
      },
      {
        rule: 'self.period * self.evaluationPeriods <= 86400',
        message: 'period times evaluationPeriods must not exceed one day (86400 seconds)',
        fieldPath: '.evaluationPeriods',
      },
    ],
  },
);

export const StepScalingPolicy = Struct(
  'A step scaling policy and the CloudWatch alarm that triggers it.',
  {
    name: ScalingName('Policy name, unique among the service\'s scaling policies.'),
    policyName: AwsName('policy'),
    adjustmentType: StringEnum(['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'], 'How scalingAdjustment is read: a number of tasks to add, the exact count, or a percentage of the current count.'),
    stepAdjustments: Type.Array(StepAdjustment, {
      description: 'The steps, by distance of the metric from the alarm threshold.',
      minItems: 1,
      maxItems: 20,
      [CEL_RULES_KEY]: [
        {
          rule: 'size(self.filter(s, !has(s.metricIntervalLowerBound))) <= 1 && size(self.filter(s, !has(s.metricIntervalUpperBound))) <= 1',
          message: 'at most one step may leave metricIntervalLowerBound open and at most one may leave metricIntervalUpperBound open',
        },
      ] satisfies CelRule[],
    }),
    cooldown: Type.Optional(Type.Integer({ description: 'Seconds after a scaling activity before another may start.', minimum: 0, maximum: 86400 })),
    metricAggregationType: Type.Optional(StringEnum(['Average', 'Minimum', 'Maximum'], 'How the alarm\'s datapoints are aggregated. Application Auto Scaling defaults to Average.')),
    minAdjustmentMagnitude: Type.Optional(Type.Integer({ description: 'Smallest change in tasks for PercentChangeInCapacity adjustments.', minimum: 1 })),
    alarm: MetricAlarm,
  },
  {
    rules: [
      {
        rule: "!has(self.minAdjustmentMagnitude) || self.adjustmentType == 'PercentChangeInCapacity'",
        message: 'minAdjustmentMagnitude only applies to adjustmentType PercentChangeInCapacity',
        fieldPath: '.minAdjustmentMagnitude',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export const ScheduledAction = Struct(
  'A scheduled change of the capacity range, for example office hours.',
  {
    name: ScalingName('Scheduled action name, unique in this service.'),
    scheduledActionName: AwsName('scheduled action'),
    schedule: Type.String({
      description: 'When it runs: cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss), for example "cron(0 8 ? * MON-FRI *)".',
      maxLength: 256,
      pattern: '^(cron|rate|at)\\(.+\\)$',
    }),
    timezone: Type.Optional(Type.String({ description: 'IANA time zone of the schedule, for example Europe/Berlin. Defaults to UTC.', minLength: 1, maxLength: 64 })),
    startTime: Type.Optional(Type.String({ description: 'When the schedule starts (RFC 3339).', format: 'date-time' })),
    endTime: Type.Optional(Type.String({ description: 'When the schedule ends (RFC 3339).', format: 'date-time' })),
    minCapacity: Type.Optional(Type.Integer({ description: 'New minimum capacity.', minimum: 0 })),
    maxCapacity: Type.Optional(Type.Integer({ description: 'New maximum capacity.', minimum: 0 })),
  },
  {
    rules: [
      {
        rule: 'has(self.minCapacity) || has(self.maxCapacity)',
        message: 'a scheduled action needs minCapacity, maxCapacity or both',
        reason: 'FieldValueRequired',
      },
      {
        rule: '!has(self.minCapacity) || !has(self.maxCapacity) || self.minCapacity <= self.maxCapacity',
        message: 'minCapacity must not exceed maxCapacity',
        fieldPath: '.minCapacity',
      },
      {
        rule: '!has(self.startTime) || !has(self.endTime) || self.startTime < self.endTime',
        message: 'startTime must be before endTime',
        fieldPath: '.startTime',
      },
    ],
  },
);

export const Autoscaling = Struct(
  'Application Auto Scaling of the service\'s desired count. While it is set, spec.desiredCount is only the initial count: any running count within [minCapacity, maxCapacity] is not drift, and the operator moves the count into range through minCapacity and maxCapacity, never by resetting it.',
  {
    minCapacity: Type.Integer({ description: 'Fewest tasks autoscaling may run.', minimum: 0, maximum: 100000 }),
    maxCapacity: Type.Integer({ description: 'Most tasks autoscaling may run.', minimum: 0, maximum: 100000 }),
    suspended: Type.Optional(
      Struct('Pauses parts of autoscaling, for example during an incident.', {
        dynamicScalingInSuspended: Type.Optional(Type.Boolean({ description: 'Stop scaling in by policies.' })),
        dynamicScalingOutSuspended: Type.Optional(Type.Boolean({ description: 'Stop scaling out by policies.' })),
        scheduledScalingSuspended: Type.Optional(Type.Boolean({ description: 'Stop running scheduled actions.' })),
      }),
    ),
    exclusive: Type.Optional(
      Type.Boolean({
        description: 'The operator owns all scaling of this service. Policies, alarms and scheduled actions that the operator created and that are no longer in this manifest are always removed; ones created outside the operator are reported in status, and with exclusive: true (and driftPolicy Correct) they are removed too. Defaults to false.',
      }),
    ),
    targetTracking: Type.Optional(
      Type.Array(TargetTrackingPolicy, {
        description: 'Target tracking policies.',
        maxItems: 10,
        [CEL_RULES_KEY]: [uniqueBy('name', 'target tracking policy names')] satisfies CelRule[],
      }),
    ),
    stepScaling: Type.Optional(
      Type.Array(StepScalingPolicy, {
        description: 'Step scaling policies, each with the CloudWatch alarm that triggers it.',
        maxItems: 10,
        [CEL_RULES_KEY]: [uniqueBy('name', 'step scaling policy names')] satisfies CelRule[],
      }),
    ),
    scheduled: Type.Optional(
      Type.Array(ScheduledAction, {
        description: 'Scheduled actions that change minCapacity/maxCapacity at given times.',
        maxItems: 50,
        [CEL_RULES_KEY]: [uniqueBy('name', 'scheduled action names')] satisfies CelRule[],
      }),
    ),
  },
  {
    rules: [
      {
        rule: 'self.minCapacity <= self.maxCapacity',
        message: 'minCapacity must not exceed maxCapacity',
        fieldPath: '.minCapacity',
      },
      {
        rule: '!has(self.targetTracking) || !has(self.stepScaling) || self.targetTracking.all(t, self.stepScaling.all(s, s.name != t.name))',
        message: 'scaling policy names must be unique across targetTracking and stepScaling',
        fieldPath: '.stepScaling',
      },
    ],
  },
);

export type Autoscaling = Static<typeof Autoscaling>;
export type TargetTrackingPolicy = Static<typeof TargetTrackingPolicy>;
export type StepScalingPolicy = Static<typeof StepScalingPolicy>;
export type StepAdjustment = Static<typeof StepAdjustment>;
export type MetricAlarm = Static<typeof MetricAlarm>;
export type ScheduledAction = Static<typeof ScheduledAction>;
export type CustomizedMetric = Static<typeof CustomizedMetric>;
