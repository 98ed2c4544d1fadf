// Judging a rollout by its own deployment. A deployment the circuit breaker rolled back leaves a
// healthy-looking service running the previous task definition, so the deployment the operator
// started is remembered (status.rollout) and read by id: its FAILED state is what the user must see.
import type { Deployment, Service } from '@aws-sdk/client-ecs';
import type { RolloutStatus, ServiceDeployment } from '../../api/index.js';
import { rfc3339, type Health } from '../outcome.js';
import { familyRevisionOf } from '../task-definition-names.js';

/** How soon a rollout just started is looked at again: ECS reports task starts within seconds. */
export const ROLLOUT_POLL_MS = 5_000;
/** The longest wait between two looks at a rollout, however long it has run. */
export const ROLLOUT_POLL_MAX_MS = 60_000;

/**
 * How long to wait before looking at a rollout again, from how long it has run: 5 s, then as long
 * again as it has run so far (so the interval doubles), at most a minute. Computed from the
 * rollout's start, not counted, so a restarted operator picks up the same pace.
 */
export function rolloutPollMs(elapsedMs: number): number {
  return Math.min(ROLLOUT_POLL_MAX_MS, Math.max(ROLLOUT_POLL_MS, elapsedMs));
}

export interface RolloutClock {
  now: Date;
  /** spec.progressDeadlineSeconds, or the default. */
  progressDeadlineSeconds: number;
}

export interface RolloutJudgement {
  rollout: RolloutStatus | undefined;
  health: Health;
  requeueAfterMs?: number;
}

export function primaryDeployment(service: Service | undefined): Deployment | undefined {
  return service?.deployments?.find((d) => d.status === 'PRIMARY');
}

/** The rollout a write started: a PRIMARY deployment that was not there before it. */
export function startedRollout(before: Service | undefined, after: Service, now: Date): RolloutStatus | undefined {
  const primary = primaryDeployment(after);
  if (!primary?.id || primary.id === primaryDeployment(before)?.id) return undefined;
  return {
    deploymentId: primary.id,
    ...(primary.taskDefinition ? { taskDefinitionArn: primary.taskDefinition } : {}),
    state: primary.rolloutState ?? 'IN_PROGRESS',
    ...(primary.rolloutStateReason ? { reason: primary.rolloutStateReason } : {}),
    startedTime: rfc3339(now),
  };
}

/** A failed rollout of this task definition is not retried until the manifest asks for another. */
export function holdsFailedRollout(rollout: RolloutStatus | undefined, familyRevision: string): boolean {
  return rollout?.state === 'FAILED' && rollout.taskDefinitionArn !== undefined && familyRevisionOf(rollout.taskDefinitionArn) === familyRevision;
}

/**
 * The tracked rollout brought up to date with the deployments ECS reports. A failed rollout of a
 * task definition the manifest no longer asks for (it was reverted) is forgotten.
 */
export function trackRollout(service: Service, rollout: RolloutStatus | undefined, desiredFamilyRevision: string): RolloutStatus | undefined {
  if (rollout?.state === 'FAILED' && !holdsFailedRollout(rollout, desiredFamilyRevision)) return undefined;
  if (!rollout?.deploymentId || rollout.state === 'COMPLETED' || rollout.state === 'FAILED') return rollout;
  // Its service deployment, read on this same look, says more than the deployments do.
  if (rollout.serviceDeploymentStatus !== undefined) return rollout;
  const ours = service.deployments?.find((d) => d.id === rollout.deploymentId);
  if (ours) return withState(rollout, ours.rolloutState, ours.rolloutStateReason);
  // Our deployment is gone. If the service still runs our task definition a later deployment of it
  // took over; otherwise it was replaced, and ECS removes a FAILED deployment once the rollback completes.
  const primary = primaryDeployment(service);
  if (primary && primary.taskDefinition === rollout.taskDefinitionArn) return withState(rollout, primary.rolloutState, primary.rolloutStateReason);
  const running = service.taskDefinition ? familyRevisionOf(service.taskDefinition) : 'another task definition';
  return withState(rollout, 'FAILED', `deployment ${rollout.deploymentId} is gone and the service runs ${running}`);
}

function withState(rollout: RolloutStatus, state: string | undefined, reason: string | undefined): RolloutStatus {
  return { ...rollout, state: state ?? rollout.state ?? 'IN_PROGRESS', ...(reason ? { reason } : {}) };
}

/**
 * Ready only when the PRIMARY deployment completed and every desired task runs; Stalled when the
 * operator's rollout failed (circuit breaker) or ran past its progress deadline; Reconciling (look
 * again soon) while a rollout runs.
 */
export function judgeRollout(service: Service, previous: RolloutStatus | undefined, desiredFamilyRevision: string, clock: RolloutClock): RolloutJudgement {
  const rollout = trackRollout(service, previous, desiredFamilyRevision);
  const name = service.serviceName ?? 'the service';
  if (rollout?.state === 'FAILED') {
    const failed = rollout.taskDefinitionArn ? familyRevisionOf(rollout.taskDefinitionArn) : 'the new task definition';
    const now = service.taskDefinition ? familyRevisionOf(service.taskDefinition) : 'its previous task definition';
    return {
      rollout,
      health: {
        kind: 'stalled',
        reason: 'RolloutFailed',
        message: `rollout of ${failed} failed: ${rollout.reason ?? 'no reason given'}; ${name} runs ${now}. Change the manifest to roll out again.`,
      },
    };
  }
  const primary = primaryDeployment(service);
  if (primary?.rolloutState === 'FAILED') {
    return { rollout, health: { kind: 'stalled', reason: 'RolloutFailed', message: `deployment ${primary.id} of ${name} failed: ${primary.rolloutStateReason ?? 'no reason given'}` } };
  }
  // Older deployments (and services from before rollout states) have none: one deployment left is done.
  // The service deployment, when read, says the rollout runs on whatever the deployments look like
  // (a blue/green deployment's tasks all run long before its bake time ends).
  const followed = rollout?.state === 'IN_PROGRESS' && rollout.serviceDeploymentStatus !== undefined;
  const inProgress = followed || primary?.rolloutState === 'IN_PROGRESS' || (primary?.rolloutState === undefined && (service.deployments?.length ?? 0) > 1);
  if (primary && inProgress) {
    // A rollout is counted by its own deployment: the service's counts include the tasks of the
    // deployments it replaces, which keep running until the new ones are up.
    const revision = primary.taskDefinition ? familyRevisionOf(primary.taskDefinition) : 'the new task definition';
    const others = (service.deployments ?? []).filter((d) => d !== primary).reduce((sum, d) => sum + (d.runningCount ?? 0), 0);
    const strategy = rollout?.strategy && rollout.strategy !== 'ROLLING' ? `${rollout.strategy} ` : '';
    const what = `${strategy}rollout of ${revision} to ${name} (deployment ${primary.id})`;
    const tasks = `${taskCounts(primary.runningCount, primary.desiredCount, primary.pendingCount)}${others > 0 ? `; ${others} task(s) of the previous deployment(s) still running` : ''}`;
    // The operator's own rollout started when it wrote; one it did not start, when ECS created it.
    const started = rollout?.deploymentId === primary.id && rollout?.startedTime ? new Date(rollout.startedTime) : primary.createdAt;
    const stage = rollout?.state === 'IN_PROGRESS' ? stageOf(rollout) : '';
    return withDeadline({ rollout, health: { kind: 'progressing', reason: 'RolloutInProgress', message: `${what} in progress${stage}: ${tasks}` } }, what, tasks, started, clock);
  }
  const running = service.runningCount ?? 0;
  const desired = service.desiredCount ?? 0;
  const tasks = taskCounts(running, desired, service.pendingCount);
  if (running !== desired) {
    // No rollout under way, yet tasks missing (a DAEMON service that cannot place its tasks, tasks
    // that keep stopping): measured from the last change ECS made to the deployment.
    const since = primary?.updatedAt ?? primary?.createdAt;
    return withDeadline({ rollout, health: { kind: 'progressing', reason: 'WaitingForTasks', message: `${name}: ${tasks}` } }, name, tasks, since, clock);
  }
  const td = service.taskDefinition ? familyRevisionOf(service.taskDefinition) : 'its task definition';
  return { rollout, health: { kind: 'ready', reason: 'RolloutCompleted', message: `${name} runs ${td}: ${tasks}` } };
}

/** Where a rollout is, as its service deployment reports it: the stage, since when, and the traffic the new revision gets. */
function stageOf(rollout: RolloutStatus): string {
  if (!rollout.lifecycleStage) return '';
  const since = rollout.stageSince ? ` since ${rollout.stageSince}` : '';
  const traffic = [
    rollout.productionTrafficPercent === undefined ? undefined : `${rollout.productionTrafficPercent}% of production traffic`,
    rollout.testTrafficPercent === undefined ? undefined : `${rollout.testTrafficPercent}% of test traffic`,
  ].filter((t) => t !== undefined);
  return `, stage ${rollout.lifecycleStage}${since}${traffic.length > 0 ? `, the new revision gets ${traffic.join(' and ')}` : ''}`;
}

function taskCounts(running: number | undefined, desired: number | undefined, pending: number | undefined): string {
  return `${running ?? 0} of ${desired ?? 0} tasks running${pending ? `, ${pending} pending` : ''}`;
}

/**
 * Progress that has taken longer than the deadline is Stalled (ProgressDeadlineExceeded) while ECS
 * keeps trying, as a Deployment's is; the look after next comes no later than the deadline.
 */
function withDeadline(judgement: RolloutJudgement, what: string, tasks: string, since: Date | undefined, clock: RolloutClock): RolloutJudgement {
  if (!since) return { ...judgement, requeueAfterMs: ROLLOUT_POLL_MS };
  const elapsedMs = Math.max(0, clock.now.getTime() - since.getTime());
  const deadlineMs = clock.progressDeadlineSeconds * 1000;
  const pollMs = rolloutPollMs(elapsedMs);
  if (elapsedMs < deadlineMs) return { ...judgement, requeueAfterMs: Math.max(1_000, Math.min(pollMs, deadlineMs - elapsedMs)) };
  const message = `${what} has not completed within progressDeadlineSeconds (${clock.progressDeadlineSeconds}s) since ${rfc3339(since)}: ${tasks}. ECS keeps trying; this clears when it completes.`;
  return { ...judgement, health: { kind: 'stalled', reason: 'ProgressDeadlineExceeded', message }, requeueAfterMs: pollMs };
}

export function deploymentsOf(service: Service): ServiceDeployment[] {
  return (service.deployments ?? []).map((d) => ({
    id: d.id ?? '',
    status: d.status ?? '',
    ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
    ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
    ...(d.taskDefinition ? { taskDefinitionArn: d.taskDefinition } : {}),
    ...(d.desiredCount === undefined ? {} : { desiredCount: d.desiredCount }),
    ...(d.runningCount === undefined ? {} : { runningCount: d.runningCount }),
    ...(d.pendingCount === undefined ? {} : { pendingCount: d.pendingCount }),
    ...(d.failedTasks === undefined ? {} : { failedTasks: d.failedTasks }),
    ...(d.createdAt ? { createdAt: rfc3339(d.createdAt) } : {}),
    ...(d.updatedAt ? { updatedAt: rfc3339(d.updatedAt) } : {}),
  }));
}
