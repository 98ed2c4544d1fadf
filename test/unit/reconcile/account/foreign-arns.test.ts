import { describe, expect, test } from 'vitest';
import { describeForeignArns, foreignArns } from '../../../../src/reconcile/account/foreign-arns.js';

const MINE = '111111111111';
const OTHER = '222222222222';

describe('foreignArns', () => {
  test('finds an ARN of another account wherever the spec names one, with its field path', () => {
    const spec = {
      cluster: `arn:aws:ecs:us-east-1:${OTHER}:cluster/shared`,
      loadBalancers: [
        { targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${MINE}:targetgroup/web/0123456789abcdef`, containerName: 'web', containerPort: 80 },
        { targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${OTHER}:targetgroup/api/0123456789abcdef`, containerName: 'api', containerPort: 81 },
      ],
    };
    expect(foreignArns(spec, MINE)).toEqual([
      { path: 'spec.cluster', arn: spec.cluster, account: OTHER },
      { path: 'spec.loadBalancers[1].targetGroupArn', arn: spec.loadBalancers[1]?.targetGroupArn, account: OTHER },
    ]);
  });

  test('IAM roles passed to ECS must be the account\'s own (iam:PassRole passes no role of another account)', () => {
    expect(foreignArns({ taskRoleArn: `arn:aws:iam::${OTHER}:role/web`, executionRoleArn: `arn:aws:iam::${MINE}:role/exec` }, MINE).map((f) => f.path)).toEqual(['spec.taskRoleArn']);
  });

  test('secrets, log driver options, KMS keys and tags may name another account (resolved by resource policy); ARNs without an account name none', () => {
    const spec = {
      containerDefinitions: [
        {
          name: 'web',
          secrets: [{ name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${OTHER}:secret:db` }],
          logConfiguration: { logDriver: 'awsfirelens', options: { delivery_stream: `arn:aws:firehose:us-east-1:${OTHER}:deliverystream/logs` }, secretOptions: [{ name: 'k', valueFrom: `arn:aws:ssm:us-east-1:${OTHER}:parameter/k` }] },
          environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/web.env' }],
        },
      ],
      configuration: { executeCommandConfiguration: { kmsKeyId: `arn:aws:kms:us-east-1:${OTHER}:key/1` } },
      tags: [{ key: 'origin', value: `arn:aws:iam::${OTHER}:role/x` }],
    };
    expect(foreignArns(spec, MINE)).toEqual([]);
  });

  test('names that are not ARNs are left alone', () => {
    expect(foreignArns({ cluster: 'demo', taskDefinition: 'web:3', taskRoleArn: 'web-task' }, MINE)).toEqual([]);
  });

  test('the message names each field, the account it names and the account the namespace acts in', () => {
    const found = foreignArns({ cluster: `arn:aws:ecs:us-east-1:${OTHER}:cluster/shared` }, MINE);
    expect(describeForeignArns(found, MINE, 'team-a')).toBe(
      `this namespace acts in AWS account ${MINE} (EcsAccount team-a); an object can name no resource of another account: spec.cluster names account ${OTHER} (arn:aws:ecs:us-east-1:${OTHER}:cluster/shared)`,
    );
  });
});
