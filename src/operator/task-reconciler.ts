// Runs the EcsTask reconciler for objects from the Kubernetes API: the finalizer around it
// (deleting the object stops its running tasks unless deletionPolicy is Retain), status and
// Events after it. Its references are resolved from the informer caches, as a service's are; a
// task definition counts as resolved once it registered the revision of its current generation,
// so a task applied together with a changed task definition runs the new revision.
import type { EcsTask, EcsTaskStatus } from '../api/index.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../controller/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import { cleanupTask, reconcileTask } from '../reconcile/task/index.js';
import { referringCore, type ReferringDeps } from './references.js';
import { FINALIZER } from './resources.js';
import { nextAttempt, recordEvents, reportCleanup, reportRefused, withPause, writeStatus } from './status-binding.js';
import { actingSpec } from './accounts.js';

export interface TaskReconcilerDeps extends ReferringDeps {
  client: ResourceClient<EcsTask>;
  status: StatusWriter<EcsTaskStatus, EcsTask>;
  events: EventRecorder;
}

export class TaskReconciler implements Reconciler<EcsTask> {
  constructor(private readonly deps: TaskReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsTask>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const account = await deps.accounts.resolve(namespace, actingSpec(cached));
    if (account.kind === 'refused') return reportRefused(deps, cached, account, ctx);
    const core = referringCore(deps, account, 'EcsTask', namespace, ctx.name, cached.metadata.uid, { currentGeneration: true });

    return withFinalizer(deps.client, FINALIZER, cached, async (event) => {
      if (event.kind === 'cleanup') return reportCleanup(deps, event.object, await cleanupTask(event.object, core), ctx);
      const out = withPause(event.object, await reconcileTask(event.object, core, { dryRun: false }));
      const now = deps.now();
      recordEvents(deps.events, event.object, out.events, out.conditions);
      const next = nextAttempt(event.object, out, ctx.failingSince, now);
      await writeStatus(deps.status, event.object, out.status, next.conditions, now);
      return next.result;
    });
  }
}
