// While the events queue is read, a rollout in progress is followed by ECS's events and polled only
// as a safety net; without events, or for anything but a rollout, the reconciler's requeue stands.
import { describe, expect, it } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { requeueAfter, type ReconcileContext, type ReconcileResult, type Reconciler } from '../../../src/controller/reconciler.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { followRolloutsByEvents, ROLLOUT_SAFETY_POLL_MS } from '../../../src/operator/rollouts-by-events.js';

const service = (status: Record<string, unknown>, deleting = false) =>
  ({ apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: { name: 'web', namespace: 'shop', ...(deleting ? { deletionTimestamp: '2026-12-07T06:00:00Z' } : {}) }, spec: {}, status }) as unknown as EcsService;
const ctx = (object: EcsService): ReconcileContext<EcsService> => ({ key: 'shop/web', namespace: 'shop', name: 'web', object, log: silentLogger(), signal: new AbortController().signal, failingSince: undefined });
const answering = (result: ReconcileResult): Reconciler<EcsService> => ({ reconcile: async () => result });

describe('followRolloutsByEvents', () => {
  const rolling = service({ rollout: { state: 'IN_PROGRESS' } });

  it('polls a rollout in progress only at the safety period while events flow', async () => {
    const r = followRolloutsByEvents(answering(requeueAfter(5_000)), () => true);
    expect(await r.reconcile('shop/web', ctx(rolling))).toEqual(requeueAfter(ROLLOUT_SAFETY_POLL_MS));
  });

  it('keeps the poll when the queue cannot be read', async () => {
    const r = followRolloutsByEvents(answering(requeueAfter(5_000)), () => false);
    expect(await r.reconcile('shop/web', ctx(rolling))).toEqual(requeueAfter(5_000));
  });

  it('keeps any other requeue: no rollout, a deletion, a replacement, or a result that is not a requeue', async () => {
    const r = followRolloutsByEvents(answering(requeueAfter(5_000)), () => true);
    expect(await r.reconcile('shop/web', ctx(service({ rollout: { state: 'COMPLETED' } })))).toEqual(requeueAfter(5_000));
    expect(await r.reconcile('shop/web', ctx(service({ rollout: { state: 'IN_PROGRESS' } }, true)))).toEqual(requeueAfter(5_000));
    expect(await r.reconcile('shop/web', ctx(service({ rollout: { state: 'IN_PROGRESS' }, previousServices: [{ serviceName: 'web', clusterArn: 'c', region: 'us-east-1' }] })))).toEqual(requeueAfter(5_000));
    expect(await followRolloutsByEvents(answering({ kind: 'done' }), () => true).reconcile('shop/web', ctx(rolling))).toEqual({ kind: 'done' });
  });
});
