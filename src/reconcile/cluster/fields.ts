// Every cluster setting the operator manages, in one table: how the manifest's value and ECS's
// value are normalized for comparison, and which call changes it. ECS changes a cluster through
// three calls: UpdateClusterSettings (settings), UpdateCluster (configuration, Service Connect
// defaults) and PutClusterCapacityProviders (the whole provider list and default strategy at once).
//
// Normalization follows DescribeClusters (with include SETTINGS and CONFIGURATIONS): execute
// command logging DEFAULT when none is set, capacity provider lists in any order, strategy items
// with weight and base filled in.
import type { CapacityProvider, Cluster, ExecuteCommandConfiguration } from '@aws-sdk/client-ecs';
import { pruneObject, sortedBy, sortedSet, type Json, type JsonObject } from '../canonical.js';
import type { DesiredCluster, OwnedProviderSpec } from './desired.js';
import { executeCommandConfigurationOf, providerSettings } from './desired.js';

export type ClusterCall = 'UpdateClusterSettings' | 'UpdateCluster' | 'PutClusterCapacityProviders';

export interface ClusterField {
  name: string;
  path: string;
  call: ClusterCall;
  /** The manifest's value, normalized; undefined when the manifest leaves the field to ECS. */
  desired(d: DesiredCluster): Json | undefined;
  observed(c: Cluster, d: DesiredCluster): Json | undefined;
}

function executeCommand(c: ExecuteCommandConfiguration | undefined): JsonObject {
  const log = c?.logConfiguration;
  return pruneObject({
    kmsKeyId: c?.kmsKeyId,
    logging: c?.logging ?? 'DEFAULT',
    logConfiguration: log
      ? {
          cloudWatchLogGroupName: log.cloudWatchLogGroupName,
          cloudWatchEncryptionEnabled: log.cloudWatchEncryptionEnabled ?? false,
          s3BucketName: log.s3BucketName,
          s3EncryptionEnabled: log.s3EncryptionEnabled ?? false,
          s3KeyPrefix: log.s3KeyPrefix,
        }
      : undefined,
  });
}

export function strategyItems(items: readonly { capacityProvider?: string; weight?: number; base?: number }[]): JsonObject[] {
  return sortedBy(
    items.map((i) => pruneObject({ capacityProvider: i.capacityProvider, weight: i.weight ?? 0, base: i.base ?? 0 })),
    (i) => String(i.capacityProvider),
  );
}

export const CLUSTER_FIELDS: readonly ClusterField[] = [
  {
    name: 'containerInsights',
    path: 'spec.settings.containerInsights',
    call: 'UpdateClusterSettings',
    // Without it the account default applies, which the operator does not know: left alone.
    desired: (d) => d.spec.settings?.containerInsights,
    observed: (c) => c.settings?.find((s) => s.name === 'containerInsights')?.value ?? 'disabled',
  },
  {
    name: 'executeCommandConfiguration',
    path: 'spec.configuration.executeCommandConfiguration',
    call: 'UpdateCluster',
    desired: (d) => executeCommand(executeCommandConfigurationOf(d.spec)),
    observed: (c) => executeCommand(c.configuration?.executeCommandConfiguration),
  },
  {
    name: 'serviceConnectDefaults',
    path: 'spec.serviceConnectDefaults.namespace',
    call: 'UpdateCluster',
    desired: (d) => d.spec.serviceConnectDefaults?.namespace ?? null,
    observed: (c, d) => {
      const actual = c.serviceConnectDefaults?.namespace;
      const wanted = d.spec.serviceConnectDefaults?.namespace;
      if (actual === undefined || actual === '') return null;
      // ECS reports the namespace's ARN (its id, not its name): a manifest that names the
      // namespace cannot be compared without Cloud Map, so only an ARN in the manifest is checked.
      if (wanted !== undefined && !wanted.startsWith('arn:') && actual.startsWith('arn:')) return wanted;
      return actual;
    },
  },
  {
    name: 'capacityProviders',
    path: 'spec.capacityProviders',
    call: 'PutClusterCapacityProviders',
    desired: (d) => (d.capacityProviders ? sortedSet(d.capacityProviders.names) : undefined),
    observed: (c) => sortedSet(c.capacityProviders ?? []),
  },
  {
    name: 'defaultCapacityProviderStrategy',
    path: 'spec.defaultCapacityProviderStrategy',
    call: 'PutClusterCapacityProviders',
    desired: (d) => (d.capacityProviders ? strategyItems(d.capacityProviders.strategy) : undefined),
    observed: (c) => strategyItems(c.defaultCapacityProviderStrategy ?? []),
  },
];

/**
 * An Auto Scaling group capacity provider, normalized as DescribeCapacityProviders reports it:
 * managed scaling with its documented defaults (DISABLED, 100 %, steps 1 to 10000, 300 s warm-up),
 * termination protection DISABLED and draining ENABLED when not set, and the group by name (ECS
 * answers with the ARN whether it was given a name or an ARN).
 */
export function providerShape(p: { autoScalingGroup: string } & ReturnType<typeof providerSettings>): JsonObject {
  const s = p.managedScaling;
  return pruneObject({
    autoScalingGroup: autoScalingGroupName(p.autoScalingGroup),
    managedScaling: {
      status: s?.status ?? 'DISABLED',
      targetCapacity: s?.targetCapacity ?? 100,
      minimumScalingStepSize: s?.minimumScalingStepSize ?? 1,
      maximumScalingStepSize: s?.maximumScalingStepSize ?? 10000,
      instanceWarmupPeriod: s?.instanceWarmupPeriod ?? 300,
    },
    managedTerminationProtection: p.managedTerminationProtection ?? 'DISABLED',
    managedDraining: p.managedDraining ?? 'ENABLED',
  });
}

export function desiredProviderShape(p: OwnedProviderSpec): JsonObject {
  return providerShape({ autoScalingGroup: p.autoScalingGroup, ...providerSettings(p) });
}

export function observedProviderShape(p: CapacityProvider): JsonObject {
  const asg = p.autoScalingGroupProvider;
  return providerShape({
    autoScalingGroup: asg?.autoScalingGroupArn ?? '',
    ...(asg?.managedScaling ? { managedScaling: asg.managedScaling } : {}),
    ...(asg?.managedTerminationProtection ? { managedTerminationProtection: asg.managedTerminationProtection } : {}),
    ...(asg?.managedDraining ? { managedDraining: asg.managedDraining } : {}),
  } as Parameters<typeof providerShape>[0]);
}

/** `my-asg` from `arn:aws:autoscaling:...:autoScalingGroupName/my-asg` or from `my-asg`. */
export function autoScalingGroupName(arnOrName: string): string {
  const marker = 'autoScalingGroupName/';
  const at = arnOrName.indexOf(marker);
  return at >= 0 ? arnOrName.slice(at + marker.length) : arnOrName;
}
