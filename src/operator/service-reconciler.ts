// Runs the EcsService reconciler (service + scaling) for objects from the Kubernetes API: the
// finalizer around it, status (with drift) and Events after it. A taskDefinitionRef is resolved
// from the task definition informer's cache, so following a new revision costs no API call, and a
// clusterRef from the cluster informer's cache.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsCluster, EcsService, EcsServiceStatus, EcsTaskDefinition } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import { withFinalizer } from '../kube/finalizer.js';
import { keyOf } from '../kube/object-key.js';
import type { ResourceClient } from '../kube/resource.js';
import type { StatusWriter } from '../kube/status.js';
import type { Store } from '../kube/store.js';
import { recordDrift } from '../observability/metrics.js';
import { withDrift } from '../reconcile/drift.js';
import { resolveClusterRef, type ClusterRefResolution } from '../reconcile/cluster/ref.js';
import { cleanupEcsService, reconcileEcsService } from '../reconcile/ecs-service.js';
import type { TaskDefinitionRefResolution } from '../reconcile/service/resolve.js';
import { FINALIZER } from './resources.js';
import { markDriftUnknown, nextAttempt, recordEvents, writeStatus } from './status-binding.js';

export interface ServiceReconcilerDeps {
  client: ResourceClient<EcsService>;
  status: StatusWriter<EcsServiceStatus, EcsService>;
  taskDefinitions: Store<EcsTaskDefinition>;
  clusters: Store<EcsCluster>;
  events: EventRecorder;
  aws: AwsAdapter;
  clusterId: string;
  now(): Date;
}

export class ServiceReconciler implements Reconciler<EcsService> {
  constructor(private readonly deps: ServiceReconcilerDeps) {}

  async reconcile(_key: string, ctx: ReconcileContext<EcsService>): Promise<ReconcileResult> {
    const cached = ctx.object;
    if (!cached) return done();
    const { deps } = this;
    const namespace = ctx.namespace ?? '';
    const owner = { clusterId: deps.clusterId, kind: 'EcsService' as const, namespace, name: ctx.name, uid: cached.metadata.uid };
    const core = { aws: deps.aws, owner, now: deps.now, resolveTaskDefinitionRef: (name: string) => this.resolveRef(namespace, name), resolveClusterRef: (name: string) => this.resolveClusterRef(namespace, name) };

    return withFinalizer(deps.client, FINALIZER, cached as EcsService, async (event) => {
      if (event.kind === 'cleanup') {
        const out = await cleanupEcsService(event.object, core);
        recordEvents(deps.events, event.object, out.events, out.conditions);
        if (out.done) return done();
        const now = deps.now();
        const next = nextAttempt(event.object, { ...out, requeueAfterMs: out.requeueAfterMs ?? 5_000 }, ctx.failingSince, now);
        await writeStatus(deps.status, event.object, undefined, next.conditions, now);
        return next.result;
      }
      let reconciled;
      try {
        reconciled = await reconcileEcsService(event.object, core, { dryRun: false });
      } catch (err) {
        await markDriftUnknown(deps.status, event.object, err, deps.now(), ctx.log);
        throw err;
      }
      const now = deps.now();
      const out = withDrift(event.object, reconciled, now);
      recordDrift('EcsService', namespace, ctx.name, out.status.drift.detected, out.applied && out.conditions.some((c) => c.type === 'Drifted' && c.reason === 'DriftCorrected'));
      recordEvents(deps.events, event.object, out.events, out.conditions);
      const next = nextAttempt(event.object, out, ctx.failingSince, now);
      await writeStatus(deps.status, event.object, out.status, next.conditions, now, out.specDigest);
      return next.result;
    });
  }

  private resolveClusterRef(namespace: string, name: string): ClusterRefResolution {
    const cluster = this.deps.clusters.get(keyOf(namespace, name));
    return resolveClusterRef(name, namespace, cluster, (cluster as KubernetesObject | undefined)?.metadata?.deletionTimestamp !== undefined);
  }

  private resolveRef(namespace: string, name: string): TaskDefinitionRefResolution {
    const td = this.deps.taskDefinitions.get(keyOf(namespace, name));
    if (!td) return { waiting: `EcsTaskDefinition ${name} does not exist in namespace ${namespace}` };
    if ((td as KubernetesObject).metadata?.deletionTimestamp !== undefined) return { waiting: `EcsTaskDefinition ${name} is being deleted` };
    const arn = td.status?.taskDefinitionArn;
    // The spec lets the service check its load balancers against the containers before any AWS call.
    return arn ? { arn, spec: td.spec } : { waiting: `EcsTaskDefinition ${name} has no registered revision yet`, spec: td.spec };
  }
}
