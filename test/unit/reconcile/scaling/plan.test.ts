import { describe, expect, test } from 'vitest';
import { planScaling } from '../../../../src/reconcile/scaling/plan.js';
import type { ObservedScaling, ScalingChange } from '../../../../src/reconcile/scaling/types.js';
import { P, awsDescribed, ctx, desiredOf, echoedBack, handMade, manifest, policyArn, resourceId } from './fixtures.js';

const empty: ObservedScaling = { policies: [], scheduledActions: [], alarms: [] };

/** `action resource id` per change, in plan order: what apply() will do, and in which order. */
function steps(plan: ScalingChange[]): string[] {
  return plan.map((c) => `${c.action} ${c.resource} ${c.id}`);
}

describe('planScaling: an unchanged manifest plans nothing', () => {
  test('against resources as AWS describes them, defaults filled in', () => {
    expect(planScaling(desiredOf(), awsDescribed(), ctx())).toEqual([]);
  });

  test('against resources described without the defaults', () => {
    expect(planScaling(desiredOf(), echoedBack(), ctx())).toEqual([]);
  });

  test('when the service runs any count inside [min, max]', () => {
    for (const count of [2, 7, 10]) expect(planScaling(desiredOf(), awsDescribed(), ctx({ serviceDesiredCount: count }))).toEqual([]);
  });

  test('when a scheduled action has moved the target to its own bounds', () => {
    const observed = awsDescribed();
    observed.target = { ...observed.target!, MinCapacity: 1, MaxCapacity: 2 };
    expect(planScaling(desiredOf(), observed, ctx({ serviceDesiredCount: 2 }))).toEqual([]);
  });

  test('when hand-made policies and scheduled actions are on the target (they are only reported)', () => {
    const observed = awsDescribed();
    const { policy, action } = handMade();
    observed.policies.push(policy);
    observed.scheduledActions.push(action);
    expect(planScaling(desiredOf(), observed, ctx())).toEqual([]);
    expect(planScaling({ ...desiredOf(), exclusive: true }, observed, ctx({ driftPolicy: 'Report' }))).toEqual([]);
  });
});

describe('planScaling: creating from nothing', () => {
  test('registers the target first, puts each policy before its alarm, then the scheduled actions', () => {
    const plan = planScaling(desiredOf(), empty, ctx());
    expect(steps(plan)).toEqual([
      `create ScalableTarget ${resourceId}`,
      `create ScalingPolicy ${P}cpu`,
      `create ScalingPolicy ${P}queue`,
      `create ScalingPolicy ${P}burst`,
      `create Alarm ${P}burst`,
      `create ScheduledAction ${P}night`,
    ]);
  });

  test('a first registration that will move a running count into range says so', () => {
    const [outside] = planScaling(desiredOf(), empty, ctx({ serviceDesiredCount: 25 }));
    expect(outside!.diffs).toContainEqual({ path: 'spec.desiredCount', desired: { minCapacity: 2, maxCapacity: 10 }, actual: 25 });
    const [inside] = planScaling(desiredOf(), empty, ctx({ serviceDesiredCount: 5 }));
    expect(inside!.diffs.map((d) => d.path)).not.toContain('spec.desiredCount');
  });

  test('the target is registered with the manifest range, resumed state and owner tags', () => {
    const [target] = planScaling(desiredOf(), empty, ctx());
    expect(target!.payload).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 2,
      MaxCapacity: 10,
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
      Tags: { 'ecs.operator.dev/cluster': 'test-cluster', 'ecs.operator.dev/owner': 'shop/web' },
    });
  });

  test('the alarm names the policy it triggers, to be resolved to its ARN once the policy exists', () => {
    const alarm = planScaling(desiredOf(), empty, ctx()).find((c) => c.resource === 'Alarm');
    expect(alarm?.payload).toMatchObject({ policyName: `${P}burst`, input: { AlarmName: `${P}burst`, Threshold: 300, EvaluationPeriods: 3 } });
  });
});

describe('planScaling: changing the manifest', () => {
  test('a new target value updates only that policy, with the difference behind it', () => {
    const a = manifest();
    a.targetTracking![0]!.targetValue = 70;
    const plan = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(steps(plan)).toEqual([`update ScalingPolicy ${P}cpu`]);
    expect(plan[0]!.diffs).toEqual([{ path: 'spec.autoscaling.targetTracking[cpu].targetValue', desired: 70, actual: 60 }]);
    expect(plan[0]!.payload).toMatchObject({ PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } });
  });

  test('a new cooldown or disableScaleIn is compared against the AWS default it replaces', () => {
    const a = manifest();
    a.targetTracking![0]!.scaleOutCooldown = 60;
    a.targetTracking![1]!.disableScaleIn = false;
    const plan = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(plan.flatMap((c) => c.diffs)).toEqual([
      { path: 'spec.autoscaling.targetTracking[cpu].scaleOutCooldown', desired: 60, actual: 300 },
      { path: 'spec.autoscaling.targetTracking[queue].disableScaleIn', desired: false, actual: true },
    ]);
  });

  test('a new alarm threshold updates the alarm only, still triggering the same policy', () => {
    const a = manifest();
    a.stepScaling![0]!.alarm.threshold = 600;
    const plan = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(steps(plan)).toEqual([`update Alarm ${P}burst`]);
    expect(plan[0]!.diffs).toEqual([{ path: 'spec.autoscaling.stepScaling[burst].alarm.threshold', desired: 600, actual: 300 }]);
  });

  test('a new step adjustment updates the step policy only', () => {
    const a = manifest();
    a.stepScaling![0]!.stepAdjustments[0]!.scalingAdjustment = 4;
    expect(steps(planScaling(desiredOf(a), awsDescribed(), ctx()))).toEqual([`update ScalingPolicy ${P}burst`]);
  });

  test('a removed step policy deletes its alarm first, then the policy', () => {
    const a = manifest();
    a.stepScaling = [];
    const plan = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(steps(plan)).toEqual([`delete Alarm ${P}burst`, `delete ScalingPolicy ${P}burst`]);
    expect(plan[1]!.diffs[0]).toMatchObject({ path: 'spec.autoscaling.stepScaling[burst]' });
    expect(plan[1]!.diffs[0]).not.toHaveProperty('desired');
  });

  test('a removed target tracking policy is deleted (its alarms belong to AWS and go with it)', () => {
    const a = manifest();
    a.targetTracking = a.targetTracking!.filter((t) => t.name !== 'cpu');
    expect(steps(planScaling(desiredOf(a), awsDescribed(), ctx()))).toEqual([`delete ScalingPolicy ${P}cpu`]);
  });

  test('a policy that changes type is replaced, and the old step alarm deleted', () => {
    const a = manifest();
    a.stepScaling = [];
    a.targetTracking!.push({ name: 'burst', predefinedMetric: 'ECSServiceAverageMemoryUtilization', targetValue: 80 });
    expect(steps(planScaling(desiredOf(a), awsDescribed(), ctx()))).toEqual([`delete Alarm ${P}burst`, `replace ScalingPolicy ${P}burst`]);
  });

  test('a new minCapacity registers the target again, sending only that bound', () => {
    const a = manifest();
    a.minCapacity = 3;
    const plan = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(steps(plan)).toEqual([`update ScalableTarget ${resourceId}`]);
    expect(plan[0]!.payload).toEqual({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 3 });
  });

  test('suspending scale-in sends the whole suspended state and no bounds', () => {
    const a = manifest();
    a.suspended = { dynamicScalingInSuspended: true };
    const [change] = planScaling(desiredOf(a), awsDescribed(), ctx());
    expect(change!.payload).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: 'ecs:service:DesiredCount',
      SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
    });
  });

  test('a new schedule updates the scheduled action; dropping a bound recreates it', () => {
    const a = manifest();
    a.scheduled![0]!.schedule = 'cron(0 23 * * ? *)';
    expect(steps(planScaling(desiredOf(a), awsDescribed(), ctx()))).toEqual([`update ScheduledAction ${P}night`]);
    delete a.scheduled![0]!.maxCapacity;
    expect(steps(planScaling(desiredOf(a), awsDescribed(), ctx()))).toEqual([`replace ScheduledAction ${P}night`]);
  });

  test('a removed scheduled action is deleted, and the range it had set no longer stands', () => {
    const a = manifest();
    a.scheduled = [];
    const observed = awsDescribed();
    observed.target = { ...observed.target!, MinCapacity: 1, MaxCapacity: 2 };
    const plan = planScaling(desiredOf(a), observed, ctx());
    expect(steps(plan)).toEqual([`update ScalableTarget ${resourceId}`, `delete ScheduledAction ${P}night`]);
    expect(plan[0]!.payload).toMatchObject({ MinCapacity: 2, MaxCapacity: 10 });
  });
});

describe('planScaling: drift', () => {
  test('a policy deleted by hand is created again and its alarm pointed at the new policy', () => {
    const observed = awsDescribed();
    observed.policies = observed.policies.filter((p) => p.PolicyName !== `${P}burst`);
    const plan = planScaling(desiredOf(), observed, ctx());
    expect(steps(plan)).toEqual([`create ScalingPolicy ${P}burst`, `update Alarm ${P}burst`]);
    expect(plan[1]!.diffs).toEqual([
      { path: 'spec.autoscaling.stepScaling[burst].alarm.alarmActions', desired: [`<ARN of the new policy ${P}burst>`], actual: [policyArn(`${P}burst`)] },
    ]);
  });

  test('a target deregistered by hand is registered again with everything on it', () => {
    const plan = planScaling(desiredOf(), { ...empty, alarms: awsDescribed().alarms }, ctx());
    expect(steps(plan)[0]).toBe(`create ScalableTarget ${resourceId}`);
    expect(steps(plan)).toContain(`update Alarm ${P}burst`);
  });

  test('a count set outside [min, max] is moved into range through the target, not the service', () => {
    const plan = planScaling(desiredOf(), awsDescribed(), ctx({ serviceDesiredCount: 25 }));
    expect(steps(plan)).toEqual([`update ScalableTarget ${resourceId}`]);
    expect(plan[0]!.diffs).toEqual([{ path: 'spec.desiredCount', desired: { minCapacity: 2, maxCapacity: 10 }, actual: 25 }]);
    expect(plan[0]!.payload).toMatchObject({ MinCapacity: 2, MaxCapacity: 10 });
  });

  test('an alarm of the operator whose policy is not in the manifest is deleted', () => {
    const a = manifest();
    a.stepScaling = [];
    a.targetTracking = [];
    const observed = awsDescribed();
    observed.policies = observed.policies.filter((p) => p.PolicyType !== 'StepScaling');
    // Target tracking leaves are planned too; only the orphaned alarm matters here.
    expect(steps(planScaling(desiredOf(a), observed, ctx())).filter((s) => s.includes('Alarm'))).toEqual([`delete Alarm ${P}burst`]);
  });
});

describe('planScaling: scaling made outside the operator', () => {
  function withHandMade(): ObservedScaling {
    const observed = awsDescribed();
    const { policy, action } = handMade();
    observed.policies.push(policy);
    observed.scheduledActions.push(action);
    observed.policies[2]!.Alarms!.push({ AlarmName: 'pager-by-hand', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:pager-by-hand' });
    return observed;
  }

  test('is removed when the manifest is exclusive and the object corrects drift', () => {
    const plan = planScaling({ ...desiredOf(), exclusive: true }, withHandMade(), ctx({ driftPolicy: 'Correct' }));
    expect(steps(plan)).toEqual(['delete Alarm pager-by-hand', 'delete ScalingPolicy memory-by-hand', 'delete ScheduledAction weekend-by-hand']);
    expect(plan[1]!.diffs[0]!.path).toBe('spec.autoscaling.targetTracking[memory-by-hand]');
  });

  test('is left alone without exclusive, or under driftPolicy Report', () => {
    expect(planScaling(desiredOf(), withHandMade(), ctx({ driftPolicy: 'Correct' }))).toEqual([]);
    expect(planScaling({ ...desiredOf(), exclusive: true }, withHandMade(), ctx({ driftPolicy: 'Report' }))).toEqual([]);
  });

  test('a policy named like a manifest policy but without the owner prefix is not the operator\'s', () => {
    const observed = awsDescribed();
    observed.policies.push({ ...handMade().policy, PolicyName: 'cpu' });
    expect(planScaling(desiredOf(), observed, ctx())).toEqual([]);
  });
});

describe('planScaling: autoscaling removed from the manifest', () => {
  test('deletes the operator\'s alarm, policies and scheduled actions, then deregisters the target', () => {
    const plan = planScaling(undefined, awsDescribed(), ctx());
    expect(steps(plan)).toEqual([
      `delete Alarm ${P}burst`,
      `delete ScalingPolicy ${P}cpu`,
      `delete ScalingPolicy ${P}queue`,
      `delete ScalingPolicy ${P}burst`,
      `delete ScheduledAction ${P}night`,
      `delete ScalableTarget ${resourceId}`,
    ]);
    expect(plan.at(-1)!.payload).toEqual({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' });
  });

  test('keeps the target while hand-made policies or scheduled actions still use it', () => {
    const observed = awsDescribed();
    observed.policies.push(handMade().policy);
    const plan = planScaling(undefined, observed, ctx());
    expect(steps(plan)).not.toContain(`delete ScalableTarget ${resourceId}`);
    expect(steps(plan)).toContain(`delete ScalingPolicy ${P}cpu`);
    expect(steps(plan)).not.toContain('delete ScalingPolicy memory-by-hand');
  });

  test('plans nothing when nothing is left', () => {
    expect(planScaling(undefined, empty, ctx())).toEqual([]);
  });
});
