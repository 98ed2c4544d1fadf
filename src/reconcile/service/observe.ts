// Reads the ECS service(s) a plan compares against, through the adapter's batched DescribeServices
// (10 services of a cluster per call): the one the manifest names and, when the manifest moved it
// (new cluster, serviceName or region), the ones status recorded before.
import type { Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { isAwsError } from '../../aws/errors.js';
import type { EcsServiceStatus, RolloutStatus } from '../../api/index.js';
import type { DesiredService } from './desired.js';
import type { ServiceObservation } from './plan.js';
import { serviceDeploymentToRead } from './service-deployment.js';

const lastSegment = (nameOrArn: string) => nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);

/** Where a service lives: what identifies it across clusters and regions. */
export interface ServiceLocation {
  name: string;
  cluster: string;
  region: string;
}

/** The service, unless it does not exist or is INACTIVE (deleted: its name is free again). */
export async function describeLiveService(region: RegionAdapter, cluster: string, name: string, listedAfter?: number): Promise<Service | undefined> {
  const observation = await (listedAfter === undefined ? region.services.describe(cluster, name) : region.services.describeIfListed(cluster, name, listedAfter));
  return observation.kind === 'found' && observation.service.status !== 'INACTIVE' ? observation.service : undefined;
}

export function sameLocation(a: ServiceLocation, b: ServiceLocation): boolean {
  return a.name === b.name && lastSegment(a.cluster) === lastSegment(b.cluster) && a.region === b.region;
}

/**
 * The services this object ran elsewhere, as status records them: the ones a replacement still
 * has to remove (status.previousServices) and the one status last named, when the manifest now
 * names another. Status names them before the new service is created, so a crash in between
 * loses none of them.
 */
export function earlierLocations(status: EcsServiceStatus | undefined, desired: ServiceLocation): ServiceLocation[] {
  const recorded = (status?.previousServices ?? []).map((p) => ({ name: p.serviceName, cluster: p.clusterArn, region: p.region }));
  if (status?.serviceName && status.clusterArn) recorded.push({ name: status.serviceName, cluster: status.clusterArn, region: status.region ?? desired.region });
  const out: ServiceLocation[] = [];
  for (const location of recorded) {
    if (!sameLocation(location, desired) && !out.some((o) => sameLocation(o, location))) out.push(location);
  }
  return out;
}

/** Whether status records no ECS service: the object's service is then looked for in its cluster's listing of names. */
export function recordsNoService(status: EcsServiceStatus | undefined): boolean {
  return status?.serviceArn === undefined && status?.serviceName === undefined;
}

/**
 * A service that status records nothing of is usually about to be created: it is looked for in
 * the cluster's listing of names first (ServiceObserver.describeIfListed), one call for many, in
 * a listing made after the object (`createdAt`), so that one made by hand before it is seen.
 */
export async function observeService(aws: AwsAdapter, desired: DesiredService, status: EcsServiceStatus | undefined, createdAt?: string | Date): Promise<ServiceObservation> {
  const here = { name: desired.serviceName, cluster: desired.cluster, region: desired.region };
  // creationTimestamp has whole seconds: a listing asked for within that second may precede it.
  // (Objects from files have none: any listing young enough serves.)
  const listedAfter = recordsNoService(status) ? (createdAt === undefined ? 0 : new Date(createdAt).getTime() + 1000) : undefined;
  const [current, ...previous] = await Promise.all([
    describeLiveService(aws.region(desired.region), desired.cluster, desired.serviceName, listedAfter),
    ...earlierLocations(status, here).map((l) => describeEarlier(aws, l)),
  ]);
  return { current, previous: previous.filter((s): s is Service => s !== undefined) };
}

/** An earlier service whose cluster was deleted meanwhile is gone too. */
async function describeEarlier(aws: AwsAdapter, location: ServiceLocation): Promise<Service | undefined> {
  try {
    return await describeLiveService(aws.region(location.region), location.cluster, location.name);
  } catch (err) {
    if (isAwsError(err, 'notFound')) return undefined;
    throw err;
  }
}

/**
 * ECS's service deployment of the rollout under way, when there is one to follow (see
 * serviceDeploymentToRead): one batched DescribeServiceDeployments, plus a ListServiceDeployments
 * only when neither status nor DescribeServices names it.
 */
export async function observeServiceDeployment(region: RegionAdapter, service: Service, recorded: RolloutStatus | undefined): Promise<ServiceDeployment | undefined> {
  const ref = serviceDeploymentToRead(service, recorded);
  if (!ref) return undefined;
  let arn = 'arn' in ref ? ref.arn : undefined;
  if (!('arn' in ref) && service.clusterArn && service.serviceArn) {
    arn = (await region.serviceDeployments.latest(service.clusterArn, service.serviceArn, ref.latestAfter))?.serviceDeploymentArn;
  }
  return arn ? region.serviceDeployments.describe(arn) : undefined;
}
