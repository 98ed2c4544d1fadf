// Defaults that depend on other fields, applied in code rather than as OpenAPI defaults: the API
// server cannot default one field from another, and writing them into spec would make the
// operator fight Argo CD over fields the user never wrote.
import type { EcsService, EcsTaskDefinition } from './resources.js';

export const DEFAULT_REVISION_HISTORY_LIMIT = 5;
/** As a Deployment's progressDeadlineSeconds. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** The ECS service name: spec.serviceName, else metadata.name. */
/**
 * The ECS cluster (name or ARN) of a service: spec.cluster, which the service reconciler's caller
 * fills in from spec.clusterRef once that EcsCluster is Ready (src/reconcile/ecs-service.ts).
 */
export function clusterOf(svc: Pick<EcsService, 'spec'>): string {
  if (svc.spec.cluster === undefined) throw new Error(`spec.clusterRef ${svc.spec.clusterRef?.name ?? ''} was not resolved to an ECS cluster`);
  return svc.spec.cluster;
}

export function serviceNameOf(svc: Pick<EcsService, 'metadata' | 'spec'>): string {
  return svc.spec.serviceName ?? svc.metadata.name;
}

/** The task definition family: spec.family, else metadata.name. */
export function familyOf(td: Pick<EcsTaskDefinition, 'metadata' | 'spec'>): string {
  return td.spec.family ?? td.metadata.name;
}

export function progressDeadlineSecondsOf(svc: Pick<EcsService, 'spec'>): number {
  return svc.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

export function revisionHistoryLimitOf(td: Pick<EcsTaskDefinition, 'spec'>): number {
  return td.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
}

// driftPolicy and deletionPolicy have OpenAPI defaults, so objects from the API server or from
// validateManifest always carry them; these cover objects built in code.
export function driftPolicyOf(obj: { spec: { driftPolicy?: 'Correct' | 'Report' } }): 'Correct' | 'Report' {
  return obj.spec.driftPolicy ?? 'Correct';
}

export function deletionPolicyOf(obj: { spec: { deletionPolicy?: 'Delete' | 'Retain' } }): 'Delete' | 'Retain' {
  return obj.spec.deletionPolicy ?? 'Delete';
}
