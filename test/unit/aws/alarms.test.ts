import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { describe, expect, test } from 'vitest';
import { AlarmsApi } from '../../../src/aws/alarms.js';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { FakeTransport, fakeClientConfig, json } from './fake-transport.js';

function fakeCloudWatch() {
  const transport = new FakeTransport((request) =>
    request.operation === 'DescribeAlarms' ? json({ MetricAlarms: (request.input.AlarmNames as string[]).map((AlarmName) => ({ AlarmName })) }) : json({}),
  );
  const client = new CloudWatchClient(fakeClientConfig(transport));
  instrumentClient(client.middlewareStack, 'cloudwatch', new AwsCallCounter());
  return { transport, api: new AlarmsApi(async () => client) };
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `alarm-${i}`);

describe('AlarmsApi', () => {
  test('deletes any number of alarms in calls of at most 100 names', async () => {
    const { transport, api } = fakeCloudWatch();

    await api.deleteAlarms(names(150));

    expect(transport.of('DeleteAlarms').map((r) => (r.input.AlarmNames as string[]).length)).toEqual([100, 50]);
  });

  test('describes alarms by name in calls of at most 100 names', async () => {
    const { transport, api } = fakeCloudWatch();

    const alarms = await api.describeAlarms({ names: names(101) });

    expect(alarms).toHaveLength(101);
    expect(transport.of('DescribeAlarms').map((r) => (r.input.AlarmNames as string[]).length)).toEqual([100, 1]);
  });

  test('deleting no alarms makes no call', async () => {
    const { transport, api } = fakeCloudWatch();

    await api.deleteAlarms([]);

    expect(transport.requests).toHaveLength(0);
  });
});
