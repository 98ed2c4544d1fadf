import { describe, expect, test } from 'vitest';
import { ScalingNames, adoptedNamesOf, alarmArnFor, resourceIdOf } from '../../../../src/reconcile/scaling/naming.js';
import { albResourceLabel } from '../../../../src/reconcile/scaling/resource-label.js';

const owner = { clusterId: 'prod-eu', kind: 'EcsService', namespace: 'shop', name: 'web' } as const;

describe('ScalingNames', () => {
  test('the prefix is the same for the same owner, whatever its uid, and differs between owners', () => {
    const a = new ScalingNames(owner);
    expect(new ScalingNames({ ...owner, uid: 'another-uid' }).prefix).toBe(a.prefix);
    expect(new ScalingNames({ ...owner, namespace: 'other' }).prefix).not.toBe(a.prefix);
    expect(new ScalingNames({ ...owner, clusterId: 'prod-us' }).prefix).not.toBe(a.prefix);
    expect(a.prefix).toMatch(/^ecsop-[0-9a-f]{10}-$/);
  });

  test('tells its own names from anyone else\'s and gives back the manifest name', () => {
    const names = new ScalingNames(owner);
    expect(names.manifestName(names.policy('cpu'))).toBe('cpu');
    expect(names.manifestName('cpu')).toBeUndefined();
    expect(names.manifestName(new ScalingNames({ ...owner, name: 'api' }).policy('cpu'))).toBeUndefined();
    expect(names.owns(names.prefix)).toBe(false);
  });
});

describe('ScalingNames with names adopted from AWS (policyName, alarm.alarmName, scheduledActionName)', () => {
  const names = new ScalingNames(
    owner,
    adoptedNamesOf({
      minCapacity: 1,
      maxCapacity: 4,
      targetTracking: [{ name: 'cpu', policyName: 'CPU tracking', predefinedMetric: 'ECSServiceAverageCPUUtilization', targetValue: 60 }],
      stepScaling: [
        {
          name: 'queue',
          policyName: 'queue-policy',
          adjustmentType: 'ChangeInCapacity',
          stepAdjustments: [{ scalingAdjustment: 1 }],
          alarm: { namespace: 'AWS/SQS', metricName: 'm', statistic: 'Average', period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'GreaterThanThreshold', alarmName: 'queue-high' },
        },
      ],
      scheduled: [{ name: 'night', scheduledActionName: 'Night scale-in', schedule: 'cron(0 22 * * ? *)', maxCapacity: 1 }],
    }),
  );

  test('names each adopted resource by its AWS name and owns it under its manifest name', () => {
    expect([names.policy('cpu'), names.policy('queue'), names.alarm('queue'), names.scheduledAction('night')]).toEqual(['CPU tracking', 'queue-policy', 'queue-high', 'Night scale-in']);
    expect([names.manifestName('CPU tracking'), names.manifestName('queue-high'), names.manifestName('Night scale-in')]).toEqual(['cpu', 'queue', 'night']);
    expect(names.owns('queue-high')).toBe(true);
    expect(names.adoptedAlarms()).toEqual(['queue-high']);
  });

  test('keeps deriving names for what is not adopted, and owns nothing else made by hand', () => {
    expect(names.policy('other')).toBe(`${names.prefix}other`);
    expect(names.manifestName('someone-elses-policy')).toBeUndefined();
  });
});

describe('resourceIdOf', () => {
  test('takes the cluster name from a cluster ARN', () => {
    expect(resourceIdOf('demo', 'web')).toBe('service/demo/web');
    expect(resourceIdOf('arn:aws:ecs:us-east-1:123456789012:cluster/demo', 'web')).toBe('service/demo/web');
  });
});

describe('alarmArnFor', () => {
  test('puts the alarm in the partition, region and account of the policy', () => {
    const policy = 'arn:aws-cn:autoscaling:cn-north-1:123456789012:scalingPolicy:abc:resource/ecs/service/demo/web:policyName/p';
    expect(alarmArnFor(policy, 'a1')).toBe('arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a1');
    expect(alarmArnFor(undefined, 'a1')).toBeUndefined();
  });
});

describe('albResourceLabel', () => {
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/943f017f100becff';

  test('joins the Application Load Balancer and target group parts of their ARNs', () => {
    const alb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188';
    expect(albResourceLabel(tg, [alb])).toEqual({ kind: 'ok', label: 'app/shop/50dc6c495c0c9188/targetgroup/web/943f017f100becff' });
  });

  test('a target group behind no Application Load Balancer has no request count to track', () => {
    const nlb = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/shop/50dc6c495c0c9188';
    expect(albResourceLabel(tg, [nlb])).toEqual({ kind: 'invalid', message: 'target group targetgroup/web/943f017f100becff is not attached to an Application Load Balancer' });
    expect(albResourceLabel(tg, []).kind).toBe('invalid');
  });
});
