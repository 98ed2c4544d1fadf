// How the reconcilers of the kinds that refer to others (EcsService, EcsTask, EcsScheduledTask) read
// their taskDefinitionRef and clusterRef: from the informers' caches, so following a new revision or
// a cluster that turned Ready costs no API call, with the same waiting messages for every kind.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsCluster, EcsTaskDefinition, Kind } from '../api/index.js';
import { keyOf } from '../kube/object-key.js';
import type { Store } from '../kube/store.js';
import { resolveClusterRef, type ClusterRefResolution } from '../reconcile/cluster/ref.js';
import type { TaskDefinitionRefResolution } from '../reconcile/service/resolve.js';
import { ownerAccount, type AccountGate, type ActingAccount } from './accounts.js';

const deleting = (obj: unknown): boolean => (obj as KubernetesObject | undefined)?.metadata?.deletionTimestamp !== undefined;

export function clusterRefFrom(clusters: Store<EcsCluster>, namespace: string, name: string): ClusterRefResolution {
  const cluster = clusters.get(keyOf(namespace, name));
  return resolveClusterRef(name, namespace, cluster, deleting(cluster));
}

/**
 * - withSpec: the resolution carries the EcsTaskDefinition's spec, so that a service can check its
 *   load balancers against the containers before any AWS call.
 * - currentGeneration: only the revision of the EcsTaskDefinition's current generation will do (a
 *   task runs once, so it must not run the revision an edit is about to replace).
 */
export function taskDefinitionRefFrom(taskDefinitions: Store<EcsTaskDefinition>, namespace: string, name: string, opts: { withSpec?: boolean; currentGeneration?: boolean } = {}): TaskDefinitionRefResolution {
  const td = taskDefinitions.get(keyOf(namespace, name));
  if (!td) return { waiting: `EcsTaskDefinition ${name} does not exist in namespace ${namespace}` };
  if (deleting(td)) return { waiting: `EcsTaskDefinition ${name} is being deleted` };
  const spec = opts.withSpec ? { spec: td.spec } : {};
  const arn = td.status?.taskDefinitionArn;
  if (!arn) return { waiting: `EcsTaskDefinition ${name} has no registered revision yet`, ...spec };
  if (opts.currentGeneration && td.status?.observedGeneration !== td.metadata.generation) {
    return { waiting: `EcsTaskDefinition ${name} has not registered the revision of its current generation yet`, ...spec };
  }
  return { arn, ...spec };
}

/** What every kind that refers to an EcsTaskDefinition and an EcsCluster is built from. */
export interface ReferringDeps {
  taskDefinitions: Store<EcsTaskDefinition>;
  clusters: Store<EcsCluster>;
  /** The adapter of the object's namespace's AWS account, or why it may not act. */
  accounts: AccountGate;
  clusterId: string;
  now(): Date;
  /** See Reporter.checkTimeRefreshMs (src/operator/status-binding.ts). */
  checkTimeRefreshMs?: number;
}

/** The reconcile dependencies of one such object: its account's adapter, its owner identity and its two references, read from the caches. */
export function referringCore<K extends Kind>(deps: ReferringDeps, account: ActingAccount, kind: K, namespace: string, name: string, uid: string | undefined, refOpts: { withSpec?: boolean; currentGeneration?: boolean } = {}) {
  return {
    aws: account.aws,
    owner: { clusterId: deps.clusterId, kind, namespace, name, uid, ...ownerAccount(account) },
    now: deps.now,
    resolveTaskDefinitionRef: (ref: string) => taskDefinitionRefFrom(deps.taskDefinitions, namespace, ref, refOpts),
    resolveClusterRef: (ref: string) => clusterRefFrom(deps.clusters, namespace, ref),
  };
}
