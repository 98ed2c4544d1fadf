// status.autoscaling from what AWS holds: the target, the operator's policies (with their alarms)
// and scheduled actions under their manifest names, and what someone else put on the target.
import type { AutoscalingStatus } from '../../api/status.js';
import { DESIRED_COUNT_DIMENSION, type ScalingNames } from './naming.js';
import type { ObservedScaling } from './types.js';

/** status.autoscaling.unmanaged holds at most this many entries. */
const UNMANAGED_MAX = 64;

type Unmanaged = NonNullable<AutoscalingStatus['unmanaged']>[number];

export function scalingStatus(state: ObservedScaling, names: ScalingNames, resourceId: string): AutoscalingStatus {
  const t = state.target;
  const onDimension = <T extends { ScalableDimension?: string | undefined }>(x: T) => x.ScalableDimension === undefined || x.ScalableDimension === DESIRED_COUNT_DIMENSION;
  const policies: NonNullable<AutoscalingStatus['policies']> = [];
  const unmanaged: Unmanaged[] = [];
  for (const p of state.policies.filter(onDimension)) {
    const name = names.manifestName(p.PolicyName);
    if (name === undefined) {
      unmanaged.push({ kind: 'ScalingPolicy', name: p.PolicyName ?? '' });
      continue;
    }
    const alarms = (p.Alarms ?? []).flatMap((a) => (a.AlarmName ? [{ alarmName: a.AlarmName, ...(a.AlarmARN && { alarmArn: a.AlarmARN }) }] : []));
    // Alarms someone attached to the operator's step policy (target tracking alarms are AWS's own).
    if (p.PolicyType === 'StepScaling') {
      for (const a of alarms) if (!names.owns(a.alarmName)) unmanaged.push({ kind: 'Alarm', name: a.alarmName });
    }
    policies.push({
      name,
      policyType: p.PolicyType === 'StepScaling' ? 'StepScaling' : 'TargetTrackingScaling',
      ...(p.PolicyARN && { policyArn: p.PolicyARN }),
      ...(alarms.length > 0 && { alarms }),
    });
  }
  const scheduledActions: NonNullable<AutoscalingStatus['scheduledActions']> = [];
  for (const a of state.scheduledActions.filter(onDimension)) {
    const name = names.manifestName(a.ScheduledActionName);
    if (name === undefined) {
      unmanaged.push({ kind: 'ScheduledAction', name: a.ScheduledActionName ?? '' });
      continue;
    }
    scheduledActions.push({ name, ...(a.ScheduledActionARN && { scheduledActionArn: a.ScheduledActionARN }), ...(a.Schedule && { schedule: a.Schedule }) });
  }
  const byName = (x: { name: string }, y: { name: string }) => x.name.localeCompare(y.name);
  return {
    resourceId,
    ...(t?.ScalableTargetARN && { scalableTargetArn: t.ScalableTargetARN }),
    ...(t?.MinCapacity !== undefined && { minCapacity: t.MinCapacity }),
    ...(t?.MaxCapacity !== undefined && { maxCapacity: t.MaxCapacity }),
    policies: policies.sort(byName),
    scheduledActions: scheduledActions.sort(byName),
    ...(unmanaged.length > 0 && { unmanaged: unmanaged.sort((x, y) => x.kind.localeCompare(y.kind) || byName(x, y)).slice(0, UNMANAGED_MAX) }),
  };
}

