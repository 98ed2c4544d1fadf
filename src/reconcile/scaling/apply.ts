// Carries out a scaling plan, in its order, and returns what AWS holds afterwards (the observed
// state with each change folded in), which is what status reports without reading AWS again.
import type {
  DeleteScalingPolicyCommandInput,
  DeleteScheduledActionCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { alarmArnFor } from './naming.js';
import type { AlarmChange, ObservedScaling, PolicyChange, ScalingChange, ScheduledActionChange, TargetChange } from './types.js';

/** A change AWS refused; `state` is what AWS holds after the changes before it. */
export class ScalingApplyError extends Error {
  override readonly name = 'ScalingApplyError';

  constructor(
    readonly change: ScalingChange,
    override readonly cause: unknown,
    readonly state: ObservedScaling,
  ) {
    super(`${change.action} ${change.resource} ${change.id}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export async function applyScalingPlan(region: RegionAdapter, plan: readonly ScalingChange[], observed: ObservedScaling): Promise<ObservedScaling> {
  const state: ObservedScaling = {
    ...(observed.target && { target: observed.target }),
    policies: [...observed.policies],
    scheduledActions: [...observed.scheduledActions],
    alarms: [...observed.alarms],
  };
  for (let i = 0; i < plan.length; i++) {
    const change = plan[i]!;
    try {
      if (change.resource === 'Alarm' && change.action === 'delete') {
        // DeleteAlarms takes up to 100 names: the plan's alarm deletions are adjacent, one call does them.
        const batch = takeAlarmDeletes(plan, i);
        await region.alarms.deleteAlarms(batch.map((c) => c.payload.AlarmName));
        batch.forEach((c) => forgetAlarm(state, c.payload.AlarmName));
        i += batch.length - 1;
        continue;
      }
      switch (change.resource) {
        case 'ScalableTarget':
          await applyTarget(region, change, state);
          break;
        case 'ScalingPolicy':
          await applyPolicy(region, change, state);
          break;
        case 'Alarm':
          await putAlarm(region, change, state);
          break;
        case 'ScheduledAction':
          await applyScheduledAction(region, change, state);
          break;
      }
    } catch (err) {
      throw new ScalingApplyError(change, err, state);
    }
  }
  return state;
}

function takeAlarmDeletes(plan: readonly ScalingChange[], from: number): Array<Extract<AlarmChange, { action: 'delete' }>> {
  const batch: Array<Extract<AlarmChange, { action: 'delete' }>> = [];
  for (let j = from; j < plan.length; j++) {
    const c = plan[j]!;
    if (c.resource !== 'Alarm' || c.action !== 'delete') break;
    batch.push(c);
  }
  return batch;
}

/** Deleting what is already gone is done, not an error: a repeated reconcile must converge. */
async function ignoreNotFound(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isAwsError(err, 'notFound')) throw err;
  }
}

async function applyTarget(region: RegionAdapter, change: TargetChange, state: ObservedScaling): Promise<void> {
  if (change.action === 'delete') {
    await ignoreNotFound(() => region.autoscaling.deregisterScalableTarget(change.payload));
    // Deregistering deletes the target's policies and scheduled actions too.
    delete state.target;
    state.policies = [];
    state.scheduledActions = [];
    return;
  }
  const p = change.payload;
  const arn = await region.autoscaling.registerScalableTarget(p);
  const previous = state.target;
  const target: ScalableTarget = {
    ServiceNamespace: p.ServiceNamespace,
    ResourceId: p.ResourceId,
    ScalableDimension: p.ScalableDimension,
    MinCapacity: p.MinCapacity ?? previous?.MinCapacity,
    MaxCapacity: p.MaxCapacity ?? previous?.MaxCapacity,
    RoleARN: previous?.RoleARN,
    CreationTime: previous?.CreationTime,
    SuspendedState: p.SuspendedState ?? previous?.SuspendedState,
    ScalableTargetARN: arn ?? previous?.ScalableTargetARN,
  };
  state.target = target;
}

type PolicyKey = Pick<DeleteScalingPolicyCommandInput, 'ServiceNamespace' | 'ResourceId' | 'ScalableDimension' | 'PolicyName'>;

async function deletePolicy(region: RegionAdapter, { ServiceNamespace, ResourceId, ScalableDimension, PolicyName }: PolicyKey, state: ObservedScaling): Promise<void> {
  await ignoreNotFound(() => region.autoscaling.deleteScalingPolicy({ ServiceNamespace, ResourceId, ScalableDimension, PolicyName }));
  state.policies = state.policies.filter((x) => x.PolicyName !== PolicyName);
}

async function applyPolicy(region: RegionAdapter, change: PolicyChange, state: ObservedScaling): Promise<void> {
  if (change.action === 'delete') return deletePolicy(region, change.payload, state);
  const p = change.payload;
  const previous = state.policies.find((x) => x.PolicyName === p.PolicyName);
  if (change.action === 'replace') await deletePolicy(region, p, state);
  const out = await region.autoscaling.putScalingPolicy(p);
  const policy: ScalingPolicy = {
    PolicyName: p.PolicyName,
    PolicyARN: out.PolicyARN,
    ServiceNamespace: p.ServiceNamespace,
    ResourceId: p.ResourceId,
    ScalableDimension: p.ScalableDimension,
    PolicyType: p.PolicyType,
    StepScalingPolicyConfiguration: p.StepScalingPolicyConfiguration,
    TargetTrackingScalingPolicyConfiguration: p.TargetTrackingScalingPolicyConfiguration,
    // Target tracking makes its own alarms and returns them; a step policy's alarms are CloudWatch's
    // alarms that name it, which an update keeps (it keeps the ARN they name).
    Alarms: p.PolicyType === 'TargetTrackingScaling' ? out.Alarms : change.action === 'update' ? previous?.Alarms : [],
    CreationTime: change.action === 'update' ? previous?.CreationTime : undefined,
  };
  state.policies = [...state.policies.filter((x) => x.PolicyName !== p.PolicyName), policy];
}

async function putAlarm(region: RegionAdapter, change: Extract<AlarmChange, { action: 'create' | 'update' }>, state: ObservedScaling): Promise<void> {
  const { input, policyName } = change.payload;
  const policy = state.policies.find((x) => x.PolicyName === policyName);
  // The plan puts a policy before its alarm, so a missing ARN means the plan was built wrongly.
  if (!policy?.PolicyARN) throw new Error(`no ARN for scaling policy ${policyName}, which alarm ${input.AlarmName} must trigger`);
  await region.alarms.putMetricAlarm({ ...input, AlarmActions: [policy.PolicyARN] });
  const { Tags: _tags, ...fields } = input;
  const alarm: MetricAlarm = { ...fields, AlarmActions: [policy.PolicyARN], AlarmArn: alarmArnFor(policy.PolicyARN, input.AlarmName) };
  state.alarms = [...state.alarms.filter((a) => a.AlarmName !== input.AlarmName), alarm];
  // Application Auto Scaling lists the alarms that trigger a step policy.
  const listed = (policy.Alarms ?? []).filter((a) => a.AlarmName !== input.AlarmName);
  state.policies = state.policies.map((x) => (x === policy ? { ...x, Alarms: [...listed, { AlarmName: input.AlarmName, AlarmARN: alarm.AlarmArn }] } : x));
}

function forgetAlarm(state: ObservedScaling, alarmName: string): void {
  state.alarms = state.alarms.filter((a) => a.AlarmName !== alarmName);
  state.policies = state.policies.map((p) => (p.Alarms?.some((a) => a.AlarmName === alarmName) ? { ...p, Alarms: p.Alarms.filter((a) => a.AlarmName !== alarmName) } : p));
}

type ScheduledActionKey = Pick<DeleteScheduledActionCommandInput, 'ServiceNamespace' | 'ResourceId' | 'ScalableDimension' | 'ScheduledActionName'>;

async function deleteScheduledAction(region: RegionAdapter, key: ScheduledActionKey, state: ObservedScaling): Promise<void> {
  const { ServiceNamespace, ResourceId, ScalableDimension, ScheduledActionName } = key;
  await ignoreNotFound(() => region.autoscaling.deleteScheduledAction({ ServiceNamespace, ResourceId, ScalableDimension, ScheduledActionName }));
  state.scheduledActions = state.scheduledActions.filter((x) => x.ScheduledActionName !== ScheduledActionName);
}

async function applyScheduledAction(region: RegionAdapter, change: ScheduledActionChange, state: ObservedScaling): Promise<void> {
  if (change.action === 'delete') return deleteScheduledAction(region, change.payload, state);
  const p = change.payload;
  const previous = state.scheduledActions.find((x) => x.ScheduledActionName === p.ScheduledActionName);
  if (change.action === 'replace') await deleteScheduledAction(region, p, state);
  await region.autoscaling.putScheduledAction(p);
  const action: ScheduledAction = {
    ScheduledActionName: p.ScheduledActionName,
    // PutScheduledAction returns nothing; the ARN of a new action is read on the next observation.
    ScheduledActionARN: change.action === 'update' ? previous?.ScheduledActionARN : undefined,
    ServiceNamespace: p.ServiceNamespace,
    Schedule: p.Schedule,
    Timezone: p.Timezone,
    ResourceId: p.ResourceId,
    ScalableDimension: p.ScalableDimension,
    StartTime: p.StartTime,
    EndTime: p.EndTime,
    ScalableTargetAction: p.ScalableTargetAction,
    CreationTime: change.action === 'update' ? previous?.CreationTime : undefined,
  };
  state.scheduledActions = [...state.scheduledActions.filter((x) => x.ScheduledActionName !== p.ScheduledActionName), action];
}
