// The heart of scaling reconciliation: from what the manifest asks for and what AWS has, the
// changes that make AWS match, each with the field differences behind it. Pure.
//
// The returned order is the order apply() must follow:
//   1. register the scalable target (policies and scheduled actions need it);
//   2. delete alarms, then policies, then scheduled actions (an alarm goes before its policy, so
//      that no alarm is ever left pointing at a deleted policy);
//   3. put policies, then their alarms (a new policy's ARN is known only once it exists), then
//      scheduled actions;
//   4. deregister the target, once nothing of the operator's is left on it.
import type { ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import { diffJson } from '../canonical.js';
import type { FieldDiff } from '../plan-types.js';
import { DESIRED_COUNT_DIMENSION, ECS_NAMESPACE, type ScalingNames } from './naming.js';
import {
  comparableAlarm,
  comparableScheduledAction,
  comparableStepScaling,
  comparableTarget,
  comparableTargetTracking,
} from './normalize.js';
import type {
  AlarmChange,
  DesiredPolicy,
  DesiredScaling,
  DesiredScheduledAction,
  ObservedScaling,
  PolicyChange,
  ScalingChange,
  ScheduledActionChange,
  TargetChange,
} from './types.js';

export interface PlanContext {
  names: ScalingNames;
  resourceId: string;
  driftPolicy: 'Correct' | 'Report';
  /** The ECS service's desiredCount, when known: a count outside the registered range is moved into it. */
  serviceDesiredCount?: number;
}

const TARGET_PATH = 'spec.autoscaling';
/** The path of the diff that says registering the target moves the service's count into range. */
export const DESIRED_COUNT_PATH = 'spec.desiredCount';

interface Buckets {
  targetPut: TargetChange[];
  alarmDeletes: AlarmChange[];
  policyDeletes: PolicyChange[];
  actionDeletes: ScheduledActionChange[];
  policyPuts: PolicyChange[];
  alarmPuts: AlarmChange[];
  actionPuts: ScheduledActionChange[];
  targetDelete: TargetChange[];
}

export function planScaling(desired: DesiredScaling | undefined, observed: ObservedScaling, ctx: PlanContext): ScalingChange[] {
  const b: Buckets = { targetPut: [], alarmDeletes: [], policyDeletes: [], actionDeletes: [], policyPuts: [], alarmPuts: [], actionPuts: [], targetDelete: [] };
  const ours = splitByOwner(observed, ctx.names);

  if (desired) {
    planTarget(desired, observed, ctx, b);
    planPolicies(desired, observed, ours.policies, ctx, b);
    planScheduledActions(desired, ours.actions, ctx, b);
    // Created by hand: reported in status; removed only when the manifest claims all scaling and
    // the object corrects drift.
    if (desired.exclusive && ctx.driftPolicy === 'Correct') {
      for (const p of ours.foreignPolicies) b.policyDeletes.push(deletePolicy(p, p.PolicyName ?? '', ctx));
      for (const a of ours.foreignActions) b.actionDeletes.push(deleteAction(a, a.ScheduledActionName ?? '', ctx));
    }
  } else {
    for (const [name, p] of ours.policies) {
      b.policyDeletes.push(deletePolicy(p, name, ctx));
      deleteOwnAlarmOf(p, name, observed, ctx, b);
    }
    for (const [name, a] of ours.actions) b.actionDeletes.push(deleteAction(a, name, ctx));
    // Deregistering deletes every policy and scheduled action on the target, so it waits until
    // none made by hand is left: those keep the target, and Application Auto Scaling keeps the count.
    if (observed.target && ours.foreignPolicies.length === 0 && ours.foreignActions.length === 0) {
      b.targetDelete.push({
        resource: 'ScalableTarget',
        id: ctx.resourceId,
        action: 'delete',
        field: TARGET_PATH,
        diffs: [{ path: TARGET_PATH, actual: comparableTarget(observed.target) }],
        payload: { ServiceNamespace: ECS_NAMESPACE, ResourceId: ctx.resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION },
      });
    }
  }
  return [...b.targetPut, ...b.alarmDeletes, ...b.policyDeletes, ...b.actionDeletes, ...b.policyPuts, ...b.alarmPuts, ...b.actionPuts, ...b.targetDelete];
}

interface Ownership {
  /** By manifest name. */
  policies: Map<string, ScalingPolicy>;
  actions: Map<string, ScheduledAction>;
  foreignPolicies: ScalingPolicy[];
  foreignActions: ScheduledAction[];
}

function splitByOwner(observed: ObservedScaling, names: ScalingNames): Ownership {
  const own: Ownership = { policies: new Map(), actions: new Map(), foreignPolicies: [], foreignActions: [] };
  for (const p of observed.policies) {
    if (p.ScalableDimension !== undefined && p.ScalableDimension !== DESIRED_COUNT_DIMENSION) continue;
    const name = names.manifestName(p.PolicyName);
    if (name === undefined) own.foreignPolicies.push(p);
    else own.policies.set(name, p);
  }
  for (const a of observed.scheduledActions) {
    if (a.ScalableDimension !== undefined && a.ScalableDimension !== DESIRED_COUNT_DIMENSION) continue;
    const name = names.manifestName(a.ScheduledActionName);
    if (name === undefined) own.foreignActions.push(a);
    else own.actions.set(name, a);
  }
  return own;
}

function planTarget(desired: DesiredScaling, observed: ObservedScaling, ctx: PlanContext, b: Buckets): void {
  const ids = { ServiceNamespace: ECS_NAMESPACE, ResourceId: ctx.resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION } as const;
  const current = observed.target;
  if (!current) {
    // Registering also moves the service's count into [min, max]; the diff says so, as an update's does.
    const moved = countOutside(ctx.serviceDesiredCount, desired.target.MinCapacity, desired.target.MaxCapacity);
    b.targetPut.push({
      resource: 'ScalableTarget',
      id: ctx.resourceId,
      action: 'create',
      field: TARGET_PATH,
      diffs: [{ path: TARGET_PATH, desired: comparableTarget(desired.target) }, ...(moved ? [moved] : [])],
      payload: { ...desired.target, Tags: desired.targetTags },
    });
    return;
  }
  // A scheduled action rewrites the target's min and max when it runs. A bound equal to one that a
  // scheduled action of the manifest sets is therefore not drift: resetting it would undo the schedule.
  const scheduled = desired.scheduledActions.map((a) => a.input.ScalableTargetAction ?? {});
  const accept = (actual: number | undefined, wanted: number, byScheduled: Array<number | undefined>) =>
    actual !== undefined && byScheduled.includes(actual) ? actual : wanted;
  const wanted = {
    ...desired.target,
    MinCapacity: accept(current.MinCapacity, desired.target.MinCapacity, scheduled.map((s) => s.MinCapacity)),
    MaxCapacity: accept(current.MaxCapacity, desired.target.MaxCapacity, scheduled.map((s) => s.MaxCapacity)),
  };
  const diffs = diffJson(TARGET_PATH, comparableTarget(wanted), comparableTarget(current));
  const min = wanted.MinCapacity;
  const max = wanted.MaxCapacity;
  // A count outside the range (set by hand, or left from before autoscaling) is moved into range by
  // registering the target again: Application Auto Scaling does that on every RegisterScalableTarget,
  // and the operator never resets a count that autoscaling owns through UpdateService.
  const moved = countOutside(ctx.serviceDesiredCount, min, max);
  const outOfRange = moved !== undefined;
  if (moved) diffs.push(moved);
  if (diffs.length === 0) return;
  // Only what differs is sent: RegisterScalableTarget keeps what a request leaves out, which keeps a
  // bound that a scheduled action set while another field is corrected.
  const changed = (field: string) => diffs.some((d) => d.path === `${TARGET_PATH}.${field}` || d.path.startsWith(`${TARGET_PATH}.${field}.`));
  b.targetPut.push({
    resource: 'ScalableTarget',
    id: ctx.resourceId,
    action: 'update',
    field: TARGET_PATH,
    diffs,
    payload: {
      ...ids,
      ...((outOfRange || changed('minCapacity')) && { MinCapacity: min }),
      ...((outOfRange || changed('maxCapacity')) && { MaxCapacity: max }),
      ...(changed('suspended') && { SuspendedState: desired.target.SuspendedState }),
    },
  });
}

/** The `spec.desiredCount` diff of a service count that registering [min, max] moves into range. */
function countOutside(count: number | undefined, min: number, max: number): FieldDiff | undefined {
  if (count === undefined || (count >= min && count <= max)) return undefined;
  return { path: DESIRED_COUNT_PATH, desired: { minCapacity: min, maxCapacity: max }, actual: count };
}

function comparablePolicy(type: string | undefined, p: Pick<ScalingPolicy, 'TargetTrackingScalingPolicyConfiguration' | 'StepScalingPolicyConfiguration'>) {
  return type === 'StepScaling' ? comparableStepScaling(p.StepScalingPolicyConfiguration) : comparableTargetTracking(p.TargetTrackingScalingPolicyConfiguration);
}

function policyPath(type: string | undefined, name: string): string {
  return `spec.autoscaling.${type === 'StepScaling' ? 'stepScaling' : 'targetTracking'}[${name}]`;
}

function planPolicies(desired: DesiredScaling, observed: ObservedScaling, owned: Map<string, ScalingPolicy>, ctx: PlanContext, b: Buckets): void {
  const remaining = new Map(owned);
  const alarmsByName = new Map(observed.alarms.map((a) => [a.AlarmName, a]));
  const wantedAlarms = new Set<string>();
  for (const dp of desired.policies) {
    const current = remaining.get(dp.name);
    remaining.delete(dp.name);
    const wantedCfg = comparablePolicy(dp.type, dp.input);
    let policyArn = current?.PolicyARN;
    if (!current) {
      b.policyPuts.push({ resource: 'ScalingPolicy', id: dp.input.PolicyName, action: 'create', field: dp.path, diffs: [{ path: dp.path, desired: wantedCfg }], payload: dp.input });
      policyArn = undefined;
    } else if (current.PolicyType !== dp.type) {
      const diffs: FieldDiff[] = [{ path: `${dp.path}.policyType`, desired: dp.type, actual: current.PolicyType }];
      b.policyPuts.push({ resource: 'ScalingPolicy', id: dp.input.PolicyName, action: 'replace', field: dp.path, diffs, payload: dp.input });
      policyArn = undefined;
    } else {
      const diffs = diffJson(dp.path, wantedCfg, comparablePolicy(current.PolicyType, current));
      if (diffs.length > 0) b.policyPuts.push({ resource: 'ScalingPolicy', id: dp.input.PolicyName, action: 'update', field: dp.path, diffs, payload: dp.input });
    }
    if (dp.alarm) {
      wantedAlarms.add(dp.alarm.input.AlarmName);
      planAlarm(dp, policyArn, alarmsByName.get(dp.alarm.input.AlarmName), b);
    }
    if (current) planForeignAlarms(dp, current, desired, ctx, b);
  }
  for (const [name, p] of remaining) {
    b.policyDeletes.push(deletePolicy(p, name, ctx));
    deleteOwnAlarmOf(p, name, observed, ctx, b, wantedAlarms);
  }
  // The operator's alarms whose policy is gone (deleted by hand, or a step policy turned into target
  // tracking): nothing triggers through them any more.
  const planned = new Set(b.alarmDeletes.map((c) => c.id));
  for (const a of observed.alarms) {
    const name = a.AlarmName;
    if (name === undefined || wantedAlarms.has(name) || planned.has(name) || !ctx.names.owns(name)) continue;
    b.alarmDeletes.push(deleteAlarm(name, `spec.autoscaling.stepScaling[${ctx.names.manifestName(name) ?? name}].alarm`, comparableAlarm(a)));
  }
}

/** `policyArn` is undefined when the policy is about to be created, and with it a new ARN. */
function planAlarm(dp: DesiredPolicy, policyArn: string | undefined, current: ObservedScaling['alarms'][number] | undefined, b: Buckets): void {
  const alarm = dp.alarm!;
  const path = `${dp.path}.alarm`;
  const actions = [policyArn ?? `<ARN of the new policy ${dp.input.PolicyName}>`];
  const wanted = comparableAlarm({ ...alarm.input, AlarmActions: actions });
  const payload = { input: alarm.input, policyName: dp.input.PolicyName };
  if (!current) {
    b.alarmPuts.push({ resource: 'Alarm', id: alarm.input.AlarmName, action: 'create', field: path, diffs: [{ path, desired: wanted }], payload });
    return;
  }
  const diffs = diffJson(path, wanted, comparableAlarm(current));
  if (diffs.length > 0) b.alarmPuts.push({ resource: 'Alarm', id: alarm.input.AlarmName, action: 'update', field: path, diffs, payload });
}

/** Alarms someone attached by hand to one of the operator's step policies. */
function planForeignAlarms(dp: DesiredPolicy, current: ScalingPolicy, desired: DesiredScaling, ctx: PlanContext, b: Buckets): void {
  if (dp.type !== 'StepScaling' || !desired.exclusive || ctx.driftPolicy !== 'Correct') return;
  for (const a of current.Alarms ?? []) {
    if (a.AlarmName === undefined || ctx.names.owns(a.AlarmName)) continue;
    b.alarmDeletes.push(deleteAlarm(a.AlarmName, `${dp.path}.alarm`, { alarmName: a.AlarmName }));
  }
}

/** The operator's alarm of a step policy being deleted, if the policy lists it. */
function deleteOwnAlarmOf(p: ScalingPolicy, name: string, observed: ObservedScaling, ctx: PlanContext, b: Buckets, keep: Set<string> = new Set()): void {
  if (p.PolicyType !== 'StepScaling') return;
  const alarmName = ctx.names.alarm(name);
  if (keep.has(alarmName)) return;
  const listed = (p.Alarms ?? []).some((a) => a.AlarmName === alarmName) || observed.alarms.some((a) => a.AlarmName === alarmName);
  if (!listed) return;
  const current = observed.alarms.find((a) => a.AlarmName === alarmName);
  b.alarmDeletes.push(deleteAlarm(alarmName, `${policyPath(p.PolicyType, name)}.alarm`, current ? comparableAlarm(current) : { alarmName }));
}

function deleteAlarm(alarmName: string, path: string, actual: unknown): AlarmChange {
  return { resource: 'Alarm', id: alarmName, action: 'delete', field: path, diffs: [{ path, actual }], payload: { AlarmName: alarmName } };
}

function deletePolicy(p: ScalingPolicy, name: string, ctx: PlanContext): PolicyChange {
  const path = policyPath(p.PolicyType, name);
  return {
    resource: 'ScalingPolicy',
    id: p.PolicyName ?? name,
    action: 'delete',
    field: path,
    diffs: [{ path, actual: comparablePolicy(p.PolicyType, p) }],
    payload: { ServiceNamespace: ECS_NAMESPACE, ResourceId: ctx.resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION, PolicyName: p.PolicyName ?? name },
  };
}

function planScheduledActions(desired: DesiredScaling, owned: Map<string, ScheduledAction>, ctx: PlanContext, b: Buckets): void {
  const remaining = new Map(owned);
  for (const da of desired.scheduledActions) {
    const current = remaining.get(da.name);
    remaining.delete(da.name);
    const wanted = comparableScheduledAction(da.input);
    if (!current) {
      b.actionPuts.push(putAction(da, 'create', [{ path: da.path, desired: wanted }]));
      continue;
    }
    const diffs = diffJson(da.path, wanted, comparableScheduledAction(current));
    if (diffs.length === 0) continue;
    // PutScheduledAction keeps a capacity bound that the request leaves out, so dropping one from
    // the manifest takes a delete and a create.
    const bounds = da.input.ScalableTargetAction ?? {};
    const dropsBound =
      (current.ScalableTargetAction?.MinCapacity !== undefined && bounds.MinCapacity === undefined) ||
      (current.ScalableTargetAction?.MaxCapacity !== undefined && bounds.MaxCapacity === undefined);
    b.actionPuts.push(putAction(da, dropsBound ? 'replace' : 'update', diffs));
  }
  for (const [name, a] of remaining) b.actionDeletes.push(deleteAction(a, name, ctx));
}

function putAction(da: DesiredScheduledAction, action: 'create' | 'update' | 'replace', diffs: FieldDiff[]): ScheduledActionChange {
  return { resource: 'ScheduledAction', id: da.input.ScheduledActionName, action, field: da.path, diffs, payload: da.input };
}

function deleteAction(a: ScheduledAction, name: string, ctx: PlanContext): ScheduledActionChange {
  const path = `spec.autoscaling.scheduled[${name}]`;
  const actionName = a.ScheduledActionName ?? name;
  return {
    resource: 'ScheduledAction',
    id: actionName,
    action: 'delete',
    field: path,
    diffs: [{ path, actual: comparableScheduledAction(a) }],
    payload: { ServiceNamespace: ECS_NAMESPACE, ResourceId: ctx.resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION, ScheduledActionName: actionName },
  };
}
