import { describe, expect, test } from 'vitest';
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
    expect(await (await first.cloudwatch()).config.region()).toBe('eu-west-1');
    clients.destroy();
  });

  test('retries in standard mode, 5 attempts unless told otherwise, against the given endpoint', async () => {
    const defaults = createAwsClients({ region: 'us-east-1', credentials }).forRegion();
    const custom = createAwsClients({ region: 'us-east-1', credentials, maxAttempts: 2, endpoint: 'http://127.0.0.1:4566' }).forRegion();

    expect(await defaults.ecs.config.maxAttempts()).toBe(5);
    expect(await defaults.ecs.config.retryStrategy()).toMatchObject({ mode: 'standard' });
    expect(await custom.autoscaling.config.maxAttempts()).toBe(2);
    const endpoint = await (await custom.elbv2()).config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4566 });
  });
});
