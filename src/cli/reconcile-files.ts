// Runs the reconcilers over manifests read from files, the way the controller runs them over the
// Kubernetes API, minus the API: clusters first (services run in them), then task definitions
// (services reference their revisions), then services, then tasks, each group concurrently so reads batch. With dryRun nothing is written and the
// plans are the drift report.
//
// A run may take several passes (`apply --wait` reconciles until rollouts settle). Like the
// controller, which reads back the status it wrote, each pass hands every object the status the
// previous pass produced: a rollout the circuit breaker rolled back is then not started again, and
// a revision already registered is not looked up again.
import { randomUUID } from 'node:crypto';
import { clusterNameOf, type EcsCluster, type EcsScheduledTask, type EcsService, type EcsTask, type EcsTaskDefinition } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import type { ObjectIdentity, ObjectResult } from '../drift/index.js';
import type { OwnerIdentity, ReconcileOutcome } from '../reconcile/outcome.js';
import { reconcileCluster } from '../reconcile/cluster/reconcile.js';
import { resolveClusterRef, type ClusterRefResolution } from '../reconcile/cluster/ref.js';
import { reconcileEcsService } from '../reconcile/ecs-service.js';
import { reconcileScheduledTask } from '../reconcile/scheduledtask/reconcile.js';
import type { TaskDefinitionRefResolution } from '../reconcile/service/resolve.js';
import { reconcileTask } from '../reconcile/task/reconcile.js';
import { reconcileTaskDefinition } from '../reconcile/taskdefinition/reconcile.js';
import { formatLocation, type DesiredState, type EcsObject } from '../sources/index.js';

export interface FileRunOptions {
  aws: AwsAdapter;
  clusterId: string;
  dryRun: boolean;
  now?: () => Date;
}

export interface FileRunResult {
  /** Per object: its plan or its error, in the drift report's terms. */
  results: ObjectResult[];
  /** Per object, by `Kind/namespace/name`. */
  outcomes: Map<string, ReconcileOutcome<unknown>>;
}

type TaskDefinitionStatus = NonNullable<EcsTaskDefinition['status']>;
type ClusterStatus = NonNullable<EcsCluster['status']>;
type Checked<S> = ObjectResult & { outcome?: ReconcileOutcome<S> };

export const objectKey = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

export class FileReconciler {
  private readonly statuses = new Map<string, object>();
  private readonly now: () => Date;
  /** Each run of the CLI starts its tasks once, however many passes `--wait` makes. */
  private readonly runId = randomUUID();

  constructor(
    private readonly objects: readonly EcsObject[],
    private readonly state: DesiredState,
    private readonly opts: FileRunOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** One pass over every object. */
  async pass(): Promise<FileRunResult> {
    const results: ObjectResult[] = [];
    const outcomes = new Map<string, ReconcileOutcome<unknown>>();
    const record = (obj: EcsObject, result: ObjectResult, outcome?: ReconcileOutcome<object>) => {
      results.push(result);
      if (!outcome) return;
      const key = this.keyOf(obj);
      outcomes.set(key, outcome);
      this.statuses.set(key, outcome.status);
    };

    // Clusters first: a service created before its cluster's capacity providers would fail.
    const clusterOutcomes = new Map<string, Checked<ClusterStatus>>();
    await Promise.all(
      this.objects.map(async (obj) => {
        if (obj.kind !== 'EcsCluster') return;
        const cluster = this.withStatus(obj.manifest);
        const { result, outcome } = await this.run(obj, () => reconcileCluster(cluster, { aws: this.opts.aws, owner: this.owner(obj), now: this.now }, { dryRun: this.opts.dryRun }));
        clusterOutcomes.set(`${this.identity(obj).namespace}/${obj.manifest.metadata.name}`, { ...result, ...(outcome ? { outcome } : {}) });
        record(obj, result, outcome);
      }),
    );

    // Then task definitions: their outcomes say which revision each service runs.
    const tdOutcomes = new Map<string, Checked<TaskDefinitionStatus>>();
    await Promise.all(
      this.objects.map(async (obj) => {
        if (obj.kind !== 'EcsTaskDefinition') return;
        const td = this.withStatus(obj.manifest);
        const { result, outcome } = await this.run(obj, () => reconcileTaskDefinition(td, { aws: this.opts.aws, owner: this.owner(obj), now: this.now }, { dryRun: this.opts.dryRun }));
        tdOutcomes.set(`${this.identity(obj).namespace}/${obj.manifest.metadata.name}`, { ...result, ...(outcome ? { outcome } : {}) });
        record(obj, result, outcome);
      }),
    );

    // A kind that refers to a task definition or a cluster that could not be checked cannot be
    // checked either: what it should run, or where, is not known.
    const referring = (obj: EcsObject, refs: { taskDefinitionRef?: { name: string }; clusterRef?: { name: string } }) => {
      const namespace = this.identity(obj).namespace;
      const ref = refs.taskDefinitionRef && tdOutcomes.get(`${namespace}/${refs.taskDefinitionRef.name}`);
      const cluster = refs.clusterRef && clusterOutcomes.get(`${namespace}/${refs.clusterRef.name}`);
      for (const [kind, name, dep] of [['EcsTaskDefinition', refs.taskDefinitionRef?.name, ref], ['EcsCluster', refs.clusterRef?.name, cluster]] as const) {
        if (dep && 'error' in dep) {
          record(obj, { identity: this.identity(obj), error: { message: `not checked: its ${kind} ${name} could not be checked (${dep.error.message})`, ...(dep.error.reason ? { reason: dep.error.reason } : {}) } });
          return undefined;
        }
      }
      return {
        aws: this.opts.aws,
        owner: this.owner(obj),
        now: this.now,
        resolveTaskDefinitionRef: (name: string) => this.resolveRef(namespace, name, ref?.outcome),
        resolveClusterRef: (name: string) => this.resolveClusterRef(namespace, name, cluster?.outcome),
      };
    };

    await Promise.all(
      this.objects.map(async (obj) => {
        if (obj.kind !== 'EcsService') return;
        const svc = this.withStatus(obj.manifest);
        const deps = referring(obj, svc.spec);
        if (!deps) return;
        const { result, outcome } = await this.run(obj, () => reconcileEcsService(svc, deps, { dryRun: this.opts.dryRun }));
        record(obj, result, outcome);
      }),
    );

    // Schedules and rules: their targets start the revisions registered above.
    await Promise.all(
      this.objects.map(async (obj) => {
        if (obj.kind !== 'EcsScheduledTask') return;
        const st = this.withStatus(obj.manifest);
        const deps = referring(obj, st.spec.target);
        if (!deps) return;
        const { result, outcome } = await this.run(obj, () => reconcileScheduledTask(st, deps, { dryRun: this.opts.dryRun }));
        record(obj, result, outcome);
      }),
    );

    // Tasks last: they run the revisions registered above, in the clusters created above.
    await Promise.all(
      this.objects.map(async (obj) => {
        if (obj.kind !== 'EcsTask') return;
        const task = this.withStatus(obj.manifest);
        const deps = referring(obj, task.spec);
        if (!deps) return;
        const { result, outcome } = await this.run(obj, () => reconcileTask(task, { ...deps, runId: this.runId }, { dryRun: this.opts.dryRun }));
        record(obj, result, outcome);
      }),
    );
    return { results, outcomes };
  }

  private resolveClusterRef(namespace: string, name: string, outcome: ReconcileOutcome<ClusterStatus> | undefined): ClusterRefResolution {
    const cluster = this.state.cluster(namespace, name);
    if (!cluster) return { waiting: `EcsCluster ${name} is not among the manifests` };
    // A dry run creates no cluster: the service is compared with the cluster the manifest names.
    if (this.opts.dryRun) return { cluster: outcome?.status.clusterArn ?? clusterNameOf(cluster), region: cluster.spec.region };
    // The outcome's conditions, as the controller would read them back from status.
    const conditions = outcome?.conditions.map((c) => ({ ...c, lastTransitionTime: '', observedGeneration: cluster.metadata.generation }));
    return resolveClusterRef(name, namespace, outcome ? { ...cluster, status: { ...outcome.status, ...(conditions ? { conditions } : {}) } } : cluster);
  }

  private resolveRef(namespace: string, name: string, outcome: ReconcileOutcome<TaskDefinitionStatus> | undefined): TaskDefinitionRefResolution {
    const td = this.state.taskDefinition(namespace, name);
    const spec = td ? { spec: td.spec } : {};
    const arn = outcome?.status.taskDefinitionArn;
    if (arn) return { arn, ...spec };
    if (!td) return { waiting: `EcsTaskDefinition ${name} is not among the manifests` };
    // A dry run does not register the revision the manifest needs. The service is compared with
    // the family instead (ECS reads a bare family as its latest revision): the service differs
    // wherever it would change once apply registered the revision and rolled it out.
    if (this.opts.dryRun) return { arn: td.spec.family ?? td.metadata.name, ...spec };
    return { waiting: `EcsTaskDefinition ${name} has no registered revision yet`, ...spec };
  }

  private async run<S extends object>(obj: EcsObject, reconcile: () => Promise<ReconcileOutcome<S>>): Promise<{ result: ObjectResult; outcome?: ReconcileOutcome<S> }> {
    const identity = this.identity(obj);
    try {
      const outcome = await reconcile();
      const stalled = outcome.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      if (stalled) return { result: { identity, error: { message: stalled.message, reason: stalled.reason } }, outcome };
      // A service or cluster the plan would create is missing from ECS; the report says so rather
      // than listing every field of it as a difference.
      // A task's run is missing until this invocation starts it: files keep no record of past runs.
      const missing = outcome.plan.some(
        (c) => (obj.kind === 'EcsService' && c.resource === 'Service' && c.action === 'Create') || (obj.kind === 'EcsCluster' && c.action === 'CreateCluster') || (obj.kind === 'EcsTask' && c.action === 'RunTask') || c.action === 'CreateSchedule' || (c.action === 'PutRule' && c.diffs.some((d) => d.path === 'spec.eventPattern' && d.actual === undefined) && c.payload !== undefined && 'Tags' in (c.payload as object)),
      );
      return { result: { identity, plan: outcome.plan, ...(missing ? { missing } : {}) }, outcome };
    } catch (err) {
      return { result: { identity, error: { message: err instanceof Error ? err.message : String(err) } } };
    }
  }

  /** The manifest with the status the previous pass left, as the controller would read it back. */
  private withStatus<T extends EcsCluster | EcsTaskDefinition | EcsService | EcsTask | EcsScheduledTask>(manifest: T): T {
    const status = this.statuses.get(objectKey(manifest.kind, manifest.metadata.namespace ?? 'default', manifest.metadata.name));
    return status ? ({ ...manifest, status } as T) : manifest;
  }

  private keyOf(obj: EcsObject): string {
    return objectKey(obj.kind, obj.manifest.metadata.namespace ?? 'default', obj.manifest.metadata.name);
  }

  /** The ECS cluster name of the EcsCluster a service's or task's clusterRef names. */
  private refCluster(svc: EcsService | EcsTask): string | undefined {
    const name = svc.spec.clusterRef?.name;
    if (name === undefined) return undefined;
    const cluster = this.state.cluster(svc.metadata.namespace ?? 'default', name);
    return cluster ? clusterNameOf(cluster) : name;
  }

  private owner(obj: EcsObject): OwnerIdentity {
    return { clusterId: this.opts.clusterId, kind: obj.kind, namespace: obj.manifest.metadata.namespace ?? 'default', name: obj.manifest.metadata.name };
  }

  private identity(obj: EcsObject): ObjectIdentity {
    return {
      kind: obj.kind,
      namespace: obj.manifest.metadata.namespace ?? 'default',
      name: obj.manifest.metadata.name,
      region: this.opts.aws.region(obj.manifest.spec.region).region,
      ...(obj.kind === 'EcsService' || obj.kind === 'EcsTask' ? { cluster: obj.manifest.spec.cluster ?? this.refCluster(obj.manifest) } : {}),
      ...(obj.kind === 'EcsCluster' ? { cluster: clusterNameOf(obj.manifest) } : {}),
      source: formatLocation(obj.source),
    };
  }
}
