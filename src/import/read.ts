// Reads one cluster and what runs in it, within ECS's read limits: DescribeClusters once,
// ListServices by pages of 100 (its maximum), DescribeServices by 10 (the most one call takes,
// DescribeServices API reference), each revision once however many services run it, scalable
// targets by 50, and the step policies' alarms by 100 (DescribeAlarms' maximum), a few calls at a
// time.
import { DescribeServicesCommand, paginateListServices, type Service } from '@aws-sdk/client-ecs';
import type { ScalableTarget } from '@aws-sdk/client-application-auto-scaling';
import { FARGATE_PROVIDERS } from '../api/index.js';
import type { RegionAdapter } from '../aws/adapter.js';
import { EcsClusterApi } from '../aws/ecs-cluster-api.js';
import type { TaskDefinitionRecord } from '../aws/task-definition-cache.js';
import { resourceIdOf } from '../reconcile/scaling/naming.js';
import { scalableTargetsOf } from '../reconcile/scaling/target-observer.js';
import type { ObservedCluster } from './cluster.js';
import type { ObservedScaling, ObservedService } from './translate.js';

const DESCRIBE_SERVICES_MAX = 10;
const LIST_SERVICES_MAX = 100;
/** Requests in flight at once: well under ECS's read burst, so a large cluster is not throttled. */
const CONCURRENCY = 8;

export interface ClusterReading {
  services: ObservedService[];
  /** By ARN: each revision the services run, read once. */
  taskDefinitions: Map<string, TaskDefinitionRecord>;
  /** The cluster itself, when it was read. */
  cluster?: ObservedCluster;
}

async function inPool<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function listServiceArns(region: RegionAdapter, cluster: string): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: region.clients.ecs }, { cluster, maxResults: LIST_SERVICES_MAX })) arns.push(...(page.serviceArns ?? []));
  return arns;
}

async function describeServices(region: RegionAdapter, cluster: string, names: readonly string[]): Promise<Service[]> {
  const batches = await inPool(chunks(names, DESCRIBE_SERVICES_MAX), async (batch) => {
    const out = await region.clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }));
    const missing = (out.failures ?? []).filter((f) => f.reason === 'MISSING');
    if (missing.length > 0) throw new Error(`service ${missing.map((f) => f.arn ?? '').join(', ')} not found in cluster ${cluster}`);
    const failed = out.failures?.[0];
    if (failed) throw new Error(`DescribeServices failed for ${failed.arn ?? ''}: ${failed.reason ?? ''} ${failed.detail ?? ''}`.trim());
    return out.services ?? [];
  });
  return batches.flat();
}

async function readScaling(region: RegionAdapter, target: ScalableTarget | undefined): Promise<ObservedScaling | undefined> {
  const resourceId = target?.ResourceId;
  if (!target || !resourceId) return undefined;
  const [policies, scheduledActions] = await Promise.all([region.autoscaling.describeScalingPolicies(resourceId), region.autoscaling.describeScheduledActions(resourceId)]);
  return { target, policies, scheduledActions, alarms: [] };
}

/** The cluster with its settings and its Auto Scaling group capacity providers (FARGATE and FARGATE_SPOT need no reading). */
async function describeCluster(region: RegionAdapter, cluster: string): Promise<ObservedCluster> {
  const api = new EcsClusterApi(region.clients.ecs);
  const found = await api.describeCluster(cluster);
  if (!found) throw new Error(`cluster ${cluster} not found in ${region.region}`);
  const names = (found.capacityProviders ?? []).filter((n) => !(FARGATE_PROVIDERS as readonly string[]).includes(n));
  return { cluster: found, providers: await api.describeCapacityProviders(names) };
}

/** The cluster, its services (or the ones named), the revisions they run and their scaling. */
export async function readCluster(region: RegionAdapter, cluster: string, only?: readonly string[]): Promise<ClusterReading> {
  const observedCluster = await describeCluster(region, cluster);
  const names = only && only.length > 0 ? only : await listServiceArns(region, cluster);
  // Only ACTIVE services run: DRAINING ones are being deleted.
  const described = (await describeServices(region, cluster, names)).filter((s) => s.status === undefined || s.status === 'ACTIVE');
  const arns = [...new Set(described.flatMap((s) => (s.taskDefinition ? [s.taskDefinition] : [])))];
  const records = await inPool(arns, (arn) => region.taskDefinitions.describe(arn));
  const taskDefinitions = new Map(arns.map((arn, i) => [arn, records[i] as TaskDefinitionRecord]));
  const clusterName = (s: Service) => (s.clusterArn ?? cluster).split(':cluster/').pop() ?? cluster;
  // All at once: the target observer batches them, 50 resource ids per call.
  const targets = await Promise.all(described.map((s) => (s.schedulingStrategy === 'DAEMON' ? undefined : scalableTargetsOf(region).describe(resourceIdOf(clusterName(s), s.serviceName ?? '')))));
  const scaling = await inPool(targets, (t) => readScaling(region, t));
  // The alarms that trigger step scaling policies, by name, 100 per call.
  const alarmNames = [...new Set(scaling.flatMap((sc) => sc?.policies.flatMap((p) => (p.PolicyType === 'StepScaling' ? (p.Alarms ?? []).flatMap((a) => (a.AlarmName ? [a.AlarmName] : [])) : [])) ?? []))];
  const alarms = alarmNames.length > 0 ? await region.alarms.describeAlarms({ names: alarmNames }) : [];
  const services = described.map((service, i): ObservedService => {
    const sc = scaling[i];
    if (!sc) return { service };
    const mine = new Set(sc.policies.flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName)));
    return { service, scaling: { ...sc, alarms: alarms.filter((a) => mine.has(a.AlarmName)) } };
  });
  return { services, taskDefinitions, cluster: observedCluster };
}
