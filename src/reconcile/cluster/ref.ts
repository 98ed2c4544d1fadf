// What an EcsService's `clusterRef: {name}` resolves to, from what the source (the controller's
// cache, the CLI's manifests) knows of that EcsCluster: the ECS cluster once it is Ready, or why the
// service has to wait. Kept with the cluster kind so that the service reconciler only asks.
import { clusterNameOf, type EcsCluster } from '../../api/cluster.js';
import { healthMessage } from '../outcome.js';

export interface ClusterPlacement {
  cluster: string;
  region: string | undefined;
}

/**
 * Either the cluster, or why to wait; a cluster that ECS already holds comes with the reason to
 * wait, so that a service already running in it goes on being reconciled there.
 */
export type ClusterRefResolution = ClusterPlacement | { waiting: string; existing?: ClusterPlacement };

/**
 * `cluster` is the EcsCluster named by the reference in the service's namespace, if it exists.
 * Ready means ECS holds the cluster with the providers and strategy of the object's current
 * generation, so a service created then finds the capacity providers it names.
 */
export function resolveClusterRef(name: string, namespace: string, cluster: EcsCluster | undefined, deleting = false): ClusterRefResolution {
  if (!cluster) return { waiting: `EcsCluster ${name} does not exist in namespace ${namespace}` };
  const arn = cluster.status?.clusterArn;
  const existing = arn ? { existing: { cluster: arn, region: cluster.status?.region ?? cluster.spec.region } } : {};
  if (deleting) return { waiting: `EcsCluster ${name} is being deleted`, ...existing };
  const ready = cluster.status?.conditions?.find((c) => c.type === 'Ready');
  const current = ready?.observedGeneration === undefined || ready.observedGeneration === cluster.metadata.generation;
  if (ready?.status !== 'True' || !current || !arn) {
    const why = healthMessage(cluster.status?.conditions);
    return { waiting: `EcsCluster ${name} is not Ready yet${why ? `: ${why}` : ''}`, ...existing };
  }
  return { cluster: arn ?? clusterNameOf(cluster), region: cluster.status?.region ?? cluster.spec.region };
}
