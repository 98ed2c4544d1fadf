// The custom resources as the Kubernetes runtime addresses them, and the finalizer that holds
// an object until its AWS resources are cleaned up.
import { ACCOUNT_KIND, ACCOUNT_NAMES, GROUP, KINDS, PLURALS, VERSION } from '../api/index.js';
import type { ResourceType } from '../kube/resource.js';

export const CLUSTERS: ResourceType = { group: GROUP, version: VERSION, plural: PLURALS.EcsCluster, kind: KINDS.EcsCluster };
export const TASK_DEFINITIONS: ResourceType = { group: GROUP, version: VERSION, plural: PLURALS.EcsTaskDefinition, kind: KINDS.EcsTaskDefinition };
export const SERVICES: ResourceType = { group: GROUP, version: VERSION, plural: PLURALS.EcsService, kind: KINDS.EcsService };
export const TASKS: ResourceType = { group: GROUP, version: VERSION, plural: PLURALS.EcsTask, kind: KINDS.EcsTask };
export const SCHEDULED_TASKS: ResourceType = { group: GROUP, version: VERSION, plural: PLURALS.EcsScheduledTask, kind: KINDS.EcsScheduledTask };
/** Cluster-scoped: addressed with the namespace ''. */
export const ACCOUNTS: ResourceType = { group: GROUP, version: VERSION, plural: ACCOUNT_NAMES.plural, kind: ACCOUNT_KIND };

export const FINALIZER = `${GROUP}/finalizer`;
