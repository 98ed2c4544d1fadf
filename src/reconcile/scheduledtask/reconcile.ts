// The scheduled task reconciler: resolve -> observe -> plan -> apply -> status, for one
// EcsScheduledTask. Source-agnostic: it takes the object and returns an outcome.
import type { Task } from '@aws-sdk/client-ecs';
import { describeFieldErrors, scheduledTaskErrors, type EcsScheduledTask, type EcsScheduledTaskStatus } from '../../api/index.js';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { EventsApi } from '../../aws/events-api.js';
import { SchedulerApi } from '../../aws/scheduler-api.js';
import { startedByOf, tasksStartedBy } from '../../aws/started-tasks.js';
import { failureOf } from '../aws-failure.js';
import { hashOf } from '../canonical.js';
import { conditionsFor, IN_SYNC, unsyncedConditions, withheldBecause, withheldSync, type Health, type OperatorEvent, type OwnerIdentity, type ReconcileOptions, type ReconcileOutcome } from '../outcome.js';
import { desiredScheduledTask, scheduledTaskNameOf, taskGroupOf, type DesiredScheduledTask } from './desired.js';
import { planScheduledTask, type ScheduledTaskChange, type ScheduledTaskObservation } from './plan.js';
import { resolveTarget, type TargetResolvers } from './resolve.js';
import { carriedStatus, scheduledTaskStatus, type Observed } from './status.js';

export interface ScheduledTaskDeps extends TargetResolvers {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
}

/** The tasks shown in status.lastTasks. */
const LAST_TASKS = 5;
/** How often the tasks started are looked at again while the schedule or rule stands. */
const TASKS_POLL_MS = 60_000;

export async function reconcileScheduledTask(obj: EcsScheduledTask, deps: ScheduledTaskDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<EcsScheduledTaskStatus>> {
  const previous = carriedStatus(obj.status);
  const name = scheduledTaskNameOf(obj);
  const what = obj.spec.schedule ? `schedule ${name}` : `rule ${name}`;
  const invalid = scheduledTaskErrors(obj.spec);
  if (invalid.length > 0) return notApplied(previous, [], { kind: 'stalled', reason: 'InvalidSpec', message: describeFieldErrors(invalid) });
  let plan: ScheduledTaskChange[] | undefined;
  const events: OperatorEvent[] = [];
  try {
    const resolved = await resolveTarget(obj.spec, deps, (r) => deps.aws.region(r));
    if (resolved.kind === 'waiting') return notApplied(previous, [], { kind: 'progressing', reason: 'WaitingForDependency', message: `${what} waits: ${resolved.message}` });
    if (resolved.kind === 'invalid') return { ...notApplied(previous, [], { kind: 'stalled', reason: resolved.reason, message: resolved.message }), backoff: 'stalled' };
    const region = deps.aws.region(resolved.region ?? obj.spec.region);
    const desired = desiredScheduledTask(obj, region.region, resolved.target);
    const specDigest = hashOf(JSON.parse(JSON.stringify({ spec: { ...obj.spec, driftPolicy: null, deletionPolicy: null }, target: resolved.target, region: region.region })));
    const observed = await observe(region, desired);
    const planned = planScheduledTask(desired, observed, { owner: deps.owner, previous: { name: previous.name, mode: previous.mode }, adoptExisting: obj.spec.adoptExisting === true });
    plan = planned.changes;
    if (planned.blocked) return notApplied(previous, plan, { kind: 'stalled', ...planned.blocked });
    const why = plan.length > 0 ? withheldBecause(obj, specDigest, opts) : undefined;
    if (why !== undefined) {
      const status = scheduledTaskStatus(previous, desired, { ...observedOf(observed), tasks: [] }, deps.now());
      const exists = observed.mode === 'Schedule' ? observed.schedule !== undefined : observed.rule !== undefined;
      const health: Health = exists ? ready(desired) : { kind: 'pending', reason: 'ChangesWithheld', message: `${what} does not exist and was not created: ${why}` };
      return { plan, applied: false, status, conditions: conditionsFor(health, withheldSync(plan.length, why)), events: [], specDigest };
    }
    await apply(region, plan, events);
    const after = events.length > 0 ? await observe(region, desired) : observed;
    const tasks = await startedTasks(region, desired);
    const status = scheduledTaskStatus(previous, desired, { ...observedOf(after), tasks }, deps.now());
    return { plan, applied: events.length > 0, status, conditions: conditionsFor(ready(desired), IN_SYNC), events, requeueAfterMs: TASKS_POLL_MS, specDigest };
  } catch (err) {
    const failure = failureOf(err, `reconciling ${what}`, { region: obj.spec.region });
    if (!failure) throw err;
    return {
      ...notApplied(previous, plan ?? [], failure.health),
      applied: events.length > 0,
      events: [...events, failure.event],
      backoff: failure.backoff,
      ...(plan === undefined ? { unobserved: failure.health.message } : {}),
    };
  }
}

function ready(desired: DesiredScheduledTask): Health {
  const what = desired.mode === 'Schedule' ? `schedule ${desired.groupName}/${desired.name} (${desired.spec.schedule?.expression ?? ''})` : `rule ${desired.eventBusName}/${desired.name}`;
  const state = desired.spec.state ?? 'ENABLED';
  return { kind: 'ready', reason: state === 'ENABLED' ? 'Scheduled' : 'Disabled', message: `${what} is ${state} and starts ${desired.target.taskDefinitionArn.split('/').pop() ?? ''}` };
}

async function observe(region: RegionAdapter, desired: DesiredScheduledTask): Promise<ScheduledTaskObservation> {
  if (desired.mode === 'Schedule') return { mode: 'Schedule', schedule: await new SchedulerApi(region.clients.scheduler).getSchedule(desired.groupName, desired.name) };
  return { mode: 'Event', rule: await new EventsApi(region.clients.eventbridge).getRule(desired.eventBusName, desired.name) };
}

function observedOf(o: ScheduledTaskObservation): Omit<Observed, 'tasks'> {
  return o.mode === 'Schedule' ? (o.schedule ? { schedule: o.schedule } : {}) : o.rule ? { rule: o.rule } : {};
}

async function startedTasks(region: RegionAdapter, desired: DesiredScheduledTask): Promise<Task[]> {
  return tasksStartedBy(region.clients.ecs, desired.target.clusterArn, startedByOf(desired.mode, desired.name), desired.spec.target.group ?? taskGroupOf(desired.name), LAST_TASKS);
}

async function apply(region: RegionAdapter, changes: readonly ScheduledTaskChange[], events: OperatorEvent[]): Promise<void> {
  for (const change of changes) {
    const fields = change.diffs.map((d) => d.path).join(', ');
    switch (change.action) {
      case 'CreateSchedule':
        await new SchedulerApi(region.clients.scheduler).createSchedule(change.payload);
        events.push({ type: 'Normal', reason: 'Created', message: `Created schedule ${change.id} (${change.payload.ScheduleExpression ?? ''})` });
        break;
      case 'UpdateSchedule':
        await new SchedulerApi(region.clients.scheduler).updateSchedule(change.payload);
        events.push(change.adoption ? { type: 'Normal', reason: 'Adopted', message: `Adopted schedule ${change.id} (spec.adoptExisting) and recorded this object as its owner` } : { type: 'Normal', reason: 'Updated', message: `Updated schedule ${change.id}: ${fields}` });
        break;
      case 'PutRule':
        await new EventsApi(region.clients.eventbridge).putRule(change.payload);
        events.push({ type: 'Normal', reason: change.payload.Tags ? 'Created' : 'Updated', message: `${change.payload.Tags ? 'Created' : 'Updated'} rule ${change.id}${change.payload.Tags ? '' : `: ${fields}`}` });
        break;
      case 'TagRule':
        await new EventsApi(region.clients.eventbridge).tagRule(change.payload.arn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted rule ${change.id} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      case 'PutTarget':
        await new EventsApi(region.clients.eventbridge).putTarget(change.payload.rule, change.payload.eventBusName, change.payload.target);
        events.push({ type: 'Normal', reason: 'Updated', message: `Set the ECS target of rule ${change.id}: ${fields}` });
        break;
    }
  }
}

function notApplied(status: EcsScheduledTaskStatus, plan: ScheduledTaskChange[], health: Health): ReconcileOutcome<EcsScheduledTaskStatus> {
  return { plan, applied: false, status, conditions: unsyncedConditions(health), events: [], ...(health.kind === 'stalled' ? { backoff: 'stalled' as const } : {}) };
}
