// Runs the task definition reconciler for objects from the Kubernetes API: the finalizer around
// it, status and Events after it. Services that run one of its revisions are read from the
// service informer's cache (and schedules that start one, from theirs), so deletion waits for them
// without a single API call.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsScheduledTask, EcsService, EcsTaskDefinition, EcsTaskDefinitionStatus } from '../api/index.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../controller/finalizer.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import type { Store } from '../kube/store.js';
import { cleanupTaskDefinition, reconcileTaskDefinition, type RegistrationIntent } from '../reconcile/taskdefinition/reconcile.js';
import { FINALIZER } from './resources.js';
import { servicesReferencing, servicesRunning } from './service-indexes.js';
import { judgeReconcile, reportCleanup, reportRefused, writeStatus } from './status-binding.js';
import { actingSpec, ownerAccount, type AccountGate } from './accounts.js';

export interface TaskDefinitionReconcilerDeps {
  client: ResourceClient<EcsTaskDefinition>;
  status: StatusWriter<EcsTaskDefinitionStatus, EcsTaskDefinition>;
  services: Store<EcsService>;
  scheduledTasks: Store<EcsScheduledTask>;
  events: EventRecorder;
  /** The adapter of the object's namespace's AWS account, or why it may not act. */
  accounts: AccountGate;
  clusterId: string;
  now(): Date;
  /** How old a copy of a recorded revision may be before a reconcile reads it again; the default when undefined. */
  recheckAfterMs?(): number | undefined;
}

export class TaskDefinitionReconciler implements Reconciler<EcsTaskDefinition> {
  /**
   * The status this reconciler last wrote, by uid. The operator is the only writer of status, so
   * its last write is the truth while the informer cache may still lag behind it: a reconcile
   * triggered right after a registration (by a service changing) would otherwise see no status
   * and search the family again.
   */
  private readonly written = new Map<string, { uid: string | undefined; status: EcsTaskDefinitionStatus }>();
  /** The generation whose recorded revision a reconcile last read afresh, by key. */
  private readonly readAfresh = new Map<string, number>();

  constructor(private readonly deps: TaskDefinitionReconcilerDeps) {}

  async reconcile(key: string, ctx: ReconcileContext<EcsTaskDefinition>): Promise<ReconcileResult> {
    const fromCache = ctx.object;
    if (!fromCache) {
      this.written.delete(key);
      this.readAfresh.delete(key);
      return done();
    }
    const uid = fromCache.metadata.uid;
    const last = this.written.get(key);
    const cached = withStatusWritten(fromCache, last?.uid === uid ? last?.status : undefined);
    const { deps } = this;
    const account = await deps.accounts.resolve(ctx.namespace ?? '', actingSpec(cached));
    if (account.kind === 'refused') return reportRefused(deps, cached, account, ctx);
    const owner = { clusterId: deps.clusterId, kind: 'EcsTaskDefinition' as const, namespace: ctx.namespace ?? '', name: ctx.name, uid: cached.metadata.uid, ...ownerAccount(account) };
    const services = servicesOf(deps.services, cached);
    const schedules = scheduledTasksOf(deps.scheduledTasks, cached);
    const core = { aws: account.aws, owner, now: deps.now, revisionsInUse: new Set([...services, ...schedules].map((s) => s.arn)), recheckAfterMs: deps.recheckAfterMs?.() };

    return withFinalizer(deps.client, FINALIZER, cached as EcsTaskDefinition, async (event) => {
      if (event.kind === 'cleanup') {
        const out = await cleanupTaskDefinition(event.object, core, { servicesUsing: services.map((s) => s.name), scheduledTasksUsing: schedules.map((s) => s.name) });
        if (out.done) this.written.delete(key);
        return reportCleanup(deps, event.object, out, ctx, true);
      }
      // The object as last written: the final status write then carries its resourceVersion.
      let latest = event.object;
      const recordRegistration = async (registering: RegistrationIntent) => {
        const written = await deps.status.update(latest, (status) => ({ ...status, registering }));
        if (written.kind === 'gone') throw new Error(`EcsTaskDefinition ${key} was deleted before its registration was recorded`);
        latest = written.object;
        this.written.set(key, { uid, status: { ...latest.status, registering } });
      };
      // A new generation is a person's edit (a driftPolicy switched to Report, say): the recorded
      // revision is read afresh, tags included, where a resync only checks that it is still ACTIVE
      // and takes its tags from a copy up to an hour old (TaskDefinitionCache.current).
      // Once per generation: the reconciles that follow before the cache shows the status written
      // (a service rolling to a new revision wakes this object at once) take the copy just read.
      const recorded = event.object.status?.taskDefinitionArn;
      const { generation } = event.object.metadata;
      if (recorded && generation !== event.object.status?.observedGeneration && this.readAfresh.get(key) !== generation) {
        account.aws.region(event.object.status?.region ?? event.object.spec.region).taskDefinitions.forget(recorded);
      }
      if (generation !== undefined) this.readAfresh.set(key, generation);
      // No check time in status.drift: services watch this object's status, and their status
      // writes wake it in turn, so a status that changed at every reconcile would never settle.
      const reconcile = () => reconcileTaskDefinition(event.object, { ...core, recordRegistration }, { dryRun: false });
      const { out, now, next } = await judgeReconcile(deps, event.object, 'EcsTaskDefinition', ctx, reconcile, { checkTime: false });
      // A new revision in status reaches the services that reference this object through the
      // service controller's watch on task definitions: no polling delay.
      await writeStatus(deps.status, latest, out.status, next.conditions, now, out.specDigest);
      this.written.set(key, { uid, status: out.status });
      return next.result;
    });
  }
}

const isDeleting = (obj: KubernetesObject) => obj.metadata?.deletionTimestamp !== undefined;

/**
 * The object with the status this reconciler last wrote, where the cache has not caught up with
 * it: another spec's revision, a registration recorded as started, or a revision that replaced
 * one deleted outside the operator. Any of these, seen stale, would make a reconcile register
 * again (CI once saw a replaced revision registered three times by reconciles queued behind it).
 */
export function withStatusWritten(fromCache: EcsTaskDefinition, written: EcsTaskDefinitionStatus | undefined): EcsTaskDefinition {
  const cachedStatus = fromCache.status;
  const lags =
    written !== undefined &&
    (written.specHash !== cachedStatus?.specHash ||
      written.taskDefinitionArn !== cachedStatus?.taskDefinitionArn ||
      written.registering?.specHash !== cachedStatus?.registering?.specHash);
  return lags ? { ...fromCache, status: { ...cachedStatus, ...written } } : fromCache;
}

/** EcsServices in the same namespace that reference `td` or run one of its revisions. */
function servicesOf(services: Store<EcsService>, td: EcsTaskDefinition): { name: string; arn: string }[] {
  const ours = new Set((td.status?.revisions ?? []).map((r) => r.taskDefinitionArn));
  if (td.status?.taskDefinitionArn) ours.add(td.status.taskDefinitionArn);
  // Only the services the indexes name, not every cached one; by name, so the order is stable.
  const candidates = new Map<string, EcsService>();
  for (const svc of [...servicesReferencing(services, td.metadata.namespace, td.metadata.name), ...servicesRunning(services, td.metadata.namespace, ours)]) {
    candidates.set(svc.metadata.name, svc);
  }
  const found: { name: string; arn: string }[] = [];
  for (const svc of [...candidates.values()].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    if (svc.metadata.namespace !== td.metadata.namespace) continue;
    const running = [svc.status?.taskDefinitionArn, ...(svc.status?.deployments ?? []).map((d) => d.taskDefinitionArn)];
    for (const arn of running) {
      if (arn && ours.has(arn)) found.push({ name: svc.metadata.name, arn });
    }
    if (svc.spec.taskDefinitionRef?.name === td.metadata.name && !isDeleting(svc) && !found.some((f) => f.name === svc.metadata.name)) {
      found.push({ name: svc.metadata.name, arn: svc.status?.taskDefinitionArn ?? '' });
    }
  }
  return found;
}

/** EcsScheduledTasks in the same namespace whose target references `td` or starts one of its revisions. */
function scheduledTasksOf(scheduled: Store<EcsScheduledTask>, td: EcsTaskDefinition): { name: string; arn: string }[] {
  const ours = new Set((td.status?.revisions ?? []).map((r) => r.taskDefinitionArn));
  if (td.status?.taskDefinitionArn) ours.add(td.status.taskDefinitionArn);
  return scheduled
    .list()
    .filter((st) => st.metadata.namespace === td.metadata.namespace)
    .filter((st) => (st.spec.target.taskDefinitionRef?.name === td.metadata.name && !isDeleting(st)) || (st.status?.taskDefinitionArn !== undefined && ours.has(st.status.taskDefinitionArn)))
    .map((st) => ({ name: st.metadata.name, arn: st.status?.taskDefinitionArn ?? '' }));
}
