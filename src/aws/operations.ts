// Every AWS operation the operator can call, as `service:Operation` with the service's IAM action
// prefix, so the list reads as IAM actions. A unit test derives the same set from the commands and
// paginators used anywhere under src/, so this list cannot drift from the code; the IAM policy in
// deploy/ is checked against it.
import type { HandlerExecutionContext } from '@smithy/types';

/** IAM action prefixes of the services the operator talks to. */
export type AwsService = 'ecs' | 'application-autoscaling' | 'elasticloadbalancing' | 'cloudwatch' | 'scheduler' | 'events' | 'sqs' | 'sts';

export type AwsOperation = `${AwsService}:${string}`;

export const AWS_OPERATIONS = [
  'ecs:CreateCapacityProvider',
  'ecs:CreateCluster',
  'ecs:CreateService',
  'ecs:DeleteCapacityProvider',
  'ecs:DeleteCluster',
  'ecs:DeleteService',
  'ecs:DeregisterTaskDefinition',
  'ecs:DescribeCapacityProviders',
  'ecs:DescribeClusters',
  'ecs:DescribeServiceDeployments',
  'ecs:DescribeServices',
  'ecs:DescribeTaskDefinition',
  'ecs:DescribeTasks',
  'ecs:ListServiceDeployments',
  'ecs:ListServices',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTaskDefinitions',
  'ecs:ListTasks',
  'ecs:PutClusterCapacityProviders',
  'ecs:RegisterTaskDefinition',
  'ecs:StopServiceDeployment',
  'ecs:RunTask',
  'ecs:StopTask',
  'ecs:TagResource',
  'ecs:UntagResource',
  'ecs:UpdateCapacityProvider',
  'ecs:UpdateCluster',
  'ecs:UpdateClusterSettings',
  'ecs:UpdateService',
  'application-autoscaling:DeleteScalingPolicy',
  'application-autoscaling:DeleteScheduledAction',
  'application-autoscaling:DeregisterScalableTarget',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'application-autoscaling:DescribeScheduledActions',
  'application-autoscaling:PutScalingPolicy',
  'application-autoscaling:PutScheduledAction',
  'application-autoscaling:RegisterScalableTarget',
  'elasticloadbalancing:DescribeTargetGroups',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:PutMetricAlarm',
  'scheduler:CreateSchedule',
  'scheduler:DeleteSchedule',
  'scheduler:GetSchedule',
  'scheduler:UpdateSchedule',
  'events:DeleteRule',
  'events:DescribeRule',
  'events:ListTagsForResource',
  'events:ListTargetsByRule',
  'events:PutRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:TagResource',
  'events:UntagResource',
  'sqs:ChangeMessageVisibilityBatch',
  'sqs:DeleteMessageBatch',
  'sqs:ReceiveMessage',
  'sts:AssumeRole',
] as const satisfies readonly AwsOperation[];

/** The IAM action that authorizes an operation, where it is not the operation's own name. */
export const IAM_ACTION_OF: Partial<Record<(typeof AWS_OPERATIONS)[number], string>> = {
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
};

/** The operation a middleware is running for, e.g. `DescribeServices`. */
export function operationName(context: HandlerExecutionContext): string {
  return context.__smithy_context?.operation ?? context.commandName?.replace(/Command$/, '') ?? 'Unknown';
}

const READ_PREFIXES = ['Describe', 'List', 'Get'];

/** True for operations that only read (they draw on the read rate budget, not the write one). */
export function isReadOperation(operation: string): boolean {
  return READ_PREFIXES.some((prefix) => operation.startsWith(prefix));
}

/**
 * Permissions AWS checks on the operator's behalf, beyond the operations above: the IAM policy
 * needs them too, although no code calls them.
 */
export const AWS_IMPLIED_PERMISSIONS = {
  'iam:PassRole': 'RegisterTaskDefinition passes the task and execution roles; CreateService passes a service role when one is given; RunTask passes the task and execution roles, and the task role of its overrides; CreateSchedule, UpdateSchedule and PutTargets pass the role that starts scheduled tasks; CreateService and UpdateService pass the roles ECS uses for blue/green traffic shifting and lifecycle hooks',
  'iam:CreateServiceLinkedRole': "RegisterScalableTarget creates Application Auto Scaling's ECS service-linked role the first time in an account",
  'application-autoscaling:TagResource': 'RegisterScalableTarget with Tags (the owner tags) is authorized as TagResource too',
  'cloudwatch:TagResource': 'PutMetricAlarm with Tags (the owner tags) is authorized as TagResource too',
} as const;
