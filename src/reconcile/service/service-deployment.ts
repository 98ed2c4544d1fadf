// A rollout as ECS's service deployment tells it: the strategy, the lifecycle stage, the traffic
// weights and, when it rolled back, what triggered the rollback. DescribeServices reports none of
// these, so the service deployment is read, but only while a rollout is under way: a service at
// rest costs no more reads than before.
import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import type { EcsServiceSpec, RolloutStatus } from '../../api/index.js';
import { isFinalServiceDeployment } from '../../aws/service-deployments.js';
import { rfc3339 } from '../outcome.js';

/** Which service deployment to read: one known by ARN, or the newest of the service (created after a time). */
export type ServiceDeploymentRef = { arn: string } | { latestAfter?: Date };

/**
 * The service deployment to read for this reconcile, or none. Read while the rollout status records
 * is under way (the look that sees it end records the outcome, after which nothing is read) or while
 * ECS shows a deployment in progress that the operator did not start.
 */
export function serviceDeploymentToRead(service: Service, recorded: RolloutStatus | undefined): ServiceDeploymentRef | undefined {
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  // A rollback is followed until it ends too, so that status shows how it ended.
  const unfinished = recorded?.serviceDeploymentArn !== undefined && recorded.serviceDeploymentStatus !== undefined && !isFinalServiceDeployment(recorded.serviceDeploymentStatus);
  const ours = recorded?.state === 'IN_PROGRESS' || unfinished;
  if (!ours && primary?.rolloutState !== 'IN_PROGRESS') return undefined;
  if (ours && soleRollingDeployment(service, recorded)) return undefined;
  if (ours && recorded?.serviceDeploymentArn) return { arn: recorded.serviceDeploymentArn };
  if (service.currentServiceDeployment) return { arn: service.currentServiceDeployment };
  const since = ours && recorded?.startedTime ? new Date(recorded.startedTime) : primary?.createdAt;
  // A minute of leeway: the operator's clock and ECS's need not agree.
  return since ? { latestAfter: new Date(since.getTime() - 60_000) } : {};
}

/**
 * A ROLLING rollout whose deployment is the service's only one (a new service's first): no traffic
 * shifts and nothing is left to roll back to, so the deployment DescribeServices lists tells all
 * that its service deployment would (how far it got, COMPLETED or FAILED), and creating a service
 * costs no DescribeServiceDeployments. Once one was read for it, it is followed to its end.
 */
function soleRollingDeployment(service: Service, recorded: RolloutStatus | undefined): boolean {
  const strategy = recorded?.strategy ?? service.deploymentConfiguration?.strategy ?? 'ROLLING';
  const only = service.deployments?.length === 1 ? service.deployments[0] : undefined;
  return strategy === 'ROLLING' && only?.id !== undefined && only.id === recorded?.deploymentId && recorded.serviceDeploymentStatus === undefined;
}

/** ECS's service deployment status as the rollout's state (IN_PROGRESS, COMPLETED or FAILED). */
function stateOf(status: string | undefined): string | undefined {
  switch (status) {
    case 'SUCCESSFUL':
      return 'COMPLETED';
    case 'PENDING':
    case 'IN_PROGRESS':
      return 'IN_PROGRESS';
    case 'STOP_REQUESTED':
    case 'STOPPED':
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
    case 'ROLLBACK_SUCCESSFUL':
    case 'ROLLBACK_FAILED':
      return 'FAILED';
    default:
      return undefined;
  }
}

export interface RollbackCause {
  trigger: NonNullable<RolloutStatus['rollbackTrigger']>;
  message: string;
}

/**
 * What ended a service deployment that did not succeed, from the monitors ECS reports on it: a
 * triggered alarm, a tripped circuit breaker, a hook that failed or timed out; a rollback with none
 * of these was requested (StopServiceDeployment).
 */
export function rollbackCause(sd: ServiceDeployment): RollbackCause {
  const said = sd.rollback?.reason ?? sd.statusReason;
  const alarms = sd.alarms?.status === 'TRIGGERED' ? (sd.alarms.triggeredAlarmNames ?? []) : [];
  if (sd.alarms?.status === 'TRIGGERED') {
    const names = alarms.length > 0 ? alarms.join(', ') : 'a deployment alarm';
    return { trigger: 'Alarm', message: `CloudWatch alarm ${names} went to ALARM${said ? ` (${said})` : ''}` };
  }
  if (sd.deploymentCircuitBreaker?.status === 'TRIGGERED') {
    const count = sd.deploymentCircuitBreaker.failureCount;
    return { trigger: 'CircuitBreaker', message: said ?? `the deployment circuit breaker tripped${count === undefined ? '' : ` after ${count} failed task(s)`}` };
  }
  const hook = sd.lifecycleHookDetails?.find((h) => h.status === 'FAILED' || h.status === 'TIMED_OUT');
  if (hook) {
    const stage = sd.lifecycleStage ? ` at ${sd.lifecycleStage}` : '';
    return { trigger: 'LifecycleHook', message: `lifecycle hook ${hook.targetArn ?? hook.hookId ?? ''}${stage} ${hook.status === 'TIMED_OUT' ? 'timed out' : 'failed'}${said ? ` (${said})` : ''}` };
  }
  if (sd.status === 'ROLLBACK_REQUESTED' || sd.status === 'STOP_REQUESTED' || sd.status === 'STOPPED') {
    return { trigger: 'Requested', message: `a rollback was requested (StopServiceDeployment)${said ? `: ${said}` : ''}` };
  }
  return { trigger: 'Unknown', message: said ?? `the service deployment ended ${sd.status ?? 'without a status'}` };
}

/**
 * The rollout brought up to date with its service deployment, which is authoritative over the
 * deployments DescribeServices lists: during a bake time those may look finished while ECS can
 * still roll back. The stage's start is when the operator first saw it (ECS reports no such time).
 */
export function withServiceDeployment(rollout: RolloutStatus | undefined, sd: ServiceDeployment, now: Date): RolloutStatus {
  // A record of an earlier rollout is not this one's: ECS started a deployment the operator did not.
  const same = rollout !== undefined && (rollout.state === 'IN_PROGRESS' || rollout.serviceDeploymentArn === sd.serviceDeploymentArn);
  const started = sd.startedAt ?? sd.createdAt;
  const base: RolloutStatus = same ? rollout : { state: 'IN_PROGRESS', ...(started ? { startedTime: rfc3339(started) } : {}) };
  const stage = sd.lifecycleStage;
  const target = sd.targetServiceRevision;
  const state = stateOf(sd.status) ?? base.state;
  const next: RolloutStatus = {
    ...base,
    ...(sd.serviceDeploymentArn ? { serviceDeploymentArn: sd.serviceDeploymentArn } : {}),
    ...(sd.status ? { serviceDeploymentStatus: sd.status } : {}),
    ...(sd.deploymentConfiguration?.strategy ? { strategy: sd.deploymentConfiguration.strategy } : {}),
    ...(state ? { state } : {}),
  };
  if (stage) {
    next.lifecycleStage = stage;
    next.stageSince = base.lifecycleStage === stage && base.stageSince ? base.stageSince : rfc3339(now);
  }
  if (target?.requestedProductionTrafficWeight !== undefined) next.productionTrafficPercent = target.requestedProductionTrafficWeight;
  if (target?.requestedTestTrafficWeight !== undefined) next.testTrafficPercent = target.requestedTestTrafficWeight;
  if (state === 'FAILED') {
    // The same words while the rollback runs and once it is done: serviceDeploymentStatus tells which.
    const cause = rollbackCause(sd);
    next.rollbackTrigger = cause.trigger;
    next.reason = cause.message;
  } else if (state === 'COMPLETED') {
    delete next.reason;
  }
  return next;
}

/**
 * The minutes a strategy waits on purpose (bake times, linear steps, the canary's bake): a rollout
 * that takes that long is not late, so they extend progressDeadlineSeconds. ECS's defaults apply to
 * what the manifest leaves out (LinearConfiguration: 10 percent steps, 6 minutes; CanaryConfiguration: 10 minutes).
 */
export function plannedWaitMinutes(config: EcsServiceSpec['deploymentConfiguration']): number {
  const bake = config?.bakeTimeInMinutes ?? 0;
  switch (config?.strategy) {
    case 'BLUE_GREEN':
      return bake;
    case 'LINEAR': {
      const step = config.linearConfiguration?.stepPercent ?? 10;
      // The step bake time is not applied after the last step (LinearConfiguration).
      const waits = Math.max(0, Math.ceil(100 / step - 1e-9) - 1);
      return bake + waits * (config.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
    }
    case 'CANARY':
      return bake + (config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10);
    default:
      return 0;
  }
}
