// Every service setting the operator manages, in one table: how the manifest's value and ECS's
// value are normalized for comparison, and which UpdateService members change it. A setting without
// an update cannot be changed in place: the service has to be replaced.
//
// Normalization follows DescribeServices: ECS reports documented defaults (200/100 percent, circuit
// breaker off, REPLICA, ECS controller, LATEST platform, NONE propagation, flags false), empty lists
// for absent ones, capacity provider items with weight and base filled in, and lists in its own order.
//
// Each row also says who may change the field once the service exists. UpdateService (API reference)
// lets a service under the CODE_DEPLOY controller change only desiredCount, deploymentConfiguration,
// healthCheckGracePeriodSeconds, placement constraints and strategy, enableECSManagedTags and
// propagateTags, and one under EXTERNAL the same without deploymentConfiguration; the rest is
// deployed by CodeDeploy (CreateDeployment) or the external controller (CreateTaskSet). And which
// settings reach only tasks started after the change (UpdateService: "only tasks launched after the
// update will reflect the update"; these members do not start a deployment).
import type { DeploymentConfiguration, LoadBalancer, PlacementStrategy, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { EcsServiceSpec } from '../../api/index.js';
import { pruneObject, sameJson, sortedBy, sortedSet, type Json, type JsonObject } from '../canonical.js';
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
  /** Whether the manifest's value is satisfied by ECS's; equal normalized values by default. */
  matches?(desired: Json, observed: Json | undefined): boolean;
  /** Deployment controllers under which UpdateService may change the field (every one when absent). */
  updatableUnder?: readonly DeploymentControllerType[];
  /** True when a change reaches only tasks started after it: running tasks keep the old setting. */
  newTasksOnly?: boolean;
}

export type DeploymentControllerType = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';

const ALL_CONTROLLERS: readonly DeploymentControllerType[] = ['ECS', 'CODE_DEPLOY', 'EXTERNAL'];
const ECS_AND_CODE_DEPLOY: readonly DeploymentControllerType[] = ['ECS', 'CODE_DEPLOY'];
const ECS_ONLY: readonly DeploymentControllerType[] = ['ECS'];

/** The controller a service uses; DescribeServices omits it for ECS. */
export function controllerOf(s: Pick<Service, 'deploymentController'>): DeploymentControllerType {
  const type = s.deploymentController?.type;
  return type === 'CODE_DEPLOY' || type === 'EXTERNAL' ? type : 'ECS';
}

/** The controller the service has once the manifest is carried out: the manifest's, else the one it has. */
export function targetController(d: DesiredService, s: Pick<Service, 'deploymentController'>): DeploymentControllerType {
  return d.spec.deploymentController?.type ?? controllerOf(s);
}

const DAEMON_PERCENTS = { maximumPercent: 100, minimumHealthyPercent: 0 };
const REPLICA_PERCENTS = { maximumPercent: 200, minimumHealthyPercent: 100 };

type DeploymentConfigurationSpec = NonNullable<EcsServiceSpec['deploymentConfiguration']>;

/**
 * ECS's defaults for a strategy's own settings (LinearConfiguration: 10.0 percent every 6 minutes;
 * CanaryConfiguration: 5.0 percent for 10 minutes), so that a manifest that leaves them out matches
 * what DescribeServices reports.
 */
const LINEAR_DEFAULTS = { stepPercent: 10, stepBakeTimeInMinutes: 6 };
const CANARY_DEFAULTS = { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };

type Hook = { hookTargetArn?: string; roleArn?: string; lifecycleStages?: readonly string[] };

function lifecycleHooks(hooks: readonly Hook[] | undefined): JsonObject[] {
  const normalized = (hooks ?? []).map((h) => pruneObject({ hookTargetArn: h.hookTargetArn, roleArn: h.roleArn, lifecycleStages: sortedSet([...(h.lifecycleStages ?? [])]) }));
  return sortedSet(normalized);
}

/**
 * `bakeManaged`: whether the manifest sets bakeTimeInMinutes. LINEAR and CANARY take it optionally,
 * and what ECS reports when it was left out is its own choice, not a difference.
 */
function deploymentConfiguration(c: DeploymentConfiguration | DeploymentConfigurationSpec | undefined, daemon: boolean, bakeManaged = true): JsonObject {
  const defaults = daemon ? DAEMON_PERCENTS : REPLICA_PERCENTS;
  const breaker = c?.deploymentCircuitBreaker;
  const alarms = c?.alarms;
  const strategy = c?.strategy ?? 'ROLLING';
  return pruneObject({
    strategy,
    maximumPercent: c?.maximumPercent ?? defaults.maximumPercent,
    minimumHealthyPercent: c?.minimumHealthyPercent ?? defaults.minimumHealthyPercent,
    // A rolling deployment has no bake time, whatever a service switched back to ROLLING still reports.
    bakeTimeInMinutes: strategy !== 'ROLLING' && bakeManaged ? c?.bakeTimeInMinutes : undefined,
    linearConfiguration: strategy === 'LINEAR' ? { ...LINEAR_DEFAULTS, ...pruneObject(c?.linearConfiguration ?? {}) } : undefined,
    canaryConfiguration: strategy === 'CANARY' ? { ...CANARY_DEFAULTS, ...pruneObject(c?.canaryConfiguration ?? {}) } : undefined,
    lifecycleHooks: lifecycleHooks(c?.lifecycleHooks),
    deploymentCircuitBreaker: { enable: breaker?.enable ?? false, rollback: breaker?.rollback ?? false },
    // Alarms that are not enabled do nothing, whatever they name.
    alarms: alarms?.enable ? { alarmNames: sortedSet(alarms.alarmNames ?? []), enable: true, rollback: alarms.rollback ?? false } : undefined,
  });
}

function deploymentConfigurationUpdate(d: DesiredService, s: Service): ServiceUpdate {
  const spec = d.spec.deploymentConfiguration;
  const defaults = isDaemon(d.spec) ? DAEMON_PERCENTS : REPLICA_PERCENTS;
  const running = s.deploymentConfiguration?.alarms;
  // The circuit breaker and the deployment strategies work only with the ECS controller (CreateService reference): they are not sent to others.
  const ecs = targetController(d, s) === 'ECS';
  const hooks = spec?.lifecycleHooks ?? [];
  // Every member is sent, so a member removed from the manifest goes back to ECS's default.
  return {
    deploymentConfiguration: {
      maximumPercent: spec?.maximumPercent ?? defaults.maximumPercent,
      minimumHealthyPercent: spec?.minimumHealthyPercent ?? defaults.minimumHealthyPercent,
      ...(ecs ? { deploymentCircuitBreaker: spec?.deploymentCircuitBreaker ?? { enable: false, rollback: false } } : {}),
      // Sent when the manifest names one or ECS runs another than ROLLING, so that removing it goes back to ROLLING.
      ...(ecs && (spec?.strategy !== undefined || (s.deploymentConfiguration?.strategy ?? 'ROLLING') !== 'ROLLING') ? { strategy: spec?.strategy ?? 'ROLLING' } : {}),
      ...(spec?.bakeTimeInMinutes === undefined ? {} : { bakeTimeInMinutes: spec.bakeTimeInMinutes }),
      ...(spec?.linearConfiguration ? { linearConfiguration: spec.linearConfiguration } : {}),
      ...(spec?.canaryConfiguration ? { canaryConfiguration: spec.canaryConfiguration } : {}),
      // An empty list removes the hooks ECS holds.
      ...(ecs && (hooks.length > 0 || (s.deploymentConfiguration?.lifecycleHooks?.length ?? 0) > 0) ? { lifecycleHooks: hooks } : {}),
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
function plain<K extends 'healthCheckGracePeriodSeconds' | 'enableExecuteCommand' | 'propagateTags' | 'enableECSManagedTags'>(
  name: K,
  fallback: Json,
  rules: Pick<ServiceField, 'updatableUnder' | 'newTasksOnly'> = {},
): ServiceField {
  return {
    name,
    path: () => `spec.${name}`,
    desired: (d) => d.spec[name] ?? fallback,
    observed: (s) => s[name] ?? fallback,
    update: (d) => ({ [name]: d.spec[name] ?? fallback }),
    ...rules,
  };
}

/**
 * ECS stores a spread over `host` as `instanceId` (the two mean the same) and reports binpack's
 * `cpu`/`memory` in capitals (DescribeServices output in aws/amazon-ecs-cli#586,
 * awsdocs/amazon-ecs-developer-guide#77): one spelling for both sides.
 */
const PLACEMENT_FIELDS: Record<string, string> = { host: 'instanceId', instanceid: 'instanceId', cpu: 'cpu', memory: 'memory' };

function placementStrategy(list: readonly PlacementStrategy[] | undefined): JsonObject[] {
  return items(list).map((p) => {
    const field = typeof p.field === 'string' ? PLACEMENT_FIELDS[p.field.toLowerCase()] : undefined;
    return field ? { ...p, field } : p;
  });
}

/** Whether the manifest manages the load balancers' advancedConfiguration (it does under a blue/green, linear or canary strategy). */
function managesAdvanced(d: DesiredService): boolean {
  return d.loadBalancers.some((lb) => lb.advancedConfiguration);
}

/**
 * A load balancer binding as the manifest manages it. With advancedConfiguration the target group
 * and the alternate one are compared as a pair: ECS moves production traffic from one to the other
 * at each blue/green deployment, so which of the two a service reports as its target group says
 * nothing about the manifest.
 */
function loadBalancerBinding(lb: LoadBalancer, advanced: boolean): JsonObject {
  const binding = { loadBalancerName: lb.loadBalancerName, containerName: lb.containerName, containerPort: lb.containerPort };
  const a = lb.advancedConfiguration;
  if (!advanced || !a) return pruneObject({ targetGroupArn: lb.targetGroupArn, ...binding });
  return pruneObject({
    targetGroupArns: sortedSet([lb.targetGroupArn ?? '', a.alternateTargetGroupArn ?? '']),
    ...binding,
    productionListenerRule: a.productionListenerRule,
    testListenerRule: a.testListenerRule,
    roleArn: a.roleArn,
  });
}

/**
 * The load balancers to send. Without advancedConfiguration in the manifest, each binding keeps the
 * one ECS holds for its target group: UpdateService replaces the whole list, so a binding sent
 * without it would strip a blue/green setup made outside the manifest. With it, each pair of target
 * groups is sent the way round ECS has it now, so that an update never moves traffic by itself.
 */
function loadBalancersUpdate(d: DesiredService, s: Service): LoadBalancer[] {
  const current = s.loadBalancers ?? [];
  if (managesAdvanced(d)) {
    return loadBalancersRequest(d).map((lb) => {
      const alternate = lb.advancedConfiguration?.alternateTargetGroupArn;
      const swapped = current.some((c) => c.targetGroupArn === alternate && c.advancedConfiguration?.alternateTargetGroupArn === lb.targetGroupArn);
      return swapped && lb.advancedConfiguration && alternate ? { ...lb, targetGroupArn: alternate, advancedConfiguration: { ...lb.advancedConfiguration, alternateTargetGroupArn: lb.targetGroupArn } } : lb;
    });
  }
  const advanced = new Map(current.filter((lb) => lb.advancedConfiguration).map((lb) => [lb.targetGroupArn, lb.advancedConfiguration]));
  return loadBalancersRequest(d).map((lb) => {
    const kept = advanced.get(lb.targetGroupArn);
    return kept ? { ...lb, advancedConfiguration: kept } : lb;
  });
}

export const SERVICE_FIELDS: readonly ServiceField[] = [
  {
    name: 'taskDefinition',
    path: (d) => (d.spec.taskDefinitionRef ? 'spec.taskDefinitionRef' : 'spec.taskDefinition'),
    desired: (d) => d.taskDefinition.familyRevision,
    observed: (s) => (s.taskDefinition ? familyRevisionOf(s.taskDefinition) : undefined),
    update: (d) => ({ taskDefinition: d.taskDefinition.ref }),
    updatableUnder: ECS_ONLY,
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
    // UpdateService takes a capacity provider strategy (from a launch type or another strategy) and,
    // given an empty strategy, moves a service back to its launch type (UpdateService reference,
    // capacityProviderStrategy); it has no launchType member, so one launch type cannot become
    // another in place. A new strategy does not by itself start a deployment, so one is forced to
    // move the tasks.
    update: (d, s) => {
      if (d.spec.capacityProviderStrategy) return { capacityProviderStrategy: d.spec.capacityProviderStrategy, forceNewDeployment: true };
      if (d.spec.launchType && (s.capacityProviderStrategy?.length ?? 0) > 0) return { capacityProviderStrategy: [], forceNewDeployment: true };
      return undefined;
    },
    updatableUnder: ECS_ONLY,
  },
  {
    name: 'platformVersion',
    path: () => 'spec.platformVersion',
    // Left to ECS when the manifest names none. LATEST is whatever version ECS resolved it to
    // (1.4.0 today), so any version it reports satisfies it: comparing the words would redeploy forever.
    desired: (d) => d.spec.platformVersion,
    observed: (s) => s.platformVersion,
    matches: (want, have) => want === 'LATEST' || sameJson(want, have),
    update: (d) => ({ platformVersion: d.spec.platformVersion }),
    updatableUnder: ECS_ONLY,
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
    updatableUnder: ECS_ONLY,
  },
  {
    name: 'loadBalancers',
    path: () => 'spec.loadBalancers',
    desired: (d) => sortedSet(loadBalancersRequest(d).map((lb) => loadBalancerBinding(lb, true))),
    observed: (s, d) => sortedSet((s.loadBalancers ?? []).map((lb) => loadBalancerBinding(lb, managesAdvanced(d)))),
    // An empty list removes every binding.
    update: (d, s) => ({ loadBalancers: loadBalancersUpdate(d, s) }),
    updatableUnder: ECS_ONLY,
  },
  plain('healthCheckGracePeriodSeconds', 0),
  {
    name: 'deploymentConfiguration',
    path: () => 'spec.deploymentConfiguration',
    desired: (d) => deploymentConfiguration(d.spec.deploymentConfiguration, isDaemon(d.spec)),
    observed: (s, d) => {
      const seen = deploymentConfiguration(s.deploymentConfiguration, isDaemon(d.spec), d.spec.deploymentConfiguration?.bakeTimeInMinutes !== undefined);
      if (targetController(d, s) === 'ECS') return seen;
      // Under another controller the circuit breaker is neither sent nor compared: it does nothing there.
      const wanted = deploymentConfiguration(d.spec.deploymentConfiguration, isDaemon(d.spec));
      return { ...seen, deploymentCircuitBreaker: wanted.deploymentCircuitBreaker ?? null };
    },
    update: deploymentConfigurationUpdate,
    updatableUnder: ECS_AND_CODE_DEPLOY,
  },
  {
    name: 'placementConstraints',
    path: () => 'spec.placementConstraints',
    // Constraints all apply: their order means nothing. An empty list removes them.
    desired: (d) => sortedSet(items(d.spec.placementConstraints)),
    observed: (s) => sortedSet(items(s.placementConstraints)),
    update: (d) => ({ placementConstraints: d.spec.placementConstraints ?? [] }),
    newTasksOnly: true,
  },
  {
    name: 'placementStrategy',
    path: () => 'spec.placementStrategy',
    // Strategies apply in order.
    desired: (d) => placementStrategy(d.spec.placementStrategy),
    observed: (s) => placementStrategy(s.placementStrategy),
    update: (d) => ({ placementStrategy: d.spec.placementStrategy ?? [] }),
    newTasksOnly: true,
  },
  {
    name: 'serviceRegistries',
    path: () => 'spec.serviceRegistries',
    desired: (d) => sortedSet(items(d.spec.serviceRegistries)),
    observed: (s) => sortedSet(items(s.serviceRegistries)),
    update: (d) => ({ serviceRegistries: d.spec.serviceRegistries ?? [] }),
    updatableUnder: ECS_ONLY,
  },
  plain('enableExecuteCommand', false, { updatableUnder: ECS_ONLY, newTasksOnly: true }),
  plain('propagateTags', 'NONE', { newTasksOnly: true }),
  plain('enableECSManagedTags', false, { newTasksOnly: true }),
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
    // Not compared when the manifest names none, so that adopting a CodeDeploy service never turns
    // it into a rolling one by accident (a new service gets ECS, CreateService's default).
    desired: (d) => (d.spec.deploymentController ? { type: d.spec.deploymentController.type } : undefined),
    observed: (s) => ({ type: controllerOf(s) }),
    // UpdateService takes deploymentController: services move between ECS and CODE_DEPLOY in place
    // (the migration from CodeDeploy to ECS blue/green is an UpdateService; CloudFormation and the
    // Terraform provider update it in place). Nothing documents moving to or from EXTERNAL, whose
    // services are made of task sets: that stays a replacement.
    update: (d, s) => {
      const to = d.spec.deploymentController?.type ?? 'ECS';
      return ECS_AND_CODE_DEPLOY.includes(to) && ECS_AND_CODE_DEPLOY.includes(controllerOf(s)) ? { deploymentController: { type: to } } : undefined;
    },
  },
];

/** Whether UpdateService may change `field` on a service under `controller`. */
export function updatableUnder(field: ServiceField, controller: DeploymentControllerType): boolean {
  return (field.updatableUnder ?? ALL_CONTROLLERS).includes(controller);
}
