// The scaling reconciler of an EcsService: observe -> planScaling -> apply, run after the service
// reconciler (a scalable target needs the ECS service to exist). Also the cleanup run before the
// operator deletes the ECS service.
import type { AutoscalingStatus, ResolvedLoadBalancer } from '../../api/status.js';
import type { EcsService } from '../../api/resources.js';
import { clusterOf, driftPolicyOf, serviceNameOf } from '../../api/defaults.js';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import { failureOf, type Failure } from '../aws-failure.js';
import type { ConditionUpdate, FailureBackoff, OperatorEvent, OwnerIdentity } from '../outcome.js';
import type { DesiredCountOwner } from '../service/desired.js';
import { ROLLOUT_POLL_MS } from '../service/rollout.js';
import { applyScalingPlan, ScalingApplyError } from './apply.js';
import { ALB_REQUEST_COUNT, desiredScaling, needsDerivedResourceLabel } from './desired.js';
import { adoptedNamesOf, DESIRED_COUNT_DIMENSION, ECS_NAMESPACE, ScalingNames, resourceIdOf } from './naming.js';
import { observeScaling, readOwnAlarms } from './observe.js';
import { DESIRED_COUNT_PATH, planScaling } from './plan.js';
import { albResourceLabel } from './resource-label.js';
import { scalingStatus } from './status.js';
import { scalableTargetsOf } from './target-observer.js';
import type { DesiredScaling, ObservedScaling, ScalingChange } from './types.js';

export interface ScalingDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
}

export interface ScalingOptions {
  /** Plan only (a drift report, or changes withheld under driftPolicy Report): no AWS writes. */
  dryRun: boolean;
  /** False while the ECS service is not created yet: nothing can be registered for it. */
  serviceExists: boolean;
  /** The service's load balancer bindings as the service reconciler resolved them (status.loadBalancers);
   * spares a DescribeTargetGroups when ALBRequestCountPerTarget derives its resource label. */
  loadBalancers?: readonly ResolvedLoadBalancer[];
  /** The ECS service's desiredCount as just observed: a count outside [min, max] is moved into range. */
  serviceDesiredCount?: number;
}

export interface ScalingResult {
  plan: ScalingChange[];
  /** True when the whole plan was carried out in AWS (false for an empty plan). */
  applied: boolean;
  /** status.autoscaling; undefined when the service has no scaling to report (remove it from status). */
  status: AutoscalingStatus | undefined;
  /** Autoscaling while spec.autoscaling is set, or while a target kept for hand-made policies exists. */
  desiredCountOwner: DesiredCountOwner;
  /** Only problems: Stalled (needs a change from the user) or Reconciling (waiting for something to appear). */
  conditions: ConditionUpdate[];
  events: OperatorEvent[];
  requeueAfterMs?: number;
  /** Set with a problem: look again after a backoff (see ReconcileOutcome.backoff). */
  backoff?: FailureBackoff;
  /** Why the scaling resources could not be read, when they could not. */
  unobserved?: string;
}

export async function reconcileScaling(svc: EcsService, deps: ScalingDeps, opts: ScalingOptions): Promise<ScalingResult> {
  const spec = svc.spec;
  const names = new ScalingNames(deps.owner, adoptedNamesOf(spec.autoscaling));
  const resourceId = resourceIdOf(clusterOf(svc), serviceNameOf(svc));
  const previous = svc.status?.autoscaling;
  // Nothing declared and nothing recorded as managed: no reads at all. A scalable target made by
  // hand for a service whose manifest never had autoscaling is not the operator's to touch.
  if (!spec.autoscaling && !previous) return outcome([], false, undefined, 'Manifest');

  const region = deps.aws.region(spec.region);
  let desired: DesiredScaling | undefined;
  if (spec.autoscaling) {
    let albResourceLabel: string | undefined;
    if (needsDerivedResourceLabel(spec.autoscaling)) {
      const label = await derivedResourceLabel(region, svc, opts.loadBalancers);
      if (label.kind === 'failed') return { ...failed(label.failure, previous, 'Autoscaling'), plan: [], unobserved: label.failure.health.message };
      if (label.kind === 'invalid') return invalid(label.field, label.message, previous);
      albResourceLabel = label.label;
    }
    const result = desiredScaling(spec.autoscaling, { names, resourceId, ...(albResourceLabel !== undefined && { albResourceLabel }) });
    if (result.kind === 'invalid') return invalid(result.field, result.message, previous);
    desired = result.desired;
  }

  const observed: ObservedScaling = opts.serviceExists
    ? await observeScaling(region, { resourceId, names, readAlarms: (desired?.policies ?? []).some((p) => p.alarm) })
    : { policies: [], scheduledActions: [], alarms: [] };
  const plan = planScaling(desired, observed, {
    names,
    resourceId,
    driftPolicy: driftPolicyOf(svc),
    ...(opts.serviceDesiredCount !== undefined && { serviceDesiredCount: opts.serviceDesiredCount }),
  });

  const statusOf = (state: ObservedScaling) => (desired || state.target ? scalingStatus(state, names, resourceId) : undefined);
  const ownerOf = (state: ObservedScaling): DesiredCountOwner => (desired || state.target ? 'Autoscaling' : 'Manifest');
  if (opts.dryRun || !opts.serviceExists || plan.length === 0) return outcome(plan, false, statusOf(observed), ownerOf(observed));

  let state: ObservedScaling;
  try {
    state = await applyScalingPlan(region, plan, observed);
  } catch (err) {
    if (!(err instanceof ScalingApplyError)) throw err;
    const failure = failureOf(err.cause, err.change.field);
    if (!failure) throw err.cause;
    return { ...failed(failure, statusOf(err.state), ownerOf(err.state)), plan };
  }
  const result = outcome(plan, true, statusOf(state), ownerOf(state), eventsFor(plan, desired !== undefined, state));
  // The service was observed before the count moved: look again soon, as during a rollout, so that
  // status shows the new count and readiness follows the tasks starting or stopping, instead of
  // the old count until the next resync.
  return intoRangeDiff(plan) ? { ...result, requeueAfterMs: ROLLOUT_POLL_MS } : result;
}

/** The diff saying that registering the target moves the service's count into [min, max]. */
function intoRangeDiff(plan: readonly ScalingChange[]) {
  return plan.flatMap((c) => (c.resource === 'ScalableTarget' ? c.diffs : [])).find((d) => d.path === DESIRED_COUNT_PATH);
}

/**
 * Before the operator deletes the ECS service: deregisters its scalable target (which deletes the
 * target's policies, their target tracking alarms and its scheduled actions) and deletes the
 * operator's step scaling alarms, which are plain CloudWatch alarms that nothing else removes.
 */
export async function cleanupScaling(svc: EcsService, deps: ScalingDeps): Promise<void> {
  const names = new ScalingNames(deps.owner, adoptedNamesOf(svc.spec.autoscaling));
  const region = deps.aws.region(svc.spec.region);
  const resourceId = resourceIdOf(clusterOf(svc), serviceNameOf(svc));
  const hadScaling = svc.spec.autoscaling !== undefined || svc.status?.autoscaling !== undefined;
  const [target, alarms] = await Promise.all([
    scalableTargetsOf(region).describe(resourceId),
    hadScaling ? readOwnAlarms(region, names) : [],
  ]);
  const alarmNames = alarms.flatMap((a) => (a.AlarmName ? [a.AlarmName] : []));
  if (alarmNames.length > 0) await region.alarms.deleteAlarms(alarmNames);
  if (!target) return;
  try {
    await region.autoscaling.deregisterScalableTarget({ ServiceNamespace: ECS_NAMESPACE, ResourceId: resourceId, ScalableDimension: DESIRED_COUNT_DIMENSION });
  } catch (err) {
    if (!isAwsError(err, 'notFound')) throw err;
  }
}

type LabelResult = { kind: 'ok'; label: string } | { kind: 'invalid'; field: string; message: string } | { kind: 'failed'; failure: Failure };

/** The label for ALBRequestCountPerTarget from the service's first load balancer binding. */
async function derivedResourceLabel(region: RegionAdapter, svc: EcsService, resolved: readonly ResolvedLoadBalancer[] | undefined): Promise<LabelResult> {
  const binding = svc.spec.loadBalancers?.[0];
  if (!binding) return { kind: 'invalid', field: 'spec.autoscaling.targetTracking', message: `${ALB_REQUEST_COUNT} needs a load balancer in spec.loadBalancers or an explicit resourceLabel` };
  const known = resolved?.find((r) => (binding.targetGroupArn ? r.targetGroupArn === binding.targetGroupArn : r.targetGroupName === binding.targetGroupName));
  let targetGroupArn = known?.targetGroupArn;
  let loadBalancerArns = known?.loadBalancerArns;
  if (!targetGroupArn || !loadBalancerArns) {
    try {
      // Cached by the adapter for a while, so a resync does not read it again for every service.
      const group = await region.targetGroups.resolve(binding.targetGroupArn ? { arn: binding.targetGroupArn } : { name: binding.targetGroupName ?? '' });
      targetGroupArn = group.TargetGroupArn ?? '';
      loadBalancerArns = group.LoadBalancerArns ?? [];
    } catch (err) {
      const failure = failureOf(err, 'spec.loadBalancers[0]');
      if (!failure) throw err;
      return { kind: 'failed', failure };
    }
  }
  const label = albResourceLabel(targetGroupArn, loadBalancerArns);
  return label.kind === 'ok' ? label : { kind: 'invalid', field: 'spec.loadBalancers[0]', message: `${ALB_REQUEST_COUNT}: ${label.message}` };
}

function invalid(field: string, message: string, status: AutoscalingStatus | undefined): ScalingResult {
  const text = `${field}: ${message}`;
  return failed({ health: { kind: 'stalled', reason: 'InvalidAutoscaling', message: text }, event: { type: 'Warning', reason: 'InvalidAutoscaling', message: text }, backoff: 'stalled' }, status, 'Autoscaling');
}

/** A failure as this result's conditions: Stalled, or Reconciling while something is missing. */
function failed(failure: Failure, status: AutoscalingStatus | undefined, owner: DesiredCountOwner): ScalingResult {
  const { kind, reason, message } = failure.health;
  return {
    ...outcome([], false, status, owner, [failure.event]),
    conditions: [{ type: kind === 'stalled' ? 'Stalled' : 'Reconciling', status: 'True', reason, message }],
    backoff: failure.backoff,
  };
}

function outcome(plan: ScalingChange[], applied: boolean, status: AutoscalingStatus | undefined, desiredCountOwner: DesiredCountOwner, events: OperatorEvent[] = []): ScalingResult {
  return { plan, applied, status, desiredCountOwner, conditions: [], events };
}

/** Events for what a person would not guess from the manifest and the plan alone. */
function eventsFor(plan: readonly ScalingChange[], declared: boolean, state: ObservedScaling): OperatorEvent[] {
  const events: OperatorEvent[] = [];
  const intoRange = intoRangeDiff(plan);
  if (intoRange) {
    events.push({ type: 'Normal', reason: 'DesiredCountIntoRange', message: `desiredCount ${String(intoRange.actual)} was outside the autoscaling range; Application Auto Scaling moves it into ${JSON.stringify(intoRange.desired)}` });
  }
  if (!declared && state.target) {
    events.push({
      type: 'Warning',
      reason: 'ScalableTargetKept',
      message: 'spec.autoscaling was removed, but scaling policies or scheduled actions created outside the operator still use the scalable target, so it is kept and Application Auto Scaling keeps owning desiredCount',
    });
  }
  return events;
}
