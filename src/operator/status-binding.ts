// Writes what a reconcile decided into an object's status and Events: the one place where the
// source-agnostic outcome of src/reconcile meets the Kubernetes API.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventRecorder } from '../kube/events.js';
import { setConditions, type Condition } from '../kube/conditions.js';
import type { StatusWriter } from '../kube/status.js';
import type { ConditionUpdate, OperatorEvent } from '../reconcile/outcome.js';

type Object<S> = KubernetesObject & { status?: S };
type WithConditions = { conditions?: Condition[]; observedGeneration?: number; reconciledGeneration?: number; reconciledSpecDigest?: string };

/**
 * Replaces status with `next` (when given), stamps observedGeneration and merges the conditions,
 * keeping lastTransitionTime of those whose status did not change. Once Synced (all changes carried
 * out), reconciledGeneration moves to this generation and reconciledSpecDigest to `specDigest`,
 * the digest of what was carried out; otherwise both stay: the digest is what later tells drift
 * from a manifest edit. A status that ends up equal to the current one is not written.
 */
export async function writeStatus<S extends WithConditions, T extends Object<S>>(
  writer: StatusWriter<S, T>,
  object: T,
  next: Omit<S, 'conditions' | 'observedGeneration' | 'reconciledGeneration' | 'reconciledSpecDigest'> | undefined,
  conditions: readonly ConditionUpdate[],
  now: Date,
  specDigest?: string,
): Promise<void> {
  await writer.update(object, (current, fresh) => {
    const generation = fresh.metadata?.generation;
    const base = (next ?? current ?? {}) as S;
    const synced = conditions.some((c) => c.type === 'Synced' && c.status === 'True');
    const reconciledGeneration = synced ? generation : current?.reconciledGeneration;
    const reconciledSpecDigest = synced && specDigest !== undefined ? specDigest : current?.reconciledSpecDigest;
    return {
      ...base,
      observedGeneration: generation,
      ...(reconciledGeneration === undefined ? {} : { reconciledGeneration }),
      ...(reconciledSpecDigest === undefined ? {} : { reconciledSpecDigest }),
      conditions: setConditions(current?.conditions, conditions.map((c) => ({ ...c, observedGeneration: generation })), now),
    } as S;
  });
}

/** Every change made in AWS and every failure becomes an Event on the object. */
export function recordEvents(recorder: EventRecorder, object: KubernetesObject, events: readonly OperatorEvent[]): void {
  for (const e of events) recorder.record(object, { type: e.type, reason: e.reason, action: e.reason, note: e.message });
}
