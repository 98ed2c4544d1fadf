import { describe, expect, test } from 'vitest';
import { desiredScaling, needsDerivedResourceLabel } from '../../../../src/reconcile/scaling/desired.js';
import { P, manifest, names, resourceId } from './fixtures.js';

describe('desiredScaling', () => {
  test('names every policy, alarm and scheduled action with the owner prefix', () => {
    const result = desiredScaling(manifest(), { names, resourceId });
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.desired.policies.map((p) => p.input.PolicyName)).toEqual([`${P}cpu`, `${P}queue`, `${P}burst`]);
    expect(result.desired.policies[2]!.alarm!.input.AlarmName).toBe(`${P}burst`);
    expect(result.desired.scheduledActions[0]!.input.ScheduledActionName).toBe(`${P}night`);
  });

  test('sends a customized metric as CloudWatch names it, and only the settings the manifest gives', () => {
    const result = desiredScaling(manifest(), { names, resourceId });
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(result.desired.policies[1]!.input.TargetTrackingScalingPolicyConfiguration).toEqual({
      TargetValue: 100,
      CustomizedMetricSpecification: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Average', Dimensions: [{ Name: 'QueueName', Value: 'jobs' }] },
      ScaleInCooldown: 120,
      DisableScaleIn: true,
    });
  });

  test('a scheduled action states its time zone (UTC by default) and its times as dates', () => {
    const result = desiredScaling(manifest(), { names, resourceId });
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(result.desired.scheduledActions[0]!.input).toMatchObject({
      Schedule: 'cron(0 22 * * ? *)',
      Timezone: 'UTC',
      StartTime: new Date('2030-01-01T00:00:00.250Z'),
      ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
    });
  });

  test('ALBRequestCountPerTarget takes the label derived from the load balancer when none is given', () => {
    const a = { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget' as const, targetValue: 500 }] };
    expect(needsDerivedResourceLabel(a)).toBe(true);
    const label = 'app/shop/50dc6c495c0c9188/targetgroup/web/943f017f100becff';
    const result = desiredScaling(a, { names, resourceId, albResourceLabel: label });
    if (result.kind !== 'ok') throw new Error(result.message);
    expect(result.desired.policies[0]!.input.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification).toEqual({
      PredefinedMetricType: 'ALBRequestCountPerTarget',
      ResourceLabel: label,
    });
  });

  test('ALBRequestCountPerTarget without any label is invalid, naming the field', () => {
    const a = { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget' as const, targetValue: 500 }] };
    expect(desiredScaling(a, { names, resourceId })).toEqual({
      kind: 'invalid',
      field: 'spec.autoscaling.targetTracking[rps].resourceLabel',
      message: 'ALBRequestCountPerTarget needs a load balancer in spec.loadBalancers or an explicit resourceLabel',
    });
  });

  test('an explicit resourceLabel needs nothing derived', () => {
    const a = { minCapacity: 1, maxCapacity: 4, targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget' as const, resourceLabel: 'app/a/1/targetgroup/b/2', targetValue: 5 }] };
    expect(needsDerivedResourceLabel(a)).toBe(false);
    expect(desiredScaling(a, { names, resourceId }).kind).toBe('ok');
  });
});
