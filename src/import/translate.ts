// What runs in ECS, as manifests: a service, the task definition revision it runs and its
// autoscaling become an EcsService and an EcsTaskDefinition. Pure.
//
// The manifests are minimal (see minimize.ts) and checked against the very comparisons the
// reconcilers plan with: whatever the manifest would still differ from AWS in is a setting it
// cannot express, reported as such, so that applying the import never writes anything but the
// ownership tags.
import type { ScalableTarget, ScalingPolicy, ScheduledAction } from '@aws-sdk/client-application-auto-scaling';
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Service, Tag as EcsTag } from '@aws-sdk/client-ecs';
import {
  API_VERSION,
  Autoscaling as AutoscalingSchema,
  EcsServiceSpec as EcsServiceSpecSchema,
  EcsTaskDefinitionSpec as EcsTaskDefinitionSpecSchema,
  KINDS,
  serviceNameOf,
  type Autoscaling,
  type EcsService,
  type EcsServiceSpec,
  type EcsTaskDefinition,
  type EcsTaskDefinitionSpec,
  type ResolvedLoadBalancer,
  type CustomizedMetric,
  type MetricAlarm as MetricAlarmSpec,
  type StepScalingPolicy,
  type TargetTrackingPolicy,
} from '../api/index.js';
import type { TaskDefinitionRecord } from '../aws/task-definition-cache.js';
import { diffJson, sameJson, sortedBy, type Json, type JsonObject } from '../reconcile/canonical.js';
import type { OwnerIdentity } from '../reconcile/outcome.js';
import { desiredScaling } from '../reconcile/scaling/desired.js';
import { adoptedNamesOf, resourceIdOf, ScalingNames } from '../reconcile/scaling/naming.js';
import { comparableAlarm, comparableScheduledAction, comparableStepScaling, comparableTarget, comparableTargetTracking } from '../reconcile/scaling/normalize.js';
import type { DesiredScaling } from '../reconcile/scaling/types.js';
import { desiredService } from '../reconcile/service/desired.js';
import { controllerOf, SERVICE_FIELDS } from '../reconcile/service/fields.js';
import { desiredTaskDefinition, userTagsOf } from '../reconcile/taskdefinition/desired.js';
import { canonicalTaskDefinition } from '../reconcile/taskdefinition/normalize.js';
import { familyRevisionOf } from '../reconcile/task-definition-names.js';
import { minimize } from './minimize.js';
import { scalingName } from './names.js';
import { fitToSchema, type Unexpressed } from './schema-fit.js';

/** A service's scaling as Application Auto Scaling and CloudWatch hold it. */
export interface ObservedScaling {
  target: ScalableTarget;
  policies: ScalingPolicy[];
  scheduledActions: ScheduledAction[];
  /** The alarms the step scaling policies name. */
  alarms: MetricAlarm[];
}

export interface ObservedService {
  /** DescribeServices with include TAGS. */
  service: Service;
  scaling?: ObservedScaling;
}

export interface Translated<T> {
  manifest: T;
  unexpressed: Unexpressed[];
}

// Members of a revision that ECS sets (read-only): never settings.
const TASK_DEFINITION_READ_ONLY = new Set(['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt']);

// Members of a DescribeServices answer that are state or that the manifest sets by other names.
const SERVICE_STATE = new Set([
  'serviceArn',
  'serviceName',
  'clusterArn',
  'status',
  'runningCount',
  'pendingCount',
  'taskDefinition',
  'taskSets',
  'deployments',
  'events',
  'createdAt',
  'createdBy',
  'currentServiceDeployment',
  'currentServiceRevisions',
  'resourceManagementType',
  // Handled below: said only when it differs from what a new service gets.
  'roleArn',
  'availabilityZoneRebalancing',
]);

/**
 * Service settings the schema does not model, at the value every service created without them
 * gets: DescribeServices reports them, but a manifest without them means the same. ROLLING is the
 * ECS deployment controller's default strategy (DeploymentConfiguration, ECS API reference);
 * CreateService defaults availabilityZoneRebalancing to ENABLED (CreateService, ECS API reference).
 */
const UNMODELED_SERVICE_DEFAULTS: Readonly<Record<string, unknown>> = {
  'spec.deploymentConfiguration.strategy': 'ROLLING',
  'spec.availabilityZoneRebalancing': 'ENABLED',
};

/** Numeric strings as numbers: ECS answers task sizes as strings, manifests read better with numbers. */
function size(value: string | undefined): number | string | undefined {
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : value;
}

function tagsOf(tags: readonly EcsTag[] | undefined) {
  const user = userTagsOf(tags);
  return user.length > 0 ? user : undefined;
}

export function translateTaskDefinition(record: TaskDefinitionRecord, name: string, region: string): Translated<EcsTaskDefinition> {
  const unexpressed: Unexpressed[] = [];
  const td = record.taskDefinition;
  const raw = Object.fromEntries(Object.entries(td).filter(([k]) => !TASK_DEFINITION_READ_ONLY.has(k)));
  const fitted = fitToSchema({ ...raw, cpu: size(td.cpu), memory: size(td.memory) }, EcsTaskDefinitionSpecSchema, 'spec', unexpressed) as EcsTaskDefinitionSpec;
  const spec: EcsTaskDefinitionSpec = { ...fitted, region, tags: tagsOf(record.tags), adoptExisting: true };
  const manifest: EcsTaskDefinition = { apiVersion: API_VERSION, kind: KINDS.EcsTaskDefinition, metadata: { name }, spec: withoutUndefined(spec) };
  const normalize = (s: EcsTaskDefinitionSpec): Json => ({
    content: desiredTaskDefinition({ ...manifest, spec: s }, region).canonical,
    region: s.region ?? null,
    tags: sortedBy(userTagsOf(s.tags), (t) => t.key),
    adoptExisting: s.adoptExisting ?? null,
  });
  minimize(manifest.spec, normalize);
  // The plan's own comparison: the revision must read as the one the manifest asks for.
  for (const d of diffJson('spec', desiredTaskDefinition(manifest, region).canonical, canonicalTaskDefinition(td))) {
    if (!unexpressed.some((u) => d.path.startsWith(u.field))) unexpressed.push({ field: d.path, reason: 'the manifest cannot hold this value as ECS has it' });
  }
  return { manifest, unexpressed };
}

export interface ServiceNames {
  /** metadata.name of the EcsService. */
  service: string;
  /** metadata.name of the EcsTaskDefinition it references. */
  taskDefinition: string;
  /** metadata.name of the EcsCluster it runs in, when one is imported; otherwise spec.cluster names the ECS cluster. */
  cluster?: string;
}

/** The cluster's name, from the service's cluster ARN. */
export function clusterNameOf(service: Service): string {
  const arn = service.clusterArn ?? '';
  return arn.slice(arn.indexOf(':cluster/') + ':cluster/'.length) || arn;
}

export function translateService(observed: ObservedService, names: ServiceNames, region: string): Translated<EcsService> {
  const unexpressed: Unexpressed[] = [];
  const s = observed.service;
  const serviceName = s.serviceName ?? names.service;
  const cluster = clusterNameOf(s);
  unexpressed.push(...serviceOnlySettings(s));

  const scaling = observed.scaling ? translateScaling(observed.scaling, unexpressed) : undefined;
  const hasStrategy = (s.capacityProviderStrategy?.length ?? 0) > 0;
  const raw = {
    cluster,
    serviceName,
    region,
    taskDefinitionRef: { name: names.taskDefinition },
    desiredCount: s.desiredCount,
    launchType: hasStrategy ? undefined : s.launchType,
    capacityProviderStrategy: hasStrategy ? s.capacityProviderStrategy : undefined,
    // What CreateService gives a service that names none; the plan does not compare an omitted one.
    platformVersion: s.platformVersion === 'LATEST' ? undefined : s.platformVersion,
    schedulingStrategy: s.schedulingStrategy,
    networkConfiguration: s.networkConfiguration,
    loadBalancers: s.loadBalancers,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    deploymentConfiguration: s.deploymentConfiguration,
    // Left out for ECS, CreateService's default; an adopted service keeps its controller anyway.
    deploymentController: controllerOf(s) === 'ECS' ? undefined : s.deploymentController,
    placementConstraints: s.placementConstraints,
    placementStrategy: s.placementStrategy,
    serviceRegistries: s.serviceRegistries,
    enableExecuteCommand: s.enableExecuteCommand,
    propagateTags: s.propagateTags,
    enableECSManagedTags: s.enableECSManagedTags,
    tags: tagsOf(s.tags),
    autoscaling: scaling,
    adoptExisting: true,
  };
  const spec = withoutUndefined(fitToSchema(raw, EcsServiceSpecSchema, 'spec', unexpressed, UNMODELED_SERVICE_DEFAULTS) as EcsServiceSpec);
  const manifest: EcsService = { apiVersion: API_VERSION, kind: KINDS.EcsService, metadata: { name: names.service }, spec };
  const taskDefinitionArn = s.taskDefinition ?? '';
  const desiredOf = (spec: EcsServiceSpec) => {
    const svc = { ...manifest, spec };
    const loadBalancers: ResolvedLoadBalancer[] = (spec.loadBalancers ?? []).map((lb) => ({ targetGroupArn: lb.targetGroupArn ?? '', containerName: lb.containerName, containerPort: lb.containerPort }));
    return desiredService(svc, region, { ref: taskDefinitionArn, familyRevision: familyRevisionOf(taskDefinitionArn) }, loadBalancers);
  };
  const normalize = (spec: EcsServiceSpec): Json => {
    const d = desiredOf(spec);
    return {
      fields: Object.fromEntries(SERVICE_FIELDS.map((f) => [f.name, f.desired(d) ?? null])),
      identity: [spec.cluster ?? null, serviceNameOf({ ...manifest, spec }), spec.region ?? null, spec.taskDefinitionRef?.name ?? null, spec.adoptExisting ?? null],
      tags: sortedBy(d.userTags, (t) => t.key),
      scaling: spec.autoscaling ? comparableScaling(spec.autoscaling, resourceIdOf(spec.cluster ?? '', serviceNameOf({ ...manifest, spec })), manifest.metadata.name) : null,
    };
  };
  minimize(manifest.spec, normalize);

  // The plan's own comparisons: a field the service would still differ in cannot be expressed.
  const d = desiredOf(manifest.spec);
  for (const field of SERVICE_FIELDS) {
    const want = field.desired(d);
    if (want === undefined) continue;
    const have = field.observed(s, d);
    if (field.matches ? field.matches(want, have) : sameJson(want, have)) continue;
    for (const diff of diffJson(field.path(d), want, have)) {
      if (!unexpressed.some((u) => diff.path.startsWith(u.field))) unexpressed.push({ field: diff.path, reason: 'the manifest cannot hold this value as ECS has it' });
    }
  }
  if (observed.scaling && manifest.spec.autoscaling) unexpressed.push(...scalingMismatches(manifest.spec.autoscaling, observed.scaling, resourceIdOf(cluster, serviceName), manifest.metadata.name));
  // Compared above as spec.cluster; the file names the EcsCluster, which resolves to that cluster.
  if (names.cluster !== undefined) {
    const { cluster: _cluster, ...rest } = manifest.spec;
    manifest.spec = { clusterRef: { name: names.cluster }, ...rest };
  }
  return { manifest, unexpressed };
}

/**
 * Service settings that DescribeServices reports outside the fields the schema models: the
 * deployment's Service Connect, volume and VPC Lattice configurations, a custom service role, and
 * whatever AWS adds later.
 */
function serviceOnlySettings(s: Service): Unexpressed[] {
  const out: Unexpressed[] = [];
  const reason = 'the EcsService schema has no such field';
  for (const [key, value] of Object.entries(s)) {
    if (SERVICE_STATE.has(key) || key in EcsServiceSpecSchema.properties) continue;
    if (!isEmpty(value)) out.push({ field: `spec.${key}`, reason });
  }
  // CreateService puts these on the deployment, and DescribeServices reports them there.
  const primary = s.deployments?.find((dep) => dep.status === 'PRIMARY') ?? s.deployments?.[0];
  if (primary?.serviceConnectConfiguration?.enabled) out.push({ field: 'spec.serviceConnectConfiguration', reason });
  if ((primary?.volumeConfigurations?.length ?? 0) > 0) out.push({ field: 'spec.volumeConfigurations', reason });
  if ((primary?.vpcLatticeConfigurations?.length ?? 0) > 0) out.push({ field: 'spec.vpcLatticeConfigurations', reason });
  // ECS reports its service-linked role for services made without one; only a role given at creation is a setting.
  if (s.roleArn && !s.roleArn.includes(':role/aws-service-role/')) out.push({ field: 'spec.role', reason });
  const rebalancing = s.availabilityZoneRebalancing;
  if (rebalancing !== undefined && rebalancing !== UNMODELED_SERVICE_DEFAULTS['spec.availabilityZoneRebalancing']) out.push({ field: 'spec.availabilityZoneRebalancing', reason });
  return out;
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && !(value instanceof Date)) return Object.values(value).every(isEmpty);
  return false;
}

function rfc3339(date: Date | undefined): string | undefined {
  return date && new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * spec.autoscaling from what Application Auto Scaling and CloudWatch hold. Their enumerations are
 * the ones the schema spells; a value the schema does not know fails validation and is listed.
 */
function translateScaling(observed: ObservedScaling, unexpressed: Unexpressed[]): Autoscaling {
  const taken = new Set<string>();
  const t = observed.target;
  const targetTracking: NonNullable<Autoscaling['targetTracking']> = [];
  const stepScaling: StepScalingPolicy[] = [];
  const alarms = new Map(observed.alarms.map((a) => [a.AlarmName, a]));
  for (const p of observed.policies) {
    const awsName = p.PolicyName ?? '';
    if (p.PolicyType === 'TargetTrackingScaling') {
      const c = p.TargetTrackingScalingPolicyConfiguration;
      const m = c?.CustomizedMetricSpecification;
      const name = scalingName(awsName, taken);
      if (m?.Metrics?.length) unexpressed.push({ field: `spec.autoscaling.targetTracking[${name}].customizedMetric.metrics`, reason: 'metric math is not in the schema' });
      targetTracking.push({
        name,
        policyName: awsName,
        predefinedMetric: c?.PredefinedMetricSpecification?.PredefinedMetricType as TargetTrackingPolicy['predefinedMetric'],
        resourceLabel: c?.PredefinedMetricSpecification?.ResourceLabel,
        customizedMetric: m && {
          namespace: m.Namespace ?? '',
          metricName: m.MetricName ?? '',
          dimensions: m.Dimensions?.map((dim) => ({ name: dim.Name ?? '', value: dim.Value ?? '' })),
          statistic: m.Statistic as CustomizedMetric['statistic'],
          unit: m.Unit as CustomizedMetric['unit'],
        },
        targetValue: c?.TargetValue ?? 0,
        scaleInCooldown: c?.ScaleInCooldown,
        scaleOutCooldown: c?.ScaleOutCooldown,
        disableScaleIn: c?.DisableScaleIn,
      });
    } else if (p.PolicyType === 'StepScaling') {
      const c = p.StepScalingPolicyConfiguration;
      const name = scalingName(awsName, taken);
      const path = `spec.autoscaling.stepScaling[${name}]`;
      // The schema declares a step policy with the one alarm that triggers it.
      const named = p.Alarms ?? [];
      const alarm = named.length === 1 ? alarms.get(named[0]?.AlarmName) : undefined;
      if (!alarm) {
        unexpressed.push({ field: `${path}.alarm`, reason: named.length === 0 ? 'the policy has no alarm; the schema declares each step policy with its alarm' : named.length > 1 ? `the policy has ${named.length} alarms; the schema declares one` : `alarm ${named[0]?.AlarmName ?? ''} was not found` });
        continue;
      }
      stepScaling.push({
        name,
        policyName: awsName,
        adjustmentType: c?.AdjustmentType as StepScalingPolicy['adjustmentType'],
        stepAdjustments: (c?.StepAdjustments ?? []).map((step) => ({
          metricIntervalLowerBound: step.MetricIntervalLowerBound,
          metricIntervalUpperBound: step.MetricIntervalUpperBound,
          scalingAdjustment: step.ScalingAdjustment ?? 0,
        })),
        cooldown: c?.Cooldown,
        metricAggregationType: c?.MetricAggregationType as StepScalingPolicy['metricAggregationType'],
        minAdjustmentMagnitude: c?.MinAdjustmentMagnitude,
        alarm: {
          namespace: alarm.Namespace ?? '',
          metricName: alarm.MetricName ?? '',
          dimensions: alarm.Dimensions?.map((dim) => ({ name: dim.Name ?? '', value: dim.Value ?? '' })),
          statistic: alarm.Statistic as MetricAlarmSpec['statistic'],
          unit: alarm.Unit as MetricAlarmSpec['unit'],
          period: alarm.Period ?? 60,
          evaluationPeriods: alarm.EvaluationPeriods ?? 1,
          datapointsToAlarm: alarm.DatapointsToAlarm,
          threshold: alarm.Threshold ?? 0,
          comparisonOperator: alarm.ComparisonOperator as MetricAlarmSpec['comparisonOperator'],
          treatMissingData: alarm.TreatMissingData as MetricAlarmSpec['treatMissingData'],
          alarmName: alarm.AlarmName,
          description: alarm.AlarmDescription,
        },
      });
    } else {
      unexpressed.push({ field: `spec.autoscaling (policy ${awsName})`, reason: `policy type ${p.PolicyType ?? 'unknown'} is not in the schema` });
    }
  }
  const actionNames = new Set<string>();
  const scheduled: NonNullable<Autoscaling['scheduled']> = observed.scheduledActions.map((a) => ({
    name: scalingName(a.ScheduledActionName ?? '', actionNames),
    scheduledActionName: a.ScheduledActionName,
    schedule: a.Schedule ?? '',
    timezone: a.Timezone,
    startTime: rfc3339(a.StartTime),
    endTime: rfc3339(a.EndTime),
    minCapacity: a.ScalableTargetAction?.MinCapacity,
    maxCapacity: a.ScalableTargetAction?.MaxCapacity,
  }));
  const s = t.SuspendedState;
  const autoscaling: Autoscaling = {
    minCapacity: t.MinCapacity ?? 0,
    maxCapacity: t.MaxCapacity ?? 0,
    suspended: s && { dynamicScalingInSuspended: s.DynamicScalingInSuspended, dynamicScalingOutSuspended: s.DynamicScalingOutSuspended, scheduledScalingSuspended: s.ScheduledScalingSuspended },
    targetTracking: targetTracking.length > 0 ? targetTracking : undefined,
    stepScaling: stepScaling.length > 0 ? stepScaling : undefined,
    scheduled: scheduled.length > 0 ? scheduled : undefined,
  };
  return fitToSchema(withoutUndefined(autoscaling), AutoscalingSchema, 'spec.autoscaling', unexpressed) as Autoscaling;
}

/** Names stand in for the owner: every imported resource is adopted by its AWS name. */
function importOwner(name: string): OwnerIdentity {
  return { clusterId: 'import', kind: KINDS.EcsService, namespace: 'default', name };
}

function desiredScalingOf(autoscaling: Autoscaling, resourceId: string, objectName: string): DesiredScaling | undefined {
  const names = new ScalingNames(importOwner(objectName), adoptedNamesOf(autoscaling));
  const result = desiredScaling(autoscaling, { names, resourceId });
  return result.kind === 'ok' ? result.desired : undefined;
}

/** spec.autoscaling as the scaling plan compares it. */
function comparableScaling(autoscaling: Autoscaling, resourceId: string, objectName: string): Json {
  const desired = desiredScalingOf(autoscaling, resourceId, objectName);
  if (!desired) return null;
  return {
    target: comparableTarget(desired.target),
    policies: desired.policies.map((p) => ({
      name: p.name,
      awsName: p.input.PolicyName,
      type: p.type,
      config: p.type === 'StepScaling' ? comparableStepScaling(p.input.StepScalingPolicyConfiguration) : comparableTargetTracking(p.input.TargetTrackingScalingPolicyConfiguration),
      alarm: p.alarm ? { name: p.alarm.input.AlarmName, ...comparableAlarm(p.alarm.input) } : null,
    })),
    scheduled: desired.scheduledActions.map((a) => ({ name: a.name, awsName: a.input.ScheduledActionName, ...comparableScheduledAction(a.input) })),
    exclusive: desired.exclusive,
  };
}

/** Where the scaling plan would still find a difference: settings the manifest cannot express. */
function scalingMismatches(autoscaling: Autoscaling, observed: ObservedScaling, resourceId: string, objectName: string): Unexpressed[] {
  const desired = desiredScalingOf(autoscaling, resourceId, objectName);
  if (!desired) return [{ field: 'spec.autoscaling', reason: 'the imported autoscaling is not valid' }];
  const out: Unexpressed[] = [];
  const report = (diffs: ReturnType<typeof diffJson>) => out.push(...diffs.map((d) => ({ field: d.path, reason: 'the manifest cannot hold this value as AWS has it' })));
  report(diffJson('spec.autoscaling', comparableTarget(desired.target), comparableTarget(observed.target)));
  const policies = new Map(observed.policies.map((p) => [p.PolicyName, p]));
  const alarms = new Map(observed.alarms.map((a) => [a.AlarmName, a]));
  for (const p of desired.policies) {
    const current = policies.get(p.input.PolicyName);
    if (!current) continue;
    const config = (x: typeof p.input | ScalingPolicy): JsonObject =>
      p.type === 'StepScaling' ? comparableStepScaling(x.StepScalingPolicyConfiguration) : comparableTargetTracking(x.TargetTrackingScalingPolicyConfiguration);
    report(diffJson(p.path, config(p.input), config(current)));
    const alarm = p.alarm && alarms.get(p.alarm.input.AlarmName);
    if (p.alarm && alarm) report(diffJson(`${p.path}.alarm`, comparableAlarm({ ...p.alarm.input, AlarmActions: current.PolicyARN ? [current.PolicyARN] : [] }), comparableAlarm(alarm)));
  }
  const actions = new Map(observed.scheduledActions.map((a) => [a.ScheduledActionName, a]));
  for (const a of desired.scheduledActions) {
    const current = actions.get(a.input.ScheduledActionName);
    if (current) report(diffJson(a.path, comparableScheduledAction(a.input), comparableScheduledAction(current)));
  }
  return out;
}

/** JSON-like copy without undefined members, so that YAML output and comparisons see no holes. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)])) as T;
  }
  return value;
}
