// planScheduledTask on plain objects: manifests as a user writes them, schedules as GetSchedule
// returns them and rules as DescribeRule, ListTagsForResource and ListTargetsByRule return them.
import type { GetScheduleOutput } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import type { EcsScheduledTask } from '../../../src/api/index.js';
import type { ObservedRule } from '../../../src/aws/events-api.js';
import { createScheduleRequest, desiredScheduledTask, ownerDescription, ruleTarget } from '../../../src/reconcile/scheduledtask/desired.js';
import { planScheduledTask, type ScheduledTaskPlanContext } from '../../../src/reconcile/scheduledtask/plan.js';
import { nextAtFireTime, nextCronFireTime, nextRateFireTime } from '../../../src/reconcile/scheduledtask/status.js';
import type { OwnerIdentity } from '../../../src/reconcile/outcome.js';
import { ownerTags } from '../../../src/reconcile/ownership.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const owner: OwnerIdentity = { clusterId: 'prod-eu', kind: 'EcsScheduledTask', namespace: 'batch', name: 'report', uid: 'uid-report' };
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/batch`;
const REV = (n: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/report:${n}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler-runs-report`;
const ctx: ScheduledTaskPlanContext = { owner, previous: {}, adoptExisting: false };
const target = {
  taskDefinitionRef: { name: 'report' },
  cluster: 'batch',
  launchType: 'FARGATE' as const,
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0a'] } },
  overrides: { containerOverrides: [{ name: 'app', command: ['report', '--hourly'] }] },
};

function hourly(spec: Partial<EcsScheduledTask['spec']> = {}): EcsScheduledTask {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsScheduledTask',
    metadata: { name: 'report', namespace: 'batch', generation: 1 },
    spec: { schedule: { expression: 'cron(0 * * * ? *)', timezone: 'Europe/Paris' }, roleArn: ROLE, target, ...spec },
  };
}

function onUpload(spec: Partial<EcsScheduledTask['spec']> = {}): EcsScheduledTask {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsScheduledTask',
    metadata: { name: 'thumbnail', namespace: 'batch', generation: 1 },
    spec: {
      eventPattern: '{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["uploads"]}}}',
      inputTransformer: { inputPathsMap: { key: '$.detail.object.key' } },
      roleArn: ROLE,
      target: { ...target, overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'OBJECT_KEY', value: '<key>' }] }] } },
      ...spec,
    },
  };
}

const desiredOf = (obj: EcsScheduledTask, revision = 3) => desiredScheduledTask(obj, REGION, { taskDefinitionArn: REV(revision), clusterArn: CLUSTER_ARN });

/** The schedule as GetSchedule answers for what CreateSchedule was sent (dates as Date, the ARN added). */
function heldSchedule(obj: EcsScheduledTask, revision = 3, by: OwnerIdentity = owner): GetScheduleOutput {
  const { ClientToken: _token, ...request } = createScheduleRequest(desiredOf(obj, revision), by);
  return { ...request, Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/report`, CreationDate: new Date('2026-12-01T10:20:00Z') };
}

function heldRule(obj: EcsScheduledTask, revision = 3): ObservedRule {
  const d = desiredOf(obj, revision);
  return {
    rule: { Name: d.name, Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${d.name}`, EventPattern: JSON.stringify(JSON.parse(obj.spec.eventPattern ?? '{}'), null, 2), State: 'ENABLED', EventBusName: 'default' },
    tags: ownerTags(owner).map((t) => ({ Key: t.key, Value: t.value })),
    targets: [ruleTarget(d, owner)],
  };
}

describe('schedule mode (EventBridge Scheduler)', () => {
  it('creates a missing schedule with a client token, the owner in its description and the overrides as input', () => {
    const plan = planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: undefined }, ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['CreateSchedule']);
    const request = plan.changes[0]!.payload as ReturnType<typeof createScheduleRequest>;
    expect(request).toMatchObject({
      Name: 'report',
      GroupName: 'default',
      ScheduleExpression: 'cron(0 * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: ownerDescription(owner),
      Target: { Arn: CLUSTER_ARN, RoleArn: ROLE, EcsParameters: { TaskDefinitionArn: REV(3), TaskCount: 1, LaunchType: 'FARGATE', Group: 'scheduled:report' } },
    });
    expect(JSON.parse(request.Target?.Input ?? '')).toEqual({ containerOverrides: [{ name: 'app', command: ['report', '--hourly'] }] });
    expect(request.ClientToken).toBe(createScheduleRequest(desiredOf(hourly()), owner).ClientToken);
  });

  it('changes nothing when the schedule matches the manifest', () => {
    expect(planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: heldSchedule(hourly()) }, ctx).changes).toEqual([]);
  });

  it('moves the target to a new task definition revision', () => {
    const plan = planScheduledTask(desiredOf(hourly(), 4), { mode: 'Schedule', schedule: heldSchedule(hourly(), 3) }, ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['UpdateSchedule']);
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'spec.target.taskDefinition', desired: REV(4), actual: REV(3) }]);
  });

  it('reports an expression changed outside the operator', () => {
    const held = { ...heldSchedule(hourly()), ScheduleExpression: 'cron(30 * * * ? *)' };
    const plan = planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: held }, ctx);
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'spec.schedule.expression', desired: 'cron(0 * * * ? *)', actual: 'cron(30 * * * ? *)' }]);
  });

  it('leaves a schedule it did not create alone unless adoptExisting is set', () => {
    const foreign = { ...heldSchedule(hourly()), Description: 'made by hand' };
    expect(planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: foreign }, ctx).blocked?.reason).toBe('NotOwned');
    const adopted = planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: foreign }, { ...ctx, adoptExisting: true });
    expect(adopted.changes.map((c) => [c.action, c.adoption])).toEqual([['UpdateSchedule', true]]);
  });

  it('never touches a schedule another object owns', () => {
    const other = heldSchedule(hourly(), 3, { ...owner, name: 'other' });
    expect(planScheduledTask(desiredOf(hourly()), { mode: 'Schedule', schedule: other }, { ...ctx, adoptExisting: true }).blocked?.reason).toBe('OwnedByAnotherObject');
  });

  it('refuses to rename a schedule in place', () => {
    const plan = planScheduledTask(desiredOf(hourly({ name: 'report-v2' })), { mode: 'Schedule', schedule: undefined }, { ...ctx, previous: { name: 'report', mode: 'Schedule' } });
    expect(plan.blocked?.reason).toBe('ReplacementRequired');
  });

  it('reads a flexible window and a disabled state as differences', () => {
    const plan = planScheduledTask(desiredOf(hourly({ state: 'DISABLED', schedule: { expression: 'cron(0 * * * ? *)', timezone: 'Europe/Paris', flexibleTimeWindowMinutes: 15 } })), { mode: 'Schedule', schedule: heldSchedule(hourly()) }, ctx);
    expect(plan.changes[0]!.diffs.map((d) => d.path)).toEqual(['spec.schedule.flexibleTimeWindowMinutes', 'spec.state']);
  });
});

describe('event mode (EventBridge rule)', () => {
  it('creates the rule with the owner tags, then its ECS target with the input transformer', () => {
    const plan = planScheduledTask(desiredOf(onUpload()), { mode: 'Event', rule: undefined }, ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['PutRule', 'PutTarget']);
    expect(plan.changes[0]!.payload).toMatchObject({ Name: 'thumbnail', EventBusName: 'default', State: 'ENABLED', Tags: ownerTags(owner).map((t) => ({ Key: t.key, Value: t.value })) });
    const t = (plan.changes[1]!.payload as { target: ReturnType<typeof ruleTarget> }).target;
    expect(t.InputTransformer?.InputPathsMap).toEqual({ key: '$.detail.object.key' });
    expect(JSON.parse(t.InputTransformer?.InputTemplate ?? '')).toEqual({ containerOverrides: [{ name: 'app', environment: [{ name: 'OBJECT_KEY', value: '<key>' }] }] });
  });

  it('changes nothing when the rule and its target match, whatever the pattern spacing', () => {
    expect(planScheduledTask(desiredOf(onUpload()), { mode: 'Event', rule: heldRule(onUpload()) }, ctx).changes).toEqual([]);
  });

  it('moves the target to a new revision without rewriting the rule', () => {
    const plan = planScheduledTask(desiredOf(onUpload(), 4), { mode: 'Event', rule: heldRule(onUpload(), 3) }, ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['PutTarget']);
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'spec.target.taskDefinition', desired: REV(4), actual: REV(3) }]);
  });

  it('puts back a pattern changed outside the operator', () => {
    const held = heldRule(onUpload());
    held.rule.EventPattern = '{"source":["aws.s3"]}';
    const plan = planScheduledTask(desiredOf(onUpload()), { mode: 'Event', rule: held }, ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['PutRule']);
    expect(plan.changes[0]!.payload).not.toHaveProperty('Tags');
  });

  it('adopts an untagged rule only with adoptExisting, by tagging it', () => {
    const held = { ...heldRule(onUpload()), tags: [] };
    expect(planScheduledTask(desiredOf(onUpload()), { mode: 'Event', rule: held }, ctx).blocked?.reason).toBe('NotOwned');
    expect(planScheduledTask(desiredOf(onUpload()), { mode: 'Event', rule: held }, { ...ctx, adoptExisting: true }).changes.map((c) => c.action)).toEqual(['TagRule']);
  });
});

describe('next fire time of a rate schedule', () => {
  const created = new Date('2026-12-07T10:20:00Z');
  it('counts whole periods from the start', () => {
    expect(nextRateFireTime('rate(1 hour)', created, new Date('2026-12-07T12:45:00Z'))?.toISOString()).toBe('2026-12-07T13:20:00.000Z');
    expect(nextRateFireTime('rate(15 minutes)', created, new Date('2026-12-07T10:20:00Z'))?.toISOString()).toBe('2026-12-07T10:35:00.000Z');
  });
  it('is the start date itself before it', () => {
    expect(nextRateFireTime('rate(2 days)', created, new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(created.toISOString());
  });
  it('is none past the end date, and none for cron or at expressions', () => {
    expect(nextRateFireTime('rate(1 day)', created, new Date('2026-12-08T00:00:00Z'), new Date('2026-12-08T01:00:00Z'))).toBeUndefined();
    expect(nextRateFireTime('cron(0 * * * ? *)', created, created)).toBeUndefined();
  });
});

describe('next fire time of a cron schedule', () => {
  const now = new Date('2026-12-07T10:20:00Z');
  it('is the next matching minute in the schedule\'s time zone, daylight saving included', () => {
    expect(nextCronFireTime('cron(0 * * * ? *)', 'Europe/Berlin', now)?.toISOString()).toBe('2026-12-07T11:00:00.000Z');
    // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(nextCronFireTime('cron(0 9 * * ? *)', 'Europe/Berlin', now)?.toISOString()).toBe('2026-12-08T08:00:00.000Z');
    expect(nextCronFireTime('cron(0 9 * * ? *)', 'Europe/Berlin', new Date('2027-07-01T00:00:00Z'))?.toISOString()).toBe('2027-07-01T07:00:00.000Z');
    expect(nextCronFireTime('cron(15 10 * * ? *)', undefined, now)?.toISOString()).toBe('2026-12-08T10:15:00.000Z');
  });
  it('numbers days of the week 1-7 from Sunday, as EventBridge does: MON-FRI and 2-6 are the same days', () => {
    // 2026-12-11 is a Friday; the next weekday 08:00 after Friday 09:00 is Monday the 14th.
    const friday = new Date('2026-12-11T09:00:00Z');
    expect(nextCronFireTime('cron(0 8 ? * 2-6 *)', undefined, friday)?.toISOString()).toBe('2026-12-14T08:00:00.000Z');
    expect(nextCronFireTime('cron(0 8 ? * MON-FRI *)', undefined, friday)?.toISOString()).toBe('2026-12-14T08:00:00.000Z');
    expect(nextCronFireTime('cron(0 8 ? * 1 *)', undefined, friday)?.toISOString()).toBe('2026-12-13T08:00:00.000Z');
  });
  it('honours the year field, the start date and the end date', () => {
    expect(nextCronFireTime('cron(0 0 1 1 ? 2028)', undefined, now)?.toISOString()).toBe('2028-01-01T00:00:00.000Z');
    expect(nextCronFireTime('cron(0 * * * ? *)', undefined, now, new Date('2027-03-01T12:30:00Z'))?.toISOString()).toBe('2027-03-01T13:00:00.000Z');
    expect(nextCronFireTime('cron(0 0 1 1 ? *)', undefined, now, undefined, new Date('2026-12-31T00:00:00Z'))).toBeUndefined();
    expect(nextCronFireTime('cron(0 0 1 1 ? 2020)', undefined, now)).toBeUndefined();
  });
});

describe('fire time of a one-time at() schedule', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  it('reads the time in the schedule\'s time zone, daylight saving included', () => {
    expect(nextAtFireTime('at(2027-01-15T09:00:00)', 'Europe/Paris', now)?.toISOString()).toBe('2027-01-15T08:00:00.000Z');
    expect(nextAtFireTime('at(2027-07-15T09:00:00)', 'Europe/Paris', now)?.toISOString()).toBe('2027-07-15T07:00:00.000Z');
    expect(nextAtFireTime('at(2027-01-15T09:00:00)', undefined, now)?.toISOString()).toBe('2027-01-15T09:00:00.000Z');
  });
  it('is none once the time has passed', () => {
    expect(nextAtFireTime('at(2026-12-01T09:00:00)', 'Asia/Tokyo', now)).toBeUndefined();
  });
});
