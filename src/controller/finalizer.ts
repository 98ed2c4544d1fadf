// Deletion as an explicit event, after kube-rs's `finalizer` helper. The reconciler's handler sees
// either `apply` (the object lives: converge) or `cleanup` (it is being deleted: tear down what it
// owns), and this helper owns the finalizer bookkeeping around them:
//   - the finalizer is added before `apply` runs, so it is in place before the first external
//     write and a deletion can never race past the cleanup;
//   - `cleanup` runs while the finalizer holds the object; when it returns `done` the finalizer
//     is removed and Kubernetes completes the deletion. `requeue` keeps it (cleanup in progress).
// Whether cleanup touches anything (deletionPolicy: Retain) is the handler's decision.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ReconcileResult } from './reconciler.js';
import { isNotFound } from '../kube/errors.js';
import type { JsonPatchOperation } from '../kube/resource.js';

export type FinalizerEvent<T> = { kind: 'apply'; object: T } | { kind: 'cleanup'; object: T };

/** The one API call the helper makes; ResourceClient provides it. */
export interface FinalizerClient<T> {
  patch(namespace: string, name: string, ops: JsonPatchOperation[]): Promise<T>;
}

export async function withFinalizer<T extends KubernetesObject>(
  client: FinalizerClient<T>,
  finalizer: string,
  object: T,
  handle: (event: FinalizerEvent<T>) => Promise<ReconcileResult>,
): Promise<ReconcileResult> {
  const { namespace = '', name = '' } = object.metadata ?? {};
  const finalizers = object.metadata?.finalizers ?? [];
  const index = finalizers.indexOf(finalizer);

  if (object.metadata?.deletionTimestamp) {
    // Deleting without our finalizer: either cleanup already finished or we never started.
    if (index < 0) return { kind: 'done' };
    const result = await handle({ kind: 'cleanup', object });
    if (result.kind !== 'done') return result;
    // The `test` makes the removal conditional on the list still holding our finalizer at that
    // index, so a concurrent edit of the list fails the patch (and the reconcile retries) instead
    // of removing someone else's finalizer.
    try {
      await client.patch(namespace, name, [
        { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ]);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return result;
  }

  if (index >= 0) return handle({ kind: 'apply', object });

  // A `test` of the current list (null when absent) makes the add conditional in the same way.
  const withOurs = await client.patch(
    namespace,
    name,
    object.metadata?.finalizers
      ? [
          { op: 'test', path: '/metadata/finalizers', value: finalizers },
          { op: 'add', path: '/metadata/finalizers/-', value: finalizer },
        ]
      : [
          { op: 'test', path: '/metadata/finalizers', value: null },
          { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
        ],
  );
  return handle({ kind: 'apply', object: withOurs });
}
