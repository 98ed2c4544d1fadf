// Indexes of the service cache, so that a task definition finds the services that reference it or
// run one of its revisions without scanning every cached service: with thousands of services, that
// scan, once per task definition reconcile and once per task definition change, was the operator's
// largest CPU cost of its own.
import type { EcsService } from '../api/index.js';
import { keyOf } from '../kube/object-key.js';
import type { Store } from '../kube/store.js';

/** Services by `namespace/name` of the task definition their spec references. */
const BY_REFERENCE = 'taskDefinitionRef';
/** Services by `namespace/ARN` of every revision they run or deploy (status). */
const BY_REVISION = 'taskDefinitionRevision';

/** Registers the indexes on a service cache (once; later calls do nothing). */
export function indexServices(services: Store<EcsService>): void {
  if (!services.hasIndex(BY_REFERENCE)) {
    services.addIndex(BY_REFERENCE, (svc) => (svc.spec.taskDefinitionRef ? [keyOf(svc.metadata.namespace, svc.spec.taskDefinitionRef.name)] : []));
  }
  if (!services.hasIndex(BY_REVISION)) {
    services.addIndex(BY_REVISION, (svc) => {
      const arns = new Set([svc.status?.taskDefinitionArn, ...(svc.status?.deployments ?? []).map((d) => d.taskDefinitionArn)]);
      return [...arns].filter((arn): arn is string => !!arn).map((arn) => keyOf(svc.metadata.namespace, arn));
    });
  }
}

/** The cached services whose spec references task definition `name` in `namespace`. */
export function servicesReferencing(services: Store<EcsService>, namespace: string | undefined, name: string): EcsService[] {
  indexServices(services);
  return services.byIndex(BY_REFERENCE, keyOf(namespace, name));
}

/** The cached services in `namespace` that run or deploy one of `arns`. */
export function servicesRunning(services: Store<EcsService>, namespace: string | undefined, arns: Iterable<string>): EcsService[] {
  indexServices(services);
  const out: EcsService[] = [];
  for (const arn of arns) out.push(...services.byIndex(BY_REVISION, keyOf(namespace, arn)));
  return out;
}
