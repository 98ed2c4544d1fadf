// Application Auto Scaling calls for ECS services: the scalable target, its policies and its
// scheduled actions, read per resource id (`service/<cluster>/<service>`) and written as given.
import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  paginateDescribeScalableTargets,
  paginateDescribeScalingPolicies,
  paginateDescribeScheduledActions,
  type ApplicationAutoScalingClient,
  type DeleteScalingPolicyCommandInput,
  type DeleteScheduledActionCommandInput,
  type DeregisterScalableTargetCommandInput,
  type PutScalingPolicyCommandInput,
  type PutScalingPolicyCommandOutput,
  type PutScheduledActionCommandInput,
  type RegisterScalableTargetCommandInput,
  type ScalableTarget,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import pRetry from 'p-retry';
import { isAwsError } from './errors.js';

/** The operator only scales ECS services, so every read is in the `ecs` namespace. */
const NAMESPACE = 'ecs';

/**
 * Application Auto Scaling answers ConcurrentUpdateException while an earlier change to the same
 * target is still being applied, and the SDK does not retry it (it is a 400). A short retry here
 * lets a reconcile that writes a target and then its policies finish in one pass. Throttling and
 * 5xx are not retried here: the SDK already did.
 */
function retryConflicts<T>(call: () => Promise<T>): Promise<T> {
  return pRetry(call, { retries: 4, minTimeout: 200, factor: 2, randomize: true, shouldRetry: ({ error }) => isAwsError(error, 'conflict') });
}

export class AutoScalingApi {
  constructor(private readonly aas: ApplicationAutoScalingClient) {}

  /** Creates or updates the target (min, max, suspended state); returns its ARN. */
  async registerScalableTarget(input: RegisterScalableTargetCommandInput): Promise<string | undefined> {
    const out = await retryConflicts(() => this.aas.send(new RegisterScalableTargetCommand(input)));
    return out.ScalableTargetARN;
  }

  /** Also deletes the target's scaling policies and scheduled actions. */
  async deregisterScalableTarget(input: DeregisterScalableTargetCommandInput): Promise<void> {
    await retryConflicts(() => this.aas.send(new DeregisterScalableTargetCommand(input)));
  }

  async describeScalableTargets(resourceId: string): Promise<ScalableTarget[]> {
    const targets: ScalableTarget[] = [];
    for await (const page of paginateDescribeScalableTargets({ client: this.aas }, { ServiceNamespace: NAMESPACE, ResourceIds: [resourceId] })) {
      targets.push(...(page.ScalableTargets ?? []));
    }
    return targets;
  }

  async describeScalingPolicies(resourceId: string): Promise<ScalingPolicy[]> {
    const policies: ScalingPolicy[] = [];
    for await (const page of paginateDescribeScalingPolicies({ client: this.aas }, { ServiceNamespace: NAMESPACE, ResourceId: resourceId })) {
      policies.push(...(page.ScalingPolicies ?? []));
    }
    return policies;
  }

  async describeScheduledActions(resourceId: string): Promise<ScheduledAction[]> {
    const actions: ScheduledAction[] = [];
    for await (const page of paginateDescribeScheduledActions({ client: this.aas }, { ServiceNamespace: NAMESPACE, ResourceId: resourceId })) {
      actions.push(...(page.ScheduledActions ?? []));
    }
    return actions;
  }

  /** Creates or replaces a policy; the output has its ARN and, for target tracking, the alarms AWS made. */
  putScalingPolicy(input: PutScalingPolicyCommandInput): Promise<PutScalingPolicyCommandOutput> {
    return retryConflicts(() => this.aas.send(new PutScalingPolicyCommand(input)));
  }

  async deleteScalingPolicy(input: DeleteScalingPolicyCommandInput): Promise<void> {
    await retryConflicts(() => this.aas.send(new DeleteScalingPolicyCommand(input)));
  }

  async putScheduledAction(input: PutScheduledActionCommandInput): Promise<void> {
    await retryConflicts(() => this.aas.send(new PutScheduledActionCommand(input)));
  }

  async deleteScheduledAction(input: DeleteScheduledActionCommandInput): Promise<void> {
    await retryConflicts(() => this.aas.send(new DeleteScheduledActionCommand(input)));
  }
}
