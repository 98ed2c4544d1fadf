// Looks at services in progress land on a shared grid: services created or rolled out within a
// few seconds of each other are then read in the same instant, and their reads share
// DescribeServices calls of 10 (src/aws/service-observer.ts batches reads made within its window),
// instead of each costing a call of its own at its own time. A look comes at most half a grid
// step earlier or later than the reconcile asked; shorter waits (a retry, a replacement's next
// step) are left as they are. The looks ECS's events ask for (the events queue) wait for the next
// grid instant too, so that services with events a moment apart, and the polls due then, share.
import type { ReconcileResult } from '../controller/reconciler.js';
import { ROLLOUT_POLL_MS } from '../reconcile/service/rollout.js';

export function onLookGrid(result: ReconcileResult, nowMs: number, gridMs = ROLLOUT_POLL_MS): ReconcileResult {
  if (result.kind !== 'requeue' || result.afterMs < gridMs) return result;
  const aligned = Math.round((nowMs + result.afterMs) / gridMs) * gridMs;
  return { kind: 'requeue', afterMs: Math.max(gridMs / 2, aligned - nowMs) };
}

/** How long until the next instant of the grid (more than 0, at most one step). */
export function untilNextGridLook(nowMs: number, gridMs = ROLLOUT_POLL_MS): number {
  return (Math.floor(nowMs / gridMs) + 1) * gridMs - nowMs;
}
