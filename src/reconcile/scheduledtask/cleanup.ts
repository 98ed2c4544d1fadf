// The finalizer's work for an EcsScheduledTask: with deletionPolicy Delete, delete the schedule, or
// the rule's targets and then the rule, when this object owns it; with Retain, or for one this
// object does not own, touch nothing. Tasks already started are left to finish.
import { deletionPolicyOf, type EcsScheduledTask } from '../../api/index.js';
import { EventsApi } from '../../aws/events-api.js';
import { SchedulerApi } from '../../aws/scheduler-api.js';
import { cleanupFailed, failureOf } from '../aws-failure.js';
import type { CleanupOutcome } from '../outcome.js';
import { ownershipOf } from '../ownership.js';
import { DEFAULT_EVENT_BUS, DEFAULT_GROUP, ownerOfDescription, scheduledTaskNameOf } from './desired.js';
import type { ScheduledTaskDeps } from './reconcile.js';

export async function cleanupScheduledTask(obj: EcsScheduledTask, deps: Pick<ScheduledTaskDeps, 'aws' | 'owner'>): Promise<CleanupOutcome> {
  const name = obj.status?.name ?? scheduledTaskNameOf(obj);
  const schedule = (obj.status?.mode ?? (obj.spec.schedule ? 'Schedule' : 'Event')) === 'Schedule';
  const where = schedule ? `schedule ${obj.status?.groupName ?? obj.spec.schedule?.groupName ?? DEFAULT_GROUP}/${name}` : `rule ${obj.status?.eventBusName ?? obj.spec.eventBusName ?? DEFAULT_EVENT_BUS}/${name}`;
  if (deletionPolicyOf(obj) === 'Retain') return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Retained', message: `Left ${where} in place (deletionPolicy Retain)` }] };
  const region = deps.aws.region(obj.status?.region ?? obj.spec.region);
  try {
    if (schedule) {
      const group = obj.status?.groupName ?? obj.spec.schedule?.groupName ?? DEFAULT_GROUP;
      const api = new SchedulerApi(region.clients.scheduler);
      const found = await api.getSchedule(group, name);
      if (!found) return { done: true, conditions: [], events: [] };
      if (ownershipOf(ownerOfDescription(found.Description), deps.owner).kind !== 'owned') return notOwned(where);
      await api.deleteSchedule(group, name);
    } else {
      const bus = obj.status?.eventBusName ?? obj.spec.eventBusName ?? DEFAULT_EVENT_BUS;
      const api = new EventsApi(region.clients.eventbridge);
      const found = await api.getRule(bus, name);
      if (!found) return { done: true, conditions: [], events: [] };
      if (ownershipOf(found.tags.map((t) => ({ key: t.Key, value: t.Value })), deps.owner).kind !== 'owned') return notOwned(where);
      await api.deleteRule(bus, name, found.targets.map((t) => t.Id ?? ''));
    }
    return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'Deleted', message: `Deleted ${where}` }] };
  } catch (err) {
    const failure = failureOf(err, `deleting ${where}`);
    if (!failure) throw err;
    return cleanupFailed(failure);
  }
}

function notOwned(where: string): CleanupOutcome {
  return { done: true, conditions: [], events: [{ type: 'Normal', reason: 'NotOwned', message: `Left ${where} in place: this object did not create or adopt it` }] };
}
