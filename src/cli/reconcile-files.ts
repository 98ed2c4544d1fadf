// Runs the reconcilers over manifests read from files, the way the controller runs them over the
// Kubernetes API, minus the API: task definitions first (services reference their revisions),
// then services, each group concurrently so reads batch. With dryRun nothing is written and the
// plans are the drift report.
import type { EcsService, EcsTaskDefinition } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import type { ObjectResult } from '../drift/index.js';
import type { OwnerIdentity, ReconcileOutcome } from '../reconcile/outcome.js';
import { reconcileEcsService } from '../reconcile/ecs-service.js';
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
  outcomes: Map<string, ReconcileOutcome<unknown>>;
}

const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export async function reconcileFiles(objects: readonly EcsObject[], state: DesiredState, opts: FileRunOptions): Promise<FileRunResult> {
  const now = opts.now ?? (() => new Date());
  const results: ObjectResult[] = [];
  const outcomes = new Map<string, ReconcileOutcome<unknown>>();
  const owner = (kind: OwnerIdentity['kind'], m: { metadata: { namespace?: string; name: string } }): OwnerIdentity => ({
    clusterId: opts.clusterId,
    kind,
    namespace: m.metadata.namespace ?? 'default',
    name: m.metadata.name,
  });
  const identity = (obj: EcsObject) => ({
    kind: obj.kind,
    namespace: obj.manifest.metadata.namespace ?? 'default',
    name: obj.manifest.metadata.name,
    region: opts.aws.region(obj.manifest.spec.region).region,
    ...(obj.kind === 'EcsService' ? { cluster: (obj.manifest as EcsService).spec.cluster } : {}),
    source: formatLocation(obj.source),
  });

  const run = async <T>(obj: EcsObject, reconcile: () => Promise<ReconcileOutcome<T>>) => {
    try {
      const outcome = await reconcile();
      outcomes.set(keyOf(obj.kind, identity(obj).namespace, identity(obj).name), outcome);
      const stalled = outcome.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      // A service the plan would create is missing from ECS; the report says so rather than
      // listing every field of it as a difference.
      const missing = obj.kind === 'EcsService' && outcome.plan.some((c) => c.action === 'Create');
      results.push(
        stalled
          ? { identity: identity(obj), error: { message: stalled.message, reason: stalled.reason } }
          : { identity: identity(obj), plan: outcome.plan, ...(missing ? { missing } : {}) },
      );
    } catch (err) {
      results.push({ identity: identity(obj), error: { message: err instanceof Error ? err.message : String(err) } });
    }
  };

  // Task definitions, with the status each reconcile produced kept for the services' references.
  const tdStatus = new Map<string, ReconcileOutcome<EcsTaskDefinition['status']>>();
  await Promise.all(
    objects
      .filter((o) => o.kind === 'EcsTaskDefinition')
      .map((o) => {
        const td = o.manifest as EcsTaskDefinition;
        return run(o, async () => {
          const out = await reconcileTaskDefinition(td, { aws: opts.aws, owner: owner('EcsTaskDefinition', td), now }, { dryRun: opts.dryRun });
          tdStatus.set(`${td.metadata.namespace ?? 'default'}/${td.metadata.name}`, out);
          return out;
        });
      }),
  );

  await Promise.all(
    objects
      .filter((o) => o.kind === 'EcsService')
      .map((o) => {
        const svc = o.manifest as EcsService;
        const namespace = svc.metadata.namespace ?? 'default';
        return run(o, () =>
          reconcileEcsService(
            svc,
            {
              aws: opts.aws,
              owner: owner('EcsService', svc),
              now,
              resolveTaskDefinitionRef: (name) => {
                const arn = tdStatus.get(`${namespace}/${name}`)?.status?.taskDefinitionArn;
                if (arn) return { arn };
                return state.taskDefinition(namespace, name)
                  ? { waiting: `EcsTaskDefinition ${name} has no registered revision yet${opts.dryRun ? ' (it would be registered by apply)' : ''}` }
                  : { waiting: `EcsTaskDefinition ${name} is not among the manifests` };
              },
            },
            { dryRun: opts.dryRun },
          ),
        );
      }),
  );
  return { results, outcomes };
}
