// What an EcsScheduledTask asks of AWS once its references are resolved: the schedule (EventBridge
// Scheduler) or the rule and its ECS target (EventBridge), as the requests that create them.
//
// Ownership: EventBridge Scheduler keeps no tags on a schedule (only schedule groups take tags:
// CreateSchedule has no Tags parameter, TagResource names schedule groups), so a schedule records
// its owner in its Description, the one free-text field it keeps. A rule takes tags like ECS
// resources, and carries the same two ownership tags.
import type { CreateScheduleCommandInput, Target as ScheduleTarget } from '@aws-sdk/client-scheduler';
import type { PutRuleRequest, Target as RuleTarget } from '@aws-sdk/client-eventbridge';
import type { EcsScheduledTask, EcsScheduledTaskSpec } from '../../api/index.js';
import { CLUSTER_TAG, OWNER_TAG, ownerTags, ownerValue } from '../ownership.js';
import { clientTokenFor } from '../ownership.js';
import type { OwnerIdentity } from '../outcome.js';

export const DEFAULT_GROUP = 'default';
export const DEFAULT_EVENT_BUS = 'default';
/** The Id of the one target the operator puts on a rule; other targets of the rule are left alone. */
export const RULE_TARGET_ID = 'ecs-operator';

/** What the references resolved to: the revision the target starts and the cluster it starts it in. */
export interface ResolvedTarget {
  taskDefinitionArn: string;
  clusterArn: string;
}

export interface DesiredScheduledTask {
  mode: 'Schedule' | 'Event';
  name: string;
  region: string;
  groupName: string;
  eventBusName: string;
  spec: EcsScheduledTaskSpec;
  target: ResolvedTarget;
}

/** The ECS task group of the tasks a schedule or rule starts when spec.target.group names none. */
export function taskGroupOf(name: string): string {
  return `scheduled:${name}`;
}

export function scheduledTaskNameOf(obj: Pick<EcsScheduledTask, 'metadata' | 'spec'>): string {
  return obj.spec.name ?? obj.metadata.name;
}

export function desiredScheduledTask(obj: EcsScheduledTask, region: string, target: ResolvedTarget): DesiredScheduledTask {
  return {
    mode: obj.spec.schedule ? 'Schedule' : 'Event',
    name: scheduledTaskNameOf(obj),
    region,
    groupName: obj.spec.schedule?.groupName ?? DEFAULT_GROUP,
    eventBusName: obj.spec.eventBusName ?? DEFAULT_EVENT_BUS,
    spec: obj.spec,
    target,
  };
}

const DESCRIPTION_PREFIX = 'Managed by ecs-operator:';

/** The schedule's Description: who owns it, readable by a person and parsed back by ownerOfDescription. */
export function ownerDescription(owner: OwnerIdentity): string {
  return `${DESCRIPTION_PREFIX} ${OWNER_TAG}=${ownerValue(owner)} ${CLUSTER_TAG}=${owner.clusterId}`;
}

/** The owner tags a schedule's Description records, in the shape ownershipOf reads. */
export function ownerOfDescription(description: string | undefined): { key: string; value: string }[] | undefined {
  if (!description?.startsWith(DESCRIPTION_PREFIX)) return undefined;
  const fields = new Map(
    description
      .slice(DESCRIPTION_PREFIX.length)
      .trim()
      .split(' ')
      .map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as const),
  );
  return [...fields].map(([key, value]) => ({ key, value }));
}

/** The overrides as the target's input (RunTask's `overrides`, as both services pass it to ECS). */
export function overridesInput(spec: EcsScheduledTaskSpec): string | undefined {
  const o = spec.target.overrides;
  if (!o) return undefined;
  return JSON.stringify({
    ...(o.containerOverrides ? { containerOverrides: o.containerOverrides } : {}),
    ...(o.taskRoleArn ? { taskRoleArn: o.taskRoleArn } : {}),
  });
}

/** The ECS parameters shared by both services' targets, in their (identical) field names. */
function ecsParameters(d: DesiredScheduledTask) {
  const t = d.spec.target;
  const vpc = t.networkConfiguration?.awsvpcConfiguration;
  return {
    TaskDefinitionArn: d.target.taskDefinitionArn,
    TaskCount: t.count ?? 1,
    // MANAGED_INSTANCES is refused by the spec's CEL rule: neither service takes it.
    ...(t.launchType ? { LaunchType: t.launchType as 'FARGATE' | 'EC2' | 'EXTERNAL' } : {}),
    ...(t.capacityProviderStrategy
      ? { CapacityProviderStrategy: t.capacityProviderStrategy.map((c) => ({ capacityProvider: c.capacityProvider, ...(c.weight === undefined ? {} : { weight: c.weight }), ...(c.base === undefined ? {} : { base: c.base }) })) }
      : {}),
    ...(vpc
      ? {
          NetworkConfiguration: {
            awsvpcConfiguration: {
              Subnets: vpc.subnets as string[],
              ...(vpc.securityGroups ? { SecurityGroups: vpc.securityGroups as string[] } : {}),
              ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
            },
          },
        }
      : {}),
    ...(t.platformVersion ? { PlatformVersion: t.platformVersion } : {}),
    // A group of the object's own by default, so that the tasks it started can be told from others of the family.
    Group: t.group ?? taskGroupOf(d.name),
    // Both services take TASK_DEFINITION only; NONE is what leaving it out means.
    ...(t.propagateTags === 'TASK_DEFINITION' ? { PropagateTags: t.propagateTags } : {}),
    ...(t.enableECSManagedTags === undefined ? {} : { EnableECSManagedTags: t.enableECSManagedTags }),
    ...(t.enableExecuteCommand === undefined ? {} : { EnableExecuteCommand: t.enableExecuteCommand }),
  };
}

function retryAndDeadLetter(spec: EcsScheduledTaskSpec) {
  const r = spec.retryPolicy;
  return {
    ...(r ? { RetryPolicy: { ...(r.maximumEventAgeInSeconds === undefined ? {} : { MaximumEventAgeInSeconds: r.maximumEventAgeInSeconds }), ...(r.maximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: r.maximumRetryAttempts }) } } : {}),
    ...(spec.deadLetterQueueArn ? { DeadLetterConfig: { Arn: spec.deadLetterQueueArn } } : {}),
  };
}

export function scheduleTarget(d: DesiredScheduledTask, owner: OwnerIdentity): ScheduleTarget {
  const input = overridesInput(d.spec);
  const tags = [...ownerTags(owner), ...(d.spec.target.tags ?? [])];
  return {
    Arn: d.target.clusterArn,
    RoleArn: d.spec.roleArn,
    ...(input === undefined ? {} : { Input: input }),
    // Scheduler takes the task's tags as a list of one-entry maps, key to value.
    EcsParameters: { ...ecsParameters(d), Tags: tags.map((t) => ({ [t.key]: t.value })) },
    ...retryAndDeadLetter(d.spec),
  };
}

export function createScheduleRequest(d: DesiredScheduledTask, owner: OwnerIdentity): CreateScheduleCommandInput {
  const s = d.spec.schedule;
  if (!s) throw new Error('createScheduleRequest: not a schedule');
  return {
    Name: d.name,
    GroupName: d.groupName,
    ScheduleExpression: s.expression,
    ...(s.timezone ? { ScheduleExpressionTimezone: s.timezone } : {}),
    ...(s.startDate ? { StartDate: new Date(s.startDate) } : {}),
    ...(s.endDate ? { EndDate: new Date(s.endDate) } : {}),
    FlexibleTimeWindow: s.flexibleTimeWindowMinutes === undefined ? { Mode: 'OFF' } : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: s.flexibleTimeWindowMinutes },
    State: d.spec.state ?? 'ENABLED',
    Description: ownerDescription(owner),
    Target: scheduleTarget(d, owner),
    // The same object asking for the same schedule sends the same token: a create repeated after a
    // crash is answered with the schedule already made.
    ClientToken: clientTokenFor(owner, 'schedule', d.groupName, d.name),
  };
}

export function putRuleRequest(d: DesiredScheduledTask, owner: OwnerIdentity, withTags: boolean): PutRuleRequest {
  return {
    Name: d.name,
    EventBusName: d.eventBusName,
    EventPattern: d.spec.eventPattern,
    State: d.spec.state ?? 'ENABLED',
    ...(withTags ? { Tags: ownerTags(owner).map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  };
}

/** `<name>` placeholders of the overrides become the input transformer's template, as EventBridge documents. */
export function ruleTarget(d: DesiredScheduledTask, owner: OwnerIdentity): RuleTarget {
  const input = overridesInput(d.spec);
  const transformer = d.spec.inputTransformer;
  const tags = [...ownerTags(owner), ...(d.spec.target.tags ?? [])];
  return {
    Id: RULE_TARGET_ID,
    Arn: d.target.clusterArn,
    RoleArn: d.spec.roleArn,
    ...(transformer ? { InputTransformer: { InputPathsMap: transformer.inputPathsMap, InputTemplate: input ?? '{}' } } : input === undefined ? {} : { Input: input }),
    EcsParameters: { ...ecsParameters(d), Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) },
    ...retryAndDeadLetter(d.spec),
  };
}
