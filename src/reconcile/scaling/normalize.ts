// Comparable forms of scaling resources. The same function reads what the operator would send and
// what AWS returns (both are SDK shapes), filling in the defaults AWS applies when a field is left
// out, so that an unchanged manifest compares equal to what AWS reports, whether or not AWS echoes
// the defaults back. Keys are named after the manifest fields, which makes them field paths too.
import type {
  ScalableTargetAction,
  StepScalingPolicyConfiguration,
  SuspendedState,
  TargetTrackingScalingPolicyConfiguration,
} from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { prune, type JsonObject } from '../canonical.js';

/** Application Auto Scaling's cooldown for ECS services when a policy sets none. */
const DEFAULT_ECS_COOLDOWN_SECONDS = 300;
/** Application Auto Scaling's metric aggregation for step scaling when none is set. */
const DEFAULT_METRIC_AGGREGATION = 'Average';
/** CloudWatch's treatment of missing datapoints when none is set. */
const DEFAULT_TREAT_MISSING_DATA = 'missing';
/** Application Auto Scaling runs scheduled actions in UTC when no time zone is set. */
export const DEFAULT_TIMEZONE = 'UTC';

type Comparable = JsonObject;

interface Dimension {
  Name?: string | undefined;
  Value?: string | undefined;
}

/** CloudWatch treats dimensions as a set. */
function dimensions(dims: readonly Dimension[] | undefined): Array<{ name: string; value: string }> {
  return (dims ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })).sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
}

export function comparableTarget(t: { MinCapacity?: number | undefined; MaxCapacity?: number | undefined; SuspendedState?: SuspendedState | undefined }): Comparable {
  const s = t.SuspendedState;
  return {
    minCapacity: t.MinCapacity ?? null,
    maxCapacity: t.MaxCapacity ?? null,
    suspended: {
      dynamicScalingInSuspended: s?.DynamicScalingInSuspended ?? false,
      dynamicScalingOutSuspended: s?.DynamicScalingOutSuspended ?? false,
      scheduledScalingSuspended: s?.ScheduledScalingSuspended ?? false,
    },
  };
}

export function comparableTargetTracking(c: TargetTrackingScalingPolicyConfiguration | undefined): Comparable {
  const predefined = c?.PredefinedMetricSpecification;
  const customized = c?.CustomizedMetricSpecification;
  return {
    predefinedMetric: predefined?.PredefinedMetricType ?? null,
    resourceLabel: predefined?.ResourceLabel ?? null,
    customizedMetric: customized
      ? {
          namespace: customized.Namespace ?? null,
          metricName: customized.MetricName ?? null,
          dimensions: dimensions(customized.Dimensions),
          statistic: customized.Statistic ?? null,
          unit: customized.Unit ?? null,
          // Metric math is not in the manifest; a policy using it differs from any manifest.
          ...(customized.Metrics && customized.Metrics.length > 0 ? { metrics: prune(customized.Metrics) ?? null } : {}),
        }
      : null,
    targetValue: c?.TargetValue ?? null,
    scaleInCooldown: c?.ScaleInCooldown ?? DEFAULT_ECS_COOLDOWN_SECONDS,
    scaleOutCooldown: c?.ScaleOutCooldown ?? DEFAULT_ECS_COOLDOWN_SECONDS,
    disableScaleIn: c?.DisableScaleIn ?? false,
  };
}

export function comparableStepScaling(c: StepScalingPolicyConfiguration | undefined): Comparable {
  const steps = (c?.StepAdjustments ?? []).map((s) => ({
    metricIntervalLowerBound: s.MetricIntervalLowerBound ?? null,
    metricIntervalUpperBound: s.MetricIntervalUpperBound ?? null,
    scalingAdjustment: s.ScalingAdjustment ?? null,
  }));
  // Steps may not overlap, so ordering by lower bound (an open bound is minus infinity) is total.
  steps.sort((a, b) => (a.metricIntervalLowerBound ?? -Infinity) - (b.metricIntervalLowerBound ?? -Infinity));
  return {
    adjustmentType: c?.AdjustmentType ?? null,
    stepAdjustments: steps,
    cooldown: c?.Cooldown ?? DEFAULT_ECS_COOLDOWN_SECONDS,
    metricAggregationType: c?.MetricAggregationType ?? DEFAULT_METRIC_AGGREGATION,
    minAdjustmentMagnitude: c?.MinAdjustmentMagnitude ?? null,
  };
}

/** The alarm fields the operator sets; PutMetricAlarmCommandInput and MetricAlarm share these names. */
export type AlarmFields = Pick<
  MetricAlarm,
  | 'AlarmDescription'
  | 'Namespace'
  | 'MetricName'
  | 'Dimensions'
  | 'Statistic'
  | 'Unit'
  | 'Period'
  | 'EvaluationPeriods'
  | 'DatapointsToAlarm'
  | 'Threshold'
  | 'ComparisonOperator'
  | 'TreatMissingData'
  | 'ActionsEnabled'
  | 'AlarmActions'
  | 'OKActions'
  | 'InsufficientDataActions'
>;

export function comparableAlarm(a: AlarmFields): Comparable {
  return {
    namespace: a.Namespace ?? null,
    metricName: a.MetricName ?? null,
    dimensions: dimensions(a.Dimensions),
    statistic: a.Statistic ?? null,
    unit: a.Unit ?? null,
    period: a.Period ?? null,
    evaluationPeriods: a.EvaluationPeriods ?? null,
    // CloudWatch evaluates "N out of N" when DatapointsToAlarm is not set.
    datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods ?? null,
    threshold: a.Threshold ?? null,
    comparisonOperator: a.ComparisonOperator ?? null,
    treatMissingData: a.TreatMissingData ?? DEFAULT_TREAT_MISSING_DATA,
    description: a.AlarmDescription ?? null,
    actionsEnabled: a.ActionsEnabled ?? true,
    alarmActions: [...(a.AlarmActions ?? [])].sort(),
    okActions: [...(a.OKActions ?? [])].sort(),
    insufficientDataActions: [...(a.InsufficientDataActions ?? [])].sort(),
  };
}

export interface ScheduledActionFields {
  Schedule?: string | undefined;
  Timezone?: string | undefined;
  StartTime?: Date | undefined;
  EndTime?: Date | undefined;
  ScalableTargetAction?: ScalableTargetAction | undefined;
}

/** Times to the second: that is what the API keeps, whatever precision the manifest wrote. */
function instant(d: Date | undefined): string | null {
  return d ? new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString() : null;
}

export function comparableScheduledAction(a: ScheduledActionFields): Comparable {
  return {
    schedule: a.Schedule ?? null,
    timezone: a.Timezone ?? DEFAULT_TIMEZONE,
    startTime: instant(a.StartTime),
    endTime: instant(a.EndTime),
    minCapacity: a.ScalableTargetAction?.MinCapacity ?? null,
    maxCapacity: a.ScalableTargetAction?.MaxCapacity ?? null,
  };
}
