// Every service setting the operator manages, in one table: how the manifest's value and ECS's
// value are normalized for comparison, and which UpdateService members change it. A setting without
// an update cannot be changed in place: the service has to be replaced.
//
// Normalization follows DescribeServices: ECS reports documented defaults (200/100 percent, circuit
// breaker off, REPLICA, ECS controller, LATEST platform, NONE propagation, flags false), empty lists
// for absent ones, capacity provider items with weight and base filled in, and lists in its own order.
import type { DeploymentConfiguration, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { EcsServiceSpec } from '../../api/index.js';
import { pruneObject, sortedBy, sortedSet, type Json, type JsonObject } from '../canonical.js';
import { familyRevisionOf } from '../task-definition-names.js';
import { isDaemon, loadBalancersRequest, networkConfigurationOf, type DesiredService } from './desired.js';

export type ServiceUpdate = Omit<UpdateServiceCommandInput, 'cluster' | 'service'>;

export interface ServiceField {
  name: string;
  /** Where the field lives in the manifest: the prefix of its diff paths. */
  path(d: DesiredService): string;
  /** The manifest's value, normalized; undefined when the manifest leaves the field to ECS. */
  desired(d: DesiredService): Json | undefined;
  observed(s: Service, d: DesiredService): Json | undefined;
  /** The UpdateService members that set the desired value; undefined when ECS cannot change it in place. */
  update(d: DesiredService, s: Service): ServiceUpdate | undefined;
}

const DAEMON_PERCENTS = { maximumPercent: 100, minimumHealthyPercent: 0 };
const REPLICA_PERCENTS = { maximumPercent: 200, minimumHealthyPercent: 100 };

type DeploymentConfigurationSpec = NonNullable<EcsServiceSpec['deploymentConfiguration']>;

function deploymentConfiguration(c: DeploymentConfiguration | DeploymentConfigurationSpec | undefined, daemon: boolean): Json {
  const defaults = daemon ? DAEMON_PERCENTS : REPLICA_PERCENTS;
  const breaker = c?.deploymentCircuitBreaker;
  const alarms = c?.alarms;
  return pruneObject({
    maximumPercent: c?.maximumPercent ?? defaults.maximumPercent,
    minimumHealthyPercent: c?.minimumHealthyPercent ?? defaults.minimumHealthyPercent,
    deploymentCircuitBreaker: { enable: breaker?.enable ?? false, rollback: breaker?.rollback ?? false },
    // Alarms that are not enabled do nothing, whatever they name.
    alarms: alarms?.enable ? { alarmNames: sortedSet(alarms.alarmNames ?? []), enable: true, rollback: alarms.rollback ?? false } : undefined,
  });
}

function deploymentConfigurationUpdate(d: DesiredService, s: Service): ServiceUpdate {
  const spec = d.spec.deploymentConfiguration;
  const defaults = isDaemon(d.spec) ? DAEMON_PERCENTS : REPLICA_PERCENTS;
  const running = s.deploymentConfiguration?.alarms;
  // Every member is sent, so a member removed from the manifest goes back to ECS's default.
  return {
    deploymentConfiguration: {
      maximumPercent: spec?.maximumPercent ?? defaults.maximumPercent,
      minimumHealthyPercent: spec?.minimumHealthyPercent ?? defaults.minimumHealthyPercent,
      deploymentCircuitBreaker: spec?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
      ...(spec?.alarms ? { alarms: spec.alarms } : running?.enable ? { alarms: { alarmNames: running.alarmNames ?? [], enable: false, rollback: false } } : {}),
    },
  };
}

function capacityProviders(items: readonly { capacityProvider?: string; weight?: number; base?: number }[]): JsonObject[] {
  return sortedBy(
    items.map((i) => pruneObject({ capacityProvider: i.capacityProvider, weight: i.weight ?? 0, base: i.base ?? 0 })),
    (i) => String(i.capacityProvider),
  );
}

const items = <T extends object>(list: readonly T[] | undefined): JsonObject[] => (list ?? []).map(pruneObject);

/** A field whose manifest and ECS values compare as they are, with a default for both. */
function plain<K extends 'healthCheckGracePeriodSeconds' | 'enableExecuteCommand' | 'propagateTags' | 'enableECSManagedTags'>(name: K, fallback: Json): ServiceField {
  return {
    name,
    path: () => `spec.${name}`,
    desired: (d) => d.spec[name] ?? fallback,
    observed: (s) => s[name] ?? fallback,
    update: (d) => ({ [name]: d.spec[name] ?? fallback }),
  };
}

export const SERVICE_FIELDS: readonly ServiceField[] = [
  {
    name: 'taskDefinition',
    path: (d) => (d.spec.taskDefinitionRef ? 'spec.taskDefinitionRef' : 'spec.taskDefinition'),
    desired: (d) => d.taskDefinition.familyRevision,
    observed: (s) => (s.taskDefinition ? familyRevisionOf(s.taskDefinition) : undefined),
    update: (d) => ({ taskDefinition: d.taskDefinition.ref }),
  },
  {
    name: 'desiredCount',
    path: () => 'spec.desiredCount',
    // Not compared when autoscaling owns the count, nor for DAEMON services (ECS sets it).
    desired: (d) => (d.desiredCountOwner === 'Manifest' && !isDaemon(d.spec) ? d.spec.desiredCount : undefined),
    observed: (s) => s.desiredCount,
    update: (d) => ({ desiredCount: d.spec.desiredCount }),
  },
  {
    name: 'compute',
    // Diffs name spec.launchType and spec.capacityProviderStrategy themselves.
    path: () => 'spec',
    // Neither in the manifest: the cluster's default strategy, chosen by ECS at creation.
    desired: (d): Json | undefined => {
      if (d.spec.capacityProviderStrategy) return { capacityProviderStrategy: capacityProviders(d.spec.capacityProviderStrategy) };
      return d.spec.launchType ? { launchType: d.spec.launchType } : undefined;
    },
    observed: (s) => (s.capacityProviderStrategy?.length ? { capacityProviderStrategy: capacityProviders(s.capacityProviderStrategy) } : pruneObject({ launchType: s.launchType })),
    // UpdateService takes a capacity provider strategy (from a launch type or another strategy) but
    // has no launchType member: a service cannot be moved to a launch type in place. A new strategy
    // does not by itself start a deployment, so one is forced to move the tasks.
    update: (d) => (d.spec.capacityProviderStrategy ? { capacityProviderStrategy: d.spec.capacityProviderStrategy, forceNewDeployment: true } : undefined),
  },
  {
    name: 'platformVersion',
    path: () => 'spec.platformVersion',
    // ECS reports LATEST for a Fargate service that named none, and nothing for EC2.
    desired: (d) => d.spec.platformVersion ?? 'LATEST',
    observed: (s) => s.platformVersion ?? 'LATEST',
    update: (d) => ({ platformVersion: d.spec.platformVersion ?? 'LATEST' }),
  },
  {
    name: 'networkConfiguration',
    path: () => 'spec.networkConfiguration',
    desired: (d) => {
      const vpc = networkConfigurationOf(d.spec)?.awsvpcConfiguration;
      if (!vpc) return undefined;
      return pruneObject({
        awsvpcConfiguration: { subnets: sortedSet(vpc.subnets ?? []), securityGroups: sortedSet(vpc.securityGroups ?? []), assignPublicIp: vpc.assignPublicIp ?? 'DISABLED' },
      });
    },
    observed: (s, d) => {
      const vpc = s.networkConfiguration?.awsvpcConfiguration;
      // Without security groups in the manifest ECS uses the VPC's default group: not a difference.
      const groupsManaged = (d.spec.networkConfiguration?.awsvpcConfiguration.securityGroups?.length ?? 0) > 0;
      return pruneObject({
        awsvpcConfiguration: {
          subnets: sortedSet(vpc?.subnets ?? []),
          securityGroups: groupsManaged ? sortedSet(vpc?.securityGroups ?? []) : undefined,
          assignPublicIp: vpc?.assignPublicIp ?? 'DISABLED',
        },
      });
    },
    update: (d) => ({ networkConfiguration: networkConfigurationOf(d.spec) }),
  },
  {
    name: 'loadBalancers',
    path: () => 'spec.loadBalancers',
    desired: (d) => sortedSet(items(loadBalancersRequest(d))),
    observed: (s) => sortedSet(items(s.loadBalancers)),
    // An empty list removes every binding.
    update: (d) => ({ loadBalancers: loadBalancersRequest(d) }),
  },
  plain('healthCheckGracePeriodSeconds', 0),
  {
    name: 'deploymentConfiguration',
    path: () => 'spec.deploymentConfiguration',
    desired: (d) => deploymentConfiguration(d.spec.deploymentConfiguration, isDaemon(d.spec)),
    observed: (s, d) => deploymentConfiguration(s.deploymentConfiguration, isDaemon(d.spec)),
    update: deploymentConfigurationUpdate,
  },
  {
    name: 'placementConstraints',
    path: () => 'spec.placementConstraints',
    // Constraints all apply: their order means nothing. An empty list removes them.
    desired: (d) => sortedSet(items(d.spec.placementConstraints)),
    observed: (s) => sortedSet(items(s.placementConstraints)),
    update: (d) => ({ placementConstraints: d.spec.placementConstraints ?? [] }),
  },
  {
    name: 'placementStrategy',
    path: () => 'spec.placementStrategy',
    // Strategies apply in order.
    desired: (d) => items(d.spec.placementStrategy),
    observed: (s) => items(s.placementStrategy),
    update: (d) => ({ placementStrategy: d.spec.placementStrategy ?? [] }),
  },
  {
    name: 'serviceRegistries',
    path: () => 'spec.serviceRegistries',
    desired: (d) => sortedSet(items(d.spec.serviceRegistries)),
    observed: (s) => sortedSet(items(s.serviceRegistries)),
    update: (d) => ({ serviceRegistries: d.spec.serviceRegistries ?? [] }),
  },
  plain('enableExecuteCommand', false),
  plain('propagateTags', 'NONE'),
  plain('enableECSManagedTags', false),
  {
    name: 'schedulingStrategy',
    path: () => 'spec.schedulingStrategy',
    desired: (d) => d.spec.schedulingStrategy ?? 'REPLICA',
    observed: (s) => s.schedulingStrategy ?? 'REPLICA',
    // Fixed at creation (UpdateService has no such member).
    update: () => undefined,
  },
  {
    name: 'deploymentController',
    path: () => 'spec.deploymentController',
    desired: (d) => ({ type: d.spec.deploymentController?.type ?? 'ECS' }),
    observed: (s) => ({ type: s.deploymentController?.type ?? 'ECS' }),
    // The API treats the deployment controller as fixed at creation.
    update: () => undefined,
  },
];
