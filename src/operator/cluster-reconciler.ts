// Runs the EcsCluster reconciler for objects from the Kubernetes API: the finalizer around it
// (deletion waits until ECS holds no service or task in the cluster), status (with drift) and
// Events after it. Services that name the cluster by clusterRef are requeued by the service
// controller's watch on clusters when this status says Ready.
import type { EcsCluster, EcsClusterStatus } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../kube/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import { recordDrift } from '../observability/metrics.js';
import { cleanupCluster, reconcileCluster } from '../reconcile/cluster/index.js';
import { withDrift } from '../reconcile/drift.js';
import { FINALIZER } from './resources.js';
import { markDriftUnknown, nextAttempt, recordEvents, writeStatus } from './status-binding.js';

export interface ClusterReconcilerDeps {
  client: ResourceClient<EcsCluster>;
  status: StatusWriter<EcsClusterStatus, EcsCluster>;
  events: EventRecorder;
  aws: AwsAdapter;
  clusterId: string;
  now(): Date;
}

export class ClusterReconciler implements Reconciler<EcsCluster> {
  constructor(private readonly deps: ClusterReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsCluster>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const owner = { clusterId: deps.clusterId, kind: 'EcsCluster' as const, namespace, name: ctx.name, uid: cached.metadata.uid };
    const core = { aws: deps.aws, owner, now: deps.now };

    return withFinalizer(deps.client, FINALIZER, cached, async (event) => {
      if (event.kind === 'cleanup') {
        const out = await cleanupCluster(event.object, core);
        recordEvents(deps.events, event.object, out.events, out.conditions);
        if (out.done) return done();
        const now = deps.now();
        const next = nextAttempt(event.object, { ...out, requeueAfterMs: out.requeueAfterMs ?? 5_000 }, ctx.failingSince, now);
        await writeStatus(deps.status, event.object, undefined, next.conditions, now);
        return next.result;
      }
      let reconciled;
      try {
        reconciled = await reconcileCluster(event.object, core, { dryRun: false });
      } catch (err) {
        await markDriftUnknown(deps.status, event.object, err, deps.now(), ctx.log);
        throw err;
      }
      const now = deps.now();
      const out = withDrift(event.object, reconciled, now);
      recordDrift('EcsCluster', namespace, ctx.name, out.status.drift.detected, out.applied && out.conditions.some((c) => c.type === 'Drifted' && c.reason === 'DriftCorrected'));
      recordEvents(deps.events, event.object, out.events, out.conditions);
      const next = nextAttempt(event.object, out, ctx.failingSince, now);
      await writeStatus(deps.status, event.object, out.status, next.conditions, now, out.specDigest);
      return next.result;
    });
  }
}
