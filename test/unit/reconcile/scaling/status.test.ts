import { describe, expect, test } from 'vitest';
import { scalingStatus } from '../../../../src/reconcile/scaling/status.js';
import { P, awsDescribed, handMade, names, policyArn, resourceId } from './fixtures.js';

describe('scalingStatus', () => {
  test('reports the target, the operator\'s policies with their alarms and its scheduled actions by manifest name', () => {
    const status = scalingStatus(awsDescribed(), names, resourceId);
    expect(status).toMatchObject({
      resourceId,
      scalableTargetArn: 'arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123abcd',
      minCapacity: 2,
      maxCapacity: 10,
      scheduledActions: [{ name: 'night', schedule: 'cron(0 22 * * ? *)' }],
    });
    expect(status.policies?.map((p) => [p.name, p.policyType, p.policyArn])).toEqual([
      ['burst', 'StepScaling', policyArn(`${P}burst`)],
      ['cpu', 'TargetTrackingScaling', policyArn(`${P}cpu`)],
      ['queue', 'TargetTrackingScaling', policyArn(`${P}queue`)],
    ]);
    expect(status.policies?.[0]?.alarms).toEqual([{ alarmName: `${P}burst`, alarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${P}burst` }]);
    expect(status.policies?.[1]?.alarms).toHaveLength(2);
    expect(status).not.toHaveProperty('unmanaged');
  });

  test('lists what was made by hand: policies, scheduled actions and alarms on the operator\'s step policies', () => {
    const observed = awsDescribed();
    const { policy, action } = handMade();
    observed.policies.push(policy);
    observed.scheduledActions.push(action);
    observed.policies[2]!.Alarms!.push({ AlarmName: 'pager-by-hand', AlarmARN: undefined });
    expect(scalingStatus(observed, names, resourceId).unmanaged).toEqual([
      { kind: 'Alarm', name: 'pager-by-hand' },
      { kind: 'ScalingPolicy', name: 'memory-by-hand' },
      { kind: 'ScheduledAction', name: 'weekend-by-hand' },
    ]);
  });
});
