// Reads the ECS service(s) a plan compares against, through the adapter's batched DescribeServices
// (10 services of a cluster per call): the one the manifest names and, when the manifest now names
// another, the one status recorded.
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import type { EcsServiceStatus } from '../../api/index.js';
import type { DesiredService } from './desired.js';
import type { ServiceObservation } from './plan.js';

const lastSegment = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/** The service, unless it does not exist or is INACTIVE (deleted: its name is free again). */
export async function describeLiveService(region: RegionAdapter, cluster: string, name: string): Promise<Service | undefined> {
  const observation = await region.services.describe(cluster, name);
  return observation.kind === 'found' && observation.service.status !== 'INACTIVE' ? observation.service : undefined;
}

export async function observeService(aws: AwsAdapter, desired: DesiredService, status: EcsServiceStatus | undefined): Promise<ServiceObservation> {
  const before = status?.serviceName && status.clusterArn ? { name: status.serviceName, cluster: status.clusterArn, region: status.region ?? desired.region } : undefined;
  const moved = before !== undefined && (before.name !== desired.serviceName || lastSegment(before.cluster) !== lastSegment(desired.cluster) || before.region !== desired.region);
  const [current, previous] = await Promise.all([
    describeLiveService(aws.region(desired.region), desired.cluster, desired.serviceName),
    moved ? describeLiveService(aws.region(before.region), before.cluster, before.name) : undefined,
  ]);
  // A previous service already draining is on its way out: nothing left to replace.
  return { current, previous: previous?.status === 'ACTIVE' ? previous : undefined };
}
