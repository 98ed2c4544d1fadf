// What ECS RunTask takes, in lowerCamelCase, for every kind that starts tasks: an EcsTask runs
// them itself; a scheduled task hands the same parameters to EventBridge as its ECS target.
// Source: RunTask in the Amazon ECS API reference,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
import { Type, type Static } from '@sinclair/typebox';
import { CEL_RULES_KEY, IamRoleArn, KeyValuePair, Struct, StringEnum, Tags, uniqueBy, type CelRule } from './common.js';
import { CapacityProviderStrategy, ClusterName, ClusterRef, NetworkConfiguration, PLACEMENT_RULES, TaskDefinitionLiteral, TaskDefinitionRef, USES_FARGATE } from './service.js';

export const ContainerOverride = Struct('Changes to one container of the task definition, for these tasks only.', {
  name: Type.String({ description: 'Name of the container in the task definition.', minLength: 1, maxLength: 255 }),
  command: Type.Optional(
    Type.Array(Type.String({ description: 'An argument.', maxLength: 8192 }), { description: 'Replaces the container\'s command (its CMD).', maxItems: 256 }),
  ),
  environment: Type.Optional(
    Type.Array(KeyValuePair('environment variable'), {
      description: 'Environment variables added to the container\'s (or replacing those of the same name).',
      maxItems: 256,
    }),
  ),
  cpu: Type.Optional(Type.Integer({ description: 'CPU units reserved for the container (1024 is one vCPU).', minimum: 0, maximum: 196608 })),
  memory: Type.Optional(Type.Integer({ description: 'Hard memory limit of the container, in MiB.', minimum: 6, maximum: 1048576 })),
});

export const TaskOverrides = Struct('Changes to the task definition for these tasks only (RunTask overrides). ECS takes at most 8192 bytes of overrides in all.', {
  containerOverrides: Type.Optional(
    Type.Array(ContainerOverride, {
      description: 'Per container: command, environment, cpu and memory.',
      // A task definition holds at most 10 containers.
      maxItems: 10,
      [CEL_RULES_KEY]: [uniqueBy('name', 'containers in containerOverrides')] satisfies CelRule[],
    }),
  ),
  taskRoleArn: Type.Optional(IamRoleArn('IAM role the containers assume instead of the task definition\'s task role. The operator passes it to ECS (iam:PassRole).')),
});

/**
 * The RunTask parameters, as properties to place in a kind's spec (or in a target object):
 * where the task runs, what it runs, and with which changes.
 */
export const runTaskProperties = {
  cluster: Type.Optional(ClusterName('task')),
  clusterRef: Type.Optional(ClusterRef('task')),
  taskDefinitionRef: Type.Optional(TaskDefinitionRef('The task runs its latest registered revision.')),
  taskDefinition: Type.Optional(TaskDefinitionLiteral),
  launchType: Type.Optional(StringEnum(['FARGATE', 'EC2', 'EXTERNAL', 'MANAGED_INSTANCES'], 'Where tasks run. Exclusive with capacityProviderStrategy; with neither, the cluster\'s default capacity provider strategy applies.')),
  capacityProviderStrategy: Type.Optional(
    CapacityProviderStrategy('How tasks are spread over capacity providers, for example FARGATE_SPOT. Exclusive with launchType.'),
  ),
  networkConfiguration: Type.Optional(NetworkConfiguration),
  platformVersion: Type.Optional(
    Type.String({ description: 'Fargate platform version, for example 1.4.0. ECS defaults to LATEST.', maxLength: 32, pattern: '^(LATEST|[0-9]+\\.[0-9]+\\.[0-9]+)$' }),
  ),
  count: Type.Optional(Type.Integer({ description: 'Number of tasks started together (1-10, RunTask\'s limit). Defaults to 1.', minimum: 1, maximum: 10 })),
  overrides: Type.Optional(TaskOverrides),
  group: Type.Optional(
    Type.String({ description: 'Task group of the tasks. ECS defaults to family:<task definition family>.', minLength: 1, maxLength: 255 }),
  ),
  // RunTask refuses SERVICE: a task started by RunTask belongs to no service.
  propagateTags: Type.Optional(StringEnum(['TASK_DEFINITION', 'NONE'], 'Copy the task definition\'s tags to the tasks (TASK_DEFINITION), or not (NONE, the ECS default).')),
  enableECSManagedTags: Type.Optional(Type.Boolean({ description: 'Let ECS tag the tasks with the cluster name.' })),
  enableExecuteCommand: Type.Optional(Type.Boolean({ description: 'Allow ECS Exec into the tasks.' })),
  tags: Type.Optional(Tags('Tags on the tasks, in addition to the operator\'s 2 ownership tags (3 in a namespace an EcsAccount maps; ECS takes 50 in all).', 3)),
};

/** CEL rules for the object that holds runTaskProperties. */
export const runTaskRules: CelRule[] = [
  ...PLACEMENT_RULES,
  {
    rule: `!(${USES_FARGATE}) || has(self.networkConfiguration)`,
    message: 'a Fargate task needs networkConfiguration.awsvpcConfiguration (Fargate tasks use awsvpc networking)',
    fieldPath: '.networkConfiguration',
    reason: 'FieldValueRequired',
  },
];

/** The RunTask parameters as one object, for a kind that nests them (a schedule's target). */
export const RunTaskParameters = Struct('The tasks to start: what ECS RunTask takes.', runTaskProperties, { rules: runTaskRules });

export type RunTaskParameters = Static<typeof RunTaskParameters>;
export type TaskOverrides = Static<typeof TaskOverrides>;
export type ContainerOverride = Static<typeof ContainerOverride>;
