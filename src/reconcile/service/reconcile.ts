// The service reconciler: resolve references -> observe (batched) -> plan -> apply -> judge the
// rollout, for one EcsService. Source-agnostic: it takes the object and returns an outcome.
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsAdapter } from '../../aws/adapter.js';
import type { EcsService } from '../../api/index.js';
import { failureOf } from '../aws-failure.js';
import { ownershipOf } from '../ownership.js';
import {
  conditionsFor,
  IN_SYNC,
  unsyncedConditions,
  withheldBecause,
  withheldSync,
  type Health,
  type OperatorEvent,
  type OwnerIdentity,
  type ReconcileOptions,
  type ReconcileOutcome,
} from '../outcome.js';
import { desiredService, type DesiredService } from './desired.js';
import { observeService } from './observe.js';
import { planService, type ServiceChange, type ServicePlan } from './plan.js';
import { resolveLoadBalancers, resolveTaskDefinition, type TaskDefinitionRefResolution } from './resolve.js';
import { judgeRollout, ROLLOUT_POLL_MS, startedRollout, trackRollout } from './rollout.js';
import { carriedStatus, managedTagKeysOf, serviceStatus, type ServiceStatus } from './status.js';

export interface ServiceDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
  /** The ARN of the latest revision an EcsTaskDefinition of this namespace registered, or why there is none yet. */
  resolveTaskDefinitionRef(name: string): TaskDefinitionRefResolution;
}

/** How often a missing task definition or a draining service is looked at again. */
const WAIT_REQUEUE_MS = 10_000;

export async function reconcileService(svc: EcsService, deps: ServiceDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<ServiceStatus>> {
  const region = deps.aws.region(svc.spec.region);
  const previous = carriedStatus(svc.status);
  let plan: ServicePlan | undefined;
  // Kept outside the try: changes made before a failure are still reported.
  const events: OperatorEvent[] = [];
  try {
    const td = await resolveTaskDefinition(svc.spec, deps.resolveTaskDefinitionRef, region);
    if (td.kind === 'waiting') {
      return notApplied(previous, [], { kind: 'progressing', reason: 'WaitingForTaskDefinition', message: td.message }, WAIT_REQUEUE_MS);
    }
    const desired = desiredService(svc, region.region, td.taskDefinition, await resolveLoadBalancers(svc.spec, region));
    const observed = await observeService(deps.aws, desired, svc.status);
    // The rollout is brought up to date first: one that just failed must hold back the plan now.
    const tracked = observed.current ? trackRollout(observed.current, svc.status?.rollout, desired.taskDefinition.familyRevision) : svc.status?.rollout;
    plan = planService(desired, observed, { owner: deps.owner, managedTagKeys: managedTagKeysOf(svc.status), rollout: tracked });

    if (plan.blocked) {
      // A service this object owns still shows in status while a replacement waits for the user.
      const ours = ownershipOf(observed.current?.tags, deps.owner).kind === 'owned';
      return notApplied(ours ? serviceStatus(previous, desired, observed.current, tracked) : previous, plan.changes, { kind: 'stalled', ...plan.blocked });
    }
    if (plan.waiting) return notApplied(serviceStatus(previous, desired, observed.current, tracked), plan.changes, { kind: 'progressing', ...plan.waiting }, WAIT_REQUEUE_MS);

    const why = plan.changes.length > 0 ? withheldBecause(svc, opts) : undefined;
    if (why !== undefined) {
      const health: Health = observed.current
        ? judgeRollout(observed.current, tracked, desired.taskDefinition.familyRevision).health
        : { kind: 'pending', reason: 'ChangesWithheld', message: `ECS service ${desired.serviceName} does not exist and was not created: ${why}` };
      return {
        plan: plan.changes,
        applied: false,
        status: serviceStatus(previous, desired, observed.current, tracked),
        conditions: conditionsFor(health, withheldSync(plan.changes.length, why)),
        events: [],
      };
    }

    const applied = await applyChanges(deps, desired, plan.changes, observed.current, events);
    const rollout = applied.rollout ?? tracked;
    if (!applied.service) {
      // Deleted to be replaced: created again once ECS has drained it.
      const message = `ECS service ${desired.serviceName} was deleted to be created again: waiting for it to drain`;
      return { plan: plan.changes, applied: true, status: serviceStatus(previous, desired, undefined, undefined), conditions: conditionsFor({ kind: 'progressing', reason: 'Replacing', message }, IN_SYNC), events, requeueAfterMs: ROLLOUT_POLL_MS };
    }
    const judgement = judgeRollout(applied.service, rollout, desired.taskDefinition.familyRevision);
    return {
      plan: plan.changes,
      applied: events.length > 0,
      status: serviceStatus(previous, desired, applied.service, judgement.rollout),
      conditions: conditionsFor(judgement.health, IN_SYNC),
      events,
      ...(judgement.requeueAfterMs === undefined ? {} : { requeueAfterMs: judgement.requeueAfterMs }),
    };
  } catch (err) {
    const failure = failureOf(err, `reconciling ECS service ${svc.spec.serviceName ?? svc.metadata.name}`, { cluster: svc.spec.cluster, region: region.region });
    if (!failure) throw err;
    return {
      ...notApplied(previous, plan?.changes ?? [], failure.health),
      applied: events.length > 0,
      events: [...events, failure.event],
      backoff: failure.backoff,
      // Failed before a plan: ECS was not (fully) read.
      ...(plan === undefined ? { unobserved: failure.health.message } : {}),
    };
  }
}

/** The service as the last write left it, and the rollout that write started, if any. */
interface Applied {
  service: Service | undefined;
  rollout: ServiceStatus['rollout'];
}

async function applyChanges(deps: ServiceDeps, desired: DesiredService, changes: ServiceChange[], observed: Service | undefined, events: OperatorEvent[]): Promise<Applied> {
  // Creating, adopting and tagging all concern the service the manifest names, in its region.
  const ecs = deps.aws.region(desired.region).ecs;
  let service = observed;
  let rollout: Applied['rollout'];
  const track = (after: Service) => {
    rollout = startedRollout(service, after, deps.now()) ?? rollout;
    service = after;
  };
  for (const change of changes) {
    const fields = change.diffs.map((d) => d.path).join(', ');
    switch (change.action) {
      case 'Replace': {
        const { region, cluster, service: name } = change.payload;
        // force: a DAEMON service cannot be scaled to 0 first, and ECS drains the tasks either way.
        await deps.aws.region(region).ecs.deleteService({ cluster, service: name, force: true });
        events.push({ type: 'Normal', reason: 'Replacing', message: `Deleted ECS service ${name} to create it again: ${fields} cannot change in place` });
        if (name === service?.serviceName) service = undefined;
        break;
      }
      case 'Create': {
        track(await ecs.createService(change.payload));
        events.push({ type: 'Normal', reason: 'Created', message: `Created ECS service ${change.id}` });
        break;
      }
      case 'Adopt':
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted ECS service ${change.id} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      case 'Update': {
        const { region, ...input } = change.payload;
        track(await deps.aws.region(region).ecs.updateService(input));
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated ECS service ${change.id}: ${fields}` });
        break;
      }
      case 'Tag':
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Tagged', message: `Tagged ECS service ${change.id}: ${fields}` });
        break;
      case 'Untag':
        await ecs.untagResource(change.payload.resourceArn, change.payload.tagKeys);
        events.push({ type: 'Normal', reason: 'Untagged', message: `Removed tags from ECS service ${change.id}: ${fields}` });
        break;
    }
  }
  return { service, rollout };
}

/** Nothing (more) could be done: whether ECS matches the manifest is not known, so not Synced. */
function notApplied(status: ServiceStatus, plan: ServiceChange[], health: Health, requeueAfterMs?: number): ReconcileOutcome<ServiceStatus> {
  return { plan, applied: false, status, conditions: unsyncedConditions(health), events: [], ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}
