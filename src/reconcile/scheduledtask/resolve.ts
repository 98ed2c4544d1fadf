// Resolves what a scheduled task's target refers to: the task definition revision (an
// EcsTaskDefinition, whose latest revision the target follows, or a family, family:revision or
// ARN) and the cluster's ARN, which both services take as the target's Arn.
import type { RegionAdapter } from '../../aws/adapter.js';
import type { EcsScheduledTaskSpec } from '../../api/index.js';
import { EcsClusterApi } from '../../aws/ecs-cluster-api.js';
import type { ClusterRefResolution } from '../cluster/ref.js';
import type { TaskDefinitionRefResolution } from '../service/resolve.js';
import type { ResolvedTarget } from './desired.js';

export type TargetResolution = { kind: 'resolved'; target: ResolvedTarget; region: string | undefined } | { kind: 'waiting'; message: string } | { kind: 'invalid'; reason: string; message: string };

export interface TargetResolvers {
  resolveTaskDefinitionRef(name: string): TaskDefinitionRefResolution;
  resolveClusterRef(name: string): ClusterRefResolution;
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:/;

export async function resolveTarget(spec: EcsScheduledTaskSpec, resolvers: TargetResolvers, regionOf: (name?: string) => RegionAdapter): Promise<TargetResolution> {
  const t = spec.target;
  let clusterRegion = spec.region;
  let cluster = t.cluster ?? '';
  if (t.clusterRef) {
    const found = resolvers.resolveClusterRef(t.clusterRef.name);
    if ('waiting' in found) return { kind: 'waiting', message: found.waiting };
    cluster = found.cluster;
    clusterRegion = found.region ?? clusterRegion;
  }
  const region = regionOf(clusterRegion);
  let taskDefinitionArn: string;
  if (t.taskDefinitionRef) {
    const found = resolvers.resolveTaskDefinitionRef(t.taskDefinitionRef.name);
    if ('waiting' in found) return { kind: 'waiting', message: found.waiting };
    taskDefinitionArn = found.arn;
  } else {
    // Both services take the revision's ARN only; a family means its latest ACTIVE revision.
    const { taskDefinition } = await region.taskDefinitions.describe(t.taskDefinition ?? '');
    taskDefinitionArn = taskDefinition.taskDefinitionArn ?? '';
  }
  if (!CLUSTER_ARN.test(cluster)) {
    const found = await new EcsClusterApi(region.clients.ecs).describeCluster(cluster);
    if (!found?.clusterArn) return { kind: 'invalid', reason: 'ClusterNotFound', message: `ECS cluster "${cluster}" was not found in ${region.region}: create it or correct spec.target.cluster` };
    cluster = found.clusterArn;
  }
  return { kind: 'resolved', target: { taskDefinitionArn, clusterArn: cluster }, region: clusterRegion };
}
