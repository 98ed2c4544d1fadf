// How the operator names what it creates in Application Auto Scaling and CloudWatch, so that it can
// tell its own resources from ones made by hand. Scaling policies and scheduled actions carry no
// tags, and reading alarm tags costs a call per alarm, so ownership is in the name: a prefix
// derived from the owner. Policies and scheduled actions are scoped by the service's resource id
// already; alarm names are account-wide, which the per-owner prefix also makes unique.
import { createHash } from 'node:crypto';
import type { Autoscaling } from '../../api/autoscaling.js';
import type { OwnerIdentity } from '../outcome.js';

export const ECS_NAMESPACE = 'ecs';
export const DESIRED_COUNT_DIMENSION = 'ecs:service:DesiredCount';

/**
 * AWS names of resources made outside the operator that the manifest takes over (policyName,
 * scheduledActionName, alarm.alarmName), by manifest name.
 */
export interface AdoptedNames {
  policies: ReadonlyMap<string, string>;
  scheduledActions: ReadonlyMap<string, string>;
  alarms: ReadonlyMap<string, string>;
}

const NONE: AdoptedNames = { policies: new Map(), scheduledActions: new Map(), alarms: new Map() };

export function adoptedNamesOf(autoscaling: Autoscaling | undefined): AdoptedNames {
  const policies = new Map<string, string>();
  const alarms = new Map<string, string>();
  for (const p of [...(autoscaling?.targetTracking ?? []), ...(autoscaling?.stepScaling ?? [])]) if (p.policyName !== undefined) policies.set(p.name, p.policyName);
  for (const p of autoscaling?.stepScaling ?? []) if (p.alarm.alarmName !== undefined) alarms.set(p.name, p.alarm.alarmName);
  const scheduledActions = new Map((autoscaling?.scheduled ?? []).flatMap((a) => (a.scheduledActionName !== undefined ? [[a.name, a.scheduledActionName] as const] : [])));
  return { policies, scheduledActions, alarms };
}

export class ScalingNames {
  /** `ecsop-<10 hex>-`: short enough to leave room for a 128-character manifest name. */
  readonly prefix: string;
  /** Manifest name by adopted AWS name. */
  private readonly adoptedBack: Map<string, string>;

  constructor(
    readonly owner: OwnerIdentity,
    private readonly adopted: AdoptedNames = NONE,
  ) {
    this.adoptedBack = new Map([...adopted.policies, ...adopted.scheduledActions, ...adopted.alarms].map(([manifest, aws]) => [aws, manifest]));
    // The uid is left out on purpose: an object deleted with deletionPolicy Retain and created
    // again under the same name takes back what its predecessor made instead of reporting it.
    const digest = createHash('sha256').update([owner.clusterId, owner.kind, owner.namespace, owner.name].join('\n')).digest('hex');
    this.prefix = `ecsop-${digest.slice(0, 10)}-`;
  }

  policy(manifestName: string): string {
    return this.adopted.policies.get(manifestName) ?? this.prefix + manifestName;
  }

  scheduledAction(manifestName: string): string {
    return this.adopted.scheduledActions.get(manifestName) ?? this.prefix + manifestName;
  }

  /** The alarm that triggers the step scaling policy of this manifest name. */
  alarm(policyManifestName: string): string {
    return this.adopted.alarms.get(policyManifestName) ?? this.prefix + policyManifestName;
  }

  /** Alarms adopted by name, which the owner's prefix does not find. */
  adoptedAlarms(): string[] {
    return [...this.adopted.alarms.values()];
  }

  owns(awsName: string | undefined): boolean {
    if (awsName === undefined) return false;
    return this.adoptedBack.has(awsName) || (awsName.startsWith(this.prefix) && awsName.length > this.prefix.length);
  }

  /** The manifest name behind an AWS name this owner created or adopted, or undefined for anyone else's. */
  manifestName(awsName: string | undefined): string | undefined {
    if (awsName === undefined) return undefined;
    const adopted = this.adoptedBack.get(awsName);
    if (adopted !== undefined) return adopted;
    return this.owns(awsName) ? awsName.slice(this.prefix.length) : undefined;
  }
}

/** `service/<cluster name>/<service name>`; spec.cluster may be an ARN, the resource id takes the name. */
export function resourceIdOf(cluster: string, serviceName: string): string {
  const marker = ':cluster/';
  const at = cluster.indexOf(marker);
  const clusterName = at >= 0 ? cluster.slice(at + marker.length) : cluster;
  return `service/${clusterName}/${serviceName}`;
}

/**
 * The ARN of an alarm in the account and region of a scaling policy ARN
 * (`arn:<partition>:autoscaling:<region>:<account>:scalingPolicy:...`): PutMetricAlarm returns
 * nothing, so a new alarm's ARN is built the way CloudWatch documents it.
 */
export function alarmArnFor(policyArn: string | undefined, alarmName: string): string | undefined {
  const parts = policyArn?.split(':');
  if (!parts || parts.length < 5 || parts[0] !== 'arn') return undefined;
  const [, partition, , region, account] = parts;
  return `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmName}`;
}
