// A manifest with every kind of scaling resource, and the same resources written out the way AWS
// describes them once created, with the defaults it fills in. Literal on purpose: a fixture derived
// from the code under test would agree with it by construction.
import type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Autoscaling } from '../../../../src/api/autoscaling.js';
import { desiredScaling } from '../../../../src/reconcile/scaling/desired.js';
import { ScalingNames } from '../../../../src/reconcile/scaling/naming.js';
import type { PlanContext } from '../../../../src/reconcile/scaling/plan.js';
import type { DesiredScaling, ObservedScaling } from '../../../../src/reconcile/scaling/types.js';

export const owner = { clusterId: 'test-cluster', kind: 'EcsService', namespace: 'shop', name: 'web' } as const;
export const names = new ScalingNames(owner);
export const P = names.prefix;
export const resourceId = 'service/demo/web';
const ARN_BASE = 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy';

export function policyArn(awsName: string): string {
  return `${ARN_BASE}:0b7a1c3e-0000-4000-8000-${awsName.length.toString().padStart(12, '0')}:resource/ecs/${resourceId}:policyName/${awsName}`;
}

export function manifest(): Autoscaling {
  return {
    minCapacity: 2,
    maxCapacity: 10,
    targetTracking: [
      { name: 'cpu', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 },
      {
        name: 'queue',
        customizedMetric: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: [{ name: 'QueueName', value: 'jobs' }],
          statistic: 'Average',
        },
        targetValue: 100,
        scaleInCooldown: 120,
        disableScaleIn: true,
      },
    ],
    stepScaling: [
      {
        name: 'burst',
        adjustmentType: 'ChangeInCapacity',
        cooldown: 60,
        stepAdjustments: [
          { metricIntervalLowerBound: 10, scalingAdjustment: 3 },
          { metricIntervalLowerBound: 0, metricIntervalUpperBound: 10, scalingAdjustment: 1 },
        ],
        alarm: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateAgeOfOldestMessage',
          dimensions: [
            { name: 'QueueName', value: 'jobs' },
            { name: 'Account', value: 'shop' },
          ],
          statistic: 'Maximum',
          period: 60,
          evaluationPeriods: 3,
          threshold: 300,
          comparisonOperator: 'GreaterThanThreshold',
        },
      },
    ],
    scheduled: [{ name: 'night', schedule: 'cron(0 22 * * ? *)', minCapacity: 1, maxCapacity: 2, startTime: '2030-01-01T00:00:00.250Z' }],
  };
}

export function desiredOf(a: Autoscaling = manifest()): DesiredScaling {
  const result = desiredScaling(a, { names, resourceId });
  if (result.kind !== 'ok') throw new Error(result.message);
  return result.desired;
}

export function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return { names, resourceId, driftPolicy: 'Correct', ...over };
}

const ids = { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' } as const;

/** The manifest's resources as Application Auto Scaling and CloudWatch describe them. */
export function awsDescribed(): ObservedScaling {
  const target: ScalableTarget = {
    ...ids,
    MinCapacity: 2,
    MaxCapacity: 10,
    RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
    ScalableTargetARN: 'arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123abcd',
  };
  const policies: ScalingPolicy[] = [
    {
      ...ids,
      PolicyName: `${P}cpu`,
      PolicyARN: policyArn(`${P}cpu`),
      PolicyType: 'TargetTrackingScaling',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60.0,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 300,
        ScaleInCooldown: 300,
        DisableScaleIn: false,
      },
      Alarms: [
        { AlarmName: `TargetTracking-${resourceId}-AlarmHigh-1`, AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-high' },
        { AlarmName: `TargetTracking-${resourceId}-AlarmLow-1`, AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-low' },
      ],
    },
    {
      ...ids,
      PolicyName: `${P}queue`,
      PolicyARN: policyArn(`${P}queue`),
      PolicyType: 'TargetTrackingScaling',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Namespace: 'AWS/SQS',
          Dimensions: [{ Name: 'QueueName', Value: 'jobs' }],
          Statistic: 'Average',
        },
        ScaleInCooldown: 120,
        ScaleOutCooldown: 300,
        DisableScaleIn: true,
      },
      Alarms: [],
    },
    {
      ...ids,
      PolicyName: `${P}burst`,
      PolicyARN: policyArn(`${P}burst`),
      PolicyType: 'StepScaling',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
        ],
        Cooldown: 60,
        MetricAggregationType: 'Average',
      },
      Alarms: [{ AlarmName: `${P}burst`, AlarmARN: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${P}burst` }],
    },
  ];
  const alarms: MetricAlarm[] = [
    {
      AlarmName: `${P}burst`,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${P}burst`,
      AlarmDescription: `Triggers step scaling policy burst of ${resourceId}. Managed by ecs-operator for shop/web: change it in the manifest.`,
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [policyArn(`${P}burst`)],
      InsufficientDataActions: [],
      StateValue: 'OK',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Dimensions: [
        { Name: 'Account', Value: 'shop' },
        { Name: 'QueueName', Value: 'jobs' },
      ],
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 300.0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    },
  ];
  const scheduledActions: ScheduledAction[] = [
    {
      ...ids,
      ScheduledActionName: `${P}night`,
      ScheduledActionARN: `arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:5f1c:resource/ecs/${resourceId}:scheduledActionName/${P}night`,
      Schedule: 'cron(0 22 * * ? *)',
      Timezone: 'UTC',
      StartTime: new Date('2030-01-01T00:00:00Z'),
      ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
      CreationTime: new Date('2026-01-01T00:00:00Z'),
    },
  ];
  return { target, policies, scheduledActions, alarms };
}

/** The same resources as an emulator that echoes requests back describes them: no defaults filled in. */
export function echoedBack(): ObservedScaling {
  const o = awsDescribed();
  delete o.target!.SuspendedState;
  const cpu = o.policies[0]!.TargetTrackingScalingPolicyConfiguration!;
  delete cpu.ScaleInCooldown;
  delete cpu.ScaleOutCooldown;
  delete cpu.DisableScaleIn;
  delete o.policies[1]!.TargetTrackingScalingPolicyConfiguration!.ScaleOutCooldown;
  delete o.policies[2]!.StepScalingPolicyConfiguration!.MetricAggregationType;
  const alarm = o.alarms[0]!;
  delete alarm.DatapointsToAlarm;
  delete alarm.TreatMissingData;
  delete o.scheduledActions[0]!.Timezone;
  return o;
}

/** A policy and a scheduled action created by hand on the same target. */
export function handMade(): { policy: ScalingPolicy; action: ScheduledAction } {
  return {
    policy: {
      ...ids,
      PolicyName: 'memory-by-hand',
      PolicyARN: policyArn('memory-by-hand'),
      PolicyType: 'TargetTrackingScaling',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 75, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } },
    },
    action: {
      ...ids,
      ScheduledActionName: 'weekend-by-hand',
      ScheduledActionARN: 'arn:aws:autoscaling:us-east-1:123456789012:scheduledAction:9e:resource/ecs/service/demo/web:scheduledActionName/weekend-by-hand',
      Schedule: 'cron(0 0 ? * SAT *)',
      ScalableTargetAction: { MinCapacity: 0 },
      CreationTime: new Date('2026-01-01T00:00:00Z'),
    },
  };
}
