// The service reconciler: resolve references -> observe (batched) -> plan -> apply -> judge the
// rollout, for one EcsService. Source-agnostic: it takes the object and returns an outcome.
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { progressDeadlineSecondsOf, type EcsService } from '../../api/index.js';
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
  type Sync,
} from '../outcome.js';
import { desiredService, serviceSpecDigest, type DesiredService } from './desired.js';
import { observeService, observeServiceDeployment } from './observe.js';
import { planService, type ServiceChange, type ServicePlan } from './plan.js';
import { resolveLoadBalancers, resolveTaskDefinition, type TaskDefinitionRefResolution } from './resolve.js';
import { judgeRollout, ROLLOUT_POLL_MS, startedRollout, trackRollout, type RolloutJudgement } from './rollout.js';
import { plannedWaitMinutes, withServiceDeployment } from './service-deployment.js';
import { carriedStatus, managedTagKeysOf, serviceStatus, syncOf, withPlanReport, type ServiceStatus } from './status.js';

export interface ServiceDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
  /** The ARN of the latest revision an EcsTaskDefinition of this namespace registered, or why there is none yet. */
  resolveTaskDefinitionRef(name: string): TaskDefinitionRefResolution;
}

/** How often a service that waits for ECS (a draining service, say) is looked at again. */
const WAIT_REQUEUE_MS = 10_000;

export async function reconcileService(svc: EcsService, deps: ServiceDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<ServiceStatus>> {
  const region = deps.aws.region(svc.spec.region);
  const previous = carriedStatus(svc.status);
  let plan: ServicePlan | undefined;
  // Kept outside the try: changes made before a failure are still reported.
  const events: OperatorEvent[] = [];
  try {
    const td = await resolveTaskDefinition(svc.spec, deps.resolveTaskDefinitionRef, region);
    if (td.kind === 'invalid') return notApplied(previous, [], { kind: 'stalled', reason: td.reason, message: td.message });
    // No poll: the controller's watch on task definitions wakes the service when the revision is
    // published (as its watch on clusters does for WaitingForCluster). A poll cost a reconcile and
    // an Event update every 10 s per waiting service, which under ECS's registration rate meant
    // some 100 reconciles per service while a thousand waited their turn.
    if (td.kind === 'waiting') return notApplied(previous, [], { kind: 'progressing', reason: 'WaitingForTaskDefinition', message: td.message });
    const desired = desiredService(svc, region.region, td.taskDefinition, await resolveLoadBalancers(svc.spec, region));
    // The schema leaves creationTimestamp out of metadata; the API server always sets it.
    const observed = await observeService(deps.aws, desired, svc.status, (svc.metadata as { creationTimestamp?: string | Date }).creationTimestamp);
    // A strategy's bake times are waits on purpose, not slowness.
    const clock = { now: deps.now(), progressDeadlineSeconds: progressDeadlineSecondsOf(svc) + plannedWaitMinutes(svc.spec.deploymentConfiguration) * 60 };
    const familyRevision = desired.taskDefinition.familyRevision;
    // The rollout is brought up to date first: one that just failed must hold back the plan now.
    const tracked = observed.current ? await trackedRollout(region, observed.current, rolloutOf(svc.status, observed.current), familyRevision, clock.now) : svc.status?.rollout;
    const before = observed.current ? judgeRollout(observed.current, tracked, familyRevision, clock) : undefined;
    plan = planService(desired, observed, { owner: deps.owner, managedTagKeys: managedTagKeysOf(svc.status), rollout: tracked, currentReady: before?.health.kind === 'ready' });
    const statusOf = (service: Service | undefined, rollout: ServiceStatus['rollout'], earlier: Service[] = observed.previous) => serviceStatus(previous, desired, service, rollout, earlier);

    if (plan.blocked) {
      // A service this object owns still shows in status while a replacement waits for the user.
      const ours = ownershipOf(observed.current?.tags, deps.owner).kind === 'owned';
      const status = ours ? statusOf(observed.current, tracked) : observed.previous.length > 0 ? statusOf(undefined, tracked) : previous;
      return notApplied(status, plan.changes, { kind: 'stalled', ...plan.blocked });
    }
    if (plan.waiting) return notApplied(statusOf(observed.current, tracked), plan.changes, { kind: 'progressing', ...plan.waiting }, WAIT_REQUEUE_MS);

    const why = plan.changes.length > 0 ? withheldBecause(svc, serviceSpecDigest(svc, region.region, deps.resolveTaskDefinitionRef), opts) : undefined;
    if (why !== undefined) {
      const health: Health = before
        ? before.health
        : { kind: 'pending', reason: 'ChangesWithheld', message: `ECS service ${desired.serviceName} does not exist and was not created: ${why}` };
      return {
        plan: plan.changes,
        applied: false,
        status: withPlanReport(statusOf(observed.current, tracked), plan, observed.current, [], deps.now()),
        conditions: conditionsFor(health, withheldSync(plan.changes.length, why)),
        events: [],
      };
    }

    const applied = await applyChanges(deps, desired, plan.changes, observed.current, events);
    const rollout = applied.rollout ?? tracked;
    const earlier = observed.previous.map((p) => applied.retired.find((r) => r.serviceArn === p.serviceArn) ?? p);
    if (!applied.service) {
      // Deleted to be replaced: created again once ECS has drained it.
      const message = `ECS service ${desired.serviceName} was deleted to be created again: waiting for it to drain`;
      return { plan: plan.changes, applied: true, status: statusOf(undefined, undefined, earlier), conditions: conditionsFor({ kind: 'progressing', reason: 'Replacing', message }, IN_SYNC), events, requeueAfterMs: ROLLOUT_POLL_MS };
    }
    const { judgement, sync: replacementSync } = withEarlier(judgeRollout(applied.service, rollout, familyRevision, clock), earlier);
    const status = withPlanReport(statusOf(applied.service, judgement.rollout, earlier), plan, applied.service, plan.pendingOnTasks ?? [], deps.now());
    return {
      plan: plan.changes,
      applied: events.length > 0,
      status,
      conditions: conditionsFor(judgement.health, replacementSync.inSync ? syncOf(plan, status) : replacementSync),
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

/**
 * The judgement of the manifest's service, told with the services it replaces. An old one still
 * serving is named, and the manifest is not carried out (Synced False) until it is deleted once
 * the new one is Ready, so that its deletion is never mistaken for drift; one draining is looked
 * at again until it is gone from status.
 */
function withEarlier(judgement: RolloutJudgement, earlier: readonly Service[]): { judgement: RolloutJudgement; sync: Sync } {
  if (earlier.length === 0) return { judgement, sync: IN_SYNC };
  const serving = earlier.filter((s) => s.status === 'ACTIVE');
  const where = (s: Service) => `ECS service ${s.serviceName ?? '?'} in cluster ${lastSegment(s.clusterArn ?? '')}`;
  const { health } = judgement;
  if (serving.length === 0) {
    const requeueAfterMs = Math.min(judgement.requeueAfterMs ?? WAIT_REQUEUE_MS, WAIT_REQUEUE_MS);
    return { judgement: { ...judgement, health: { ...health, message: `${health.message}; it replaced ${earlier.map(where).join(', ')}, which is draining` }, requeueAfterMs }, sync: IN_SYNC };
  }
  const old = serving.map(where).join(', ');
  const sync: Sync = { inSync: false, reason: 'ReplacementInProgress', message: `${old} is deleted once its replacement is Ready` };
  if (health.kind === 'ready') {
    // The next look deletes it (the plan retires an old service only once the new one is Ready).
    return { judgement: { ...judgement, health: { kind: 'progressing', reason: 'ReplacementInProgress', message: `${health.message}; deleting ${old}, which it replaces` }, requeueAfterMs: 1_000 }, sync };
  }
  return { judgement: { ...judgement, health: { ...health, message: `${health.message}; ${old} keeps running until this one is Ready` } }, sync };
}

/**
 * The recorded rollout brought up to date with the deployments ECS lists and, while one is under
 * way, with its service deployment (strategy, stage, traffic, what rolled it back).
 */
async function trackedRollout(region: RegionAdapter, service: Service, recorded: ServiceStatus['rollout'], familyRevision: string, now: Date): Promise<ServiceStatus['rollout']> {
  const sd = await observeServiceDeployment(region, service, recorded);
  // Unread (ECS no longer knows it): judged by the deployments again.
  const { serviceDeploymentStatus: _unread, ...byDeployments } = recorded ?? {};
  const tracked = trackRollout(service, sd || !recorded ? recorded : byDeployments, familyRevision);
  return sd ? withServiceDeployment(tracked, sd, now) : tracked;
}

/** The service deployment a write started, when ECS names a new one in its answer. */
function serviceDeploymentOf(before: Service | undefined, after: Service): { serviceDeploymentArn?: string } {
  const arn = after.currentServiceDeployment;
  return arn && arn !== before?.currentServiceDeployment ? { serviceDeploymentArn: arn } : {};
}

/** status.rollout, unless it is a rollout of another service (the one a replacement moves away from). */
function rolloutOf(status: EcsService['status'], current: Service): ServiceStatus['rollout'] {
  const recorded = status?.serviceArn;
  return recorded !== undefined && current.serviceArn !== undefined && recorded !== current.serviceArn ? undefined : status?.rollout;
}

/** The service as the last write left it, the rollout that write started, if any, and the services retired. */
interface Applied {
  service: Service | undefined;
  rollout: ServiceStatus['rollout'];
  retired: Service[];
}

async function applyChanges(deps: ServiceDeps, desired: DesiredService, changes: ServiceChange[], observed: Service | undefined, events: OperatorEvent[]): Promise<Applied> {
  // Creating, adopting and tagging all concern the service the manifest names, in its region.
  const ecs = deps.aws.region(desired.region).ecs;
  let service = observed;
  let rollout: Applied['rollout'];
  const retired: Service[] = [];
  const track = (after: Service) => {
    const started = startedRollout(service, after, deps.now());
    if (started) rollout = { ...started, strategy: desired.spec.deploymentConfiguration?.strategy ?? 'ROLLING', ...serviceDeploymentOf(service, after) };
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
      case 'Retire': {
        const { region, cluster, service: name, scaleToZero } = change.payload;
        const old = deps.aws.region(region).ecs;
        // As on deletion: scaling to 0 first stops the tasks the way a scale-in does (draining
        // load balancer targets); force covers DAEMON services and an autoscaler scaling back up.
        if (scaleToZero) await old.updateService({ cluster, service: name, desiredCount: 0 });
        retired.push(await old.deleteService({ cluster, service: name, force: true }));
        events.push({ type: 'Normal', reason: 'Replaced', message: `Deleted ECS service ${name} in cluster ${lastSegment(cluster)}: ${desired.serviceName} in cluster ${lastSegment(desired.cluster)} replaces it and is Ready (${fields})` });
        break;
      }
      case 'Create': {
        track(await ecs.createService(change.payload));
        events.push({ type: 'Normal', reason: 'Created', message: `Created ECS service ${change.id} in cluster ${lastSegment(desired.cluster)}` });
        break;
      }
      case 'Adopt':
        await ecs.tagResource(change.payload.resourceArn, change.payload.tags);
        events.push({ type: 'Normal', reason: 'Adopted', message: `Adopted ECS service ${change.id} (spec.adoptExisting) and tagged it as owned by this object` });
        break;
      case 'Update': {
        const { region, ...input } = change.payload;
        track(await deps.aws.region(region).ecs.updateService(input));
        events.push({ type: 'Normal', reason: 'Updated', message: `Updated ECS service ${change.id}: ${fields}${change.note ? `; ${change.note}` : ''}` });
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
  return { service, rollout, retired };
}

/** Nothing (more) could be done: whether ECS matches the manifest is not known, so not Synced. */
function notApplied(status: ServiceStatus, plan: ServiceChange[], health: Health, requeueAfterMs?: number): ReconcileOutcome<ServiceStatus> {
  return { plan, applied: false, status, conditions: unsyncedConditions(health), events: [], ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}

function lastSegment(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}
