// The status an EcsService shows: what the operator resolved and asked for, and what ECS runs.
import type { Service } from '@aws-sdk/client-ecs';
import type { EcsServiceStatus, PendingOnRunningTask, PreviousService, RolloutStatus } from '../../api/index.js';
import { IN_SYNC, type Sync } from '../outcome.js';
import type { FieldDiff } from '../plan-types.js';
import type { DesiredService } from './desired.js';
import type { ServicePlan } from './plan.js';
import { deploymentsOf } from './rollout.js';

/**
 * EcsServiceStatus plus the tag keys the manifest set, so that a tag removed from the manifest is
 * removed from ECS while tags added by anyone else are left alone. The CRD keeps unknown status
 * fields (x-kubernetes-preserve-unknown-fields).
 */
export type ServiceStatus = EcsServiceStatus & { managedTagKeys?: string[] };

export function managedTagKeysOf(status: EcsServiceStatus | undefined): string[] {
  const keys: unknown = status && 'managedTagKeys' in status ? status.managedTagKeys : undefined;
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

/** Status without the fields the caller owns (conditions, observedGeneration). */
export function carriedStatus(status: EcsServiceStatus | undefined): ServiceStatus {
  const { conditions: _conditions, observedGeneration: _generation, reconciledGeneration: _reconciled, reconciledSpecDigest: _digest, ...rest } = status ?? {};
  return rest;
}

/**
 * `earlier`: the live services the manifest moved away from (ACTIVE until the new one is Ready,
 * then DRAINING), shown until they are gone. While the manifest's own service does not exist yet,
 * the top-level fields name no service rather than the old one.
 */
export function serviceStatus(previous: ServiceStatus, desired: DesiredService, service: Service | undefined, rollout: RolloutStatus | undefined, earlier: readonly Service[] = []): ServiceStatus {
  const next: ServiceStatus = {
    ...previous,
    region: desired.region,
    taskDefinition: desired.taskDefinition.familyRevision,
    desiredCountOwner: desired.desiredCountOwner,
    loadBalancers: desired.loadBalancers,
    managedTagKeys: desired.userTags.map((t) => t.key),
  };
  const resolvedArn = desired.taskDefinition.ref.startsWith('arn:') ? desired.taskDefinition.ref : undefined;
  if (resolvedArn) next.taskDefinitionArn = resolvedArn;
  if (rollout) next.rollout = rollout;
  else delete next.rollout;
  if (earlier.length > 0) next.previousServices = earlier.map((s) => previousServiceOf(s, desired.region));
  else delete next.previousServices;
  if (!service) {
    if (earlier.length === 0) return next;
    // Nor a rollout: the one recorded is the old service's.
    const { clusterArn: _c, serviceArn: _s, serviceName: _n, desiredCount: _d, runningCount: _r, pendingCount: _p, deployments: _ds, rollout: _ro, ...rest } = next;
    return rest;
  }
  return {
    ...next,
    clusterArn: service.clusterArn,
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    // family:revision given literally: the ARN is known once ECS runs it.
    taskDefinitionArn: resolvedArn ?? (service.taskDefinition?.endsWith(`/${desired.taskDefinition.familyRevision}`) ? service.taskDefinition : next.taskDefinitionArn),
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    deployments: deploymentsOf(service),
  };
}

function previousServiceOf(s: Service, fallbackRegion: string): PreviousService {
  return {
    ...(s.serviceArn ? { serviceArn: s.serviceArn } : {}),
    serviceName: s.serviceName ?? '',
    clusterArn: s.clusterArn ?? '',
    // arn:aws:ecs:REGION:ACCOUNT:service/...
    region: s.serviceArn?.split(':')[3] || fallbackRegion,
    ...(s.status ? { status: s.status } : {}),
    ...(s.desiredCount === undefined ? {} : { desiredCount: s.desiredCount }),
    ...(s.runningCount === undefined ? {} : { runningCount: s.runningCount }),
  };
}

/** status.pendingOnRunningTasks holds at most this many settings (the CRD's bound). */
const MAX_PENDING = 16;

/**
 * What the plan reports besides its changes: the differences the deployment controller deploys, and
 * the settings running tasks do not have yet. `applied` are the settings an update just set without
 * replacing the tasks; earlier ones stay until a deployment (or, under CodeDeploy and external
 * controllers, a task set) that started after them completes.
 */
export function withPlanReport(status: ServiceStatus, plan: ServicePlan, service: Service | undefined, applied: readonly FieldDiff[], now: Date): ServiceStatus {
  const next: ServiceStatus = { ...status };
  const owned = plan.controllerOwned?.diffs ?? [];
  if (owned.length > 0) next.deploymentControllerDifferences = owned.slice(0, 64).map(({ path, desired, actual }) => ({ path, ...(desired === undefined ? {} : { desired }), ...(actual === undefined ? {} : { actual }) }));
  else delete next.deploymentControllerDifferences;
  const fresh = new Set(applied.map((d) => d.path));
  const kept = (status.pendingOnRunningTasks ?? []).filter((p) => !fresh.has(p.path) && !replacedSince(service, new Date(p.since)));
  const added: PendingOnRunningTask[] = applied.map(({ path, desired }) => ({ path, ...(desired === undefined ? {} : { desired }), since: now.toISOString() }));
  const pending = [...kept, ...added].slice(-MAX_PENDING);
  if (pending.length > 0) next.pendingOnRunningTasks = pending;
  else delete next.pendingOnRunningTasks;
  return next;
}

/** Whether every running task was started after `since`: a deployment or task set begun later has completed. */
function replacedSince(service: Service | undefined, since: Date): boolean {
  const later = (created: Date | undefined) => created !== undefined && created.getTime() > since.getTime();
  const deployed = (service?.deployments ?? []).some((d) => d.status === 'PRIMARY' && d.rolloutState === 'COMPLETED' && later(d.createdAt));
  const taskSet = (service?.taskSets ?? []).some((t) => t.status === 'PRIMARY' && t.stabilityStatus === 'STEADY_STATE' && later(t.createdAt));
  return deployed || taskSet;
}

/** Synced, with what the manifest asks that the operator leaves to the deployment controller or to the next deployment. */
export function syncOf(plan: ServicePlan, status: ServiceStatus): Sync {
  const pending = status.pendingOnRunningTasks ?? [];
  const tasks = pending.length > 0 ? `; tasks started before ${[...new Set(pending.map((p) => p.path))].join(', ')} changed do not have it yet (they get it at the next deployment)` : '';
  if (plan.controllerOwned) return { inSync: true, reason: plan.controllerOwned.reason, message: `${plan.controllerOwned.message}${tasks}` };
  return tasks === '' ? IN_SYNC : { ...IN_SYNC, message: `${IN_SYNC.message}${tasks}` };
}
