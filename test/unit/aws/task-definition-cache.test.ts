import { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { EcsApi } from '../../../src/aws/ecs-api.js';
import { TAGS_RECHECK_AFTER_MS, TaskDefinitionCache } from '../../../src/aws/task-definition-cache.js';
import { FakeTransport, fakeClientConfig, json, jsonError } from './fake-transport.js';

const arnOf = (family: string, revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`;

/**
 * An ECS holding revisions 1..latest of family `web`, tagged with the revision number, ACTIVE
 * unless deregistered; ListTaskDefinitions pages `pageSize` ARNs at a time, `others` ACTIVE
 * revisions of other families first.
 */
function fakeEcs(latest = 3, { others = 0, pageSize = 100, maxRevisions }: { others?: number; pageSize?: number; maxRevisions?: number } = {}) {
  const inactive = new Set<number>();
  const revision = (n: number) => ({ taskDefinition: { taskDefinitionArn: arnOf('web', n), family: 'web', revision: n, status: inactive.has(n) ? 'INACTIVE' : 'ACTIVE' }, tags: [{ key: 'rev', value: String(n) }] });
  const transport = new FakeTransport((request) => {
    if (request.operation === 'RegisterTaskDefinition') return json(revision(latest + 1));
    if (request.operation === 'TagResource') return json({});
    if (request.operation === 'ListTaskDefinitions') {
      const active = [...Array.from({ length: others }, (_, i) => arnOf(`other${i}`, 1)), ...Array.from({ length: latest }, (_, i) => i + 1).filter((n) => !inactive.has(n)).map((n) => arnOf('web', n))];
      const start = Number(request.input.nextToken ?? 0);
      const end = start + pageSize;
      return json({ taskDefinitionArns: active.slice(start, end), ...(end < active.length ? { nextToken: String(end) } : {}) });
    }
    const id = String(request.input.taskDefinition);
    const match = /(?:^|\/)web(?::(\d+))?$/.exec(id);
    if (!match) return jsonError('ClientException', 'Unable to describe task definition.');
    return json(revision(match[1] ? Number(match[1]) : latest));
  });
  const client = new ECSClient(fakeClientConfig(transport));
  instrumentClient(client.middlewareStack, 'ecs', new AwsCallCounter());
  const cache = new TaskDefinitionCache(client, { maxRevisions });
  return { transport, cache, ecs: new EcsApi(client, cache), deregister: (n: number) => inactive.add(n) };
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

  test('room for N revisions keeps N, though each is kept under two names', async () => {
    const { transport, cache } = fakeEcs(3, { maxRevisions: 3 });
    const all = [1, 2, 3].flatMap((n) => [`web:${n}`, arnOf('web', n)]);

    for (const id of all) await cache.describe(id);
    for (const id of all) await cache.describe(id);

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(3);
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

  describe('current()', () => {
    beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-12-07T00:00:00Z') }));
    afterEach(() => void vi.useRealTimers());

    test('a copy younger than allowed is answered without a call', async () => {
      const { transport, cache } = fakeEcs();
      await cache.describe(arnOf('web', 2));
      await cache.current(arnOf('web', 2), 10_000);
      expect(transport.requests).toHaveLength(1);
    });

    test('older copies are checked together in one listing of the ACTIVE revisions, not read one by one', async () => {
      const { transport, cache } = fakeEcs();
      await Promise.all([1, 2, 3].map((n) => cache.describe(arnOf('web', n))));
      vi.advanceTimersByTime(10_001);

      const checked = await Promise.all([1, 2, 3].map((n) => cache.current(arnOf('web', n), 10_000)));
      expect(checked.map((r) => r.taskDefinition.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
      expect(transport.of('ListTaskDefinitions')).toHaveLength(1);
      expect(transport.of('ListTaskDefinitions')[0]?.input).toMatchObject({ status: 'ACTIVE' });
      expect(transport.of('ListTaskDefinitions')[0]?.input).not.toHaveProperty('familyPrefix');
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(3);
    });

    test('a revision deregistered outside the operator is missing from the listing, and read again: its status is seen', async () => {
      const { transport, cache, deregister } = fakeEcs();
      await cache.describe(arnOf('web', 2));
      deregister(2);
      vi.advanceTimersByTime(10_001);

      expect((await cache.current('web:2', 10_000)).taskDefinition.status).toBe('INACTIVE');
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
    });

    test('its tags are read again once the copy is older than an hour, though the listing has it', async () => {
      const { transport, cache } = fakeEcs();
      await cache.describe(arnOf('web', 2));
      vi.advanceTimersByTime(TAGS_RECHECK_AFTER_MS + 1);

      await cache.current(arnOf('web', 2), 10_000);
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
    });

    test('in an account whose listing takes more calls than the revisions kept, each is read instead', async () => {
      const { transport, cache } = fakeEcs(3, { others: 10, pageSize: 2 });
      await Promise.all([1, 2, 3].map((n) => cache.describe(arnOf('web', n))));
      vi.advanceTimersByTime(10_001);
      await cache.current(arnOf('web', 1), 10_000);
      expect(transport.of('ListTaskDefinitions')).toHaveLength(7);

      vi.advanceTimersByTime(10_001);
      await Promise.all([1, 2, 3].map((n) => cache.current(arnOf('web', n), 10_000)));
      expect(transport.of('ListTaskDefinitions')).toHaveLength(7);
      expect(transport.of('DescribeTaskDefinition')).toHaveLength(6);
    });
  });

  test('a failed read is not cached', async () => {
    const { transport, cache } = fakeEcs();

    await expect(cache.describe('other:1')).rejects.toMatchObject({ kind: 'invalid', code: 'ClientException' });
    await expect(cache.describe('other:1')).rejects.toMatchObject({ kind: 'invalid' });

    expect(transport.of('DescribeTaskDefinition')).toHaveLength(2);
  });
});
