// Runs the EcsService reconciler (service + scaling) for objects from the Kubernetes API: the
// finalizer around it, status (with drift) and Events after it. A taskDefinitionRef is resolved
// from the task definition informer's cache, so following a new revision costs no API call, and a
// clusterRef from the cluster informer's cache.
import type { ActionRecord, EcsService, EcsServiceStatus, ServiceAction } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../controller/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import { cleanupEcsService, reconcileEcsService } from '../reconcile/ecs-service.js';
import { carryOutActions } from '../reconcile/service/actions.js';
import { referringCore, type ReferringDeps } from './references.js';
import { onLookGrid } from './look-grid.js';
import { FINALIZER } from './resources.js';
import { judgeReconcile, recordEvents, reportCleanup, reportRefused, writeStatus } from './status-binding.js';
import { actingSpec } from './accounts.js';

export interface ServiceReconcilerDeps extends ReferringDeps {
  client: ResourceClient<EcsService>;
  status: StatusWriter<EcsServiceStatus, EcsService>;
  events: EventRecorder;
}

export class ServiceReconciler implements Reconciler<EcsService> {
  constructor(private readonly deps: ServiceReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsService>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const account = await deps.accounts.resolve(namespace, actingSpec(cached));
    if (account.kind === 'refused') return reportRefused(deps, cached as EcsService, account, ctx);
    const core = referringCore(deps, account, 'EcsService', namespace, ctx.name, cached.metadata.uid, { withSpec: true });

    return withFinalizer(deps.client, FINALIZER, cached as EcsService, async (event) => {
      if (event.kind === 'cleanup') return reportCleanup(deps, event.object, await cleanupEcsService(event.object, core), ctx);
      const acted = await this.carryOutActions(event.object, core.aws);
      const { out, now, next } = await judgeReconcile(deps, acted, 'EcsService', ctx, () => reconcileEcsService(acted, core, { dryRun: false }));
      await writeStatus(deps.status, acted, out.status, next.conditions, now, out.specDigest);
      return onLookGrid(next.result, deps.now().getTime());
    });
  }

  /**
   * Carries out the rollback and restart annotations, recording each in status before and after its
   * AWS call. Answers the object as status now holds it (with the rollout a restart started), which
   * the reconcile then goes on from.
   */
  private async carryOutActions(svc: EcsService, aws: AwsAdapter): Promise<EcsService> {
    let current = svc;
    const record = async (action: ServiceAction, next: ActionRecord) => {
      const written = await this.deps.status.update(current, (status = {}) => {
        const stored = status.actions?.[action];
        if (next.phase === 'Started' && stored?.value === next.value) return status;
        return { ...status, actions: { ...status.actions, [action]: next } };
      });
      if (written.kind !== 'gone') current = written.object;
      return current.status?.actions?.[action];
    };
    const acted = await carryOutActions(svc, { aws, now: this.deps.now, record });
    recordEvents(this.deps.events, current, acted.events);
    return acted.rollout ? { ...current, status: { ...current.status, rollout: acted.rollout } } : current;
  }
}
