// The pure heart of the scheduled task reconciler: from the desired schedule or rule and what
// EventBridge holds, the writes to make. A schedule is written whole (UpdateSchedule replaces every
// field), a rule and its target by PutRule and PutTargets, which create or replace.
import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import type { PutRuleRequest, Tag, Target as RuleTarget } from '@aws-sdk/client-eventbridge';
import type { ObservedRule } from '../../aws/events-api.js';
import type { Schedule } from '../../aws/scheduler-api.js';
import { diffJson, sameJson } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { ownershipOf, ownerTags, type Ownership } from '../ownership.js';
import type { FieldDiff, PlannedChange } from '../plan-types.js';
import { createScheduleRequest, ownerOfDescription, putRuleRequest, RULE_TARGET_ID, ruleTarget, type DesiredScheduledTask } from './desired.js';
import { RULE_TARGET_FIELDS, SCHEDULE_FIELDS, type FieldRow } from './fields.js';

export type ScheduledTaskObservation = { mode: 'Schedule'; schedule: Schedule | undefined } | { mode: 'Event'; rule: ObservedRule | undefined };

export type ScheduledTaskChange =
  | PlannedChange<'CreateSchedule', CreateScheduleCommandInput>
  | PlannedChange<'UpdateSchedule', CreateScheduleCommandInput>
  | PlannedChange<'PutRule', PutRuleRequest>
  | PlannedChange<'TagRule', { arn: string; tags: Tag[] }>
  | PlannedChange<'PutTarget', { rule: string; eventBusName: string; target: RuleTarget }>;

export interface ScheduledTaskPlanContext {
  owner: OwnerIdentity;
  /** status.name and status.mode: the schedule or rule this object last worked on. */
  previous: { name?: string; mode?: 'Schedule' | 'Event' };
  adoptExisting: boolean;
}

export interface ScheduledTaskPlan {
  changes: ScheduledTaskChange[];
  blocked?: { reason: string; message: string };
}

function fieldDiffs<T>(rows: readonly FieldRow<T>[], desired: T, observed: T): FieldDiff[] {
  return rows.flatMap((row) => {
    const want = row.read(desired);
    const have = row.read(observed);
    return sameJson(want, have) ? [] : diffJson(row.path, want, have);
  });
}

function ownershipBlock(ownership: Ownership, where: string, adopt: boolean): ScheduledTaskPlan['blocked'] {
  if (ownership.kind === 'other') return { reason: 'OwnedByAnotherObject', message: `${where} belongs to ${ownership.owner}; two objects cannot manage one ${where.split(' ')[0] ?? ''}: rename one of them (spec.name)` };
  if (ownership.kind === 'unowned' && !adopt) return { reason: 'NotOwned', message: `${where} exists and was not created by this operator; it is left untouched. Set spec.adoptExisting: true to take it over` };
  return undefined;
}

export function planScheduledTask(desired: DesiredScheduledTask, observed: ScheduledTaskObservation, ctx: ScheduledTaskPlanContext): ScheduledTaskPlan {
  const { previous } = ctx;
  if ((previous.name !== undefined && previous.name !== desired.name) || (previous.mode !== undefined && previous.mode !== desired.mode)) {
    return {
      changes: [],
      blocked: {
        reason: 'ReplacementRequired',
        message: `the ${previous.mode === 'Event' ? 'rule' : 'schedule'} ${previous.name ?? ''} cannot become the ${desired.mode === 'Event' ? 'rule' : 'schedule'} ${desired.name} in place (spec.name, spec.schedule and spec.eventPattern pick it). Revert the change, or delete this object and create a new one`,
      },
    };
  }
  return observed.mode === 'Schedule' ? planSchedule(desired, observed.schedule, ctx) : planRule(desired, observed.rule, ctx);
}

function planSchedule(desired: DesiredScheduledTask, schedule: Schedule | undefined, ctx: ScheduledTaskPlanContext): ScheduledTaskPlan {
  const request = createScheduleRequest(desired, ctx.owner);
  const id = `${desired.groupName}/${desired.name}`;
  if (!schedule) return { changes: [{ resource: 'Schedule', id, action: 'CreateSchedule', diffs: [{ path: 'spec.schedule', desired: desired.spec.schedule }], payload: request }] };
  const ownership = ownershipOf(ownerOfDescription(schedule.Description), ctx.owner);
  const blocked = ownershipBlock(ownership, `schedule ${id}`, ctx.adoptExisting);
  if (blocked) return { changes: [], blocked };
  const diffs = fieldDiffs(SCHEDULE_FIELDS, request, schedule);
  if (ownership.kind === 'unowned') {
    // Adopting writes the owner into the Description; with the other fields it is one UpdateSchedule.
    const change: ScheduledTaskChange = { resource: 'Schedule', id, action: 'UpdateSchedule', diffs: [{ path: 'spec.adoptExisting', desired: true }, ...diffs], payload: request };
    return { changes: [diffs.length === 0 ? { ...change, adoption: true } : change] };
  }
  return { changes: diffs.length === 0 ? [] : [{ resource: 'Schedule', id, action: 'UpdateSchedule', diffs, payload: request }] };
}

/** Event patterns compared as JSON: EventBridge may hand back the text with other spacing. */
function samePattern(a: string | undefined, b: string | undefined): boolean {
  try {
    return sameJson(JSON.parse(a ?? 'null'), JSON.parse(b ?? 'null'));
  } catch {
    return a === b;
  }
}

function planRule(desired: DesiredScheduledTask, observed: ObservedRule | undefined, ctx: ScheduledTaskPlanContext): ScheduledTaskPlan {
  const id = `${desired.eventBusName}/${desired.name}`;
  const target = ruleTarget(desired, ctx.owner);
  const putTarget = (diffs: FieldDiff[]): ScheduledTaskChange => ({ resource: 'RuleTarget', id, action: 'PutTarget', diffs, payload: { rule: desired.name, eventBusName: desired.eventBusName, target } });
  if (!observed) {
    return {
      changes: [
        { resource: 'Rule', id, action: 'PutRule', diffs: [{ path: 'spec.eventPattern', desired: desired.spec.eventPattern }], payload: putRuleRequest(desired, ctx.owner, true) },
        putTarget([{ path: 'spec.target', desired: target.EcsParameters?.TaskDefinitionArn }]),
      ],
    };
  }
  const ownership = ownershipOf(observed.tags.map((t) => ({ key: t.Key, value: t.Value })), ctx.owner);
  const blocked = ownershipBlock(ownership, `rule ${id}`, ctx.adoptExisting);
  if (blocked) return { changes: [], blocked };
  const changes: ScheduledTaskChange[] = [];
  if (ownership.kind === 'unowned') {
    changes.push({ resource: 'Rule', id, action: 'TagRule', diffs: [{ path: 'spec.adoptExisting', desired: true }], payload: { arn: observed.rule.Arn ?? '', tags: ownerTags(ctx.owner).map((t) => ({ Key: t.key, Value: t.value })) }, adoption: true });
  }
  const ruleDiffs: FieldDiff[] = [];
  if (!samePattern(desired.spec.eventPattern, observed.rule.EventPattern)) ruleDiffs.push({ path: 'spec.eventPattern', desired: desired.spec.eventPattern, actual: observed.rule.EventPattern });
  const state = desired.spec.state ?? 'ENABLED';
  if (state !== (observed.rule.State ?? 'ENABLED')) ruleDiffs.push({ path: 'spec.state', desired: state, actual: observed.rule.State });
  if (ruleDiffs.length > 0) changes.push({ resource: 'Rule', id, action: 'PutRule', diffs: ruleDiffs, payload: putRuleRequest(desired, ctx.owner, false) });
  const current = observed.targets.find((t) => t.Id === RULE_TARGET_ID);
  if (!current) changes.push(putTarget([{ path: 'spec.target', desired: target.EcsParameters?.TaskDefinitionArn }]));
  else {
    const diffs = fieldDiffs(RULE_TARGET_FIELDS, target, current);
    if (diffs.length > 0) changes.push(putTarget(diffs));
  }
  return { changes };
}
