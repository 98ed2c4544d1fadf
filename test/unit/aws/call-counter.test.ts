import { CreateServiceCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AwsCallCounter, type AwsCallSink } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { AwsError } from '../../../src/aws/errors.js';
import { FakeTransport, connectionReset, fakeClientConfig, json, jsonError, type Responder } from './fake-transport.js';

/** Answers with each responder in turn, then keeps answering with the last one. */
function sequence(...responders: Responder[]): Responder {
  let i = 0;
  return (request) => responders[Math.min(i++, responders.length - 1)]!(request);
}

const ok: Responder = () => json({ services: [], failures: [] });
const throttled: Responder = () => jsonError('ThrottlingException', 'Rate exceeded');

function counted(responder: Responder, maxAttempts = 3) {
  const transport = new FakeTransport(responder);
  const calls = new AwsCallCounter();
  const client = new ECSClient(fakeClientConfig(transport, maxAttempts));
  instrumentClient(client.middlewareStack, 'ecs', calls);
  return { transport, calls, client };
}

const describeWeb = new DescribeServicesCommand({ cluster: 'demo', services: ['web'] });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AwsCallCounter', () => {
  test('counts each request sent, retries included, by operation and outcome', async () => {
    const { calls, client } = counted(sequence(throttled, ok));

    await client.send(describeWeb);

    expect(calls.snapshot()).toEqual({
      total: 2,
      reads: 2,
      writes: 0,
      throttled: 1,
      operations: { 'ecs:DescribeServices': { total: 2, outcomes: { throttled: 1, success: 1 } } },
    });
  });

  test('a dropped connection is retried by the SDK and counted by its error code', async () => {
    const { calls, client } = counted(
      sequence(() => {
        throw connectionReset();
      }, ok),
    );

    await expect(client.send(describeWeb)).resolves.toBeDefined();

    expect(calls.snapshot().operations['ecs:DescribeServices']?.outcomes).toEqual({ ECONNRESET: 1, success: 1 });
  });

  test('writes are counted apart from reads', async () => {
    const { calls, client } = counted(() => json({ service: { serviceName: 'web' } }));

    await client.send(new CreateServiceCommand({ cluster: 'demo', serviceName: 'web', clientToken: 't' }));

    expect(calls.snapshot()).toMatchObject({ total: 1, reads: 0, writes: 1 });
  });

  test('a call that fails ends in a classified AwsError with no request data attached', async () => {
    const { calls, client } = counted(() => jsonError('ClusterNotFoundException', 'Cluster not found.'));

    const err = await client.send(describeWeb).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ kind: 'notFound', code: 'ClusterNotFoundException', service: 'ecs', operation: 'DescribeServices', requestId: 'fake-request-id' });
    expect((err as AwsError).cause).toBeUndefined();
    expect(JSON.stringify(err)).not.toContain('fake-secret');
    expect(calls.snapshot().operations['ecs:DescribeServices']?.outcomes).toEqual({ ClusterNotFoundException: 1 });
  });

  test('throttling that outlasts the attempts surfaces as throttled, after exactly maxAttempts requests', async () => {
    const { transport, client } = counted(throttled, 2);

    await expect(client.send(describeWeb)).rejects.toMatchObject({ kind: 'throttled', retryable: true });

    expect(transport.requests).toHaveLength(2);
  });

  test('sinks see every request with its duration, and a failing sink does not fail the call', async () => {
    const { calls, client } = counted(sequence(throttled, ok));
    const seen: Parameters<AwsCallSink['onCall']>[] = [];
    calls.addSink({ onCall: (...args) => seen.push(args) });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const remove = calls.addSink({
      onCall: () => {
        throw new Error('metrics broke');
      },
    });

    await expect(client.send(describeWeb)).resolves.toBeDefined();
    remove();

    expect(seen.map(([service, operation, outcome, , account]) => [service, operation, outcome, account])).toEqual([
      ['ecs', 'DescribeServices', 'throttled', 'default'],
      ['ecs', 'DescribeServices', 'success', 'default'],
    ]);
    expect(seen.every(([, , , durationMs]) => durationMs >= 0)).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('metrics broke'));
  });

  test("counts each account's calls apart: the totals add them up, a snapshot can name one", async () => {
    const calls = new AwsCallCounter();
    const clientOf = (account: string, responder: Responder) => {
      const client = new ECSClient(fakeClientConfig(new FakeTransport(responder), 3));
      instrumentClient(client.middlewareStack, 'ecs', calls, undefined, account);
      return client;
    };
    const seen: string[] = [];
    calls.addSink({ onCall: (_s, _o, outcome, _d, account) => seen.push(`${account}:${outcome}`) });

    await clientOf('team-a', sequence(throttled, ok)).send(describeWeb);
    await clientOf('team-b', ok).send(describeWeb);

    expect(seen).toEqual(['team-a:throttled', 'team-a:success', 'team-b:success']);
    expect(calls.snapshot('team-a')).toMatchObject({ total: 2, throttled: 1, operations: { 'ecs:DescribeServices': { total: 2, outcomes: { throttled: 1, success: 1 } } } });
    expect(calls.snapshot('team-b')).toMatchObject({ total: 1, throttled: 0 });
    expect(calls.snapshot()).toMatchObject({ total: 3, reads: 3, throttled: 1, operations: { 'ecs:DescribeServices': { total: 3, outcomes: { throttled: 1, success: 2 } } } });
  });
});
