// The shapes the scaling reconciler works with: what the manifest asks for (as SDK inputs), what
// AWS has (as SDK outputs), and the typed changes between them.
import type {
  DeleteScalingPolicyCommandInput,
  DeleteScheduledActionCommandInput,
  DeregisterScalableTargetCommandInput,
  PutScalingPolicyCommandInput,
  PutScheduledActionCommandInput,
  RegisterScalableTargetCommandInput,
  ScalableTarget,
  ScalingPolicy,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { PlannedChange, ResourceKind } from '../plan-types.js';

export type ScalingPolicyType = 'TargetTrackingScaling' | 'StepScaling';

/** A step scaling policy's CloudWatch alarm; AlarmActions is filled in with the policy ARN at apply time. */
export type AlarmInput = Omit<PutMetricAlarmCommandInput, 'AlarmActions'> & { AlarmName: string };

export interface DesiredAlarm {
  input: AlarmInput;
}

export interface DesiredPolicy {
  /** Name in the manifest. */
  name: string;
  /** Manifest path of the policy, e.g. spec.autoscaling.targetTracking[cpu]. */
  path: string;
  type: ScalingPolicyType;
  input: PutScalingPolicyCommandInput & { PolicyName: string; PolicyType: ScalingPolicyType };
  /** Step scaling only: the alarm that triggers the policy. */
  alarm?: DesiredAlarm;
}

export interface DesiredScheduledAction {
  name: string;
  path: string;
  input: PutScheduledActionCommandInput & { ScheduledActionName: string };
}

/** spec.autoscaling, translated into the calls that would create it from nothing. */
export interface DesiredScaling {
  resourceId: string;
  /** Always carries MinCapacity, MaxCapacity and a complete SuspendedState. */
  target: RegisterScalableTargetCommandInput & { MinCapacity: number; MaxCapacity: number };
  /** Tags put on the scalable target when the operator creates it (AWS ignores them on update). */
  targetTags: Record<string, string>;
  policies: DesiredPolicy[];
  scheduledActions: DesiredScheduledAction[];
  /** autoscaling.exclusive: the operator owns all scaling of the service. */
  exclusive: boolean;
}

/** What AWS has for one service's resource id. */
export interface ObservedScaling {
  target?: ScalableTarget;
  policies: ScalingPolicy[];
  scheduledActions: ScheduledAction[];
  /** The alarms carrying this owner's name prefix (read only when the manifest has step policies). */
  alarms: MetricAlarm[];
}

interface Change<R extends ResourceKind, A extends string, P> extends PlannedChange<A, P> {
  resource: R;
  /** Manifest path of the resource the change is about, named in conditions when AWS rejects it. */
  field: string;
}

export type TargetChange =
  | Change<'ScalableTarget', 'create' | 'update', RegisterScalableTargetCommandInput>
  | Change<'ScalableTarget', 'delete', DeregisterScalableTargetCommandInput>;

/** `replace` deletes the policy and creates it again: a policy cannot change its type in place. */
export type PolicyChange =
  | Change<'ScalingPolicy', 'create' | 'update' | 'replace', PutScalingPolicyCommandInput & { PolicyName: string }>
  | Change<'ScalingPolicy', 'delete', DeleteScalingPolicyCommandInput & { PolicyName: string }>;

export interface AlarmPut {
  input: AlarmInput;
  /** AWS name of the policy the alarm triggers; its ARN is known only after it is put, when new. */
  policyName: string;
}

export type AlarmChange = Change<'Alarm', 'create' | 'update', AlarmPut> | Change<'Alarm', 'delete', { AlarmName: string }>;

/** `replace` deletes and recreates: an update keeps any capacity bound the request leaves out. */
export type ScheduledActionChange =
  | Change<'ScheduledAction', 'create' | 'update' | 'replace', PutScheduledActionCommandInput & { ScheduledActionName: string }>
  | Change<'ScheduledAction', 'delete', DeleteScheduledActionCommandInput & { ScheduledActionName: string }>;

export type ScalingChange = TargetChange | PolicyChange | AlarmChange | ScheduledActionChange;
