// Reads one service's scaling resources. The target comes first, from a batched read; without a
// target there can be no policies or scheduled actions (Application Auto Scaling deletes them with
// it), so those reads are skipped. Alarms are read only when the manifest has step policies, whose
// alarm settings must be compared; deleting an alarm needs no read, its name is known.
import type { RegionAdapter } from '../../aws/adapter.js';
import type { ScalingNames } from './naming.js';
import { scalableTargetsOf } from './target-observer.js';
import type { ObservedScaling } from './types.js';

export interface ObserveOptions {
  resourceId: string;
  names: ScalingNames;
  readAlarms: boolean;
}

export async function observeScaling(region: RegionAdapter, opts: ObserveOptions): Promise<ObservedScaling> {
  const [target, alarms] = await Promise.all([
    scalableTargetsOf(region).describe(opts.resourceId),
    opts.readAlarms ? readOwnAlarms(region, opts.names) : [],
  ]);
  if (!target) return { policies: [], scheduledActions: [], alarms };
  const [policies, scheduledActions] = await Promise.all([
    region.autoscaling.describeScalingPolicies(opts.resourceId),
    region.autoscaling.describeScheduledActions(opts.resourceId),
  ]);
  return { target, policies, scheduledActions, alarms };
}

/** The owner's alarms (by prefix) and the alarms the manifest adopted by name. */
export async function readOwnAlarms(region: RegionAdapter, names: ScalingNames) {
  const adopted = names.adoptedAlarms();
  const [own, byName] = await Promise.all([region.alarms.describeAlarms({ prefix: names.prefix }), adopted.length > 0 ? region.alarms.describeAlarms({ names: adopted }) : []]);
  return [...own, ...byName];
}
