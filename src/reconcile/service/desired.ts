// What an EcsService asks ECS for, once its references are resolved: the task definition revision,
// the target groups, and who owns desiredCount.
import type { CreateServiceCommandInput, NetworkConfiguration } from '@aws-sdk/client-ecs';
import { clusterOf, serviceNameOf, type EcsService, type EcsServiceSpec, type ResolvedLoadBalancer, type Tag } from '../../api/index.js';
import type { CreateServiceInput } from '../../aws/ecs-api.js';
import { hashOf, prune } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { clientTokenFor, ownerTags } from '../ownership.js';
import { stringsOf } from '../string-sets.js';
import { userTagsOf } from '../taskdefinition/desired.js';

export interface ResolvedTaskDefinition {
  /** What CreateService and UpdateService are given: an ARN, or family:revision. */
  ref: string;
  /** family:revision: what the running service is compared by (ECS answers with the ARN). */
  familyRevision: string;
}

export type DesiredCountOwner = 'Manifest' | 'Autoscaling';

export interface DesiredService {
  region: string;
  cluster: string;
  serviceName: string;
  spec: EcsServiceSpec;
  taskDefinition: ResolvedTaskDefinition;
  /** spec.loadBalancers with every target group as an ARN. */
  loadBalancers: ResolvedLoadBalancer[];
  desiredCountOwner: DesiredCountOwner;
  /** The manifest's own tags (the operator's ownership tags come on top). */
  userTags: Tag[];
}

/**
 * Who sets desiredCount once the service exists. With autoscaling, Application Auto Scaling does:
 * the manifest's count is only the initial one, and the plan never resets the count.
 */
export function desiredCountOwnerOf(spec: Pick<EcsServiceSpec, 'autoscaling'>): DesiredCountOwner {
  return spec.autoscaling ? 'Autoscaling' : 'Manifest';
}

export function desiredService(svc: EcsService, region: string, taskDefinition: ResolvedTaskDefinition, loadBalancers: ResolvedLoadBalancer[]): DesiredService {
  return {
    region,
    cluster: clusterOf(svc),
    serviceName: serviceNameOf(svc),
    spec: svc.spec,
    taskDefinition,
    loadBalancers,
    desiredCountOwner: desiredCountOwnerOf(svc.spec),
    userTags: userTagsOf(svc.spec.tags),
  };
}

// Fields that tell the operator how to behave and describe nothing in AWS: a generation that
// changes only these is no manifest edit (see serviceSpecDigest).
const OPERATOR_FIELDS = ['driftPolicy', 'deletionPolicy', 'adoptExisting', 'replaceOnImmutableChange', 'progressDeadlineSeconds', 'forceNewDeploymentOnChange'] as const satisfies readonly (keyof EcsServiceSpec)[];

/**
 * Digest of what the spec asks of AWS: the spec without the operator's own fields, in its region,
 * with taskDefinitionRef resolved to the revision it names now, so that a new revision of the
 * referenced EcsTaskDefinition is a change to carry out (even under driftPolicy Report), not drift.
 */
export function serviceSpecDigest(svc: EcsService, region: string, resolveRef: (name: string) => { arn: string } | { waiting: string }): string {
  const spec: Record<string, unknown> = { ...svc.spec };
  for (const field of OPERATOR_FIELDS) delete spec[field];
  const ref = svc.spec.taskDefinitionRef && resolveRef(svc.spec.taskDefinitionRef.name);
  return hashOf({ region, spec: prune(spec) ?? null, taskDefinitionRef: ref && 'arn' in ref ? ref.arn : null });
}

export function isDaemon(spec: Pick<EcsServiceSpec, 'schedulingStrategy'>): boolean {
  return spec.schedulingStrategy === 'DAEMON';
}

/** The count a new service starts with: desiredCount, else autoscaling's minimum; none for DAEMON. */
export function initialDesiredCount(spec: EcsServiceSpec): number | undefined {
  if (isDaemon(spec)) return undefined;
  return spec.desiredCount ?? spec.autoscaling?.minCapacity ?? 0;
}

export function networkConfigurationOf(spec: EcsServiceSpec): NetworkConfiguration | undefined {
  const vpc = spec.networkConfiguration?.awsvpcConfiguration;
  if (!vpc) return undefined;
  return { awsvpcConfiguration: { subnets: stringsOf(vpc.subnets), securityGroups: stringsOf(vpc.securityGroups), assignPublicIp: vpc.assignPublicIp } };
}

export function loadBalancersRequest(d: DesiredService): NonNullable<CreateServiceCommandInput['loadBalancers']> {
  return d.loadBalancers.map((lb) => {
    const binding = { targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort };
    if (!lb.advancedConfiguration) return binding;
    const { alternateTargetGroupName: _name, ...advancedConfiguration } = lb.advancedConfiguration;
    return { ...binding, advancedConfiguration };
  });
}

/**
 * The CreateService request, with only what the manifest says (ECS fills in the rest) and the
 * ownership tags. Its idempotency token is derived from the object and the request itself: a
 * create repeated after a crash sends the same token and gets the existing service back, while a
 * replacement (a different request) is never mistaken for a repeat.
 */
export function createRequest(d: DesiredService, owner: OwnerIdentity): CreateServiceInput {
  const { spec } = d;
  const request: CreateServiceCommandInput = {
    cluster: d.cluster,
    serviceName: d.serviceName,
    taskDefinition: d.taskDefinition.ref,
    desiredCount: initialDesiredCount(spec),
    launchType: spec.launchType,
    capacityProviderStrategy: spec.capacityProviderStrategy,
    platformVersion: spec.platformVersion,
    schedulingStrategy: spec.schedulingStrategy,
    networkConfiguration: networkConfigurationOf(spec),
    loadBalancers: d.loadBalancers.length > 0 ? loadBalancersRequest(d) : undefined,
    healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
    deploymentConfiguration: spec.deploymentConfiguration,
    deploymentController: spec.deploymentController,
    placementConstraints: spec.placementConstraints,
    placementStrategy: spec.placementStrategy,
    serviceRegistries: spec.serviceRegistries,
    enableExecuteCommand: spec.enableExecuteCommand,
    propagateTags: spec.propagateTags,
    enableECSManagedTags: spec.enableECSManagedTags,
    tags: [...d.userTags, ...ownerTags(owner)],
  };
  const clientToken = clientTokenFor(owner, d.region, d.cluster, d.serviceName, hashOf(prune(request) ?? null));
  return { ...request, clientToken };
}
