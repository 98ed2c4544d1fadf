// Which updates of a watched object are worth a reconcile. The operator's own status writes come
// back as watch events; reconciling on them would double every reconcile (and, with a status
// timestamp, never stop), so the default ignores updates that only touched status.
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';

export type UpdatePredicate<T> = (old: T, next: T) => boolean;

/**
 * True when the spec changed (generation moved) or metadata a reconciler acts on did: deletion
 * started, finalizers, labels or annotations. Objects without a generation (no status
 * subresource) are compared whole, minus status and bookkeeping.
 */
export function specOrMetadataChanged<T extends KubernetesObject>(old: T, next: T): boolean {
  const a = old.metadata ?? {};
  const b = next.metadata ?? {};
  if (a.generation === undefined || b.generation === undefined) return !isDeepStrictEqual(withoutBookkeeping(old), withoutBookkeeping(next));
  return (
    a.generation !== b.generation ||
    String(a.deletionTimestamp ?? '') !== String(b.deletionTimestamp ?? '') ||
    !isDeepStrictEqual(a.finalizers ?? [], b.finalizers ?? []) ||
    !isDeepStrictEqual(a.labels ?? {}, b.labels ?? {}) ||
    !isDeepStrictEqual(a.annotations ?? {}, b.annotations ?? {})
  );
}

function withoutBookkeeping(obj: KubernetesObject): unknown {
  const { status: _status, metadata, ...rest } = obj as KubernetesObject & { status?: unknown };
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata ?? {};
  return { ...rest, metadata: meta };
}

/**
 * An update predicate for a relation: true when what `select` reads of the object differs
 * between the two versions. A related object's other changes (most of them its own status
 * writes) then wake none of the objects that refer to it.
 */
export function selectionChanged<T>(select: (obj: T) => unknown): UpdatePredicate<T> {
  return (old, next) => !isDeepStrictEqual(select(old), select(next));
}
