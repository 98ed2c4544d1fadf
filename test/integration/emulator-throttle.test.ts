// The emulator throttling as AWS does (startEmulator({ throttle: true })), as the AWS SDK for
// JavaScript sees it: past a bucket, ECS answers ThrottlingException and CloudWatch Throttling,
// both "Rate exceeded", and the SDK classifies both as throttling errors (so it retries them with
// its throttling backoff). Uses an emulator of its own: throttling is global to an emulator.
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { isThrottlingError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountCredentials, startEmulator, type Emulator } from '../aws/emulator.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual', throttle: true });
});

afterAll(async () => {
  await emulator?.stop();
});

const region = 'us-east-1';

/** Sends until a call fails (at most `limit` calls); returns that failure. */
async function firstFailure(send: () => Promise<unknown>, limit: number): Promise<SdkError> {
  for (let i = 0; i < limit; i++) {
    try {
      await send();
    } catch (err) {
      return err as SdkError;
    }
  }
  throw new Error(`no call failed in ${limit}`);
}

describe('throttling as AWS does', () => {
  it('answers ECS calls past the bucket with ThrottlingException, a throttling error for the SDK', async () => {
    expect((await emulator.control.state()).throttle.mode).toBe('aws');
    const credentials = accountCredentials('210000000001');
    const ecs = new ECSClient({ endpoint: emulator.endpoint, region, credentials, maxAttempts: 1 });
    // Cluster modify actions: 20 tokens, 1 a second.
    const error = await firstFailure(() => ecs.send(new CreateClusterCommand({ clusterName: 'burst' })), 60);
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(isThrottlingError(error)).toBe(true);
    // Another action group of the same account is not throttled.
    await ecs.send(new ListClustersCommand({}));
    const bucket = (await emulator.control.state()).throttle.buckets.find((b) => b.account === '210000000001' && b.group === 'Cluster modify actions');
    expect(bucket).toMatchObject({ region, service: 'ecs', capacity: 20, refillPerSecond: 1, throttled: 1 });
  });

  it('answers CloudWatch calls past the bucket with Throttling, a throttling error for the SDK', async () => {
    const cloudwatch = new CloudWatchClient({ endpoint: emulator.endpoint, region, credentials: accountCredentials('210000000002'), maxAttempts: 1 });
    const alarm = new PutMetricAlarmCommand({
      AlarmName: 'high',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/ECS',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // PutMetricAlarm: 3 a second.
    const error = await firstFailure(() => cloudwatch.send(alarm), 60);
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(isThrottlingError(error)).toBe(true);
  });

  it('is switched off and on at run time', async () => {
    const ecs = new ECSClient({ endpoint: emulator.endpoint, region, credentials: accountCredentials('210000000003'), maxAttempts: 1 });
    expect((await emulator.control.setThrottling(false)).mode).toBe('off');
    try {
      for (let i = 0; i < 30; i++) await ecs.send(new CreateClusterCommand({ clusterName: 'free' }));
    } finally {
      expect((await emulator.control.setThrottling(true)).mode).toBe('aws');
    }
    const error = await firstFailure(() => ecs.send(new CreateClusterCommand({ clusterName: 'free' })), 60);
    expect(error.name).toBe('ThrottlingException');
  });
});
