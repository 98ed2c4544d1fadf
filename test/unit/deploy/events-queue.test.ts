// deploy/events-queue/: the rules' patterns and the queue policy as JSON (what the README's CLI
// commands and the e2e test use) and the same in a CloudFormation template; they must not drift
// apart, and the rules must send what the operator acts on and nothing it ignores.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const dir = join(resolve(import.meta.dirname, '..', '..', '..'), 'deploy', 'events-queue');
const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
const template = load(readFileSync(join(dir, 'events-queue.cfn.yaml'), 'utf8')) as { Resources: Record<string, Resource> };
const rule = (name: string) => Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::Rule' && r.Properties.Name === name)?.Properties;

describe('deploy/events-queue', () => {
  it('the template creates the two rules with the patterns of the JSON files, each targeting the queue', () => {
    expect(rule('ecs-operator-ecs-events')?.EventPattern).toEqual(json('ecs-events.pattern.json'));
    expect(rule('ecs-operator-api-calls')?.EventPattern).toEqual(json('api-calls.pattern.json'));
    for (const name of ['ecs-operator-ecs-events', 'ecs-operator-api-calls']) {
      expect(rule(name)?.Targets).toEqual([{ Id: 'ecs-operator-events', Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } }]);
    }
  });

  it('lets only EventBridge send, and only from those two rules (aws:SourceArn), in the template as in the JSON policy', () => {
    const policy = json('queue-policy.json') as { Statement: Array<Record<string, unknown>> };
    const [statement] = policy.Statement;
    expect(policy.Statement).toHaveLength(1);
    expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
    expect((statement?.Condition as { ArnEquals: Record<string, string[]> }).ArnEquals['aws:SourceArn']).toEqual([
      'arn:aws:events:REGION:ACCOUNT_ID:rule/ecs-operator-ecs-events',
      'arn:aws:events:REGION:ACCOUNT_ID:rule/ecs-operator-api-calls',
    ]);
    const cfn = template.Resources.QueuePolicy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> };
    expect(cfn.Statement[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
    expect((cfn.Statement[0]?.Condition as { ArnEquals: Record<string, unknown[]> }).ArnEquals['aws:SourceArn']).toEqual([{ 'Fn::GetAtt': ['EcsEventsRule', 'Arn'] }, { 'Fn::GetAtt': ['ApiCallsRule', 'Arn'] }]);
  });

  it('names the queue as the IAM policy grants it', () => {
    expect(template.Resources.Queue?.Properties.QueueName).toBe('ecs-operator-events');
    const iam = JSON.parse(readFileSync(join(dir, '..', 'iam-policy.json'), 'utf8')) as { Statement: Array<{ Action: string[]; Resource: string }> };
    expect(iam.Statement.find((s) => s.Action.includes('sqs:ReceiveMessage'))?.Resource).toBe('arn:aws:sqs:*:*:ecs-operator-events');
  });
});
