// spec.autoscaling translated into Application Auto Scaling and CloudWatch requests. Pure: the one
// input that needs AWS, the ALB resource label, is resolved by the caller and passed in.
import type { StepScalingPolicyConfiguration, TargetTrackingScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import type { Autoscaling, ScheduledAction, StepScalingPolicy, TargetTrackingPolicy } from '../../api/autoscaling.js';
import { ownerTags } from '../ownership.js';
import { DESIRED_COUNT_DIMENSION, ECS_NAMESPACE, type ScalingNames } from './naming.js';
import { DEFAULT_TIMEZONE } from './normalize.js';
import type { AlarmInput, DesiredPolicy, DesiredScaling, DesiredScheduledAction } from './types.js';

export const ALB_REQUEST_COUNT = 'ALBRequestCountPerTarget';

export interface DesiredContext {
  names: ScalingNames;
  resourceId: string;
  /** Derived from the service's first load balancer; needed by ALBRequestCountPerTarget without resourceLabel. */
  albResourceLabel?: string;
}

export type DesiredResult = { kind: 'ok'; desired: DesiredScaling } | { kind: 'invalid'; field: string; message: string };

/** True when some policy needs the label derived from the service's load balancer. */
export function needsDerivedResourceLabel(autoscaling: Autoscaling | undefined): boolean {
  return (autoscaling?.targetTracking ?? []).some((t) => t.predefinedMetric === ALB_REQUEST_COUNT && t.resourceLabel === undefined);
}

export function desiredScaling(autoscaling: Autoscaling, ctx: DesiredContext): DesiredResult {
  const ids = { ServiceNamespace: ECS_NAMESPACE, ResourceId: ctx.resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION } as const;
  const policies: DesiredPolicy[] = [];
  for (const tt of autoscaling.targetTracking ?? []) {
    const path = `spec.autoscaling.targetTracking[${tt.name}]`;
    const label = tt.resourceLabel ?? (tt.predefinedMetric === ALB_REQUEST_COUNT ? ctx.albResourceLabel : undefined);
    if (tt.predefinedMetric === ALB_REQUEST_COUNT && label === undefined) {
      return { kind: 'invalid', field: `${path}.resourceLabel`, message: `${ALB_REQUEST_COUNT} needs a load balancer in spec.loadBalancers or an explicit resourceLabel` };
    }
    policies.push({
      name: tt.name,
      path,
      type: 'TargetTrackingScaling',
      input: { ...ids, PolicyName: ctx.names.policy(tt.name), PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: targetTrackingConfig(tt, label) },
    });
  }
  for (const step of autoscaling.stepScaling ?? []) {
    policies.push({
      name: step.name,
      path: `spec.autoscaling.stepScaling[${step.name}]`,
      type: 'StepScaling',
      input: { ...ids, PolicyName: ctx.names.policy(step.name), PolicyType: 'StepScaling', StepScalingPolicyConfiguration: stepConfig(step) },
      alarm: { input: alarmInput(step, ctx) },
    });
  }
  const suspended = autoscaling.suspended;
  return {
    kind: 'ok',
    desired: {
      resourceId: ctx.resourceId,
      target: {
        ...ids,
        MinCapacity: autoscaling.minCapacity,
        MaxCapacity: autoscaling.maxCapacity,
        // RegisterScalableTarget keeps what a request leaves out, so resuming must be said explicitly.
        SuspendedState: {
          DynamicScalingInSuspended: suspended?.dynamicScalingInSuspended ?? false,
          DynamicScalingOutSuspended: suspended?.dynamicScalingOutSuspended ?? false,
          ScheduledScalingSuspended: suspended?.scheduledScalingSuspended ?? false,
        },
      },
      // Scaling policies and scheduled actions take no tags; the target and the alarms do.
      targetTags: Object.fromEntries(ownerTags(ctx.names.owner).map((t) => [t.key, t.value])),
      policies,
      scheduledActions: (autoscaling.scheduled ?? []).map((s) => scheduledAction(s, ids, ctx.names)),
      exclusive: autoscaling.exclusive ?? false,
    },
  };
}

function targetTrackingConfig(tt: TargetTrackingPolicy, resourceLabel: string | undefined): TargetTrackingScalingPolicyConfiguration {
  const m = tt.customizedMetric;
  return {
    TargetValue: tt.targetValue,
    ...(tt.predefinedMetric && { PredefinedMetricSpecification: { PredefinedMetricType: tt.predefinedMetric, ...(resourceLabel !== undefined && { ResourceLabel: resourceLabel }) } }),
    ...(m && {
      CustomizedMetricSpecification: {
        Namespace: m.namespace,
        MetricName: m.metricName,
        Statistic: m.statistic,
        ...(m.dimensions && { Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) }),
        ...(m.unit !== undefined && { Unit: m.unit }),
      },
    }),
    ...(tt.scaleInCooldown !== undefined && { ScaleInCooldown: tt.scaleInCooldown }),
    ...(tt.scaleOutCooldown !== undefined && { ScaleOutCooldown: tt.scaleOutCooldown }),
    ...(tt.disableScaleIn !== undefined && { DisableScaleIn: tt.disableScaleIn }),
  };
}

function stepConfig(step: StepScalingPolicy): StepScalingPolicyConfiguration {
  return {
    AdjustmentType: step.adjustmentType,
    StepAdjustments: step.stepAdjustments.map((s) => ({
      ScalingAdjustment: s.scalingAdjustment,
      ...(s.metricIntervalLowerBound !== undefined && { MetricIntervalLowerBound: s.metricIntervalLowerBound }),
      ...(s.metricIntervalUpperBound !== undefined && { MetricIntervalUpperBound: s.metricIntervalUpperBound }),
    })),
    ...(step.cooldown !== undefined && { Cooldown: step.cooldown }),
    ...(step.metricAggregationType !== undefined && { MetricAggregationType: step.metricAggregationType }),
    ...(step.minAdjustmentMagnitude !== undefined && { MinAdjustmentMagnitude: step.minAdjustmentMagnitude }),
  };
}

function alarmInput(step: StepScalingPolicy, ctx: DesiredContext): AlarmInput {
  const a = step.alarm;
  const { namespace, name } = ctx.names.owner;
  const description = a.description ?? (a.alarmName === undefined ? `Triggers step scaling policy ${step.name} of ${ctx.resourceId}. Managed by ecs-operator for ${namespace}/${name}: change it in the manifest.` : undefined);
  return {
    AlarmName: ctx.names.alarm(step.name),
    // Says in the CloudWatch console who made the alarm and that edits there do not last. An alarm
    // taken over by name keeps the description the manifest gives it, or none.
    ...(description !== undefined && { AlarmDescription: description }),
    Namespace: a.namespace,
    MetricName: a.metricName,
    Statistic: a.statistic,
    Period: a.period,
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    ActionsEnabled: true,
    ...(a.dimensions && { Dimensions: a.dimensions.map((d) => ({ Name: d.name, Value: d.value })) }),
    ...(a.unit !== undefined && { Unit: a.unit }),
    ...(a.datapointsToAlarm !== undefined && { DatapointsToAlarm: a.datapointsToAlarm }),
    ...(a.treatMissingData !== undefined && { TreatMissingData: a.treatMissingData }),
    // CloudWatch applies tags only when it creates the alarm; they are for people and cost reports.
    Tags: ownerTags(ctx.names.owner).map((t) => ({ Key: t.key, Value: t.value })),
  };
}

function scheduledAction(s: ScheduledAction, ids: { ServiceNamespace: typeof ECS_NAMESPACE; ResourceId: string; ScalableDimension: typeof DESIRED_COUNT_DIMENSION }, names: ScalingNames): DesiredScheduledAction {
  return {
    name: s.name,
    path: `spec.autoscaling.scheduled[${s.name}]`,
    input: {
      ...ids,
      ScheduledActionName: names.scheduledAction(s.name),
      Schedule: s.schedule,
      // Sent even when it is the default: an update keeps the time zone a request leaves out.
      Timezone: s.timezone ?? DEFAULT_TIMEZONE,
      ...(s.startTime !== undefined && { StartTime: new Date(s.startTime) }),
      ...(s.endTime !== undefined && { EndTime: new Date(s.endTime) }),
      ScalableTargetAction: {
        ...(s.minCapacity !== undefined && { MinCapacity: s.minCapacity }),
        ...(s.maxCapacity !== undefined && { MaxCapacity: s.maxCapacity }),
      },
    },
  };
}
