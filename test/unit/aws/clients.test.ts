import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { AdaptiveRetryStrategy, StandardRetryStrategy } from '@smithy/core/retry';
import { describe, expect, test, vi } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';

const credentials = { accessKeyId: 'fake', secretAccessKey: 'fake-secret' };

describe('createAwsClients', () => {
  test('creates the clients of each region once, on first use', async () => {
    const clients = createAwsClients({ region: 'us-east-1', credentials });

    const first = clients.forRegion('eu-west-1');
    expect(clients.forRegion('eu-west-1')).toBe(first);
    expect(clients.forRegion()).toBe(clients.forRegion('us-east-1'));
    expect(clients.forRegion()).not.toBe(first);
    expect(await first.ecs.config.region()).toBe('eu-west-1');
    expect(await first.cloudwatch.config.region()).toBe('eu-west-1');
    clients.destroy();
  });

  test('retries in standard mode, 5 attempts unless told otherwise, against the given endpoint', async () => {
    const defaults = createAwsClients({ region: 'us-east-1', credentials }).forRegion();
    const custom = createAwsClients({ region: 'us-east-1', credentials, maxAttempts: 2, endpoint: 'http://127.0.0.1:4566' }).forRegion();

    expect(await defaults.ecs.config.maxAttempts()).toBe(5);
    expect(await defaults.ecs.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    expect(await custom.autoscaling.config.maxAttempts()).toBe(2);
    const endpoint = await custom.elbv2.config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4566 });
  });
});

describe('one set of clients per account and region', () => {
  const accountClients = (account: string, extra: Partial<Parameters<typeof createAwsClients>[0]> = {}) =>
    createAwsClients({ region: 'us-east-1', credentials, account, ...extra }).forRegion();

  test("throttling that drains one account's SDK retry quota leaves another account's quota whole", async () => {
    vi.useFakeTimers();
    try {
      const a = (await accountClients('team-a').ecs.config.retryStrategy()) as StandardRetryStrategy;
      const b = (await accountClients('team-b').ecs.config.retryStrategy()) as StandardRetryStrategy;
      // Retry throttled calls of team-a until its quota refuses a retry.
      let refused = false;
      for (let call = 0; call < 1000 && !refused; call++) {
        let token = await a.acquireInitialRetryToken('ecs');
        for (let attempt = 1; attempt < 5 && !refused; attempt++) {
          const next = a.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' });
          next.catch(() => undefined);
          await vi.runAllTimersAsync();
          token = await next.catch(() => {
            refused = true;
            return token;
          });
        }
      }
      expect(refused).toBe(true);
      expect(a.getCapacity()).toBeLessThan(5);
      expect(b.getCapacity()).toBe(500);
      const retried = b.refreshRetryTokenForRetry(await b.acquireInitialRetryToken('ecs'), { errorType: 'THROTTLING' });
      await vi.runAllTimersAsync();
      await expect(retried).resolves.toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });

  test("in adaptive mode each account's clients slow down on their own throttling only", async () => {
    const a = (await accountClients('team-a', { retryMode: 'adaptive' }).ecs.config.retryStrategy()) as AdaptiveRetryStrategy;
    const b = (await accountClients('team-b', { retryMode: 'adaptive' }).ecs.config.retryStrategy()) as AdaptiveRetryStrategy;
    expect(a.mode).toBe('adaptive');
    // The limiter that throttling slows down is the strategy's own (the SDK makes one per strategy).
    const limiterOf = (s: AdaptiveRetryStrategy) => (s as unknown as { rateLimiter: object }).rateLimiter;
    expect(limiterOf(a)).toBeDefined();
    expect(limiterOf(a)).not.toBe(limiterOf(b));
  });

  test("one account's ECS request budget spent does not delay another account's requests", async () => {
    // RegisterTaskDefinition: ECS's bucket of 20 with 1 a second, paced at 80%: 15 at once, then 0.8 a second.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' });
        res.end(JSON.stringify({ taskDefinition: { family: 'web', revision: 1 } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const a = createAwsClients({ region: 'us-east-1', credentials, account: 'team-a', endpoint });
    const b = createAwsClients({ region: 'us-east-1', credentials, account: 'team-b', endpoint });
    const register = () => new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx' }] });
    try {
      // 18 at once: 15 go, the last 3 wait for the refill (1.25 s each).
      let doneA = 0;
      const spending = Promise.all(Array.from({ length: 18 }, () => a.forRegion().ecsRegistrar.send(register()).then(() => doneA++)));
      await b.forRegion().ecsRegistrar.send(register());
      expect(doneA).toBeLessThan(18);
      await spending;
      expect(doneA).toBe(18);
    } finally {
      a.destroy();
      b.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
