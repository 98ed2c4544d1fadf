import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, test } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { TargetGroupResolver } from '../../../src/aws/target-group-resolver.js';
import { FakeTransport, fakeClientConfig, queryError, xml, type FakeRequest } from './fake-transport.js';

const arnOf = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;

/** The names (or ARNs) a DescribeTargetGroups request asked for, from its query-protocol form. */
function requested(request: FakeRequest): string[] {
  return Object.entries(request.input)
    .filter(([k]) => /^(Names|TargetGroupArns)\.member\.\d+$/.test(k))
    .map(([, v]) => String(v));
}

/** ELBv2 with the given target groups: like AWS, one unknown name fails the whole call. */
function fakeElb(existing: string[]) {
  const transport = new FakeTransport((request) => {
    const ids = requested(request);
    const groups = ids.map((id) => existing.find((name) => name === id || arnOf(name) === id));
    if (groups.some((g) => g === undefined)) return queryError('TargetGroupNotFound', 'One or more target groups not found');
    const members = groups
      .map((name) => `<member><TargetGroupName>${name}</TargetGroupName><TargetGroupArn>${arnOf(name!)}</TargetGroupArn><LoadBalancerArns><member>arn:lb/${name}</member></LoadBalancerArns></member>`)
      .join('');
    return xml(`<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>${members}</TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>`);
  });
  const client = new ElasticLoadBalancingV2Client(fakeClientConfig(transport));
  instrumentClient(client.middlewareStack, 'elasticloadbalancing', new AwsCallCounter());
  return { transport, client };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `tg-${i}`);

describe('TargetGroupResolver', () => {
  test('names resolved together share calls of at most 20 names', async () => {
    const { transport, client } = fakeElb(names(25));
    const resolver = new TargetGroupResolver(async () => client);

    const groups = await Promise.all(names(25).map((name) => resolver.resolve({ name })));

    expect(transport.requests.map((r) => requested(r).length).sort((a, b) => b - a)).toEqual([20, 5]);
    groups.forEach((g, i) => expect(g).toMatchObject({ TargetGroupName: `tg-${i}`, TargetGroupArn: arnOf(`tg-${i}`), LoadBalancerArns: [`arn:lb/tg-${i}`] }));
  });

  test('a resolved target group is reused, by name and by ARN, until invalidated', async () => {
    const { transport, client } = fakeElb(['web']);
    const resolver = new TargetGroupResolver(async () => client);

    await resolver.resolve({ name: 'web' });
    await resolver.resolve({ name: 'web' });
    await resolver.resolve({ arn: arnOf('web') });
    expect(transport.requests).toHaveLength(1);

    resolver.invalidate({ arn: arnOf('web') });
    await resolver.resolve({ name: 'web' });
    expect(transport.requests).toHaveLength(2);
  });

  test('a resolved target group is asked for again once its TTL has passed', async () => {
    const { transport, client } = fakeElb(['web']);
    const resolver = new TargetGroupResolver(async () => client, { ttlMs: 20 });

    await resolver.resolve({ name: 'web' });
    await new Promise((r) => setTimeout(r, 40));
    await resolver.resolve({ name: 'web' });

    expect(transport.requests).toHaveLength(2);
  });

  test('an unknown name fails only its own caller, although ELBv2 fails the whole batch', async () => {
    const { client } = fakeElb(['web', 'api']);
    const resolver = new TargetGroupResolver(async () => client);

    const [web, gone, api] = await Promise.allSettled([resolver.resolve({ name: 'web' }), resolver.resolve({ name: 'gone' }), resolver.resolve({ name: 'api' })]);

    expect(web).toMatchObject({ status: 'fulfilled', value: { TargetGroupName: 'web' } });
    expect(api).toMatchObject({ status: 'fulfilled', value: { TargetGroupName: 'api' } });
    expect(gone).toMatchObject({ status: 'rejected', reason: { kind: 'notFound', code: 'TargetGroupNotFoundException' } });
  });

  test('a missing target group is not remembered as missing', async () => {
    const existing: string[] = [];
    const { client } = fakeElb(existing);
    const resolver = new TargetGroupResolver(async () => client);

    await expect(resolver.resolve({ name: 'late' })).rejects.toMatchObject({ kind: 'notFound' });
    existing.push('late');

    await expect(resolver.resolve({ name: 'late' })).resolves.toMatchObject({ TargetGroupName: 'late' });
  });
});
