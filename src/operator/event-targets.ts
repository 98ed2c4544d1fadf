// Which objects an AWS event concerns, from the informers' caches: a service by its ARN
// (status.serviceArn) or by cluster and name (status or spec), a task definition by family, a
// cluster by ARN or name, a scalable target by its resource id (service/<cluster>/<service>), an
// alarm by the name a service's status records, a task by its ARN. Pure: the caches come in as
// lists, the keys go out; nothing here knows SQS or the work queues.
import { clusterNameOf, familyOf, serviceNameOf, type EcsCluster, type EcsService, type EcsTask, type EcsTaskDefinition } from '../api/index.js';
import type { AwsEvent } from '../aws/aws-events.js';
import { objectKey, type ObjectKey } from '../kube/object-key.js';

export interface EventCaches {
  services(): readonly EcsService[];
  taskDefinitions(): readonly EcsTaskDefinition[];
  clusters(): readonly EcsCluster[];
  tasks(): readonly EcsTask[];
}

export interface EventTargets {
  services: ObjectKey[];
  taskDefinitions: ObjectKey[];
  clusters: ObjectKey[];
  tasks: ObjectKey[];
}

/** A service as an event names it: by ARN, or by name in a cluster (undefined: any cluster). */
interface ServiceRef {
  arn?: string;
  cluster?: string;
  name: string;
}

const none = (): EventTargets => ({ services: [], taskDefinitions: [], clusters: [], tasks: [] });

/** The last part of a cluster ARN, or the name itself. */
function clusterName(nameOrArn: string): string {
  const at = nameOrArn.indexOf(':cluster/');
  return at === -1 ? nameOrArn : nameOrArn.slice(at + ':cluster/'.length);
}

/** A service ARN (arn:...:service/<cluster>/<name>, or the older arn:...:service/<name>) or a name. */
function serviceRef(nameOrArn: string, cluster: string | undefined): ServiceRef {
  const at = nameOrArn.indexOf(':service/');
  if (at === -1) return { cluster: cluster === undefined ? undefined : clusterName(cluster), name: nameOrArn };
  const parts = nameOrArn.slice(at + ':service/'.length).split('/');
  const name = parts[parts.length - 1] ?? '';
  return { arn: nameOrArn, cluster: parts.length > 1 ? parts[0] : cluster === undefined ? undefined : clusterName(cluster), name };
}

/** The family of `family`, `family:revision` or a task definition ARN. */
function familyOfReference(ref: string): string {
  const afterSlash = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + ':task-definition/'.length) : ref;
  return afterSlash.split(':')[0] ?? afterSlash;
}

function matchesService(svc: EcsService, ref: ServiceRef): boolean {
  if (ref.arn !== undefined && svc.status?.serviceArn === ref.arn) return true;
  if ((svc.status?.serviceName ?? serviceNameOf(svc)) !== ref.name) return false;
  if (ref.cluster === undefined) return true;
  const cluster = svc.status?.clusterArn ?? svc.spec.cluster;
  // A service that names its cluster by clusterRef and has not run yet is not matched by cluster.
  return cluster !== undefined && clusterName(cluster) === ref.cluster;
}

function servicesNamed(caches: EventCaches, refs: readonly ServiceRef[]): EventTargets {
  return { ...none(), services: caches.services().filter((s) => refs.some((r) => matchesService(s, r))).map((s) => objectKey(s)) };
}

function taskDefinitionsOf(caches: EventCaches, families: readonly string[]): EventTargets {
  const wanted = new Set(families);
  return { ...none(), taskDefinitions: caches.taskDefinitions().filter((td) => wanted.has(td.status?.family ?? familyOf(td))).map((td) => objectKey(td)) };
}

function clustersNamed(caches: EventCaches, nameOrArn: string): EventTargets {
  const name = clusterName(nameOrArn);
  const clusters = caches.clusters().filter((c) => c.status?.clusterArn === nameOrArn || (c.status?.clusterName ?? clusterNameOf(c)) === name);
  return { ...none(), clusters: clusters.map((c) => objectKey(c)) };
}

function servicesWithAlarms(caches: EventCaches, names: readonly string[]): EventTargets {
  const wanted = new Set(names);
  const owns = (svc: EcsService) => svc.status?.autoscaling?.policies?.some((p) => p.alarms?.some((a) => wanted.has(a.alarmName))) === true;
  return { ...none(), services: caches.services().filter(owns).map((s) => objectKey(s)) };
}

/** A member of CloudTrail's requestParameters (lowerCamelCase; PascalCase read too). */
function member(record: Record<string, unknown>, name: string): unknown {
  return record[name] ?? record[name.charAt(0).toUpperCase() + name.slice(1)];
}
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : (str(v) ? [v as string] : []));

/** The targets of a resource ARN (TagResource, UntagResource): a service, task definition or cluster. */
function byArn(caches: EventCaches, arn: string): EventTargets {
  if (arn.includes(':service/')) return servicesNamed(caches, [serviceRef(arn, undefined)]);
  if (arn.includes(':task-definition/')) return taskDefinitionsOf(caches, [familyOfReference(arn)]);
  if (arn.includes(':cluster/')) return clustersNamed(caches, arn);
  return none();
}

function ecsCall(caches: EventCaches, eventName: string, request: Record<string, unknown>, response: Record<string, unknown>): EventTargets {
  const cluster = str(member(request, 'cluster')) ?? 'default';
  switch (eventName) {
    case 'CreateService':
    case 'UpdateService':
    case 'DeleteService': {
      const name = str(member(request, 'service')) ?? str(member(request, 'serviceName'));
      const answered = member(response, 'service');
      const arn = typeof answered === 'object' && answered !== null ? str(member(answered as Record<string, unknown>, 'serviceArn')) : undefined;
      const refs = [name === undefined ? undefined : serviceRef(name, cluster), arn === undefined ? undefined : serviceRef(arn, cluster)].filter((r) => r !== undefined);
      return servicesNamed(caches, refs);
    }
    case 'StopServiceDeployment':
    case 'UpdateServiceDeployment': {
      // arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>
      const [clusterPart, servicePart] = (str(member(request, 'serviceDeploymentArn')) ?? '').split(':service-deployment/')[1]?.split('/') ?? [];
      return clusterPart && servicePart ? servicesNamed(caches, [{ cluster: clusterPart, name: servicePart }]) : none();
    }
    case 'RegisterTaskDefinition':
      return taskDefinitionsOf(caches, strings(member(request, 'family')));
    case 'DeregisterTaskDefinition':
    case 'DeleteTaskDefinitions':
      return taskDefinitionsOf(caches, [...strings(member(request, 'taskDefinition')), ...strings(member(request, 'taskDefinitions'))].map(familyOfReference));
    case 'TagResource':
    case 'UntagResource':
      return byArn(caches, str(member(request, 'resourceArn')) ?? '');
    case 'CreateCluster':
    case 'DeleteCluster':
    case 'UpdateCluster':
    case 'UpdateClusterSettings':
    case 'PutClusterCapacityProviders':
      return clustersNamed(caches, str(member(request, 'cluster')) ?? str(member(request, 'clusterName')) ?? 'default');
    case 'StopTask':
      return tasksRunning(caches, str(member(request, 'task')) ?? '');
    default:
      return none();
  }
}

function tasksRunning(caches: EventCaches, taskArnOrId: string): EventTargets {
  if (taskArnOrId === '') return none();
  const runs = (t: EcsTask) => t.status?.tasks?.some((r) => r.taskArn === taskArnOrId || r.taskArn.endsWith(`/${taskArnOrId}`)) === true;
  return { ...none(), tasks: caches.tasks().filter(runs).map((t) => objectKey(t)) };
}

/** The objects an event concerns (empty lists when it concerns none the caches hold). */
export function targetsOf(event: AwsEvent, caches: EventCaches): EventTargets {
  switch (event.kind) {
    case 'ecs-service':
      return servicesNamed(caches, [serviceRef(event.serviceArn, undefined)]);
    case 'ecs-task': {
      const service = event.group.startsWith('service:') ? event.group.slice('service:'.length) : undefined;
      const targets = service === undefined ? none() : servicesNamed(caches, [{ cluster: clusterName(event.clusterArn), name: service }]);
      return { ...targets, tasks: tasksRunning(caches, event.taskArn).tasks };
    }
    case 'api-call':
      switch (event.service) {
        case 'ecs':
          return ecsCall(caches, event.eventName, event.request, event.response);
        case 'application-autoscaling': {
          // service/<cluster>/<service>, the resource id of an ECS service's scalable target.
          const [kind, clusterPart, servicePart] = (str(member(event.request, 'resourceId')) ?? '').split('/');
          return kind === 'service' && clusterPart && servicePart ? servicesNamed(caches, [{ cluster: clusterPart, name: servicePart }]) : none();
        }
        case 'monitoring':
          return servicesWithAlarms(caches, [...strings(member(event.request, 'alarmName')), ...strings(member(event.request, 'alarmNames'))]);
        default:
          return none();
      }
    case 'other':
      return none();
  }
}
