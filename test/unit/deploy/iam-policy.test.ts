// deploy/iam-policy.json grants exactly the AWS actions the operator can cause: every operation the
// code calls (AWS_OPERATIONS, itself checked against the source) and every permission AWS checks
// on its behalf (AWS_IMPLIED_PERMISSIONS). A new call without a policy entry, or a policy entry no
// code needs, fails here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_IMPLIED_PERMISSIONS, AWS_OPERATIONS, IAM_ACTION_OF } from '../../../src/aws/operations.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  NotAction?: unknown;
  Resource: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const policy = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'iam-policy.json'), 'utf8')) as Policy;
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const actionsOf = (s: Statement) => list(s.Action);
const statementFor = (action: string) => {
  const found = policy.Statement.filter((s) => actionsOf(s).includes(action));
  expect(found, action).toHaveLength(1);
  return found[0] as Statement;
};

describe('deploy/iam-policy.json', () => {
  const granted = policy.Statement.flatMap(actionsOf);
  const needed = [...AWS_OPERATIONS.map((op) => IAM_ACTION_OF[op] ?? op), ...Object.keys(AWS_IMPLIED_PERMISSIONS)];

  it('grants every action the operator needs', () => {
    expect(needed.filter((a) => !granted.includes(a))).toEqual([]);
  });

  it('grants no action the operator does not need', () => {
    expect(granted.filter((a) => !needed.includes(a))).toEqual([]);
  });

  it('names each action once, without wildcards', () => {
    expect(new Set(granted).size).toBe(granted.length);
    expect(granted.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('only allows, with plain Action and Resource lists', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const s of policy.Statement) {
      expect(s.Effect, s.Sid).toBe('Allow');
      expect(s.NotAction, s.Sid).toBeUndefined();
      expect(s.NotResource, s.Sid).toBeUndefined();
    }
  });

  it('lets the operator pass roles to ECS tasks, to ECS (blue/green traffic shifting, lifecycle hooks), and to EventBridge Scheduler and EventBridge for the tasks they start, and to nothing else', () => {
    const s = statementFor('iam:PassRole');
    expect(actionsOf(s)).toEqual(['iam:PassRole']);
    expect(s.Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com', 'scheduler.amazonaws.com', 'events.amazonaws.com'] } });
  });

  it('limits the scheduler and events actions to schedules and rules', () => {
    expect(list(statementFor('scheduler:CreateSchedule').Resource)).toEqual(['arn:aws:scheduler:*:*:schedule/*/*']);
    expect(list(statementFor('events:PutTargets').Resource)).toEqual(['arn:aws:events:*:*:rule/*']);
  });

  it('reads and deletes messages of the events queue only, with nothing else of SQS', () => {
    const s = statementFor('sqs:ReceiveMessage');
    expect(actionsOf(s).sort()).toEqual(['sqs:DeleteMessage', 'sqs:ReceiveMessage']);
    expect(list(s.Resource)).toEqual(['arn:aws:sqs:*:*:ecs-operator-events']);
  });

  it("creates only ECS's and Application Auto Scaling's ECS service-linked roles", () => {
    const s = statementFor('iam:CreateServiceLinkedRole');
    expect(actionsOf(s)).toEqual(['iam:CreateServiceLinkedRole']);
    expect(list(s.Resource).sort()).toEqual([
      'arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
      'arn:aws:iam::*:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService',
    ]);
    expect(s.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'] } });
  });

  it('keeps IAM actions out of the statements on "*" without a condition', () => {
    for (const s of policy.Statement) {
      if (actionsOf(s).some((a) => a.startsWith('iam:'))) expect(s.Condition, s.Sid).toBeDefined();
    }
  });
});
