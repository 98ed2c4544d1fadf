// Actions a user requests on a running EcsService through annotations: rollback (stop the
// in-progress service deployment with a rollback) and restart (one new deployment with the same
// task definition). Each new annotation value is one request. The request is recorded in status
// as Started before the AWS call and as Done after it, so a restart of the operator between the
// two neither repeats nor loses it: a Started restart whose PRIMARY deployment has changed since
// was carried out; a Started rollback whose service deployment is no longer in progress was too.
// Controller only: the file source keeps no status to remember a value by.
import { ANNOTATIONS, isPaused, requestedAction, type ActionRecord, type EcsService, type RolloutStatus, type ServiceAction } from '../../api/index.js';
import type { AwsAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { rfc3339, type OperatorEvent } from '../outcome.js';
import { primaryDeployment, startedRollout } from './rollout.js';

export interface ActionDeps {
  aws: AwsAdapter;
  now(): Date;
  /**
   * Stores `record` as status.actions[action] and answers what status then holds for it. A
   * Started record does not replace one of the same value (an earlier run of the operator got
   * there first): the stored one is answered instead.
   */
  record(action: ServiceAction, record: ActionRecord): Promise<ActionRecord | undefined>;
}

export interface ActionsOutcome {
  events: OperatorEvent[];
  /** The rollout a restart started, to be tracked like one the manifest started. */
  rollout?: RolloutStatus;
}

/** What to do about one action annotation, given what status records for it. */
export type ActionStep = { kind: 'none' } | { kind: 'start'; value: string } | { kind: 'resume'; value: string; started: ActionRecord };

/** Pure: a value not yet taken up starts; one recorded as Started (a crash in between) resumes. */
export function actionStep(requested: string | undefined, recorded: ActionRecord | undefined): ActionStep {
  if (requested === undefined || (recorded?.value === requested && recorded.phase === 'Done')) return { kind: 'none' };
  if (recorded?.value === requested) return { kind: 'resume', value: requested, started: recorded };
  return { kind: 'start', value: requested };
}

/** The ECS service the object runs, as its status names it, or undefined when there is none yet. */
function serviceOf(svc: EcsService): { region: string | undefined; cluster: string; service: string } | undefined {
  const { serviceArn, serviceName, clusterArn, region } = svc.status ?? {};
  if (serviceArn === undefined || serviceName === undefined || clusterArn === undefined) return undefined;
  return { region, cluster: clusterArn, service: serviceName };
}

/**
 * Carries out the rollback and restart annotations not yet carried out. A paused object's requests
 * wait for it to resume: pausing holds back every AWS write.
 */
export async function carryOutActions(svc: EcsService, deps: ActionDeps): Promise<ActionsOutcome> {
  const out: ActionsOutcome = { events: [] };
  if (isPaused(svc)) return out;
  for (const action of ['rollback', 'restart'] as const) {
    const step = actionStep(requestedAction(svc, action), svc.status?.actions?.[action]);
    if (step.kind === 'none') continue;
    const target = serviceOf(svc);
    const done = (message: string, deploymentId?: string, warning = false) => finish(deps, out, action, step.value, message, deploymentId, warning);
    if (target === undefined) {
      await done(`the ECS service does not exist yet: nothing to ${action === 'rollback' ? 'roll back' : 'restart'}`, undefined, true);
      continue;
    }
    try {
      if (action === 'rollback') await rollback(deps, target, step, done);
      else await restart(deps, out, target, step, done);
    } catch (err) {
      // A refusal only a person can change (invalid, denied, gone) ends this request; a new value
      // asks again. Throttling and outages are thrown on and retried with the Started record kept.
      if (!isAwsError(err, 'invalid', 'accessDenied', 'limitExceeded', 'notFound')) throw err;
      await done(`${err.operation} failed: ${err.code}: ${err.info.message}`, undefined, true);
    }
  }
  return out;
}

type Target = NonNullable<ReturnType<typeof serviceOf>>;
type Done = (message: string, deploymentId?: string, warning?: boolean) => Promise<void>;

async function finish(deps: ActionDeps, out: ActionsOutcome, action: ServiceAction, value: string, message: string, deploymentId: string | undefined, warning: boolean): Promise<void> {
  await deps.record(action, { value, phase: 'Done', time: rfc3339(deps.now()), ...(deploymentId === undefined ? {} : { deploymentId }), message });
  const reason = warning ? (action === 'rollback' ? 'RollbackNotDone' : 'RestartNotDone') : action === 'rollback' ? 'RollbackRequested' : 'Restarted';
  out.events.push({ type: warning ? 'Warning' : 'Normal', reason, message: `${ANNOTATIONS[action]}=${value}: ${message}` });
}

/** Records the intent before the AWS call; answers the record to go on from (possibly an earlier run's). */
async function begin(deps: ActionDeps, action: ServiceAction, value: string, deploymentId: string | undefined): Promise<ActionRecord | undefined> {
  const stored = await deps.record(action, { value, phase: 'Started', time: rfc3339(deps.now()), ...(deploymentId === undefined ? {} : { deploymentId }) });
  return stored?.value === value && stored.phase === 'Done' ? undefined : stored;
}

/**
 * StopServiceDeployment with ROLLBACK on the deployment in progress when the request is taken up
 * (ListServiceDeployments, status IN_PROGRESS); ECS then rolls the service back to the service
 * revision that ran before it.
 */
async function rollback(deps: ActionDeps, target: Target, step: Exclude<ActionStep, { kind: 'none' }>, done: Done): Promise<void> {
  const { ecs } = deps.aws.region(target.region);
  const inProgress = await ecs.listServiceDeployments(target.cluster, target.service, ['IN_PROGRESS']);
  let arn: string | undefined;
  if (step.kind === 'start') {
    arn = inProgress[0]?.serviceDeploymentArn;
    if (arn === undefined) return done(`no service deployment of ECS service ${target.service} is in progress: nothing to roll back`, undefined, true);
    const started = await begin(deps, 'rollback', step.value, arn);
    if (started === undefined) return;
    arn = started.deploymentId;
  } else {
    arn = step.started.deploymentId;
  }
  if (arn === undefined || !inProgress.some((d) => d.serviceDeploymentArn === arn)) {
    return done(`service deployment ${arn ?? '?'} is no longer in progress: its rollback was requested before the operator restarted, or it ended first`, arn);
  }
  await ecs.stopServiceDeployment(arn, target.service);
  await done(`stopped service deployment ${arn} of ECS service ${target.service} with a rollback`, arn);
}

/**
 * UpdateService with forceNewDeployment and no task definition: ECS starts one new deployment of
 * the task definition the service runs. The PRIMARY deployment before it is recorded first: once
 * it has changed, the request was carried out (by this call, before a restart of the operator).
 */
async function restart(deps: ActionDeps, out: ActionsOutcome, target: Target, step: Exclude<ActionStep, { kind: 'none' }>, done: Done): Promise<void> {
  const region = deps.aws.region(target.region);
  // Read afresh: a deployment cached from before would be taken for the one before the request.
  region.services.forget(target.service);
  const observed = await region.services.describe(target.cluster, target.service);
  if (observed.kind === 'notFound') return done(`ECS service ${target.service} was not found: nothing to restart`, undefined, true);
  const before = primaryDeployment(observed.service)?.id;
  const started = step.kind === 'resume' ? step.started : await begin(deps, 'restart', step.value, before);
  if (started === undefined) return;
  if (started.deploymentId !== before && before !== undefined) {
    return done(`deployment ${before} of ECS service ${target.service} started after the request`, before);
  }
  const after = await region.ecs.restartService(target.cluster, target.service);
  const rollout = startedRollout(observed.service, after, deps.now());
  if (rollout) out.rollout = rollout;
  await done(`started deployment ${rollout?.deploymentId ?? '?'} of ECS service ${target.service} with the same task definition`, rollout?.deploymentId);
}
