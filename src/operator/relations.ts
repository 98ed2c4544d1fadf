// What one kind reads of another, for the update predicates of the controllers' relations: an
// update that changes none of it cannot change the outcome of a reconcile of the objects that
// refer to it, so it enqueues none of them. (Resyncs still reconcile everything.)
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsScheduledTask, EcsService, EcsTaskDefinition } from '../api/index.js';
import { selectionChanged } from '../controller/predicates.js';

const deleting = (obj: KubernetesObject) => obj.metadata?.deletionTimestamp !== undefined;

/**
 * What a task definition's reconcile reads of an EcsService (task-definition-reconciler.ts):
 * the object it references and the revisions it runs (deletion waits for them, and
 * revisionHistoryLimit keeps them). A rollout's counts or conditions are none of its business.
 */
export const serviceUseOfTaskDefinitionChanged = selectionChanged((svc: EcsService) => ({
  ref: svc.spec.taskDefinitionRef?.name,
  deleting: deleting(svc as KubernetesObject),
  running: [svc.status?.taskDefinitionArn, ...(svc.status?.deployments ?? []).map((d) => d.taskDefinitionArn)],
}));

/** The same for an EcsScheduledTask: the object its target references and the revision it starts. */
export const scheduleUseOfTaskDefinitionChanged = selectionChanged((st: EcsScheduledTask) => ({
  ref: st.spec.target.taskDefinitionRef?.name,
  deleting: deleting(st as KubernetesObject),
  starts: st.status?.taskDefinitionArn,
}));

/**
 * What the kinds that run a task definition read of it (references.ts, taskDefinitionRefFrom):
 * whether it is being deleted, its spec's generation, the revision it published and for which
 * generation. Its conditions and status.registering do not move them.
 */
export const publishedRevisionChanged = selectionChanged((td: EcsTaskDefinition) => ({
  deleting: deleting(td as KubernetesObject),
  generation: td.metadata.generation,
  observedGeneration: td.status?.observedGeneration,
  arn: td.status?.taskDefinitionArn,
}));
