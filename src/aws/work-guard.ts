// Refuses to send an AWS request, first attempt or retry, once the reconcile it belongs to may no
// longer act (its shard was lost or handed back, see src/observability/work-context.ts): another
// replica may be reconciling the same object by then, and two writers would each act on what they
// last saw. A request already on the wire cannot be called back; the shard's renew deadline,
// shorter than the Lease duration, is the margin for those.
import type { Pluggable } from '@smithy/types';
import { assertMayAct } from '../observability/work-context.js';

export function workGuardPlugin<I extends object, O extends object>(): Pluggable<I, O> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          assertMayAct();
          return next(args);
        },
        // finalizeRequest runs once per attempt, inside the SDK's retry loop; `low`, added after the
        // ECS pacer, so it is asked after any wait for a token and before the call is counted.
        { step: 'finalizeRequest', priority: 'low', name: 'ecsOperatorWorkGuard' },
      );
    },
  };
}
