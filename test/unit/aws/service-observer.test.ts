import { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { AwsError } from '../../../src/aws/errors.js';
import { ServiceObserver } from '../../../src/aws/service-observer.js';
import { FakeTransport, fakeClientConfig, json, jsonError, type FakeRequest } from './fake-transport.js';

interface DescribeInput {
  cluster: string;
  services: string[];
  include?: string[];
}

const inputOf = (r: FakeRequest) => r.input as unknown as DescribeInput;

/** An ECS that knows the services named in `existing` per cluster; other clusters do not exist. */
function fakeEcs(existing: Record<string, string[]>) {
  const transport = new FakeTransport((request) => {
    const { cluster, services } = inputOf(request);
    const known = existing[cluster];
    if (!known) return jsonError('ClusterNotFoundException', 'Cluster not found.');
    if (request.operation === 'ListServices') {
      // Pages of maxResults names, as ECS answers them.
      const { maxResults = 10, nextToken } = request.input as { maxResults?: number; nextToken?: string };
      const from = Number(nextToken ?? 0);
      const page = known.slice(from, from + maxResults).map((n) => `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${n}`);
      return json({ serviceArns: page, ...(from + maxResults < known.length ? { nextToken: String(from + maxResults) } : {}) });
    }
    // Like ECS, accepts names or ARNs and answers each with the service or a MISSING failure.
    const nameOf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
    const arnOf = (id: string) => `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${nameOf(id)}`;
    return json({
      services: services.filter((s) => known.includes(nameOf(s))).map((s) => ({ serviceName: nameOf(s), serviceArn: arnOf(s), status: 'ACTIVE' })),
      failures: services.filter((s) => !known.includes(nameOf(s))).map((s) => ({ arn: arnOf(s), reason: 'MISSING' })),
    });
  });
  const client = new ECSClient(fakeClientConfig(transport));
  instrumentClient(client.middlewareStack, 'ecs', new AwsCallCounter());
  return { transport, client };
}

const names = (n: number, prefix = 'svc') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('ServiceObserver', () => {
  test('25 concurrent reads in one cluster cost 3 DescribeServices calls of at most 10 names, with tags', async () => {
    const { transport, client } = fakeEcs({ demo: names(25) });
    const observer = new ServiceObserver(client);

    const results = await Promise.all(names(25).map((n) => observer.describe('demo', n)));

    expect(transport.requests.map((r) => inputOf(r).services.length).sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(transport.requests.every((r) => inputOf(r).include?.includes('TAGS'))).toBe(true);
    results.forEach((result, i) => expect(result).toMatchObject({ kind: 'found', service: { serviceName: `svc-${i}` } }));
  });

  test('a read-ahead serves the next describe of its service, but never one after a write to it', async () => {
    const { transport, client } = fakeEcs({ demo: ['web', 'api'] });
    const observer = new ServiceObserver(client);

    observer.prefetch('demo', ['web', 'api']);
    await observer.describe('demo', 'api');
    expect(transport.requests).toHaveLength(1);

    // UpdateService on web (by ARN) happened after the read-ahead: its next reconcile reads afresh.
    observer.forget('arn:aws:ecs:us-east-1:123456789012:service/demo/web');
    await observer.describe('demo', 'web');
    expect(transport.requests).toHaveLength(2);
    expect(inputOf(transport.requests[1]!).services).toEqual(['web']);
  });

  test('a read-ahead that nobody took in time is not served: the describe after it reads afresh', async () => {
    const { transport, client } = fakeEcs({ demo: ['web'] });
    const observer = new ServiceObserver(client);

    observer.prefetch('demo', ['web'], 0);
    // Past the batch window, so that the read-ahead has been made on its own.
    await new Promise((r) => setTimeout(r, 20));
    expect(transport.of('DescribeServices')).toHaveLength(1);
    await observer.describe('demo', 'web');

    expect(transport.of('DescribeServices')).toHaveLength(2);
  });

  test("an observation leaves out the service's events (ECS returns its last 100), and keeps the rest", async () => {
    const transport = new FakeTransport(() =>
      json({ services: [{ serviceName: 'web', status: 'ACTIVE', desiredCount: 2, events: [{ id: 'e1', createdAt: 1, message: '(service web) has reached a steady state.' }] }], failures: [] }),
    );
    const observer = new ServiceObserver(new ECSClient(fakeClientConfig(transport)));

    const observation = await observer.describe('demo', 'web');

    expect(observation).toEqual({ kind: 'found', service: { serviceName: 'web', status: 'ACTIVE', desiredCount: 2 } });
  });

  test('services about to be created are looked for in one listing of the cluster: only a listed one is described', async () => {
    const { transport, client } = fakeEcs({ demo: ['taken'] });
    const observer = new ServiceObserver(client);

    const results = await Promise.all(['new-0', 'new-1', 'taken'].map((n) => observer.describeIfListed('demo', n)));
    await observer.describeIfListed('demo', 'new-2');

    expect(results.map((r) => r.kind)).toEqual(['notFound', 'notFound', 'found']);
    expect(transport.of('ListServices')).toHaveLength(1);
    expect(transport.of('DescribeServices').map((r) => inputOf(r).services)).toEqual([['taken']]);
  });

  test('after a write to a service (CreateService, even one that failed) the listing no longer answers for it', async () => {
    const { transport, client } = fakeEcs({ demo: [] });
    const observer = new ServiceObserver(client);
    await observer.describeIfListed('demo', 'web');

    observer.forget('web');

    expect(await observer.describeIfListed('demo', 'web')).toEqual({ kind: 'notFound' });
    expect(transport.of('ListServices')).toHaveLength(1);
    expect(transport.of('DescribeServices')).toHaveLength(1);
  });

  test('a listing asked for before the object was made does not serve it: a service made by hand before the object is seen', async () => {
    const { transport, client } = fakeEcs({ demo: [] });
    const observer = new ServiceObserver(client);
    await observer.describeIfListed('demo', 'a');
    await observer.describeIfListed('demo', 'b', Date.now() + 1);
    await observer.describeIfListed('demo', 'c');
    expect(transport.of('ListServices')).toHaveLength(2);
  });

  test('in a cluster of 250 services, services coming one at a time are described until as many as the listing had calls, then listed again', async () => {
    const { transport, client } = fakeEcs({ demo: names(250, 'old') });
    const observer = new ServiceObserver(client);
    let made = Date.now();
    const next = async (name: string) => observer.describeIfListed('demo', name, (made += 1000));

    await next('a');
    expect(transport.of('ListServices')).toHaveLength(3);
    // Each object newer than the listing: a new listing would cost 3 calls, a read costs 1.
    await next('b');
    await next('c');
    expect(transport.of('ListServices')).toHaveLength(3);
    expect(transport.of('DescribeServices').map((r) => inputOf(r).services)).toEqual([['b'], ['c']]);
    await next('d');
    expect(transport.of('ListServices')).toHaveLength(6);
    expect(transport.of('DescribeServices')).toHaveLength(2);
  });

  test('a listing older than allowed is made again', async () => {
    const { transport, client } = fakeEcs({ demo: [] });
    const observer = new ServiceObserver(client, { listingMaxAgeMs: 0 });
    await observer.describeIfListed('demo', 'a');
    await new Promise((r) => setTimeout(r, 2));
    await observer.describeIfListed('demo', 'b');
    expect(transport.of('ListServices')).toHaveLength(2);
  });

  test('reads of services in different clusters are never mixed in one call', async () => {
    const { transport, client } = fakeEcs({ a: ['web'], b: ['web', 'api'] });
    const observer = new ServiceObserver(client);

    const [aWeb, bWeb, bApi] = await Promise.all([observer.describe('a', 'web'), observer.describe('b', 'web'), observer.describe('b', 'api')]);

    expect(transport.requests.map((r) => inputOf(r))).toEqual(
      expect.arrayContaining([expect.objectContaining({ cluster: 'a', services: ['web'] }), expect.objectContaining({ cluster: 'b', services: ['web', 'api'] })]),
    );
    expect(transport.requests).toHaveLength(2);
    expect(aWeb).toMatchObject({ kind: 'found', service: { serviceArn: expect.stringContaining('service/a/web') } });
    expect(bWeb).toMatchObject({ kind: 'found', service: { serviceArn: expect.stringContaining('service/b/web') } });
    expect(bApi.kind).toBe('found');
  });

  test('a missing service is notFound for its caller only', async () => {
    const { transport, client } = fakeEcs({ demo: ['web', 'api'] });
    const observer = new ServiceObserver(client);

    const [web, gone, api] = await Promise.all([observer.describe('demo', 'web'), observer.describe('demo', 'gone'), observer.describe('demo', 'api')]);

    expect(transport.requests).toHaveLength(1);
    expect(web.kind).toBe('found');
    expect(gone).toEqual({ kind: 'notFound' });
    expect(api.kind).toBe('found');
  });

  test('a failed call rejects every caller of that batch with the classified error, and no other batch', async () => {
    const { client } = fakeEcs({ demo: ['web'] });
    const observer = new ServiceObserver(client);

    const settled = await Promise.allSettled([observer.describe('nope', 'web'), observer.describe('nope', 'api'), observer.describe('demo', 'web')]);

    for (const s of settled.slice(0, 2)) {
      expect(s.status).toBe('rejected');
      const reason = (s as PromiseRejectedResult).reason as AwsError;
      expect(reason).toBeInstanceOf(AwsError);
      expect(reason).toMatchObject({ kind: 'notFound', code: 'ClusterNotFoundException', operation: 'DescribeServices' });
    }
    expect(settled[2]).toMatchObject({ status: 'fulfilled', value: { kind: 'found' } });
  });

  test('a service asked for twice in one batch is sent once and answered to both callers', async () => {
    const { transport, client } = fakeEcs({ demo: ['web'] });
    const observer = new ServiceObserver(client);

    const [first, second] = await Promise.all([observer.describe('demo', 'web'), observer.describe('demo', 'web')]);

    expect(transport.requests.map((r) => inputOf(r).services)).toEqual([['web']]);
    expect(first).toEqual(second);
  });

  test('a service can be asked for by ARN', async () => {
    const { client } = fakeEcs({ demo: ['web'] });
    const observer = new ServiceObserver(client);

    const arn = 'arn:aws:ecs:us-east-1:123456789012:service/demo/web';
    await expect(observer.describe('demo', arn)).resolves.toMatchObject({ kind: 'found', service: { serviceArn: arn } });
  });

  test('observations are not cached: a later read asks ECS again', async () => {
    const { transport, client } = fakeEcs({ demo: ['web'] });
    const observer = new ServiceObserver(client);

    await observer.describe('demo', 'web');
    await observer.describe('demo', 'web');

    expect(transport.requests).toHaveLength(2);
  });

  test('reads spread over the batching window still share a call', async () => {
    const { transport, client } = fakeEcs({ demo: ['web', 'api'] });
    const observer = new ServiceObserver(client, { windowMs: 30 });

    const first = observer.describe('demo', 'web');
    await new Promise((r) => setTimeout(r, 10));
    const second = observer.describe('demo', 'api');
    await Promise.all([first, second]);

    expect(transport.requests).toHaveLength(1);
  });
});
