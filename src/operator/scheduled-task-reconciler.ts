// Runs the EcsScheduledTask reconciler for objects from the Kubernetes API: the finalizer around it
// (deletion removes the schedule or rule unless deletionPolicy is Retain), status (with drift) and
// Events after it. The target's task definition and cluster are resolved from the informers'
// caches, as a service's are, so following a new revision costs no API call.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsCluster, EcsScheduledTask, EcsScheduledTaskStatus, EcsTaskDefinition } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../kube/finalizer.js';
import { keyOf } from '../kube/object-key.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import type { Store } from '../kube/store.js';
import { resolveClusterRef, type ClusterRefResolution } from '../reconcile/cluster/ref.js';
import { cleanupScheduledTask, reconcileScheduledTask } from '../reconcile/scheduledtask/index.js';
import type { TaskDefinitionRefResolution } from '../reconcile/service/resolve.js';
import { FINALIZER } from './resources.js';
import { judgeReconcile, reportCleanup, writeStatus } from './status-binding.js';

export interface ScheduledTaskReconcilerDeps {
  client: ResourceClient<EcsScheduledTask>;
  status: StatusWriter<EcsScheduledTaskStatus, EcsScheduledTask>;
  taskDefinitions: Store<EcsTaskDefinition>;
  clusters: Store<EcsCluster>;
  events: EventRecorder;
  aws: AwsAdapter;
  clusterId: string;
  now(): Date;
}

const deleting = (obj: unknown) => (obj as KubernetesObject | undefined)?.metadata?.deletionTimestamp !== undefined;

export class ScheduledTaskReconciler implements Reconciler<EcsScheduledTask> {
  constructor(private readonly deps: ScheduledTaskReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsScheduledTask>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const owner = { clusterId: deps.clusterId, kind: 'EcsScheduledTask' as const, namespace, name: ctx.name, uid: cached.metadata.uid };
    const core = {
      aws: deps.aws,
      owner,
      now: deps.now,
      resolveTaskDefinitionRef: (name: string) => this.resolveRef(namespace, name),
      resolveClusterRef: (name: string): ClusterRefResolution => {
        const cluster = deps.clusters.get(keyOf(namespace, name));
        return resolveClusterRef(name, namespace, cluster, deleting(cluster));
      },
    };

    return withFinalizer(deps.client, FINALIZER, cached, async (event) => {
      if (event.kind === 'cleanup') return reportCleanup(deps, event.object, await cleanupScheduledTask(event.object, core), ctx);
      const { out, now, next } = await judgeReconcile(deps, event.object, 'EcsScheduledTask', ctx, () => reconcileScheduledTask(event.object, core, { dryRun: false }));
      await writeStatus(deps.status, event.object, out.status, next.conditions, now, out.specDigest);
      return next.result;
    });
  }

  private resolveRef(namespace: string, name: string): TaskDefinitionRefResolution {
    const td = this.deps.taskDefinitions.get(keyOf(namespace, name));
    if (!td) return { waiting: `EcsTaskDefinition ${name} does not exist in namespace ${namespace}` };
    if (deleting(td)) return { waiting: `EcsTaskDefinition ${name} is being deleted` };
    const arn = td.status?.taskDefinitionArn;
    return arn ? { arn } : { waiting: `EcsTaskDefinition ${name} has no registered revision yet` };
  }
}
