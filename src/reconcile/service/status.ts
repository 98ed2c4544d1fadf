// The status an EcsService shows: what the operator resolved and asked for, and what ECS runs.
import type { Service } from '@aws-sdk/client-ecs';
import type { EcsServiceStatus, RolloutStatus } from '../../api/index.js';
import type { DesiredService } from './desired.js';
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

export function serviceStatus(previous: ServiceStatus, desired: DesiredService, service: Service | undefined, rollout: RolloutStatus | undefined): ServiceStatus {
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
  if (!service) return next;
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
