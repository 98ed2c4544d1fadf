// Runs the EcsCluster reconciler for objects from the Kubernetes API: the finalizer around it
// (deletion waits until ECS holds no service or task in the cluster), status (with drift) and
// Events after it. Services that name the cluster by clusterRef are requeued by the service
// controller's watch on clusters when this status says Ready.
import type { EcsCluster, EcsClusterStatus } from '../api/index.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../controller/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import { cleanupCluster, reconcileCluster } from '../reconcile/cluster/index.js';
import { FINALIZER } from './resources.js';
import { judgeReconcile, reportCleanup, reportRefused, writeStatus } from './status-binding.js';
import { actingSpec, ownerAccount, type AccountGate } from './accounts.js';

export interface ClusterReconcilerDeps {
  client: ResourceClient<EcsCluster>;
  status: StatusWriter<EcsClusterStatus, EcsCluster>;
  events: EventRecorder;
  /** The adapter of the object's namespace's AWS account, or why it may not act. */
  accounts: AccountGate;
  clusterId: string;
  now(): Date;
  /** See Reporter.checkTimeRefreshMs (src/operator/status-binding.ts). */
  checkTimeRefreshMs?: number;
}

export class ClusterReconciler implements Reconciler<EcsCluster> {
  constructor(private readonly deps: ClusterReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsCluster>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const account = await deps.accounts.resolve(namespace, actingSpec(cached));
    if (account.kind === 'refused') return reportRefused(deps, cached, account, ctx);
    const owner = { clusterId: deps.clusterId, kind: 'EcsCluster' as const, namespace, name: ctx.name, uid: cached.metadata.uid, ...ownerAccount(account) };
    const core = { aws: account.aws, owner, now: deps.now };

    return withFinalizer(deps.client, FINALIZER, cached, async (event) => {
      if (event.kind === 'cleanup') return reportCleanup(deps, event.object, await cleanupCluster(event.object, core), ctx);
      const { out, now, next } = await judgeReconcile(deps, event.object, 'EcsCluster', ctx, () => reconcileCluster(event.object, core, { dryRun: false }));
      await writeStatus(deps.status, event.object, out.status, next.conditions, now, out.specDigest);
      return next.result;
    });
  }
}
