// A reconcile whose shard moved on sends no further AWS request: not its next call, not an SDK
// retry, not a call that was waiting for the ECS pacer's token. (Shard hand-over relies on it: the
// replica that takes the shard over must be the only one writing.)
import { ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { EcsRequestPacer } from '../../../src/aws/request-rate.js';
import { createLogger, silentLogger } from '../../../src/observability/logger.js';
import { withWork, WorkStoppedError, type Work } from '../../../src/observability/work-context.js';
import { FakeTransport, fakeClientConfig, json, jsonError, type Responder } from './fake-transport.js';

function guardedClient(respond: Responder, opts: { paced?: boolean } = {}) {
  const transport = new FakeTransport(respond);
  const client = new ECSClient(fakeClientConfig(transport, 3));
  if (opts.paced) client.middlewareStack.use(new EcsRequestPacer().plugin());
  const calls = new AwsCallCounter();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } });
  instrumentClient(client.middlewareStack, 'ecs', calls, { region: 'us-east-1', log });
  return { transport, client, calls, lines, log };
}

const update = () => new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 2 });
const register = () => new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx' }] });

describe('AWS requests of a reconcile that may no longer act', () => {
  it('are not sent once its signal is aborted: nothing reaches AWS, nothing is counted or logged as an AWS call', async () => {
    const { transport, client, calls, lines, log } = guardedClient(() => json({ service: {} }));
    const stop = new AbortController();
    stop.abort(new Error('shard 2 lost'));
    const work: Work = { log, signal: stop.signal };
    const err = await withWork(work, () => client.send(update())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkStoppedError);
    expect((err as Error).message).toContain('shard 2 lost');
    expect(transport.requests).toHaveLength(0);
    expect(calls.snapshot().total).toBe(0);
    expect(lines).toEqual([]);
  });

  it('are not sent past the shard Lease renew deadline, even before any timer has aborted the signal', async () => {
    const { transport, client } = guardedClient(() => json({ service: {} }));
    let until = Date.now() + 60_000;
    const work: Work = { log: silentLogger(), signal: new AbortController().signal, actsUntil: () => until };
    await withWork(work, () => client.send(update()));
    expect(transport.requests).toHaveLength(1);
    until = Date.now() - 1;
    await expect(withWork(work, () => client.send(update()))).rejects.toBeInstanceOf(WorkStoppedError);
    expect(transport.requests).toHaveLength(1);
  });

  it('stop between the SDK retries: a throttled attempt is not tried again once the shard is lost', async () => {
    const stop = new AbortController();
    const { transport, client } = guardedClient(() => {
      stop.abort(new Error('shard 0 lost'));
      return jsonError('ThrottlingException', 'Rate exceeded');
    });
    await expect(withWork({ log: silentLogger(), signal: stop.signal }, () => client.send(update()))).rejects.toBeInstanceOf(WorkStoppedError);
    expect(transport.requests).toHaveLength(1);
  });

  it('leave the ECS pacer at once when stopped while waiting for a token, and are not sent', async () => {
    // RegisterTaskDefinition is paced at 15 at once, then one every 1.25 s: the 16th to 20th wait up to 6.25 s.
    const { transport, client, log } = guardedClient(() => json({ taskDefinition: { family: 'web', revision: 1 } }), { paced: true });
    const stop = new AbortController();
    const work: Work = { log, signal: stop.signal };
    const sent = Array.from({ length: 20 }, () => withWork(work, () => client.send(register())).then(() => 'sent', (e: unknown) => (e instanceof WorkStoppedError ? 'stopped' : String(e))));
    await new Promise((r) => setTimeout(r, 100));
    const abortedAt = performance.now();
    stop.abort(new Error('shard 1 handed back'));
    const outcomes = await Promise.all(sent);
    expect(performance.now() - abortedAt).toBeLessThan(3_000);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(15);
    expect(outcomes.filter((o) => o === 'stopped')).toHaveLength(5);
    expect(transport.requests).toHaveLength(15);
  });

  it('outside any reconcile (a CLI apply, the events consumer) are sent as always', async () => {
    const { transport, client } = guardedClient(() => json({ service: {} }));
    await client.send(update());
    expect(transport.requests).toHaveLength(1);
  });
});
