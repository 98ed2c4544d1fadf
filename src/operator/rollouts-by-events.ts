// With the events queue read, a rollout in progress is followed by ECS's own events (deployment
// state changes, task state changes, steady state), which requeue the service the moment something
// happens: polling it every few seconds would only repeat DescribeServices. A slow poll stays, as
// the safety net for a lost event and for the progress deadline.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsService } from '../api/index.js';
import { requeueAfter, type Reconciler } from '../controller/reconciler.js';

/** How often a rollout is still looked at while events follow it (the slowest rollout poll). */
export const ROLLOUT_SAFETY_POLL_MS = 60_000;

/**
 * The service reconciler, with the requeue of a rollout in progress stretched to the safety poll
 * while `eventsFlowing()`. Not while the object is being deleted or replaces an earlier service:
 * a draining service sends no event the operator maps back to the object.
 */
export function followRolloutsByEvents(reconciler: Reconciler<EcsService>, eventsFlowing: () => boolean): Reconciler<EcsService> {
  return {
    async reconcile(key, ctx) {
      const result = await reconciler.reconcile(key, ctx);
      const svc = ctx.object;
      const rollingOut = svc?.status?.rollout?.state === 'IN_PROGRESS' && (svc as KubernetesObject).metadata?.deletionTimestamp === undefined && (svc.status.previousServices ?? []).length === 0;
      if (result.kind === 'requeue' && result.afterMs < ROLLOUT_SAFETY_POLL_MS && rollingOut && eventsFlowing()) return requeueAfter(ROLLOUT_SAFETY_POLL_MS);
      return result;
    },
    ...(reconciler.onTerminalError ? { onTerminalError: reconciler.onTerminalError.bind(reconciler) } : {}),
  };
}
