// Runs the EcsScheduledTask reconciler for objects from the Kubernetes API: the finalizer around it
// (deletion removes the schedule or rule unless deletionPolicy is Retain), status (with drift) and
// Events after it. The target's task definition and cluster are resolved from the informers'
// caches, as a service's are, so following a new revision costs no API call.
import type { EcsScheduledTask, EcsScheduledTaskStatus } from '../api/index.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../controller/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import { cleanupScheduledTask, reconcileScheduledTask } from '../reconcile/scheduledtask/index.js';
import { referringCore, type ReferringDeps } from './references.js';
import { FINALIZER } from './resources.js';
import { judgeReconcile, reportCleanup, reportRefused, writeStatus } from './status-binding.js';
import { actingSpec } from './accounts.js';

export interface ScheduledTaskReconcilerDeps extends ReferringDeps {
  client: ResourceClient<EcsScheduledTask>;
  status: StatusWriter<EcsScheduledTaskStatus, EcsScheduledTask>;
  events: EventRecorder;
}

export class ScheduledTaskReconciler implements Reconciler<EcsScheduledTask> {
  constructor(private readonly deps: ScheduledTaskReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsScheduledTask>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const account = await deps.accounts.resolve(namespace, actingSpec(cached));
    if (account.kind === 'refused') return reportRefused(deps, cached, account, ctx);
    const core = referringCore(deps, account, 'EcsScheduledTask', namespace, ctx.name, cached.metadata.uid);

    return withFinalizer(deps.client, FINALIZER, cached, async (event) => {
      if (event.kind === 'cleanup') return reportCleanup(deps, event.object, await cleanupScheduledTask(event.object, core), ctx);
      const { out, now, next } = await judgeReconcile(deps, event.object, 'EcsScheduledTask', ctx, () => reconcileScheduledTask(event.object, core, { dryRun: false }));
      await writeStatus(deps.status, event.object, out.status, next.conditions, now, out.specDigest);
      return next.result;
    });
  }
}
