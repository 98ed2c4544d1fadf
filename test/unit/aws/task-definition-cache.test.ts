import { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, test, vi } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { EcsApi } from '../../../src/aws/ecs-api.js';
import { TaskDefinitionCache } from '../../../src/aws/task-definition-cache.js';
import { FakeTransport, fakeClientConfig, json, jsonError } from './fake-transport.js';

const arnOf = (family: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`;

/** An ECS holding revisions 1..latest of family `web`, tagged with the revision number. */
function fakeEcs(latest = 3) {
  const revision = (n: number) => ({ taskDefinition: { taskDefinitionArn: arnOf('web', n), family: 'web', revision: n, status: 'ACTIVE' }, tags: [{ key: 'rev', value: String(n) }] });
  const transport = new FakeTransport((request) => {
    if (request.operation === 'RegisterTaskDefinition') return json(revision(latest + 1));
    if (request.operation === 'TagResource') return json({});
    const id = String(request.input.taskDefinition);
    const match = /(?:^|\/)web(?::(\d+))?$/.exec(id);
    if (!match) return jsonError('ClientException', 'Unable to describe task definition.');
    return json(revision(match[1] ? Number(match[1]) : latest));
  });
  const client = new ECSClient(fakeClientConfig(transport));
  instrumentClient(client.middlewareStack, 'ecs', new AwsCallCounter());
  const cache = new TaskDefinitionCache(client);
  return { transport, cache, ecs: new EcsApi(client, cache) };
}

describe('TaskDefinitionCache', () => {
  test('a revision is read once, however often and however concurrently it is asked for', async () => {
    const { transport, cache } = fakeEcs();

    await Promise.all([cache.describe(arnOf('web', 2)), cache.describe(arnOf('web', 2)), cache.describe(arnOf('web', 2))]);
    const again = await cache.describe(arnOf('web', 2));

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(1);
    expect(transport.requests[0]?.input).toMatchObject({ include: ['TAGS'] });
    expect(again).toMatchObject({ taskDefinition: { revision: 2 }, tags: [{ key: 'rev', value: '2' }] });
  });

  test('family:revision and the ARN name the same cached revision', async () => {
    const { transport, cache } = fakeEcs();

    await cache.describe('web:2');
    await cache.describe(arnOf('web', 2));

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(1);
  });

  test('a bare family means the latest revision, so it is read every time', async () => {
    const { transport, cache } = fakeEcs();

    await cache.describe('web');
    await cache.describe('web');

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
  });

  test('a registered revision is never read back', async () => {
    const { transport, cache, ecs } = fakeEcs(3);

    const registered = await ecs.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'httpd:2.4' }] });
    const described = await cache.describe(arnOf('web', 4));

    expect(described).toEqual(registered);
    expect(transport.of('DescribeTaskDefinition')).toHaveLength(0);
  });

  test('tagging a revision through the adapter makes the next read fetch its tags again', async () => {
    const { transport, cache, ecs } = fakeEcs();

    await cache.describe(arnOf('web', 2));
    await ecs.tagResource(arnOf('web', 2), [{ key: 'owner', value: 'x' }]);
    await cache.describe('web:2');

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
  });

  test('current() reads a revision again once its copy is older than allowed: a console change to its status or tags is seen', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T00:00:00Z') });
    try {
      const { transport, cache } = fakeEcs();
      await cache.describe(arnOf('web', 2));
      await cache.current(arnOf('web', 2), 10_000);
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(1);

      vi.advanceTimersByTime(10_001);
      await cache.current('web:2', 10_000);
      await cache.describe(arnOf('web', 2));
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a failed read is not cached', async () => {
    const { transport, cache } = fakeEcs();

    await expect(cache.describe('other:1')).rejects.toMatchObject({ kind: 'invalid', code: 'ClientException' });
    await expect(cache.describe('other:1')).rejects.toMatchObject({ kind: 'invalid' });

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
  });
});
