import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { describe, expect, test } from 'vitest';
import { AutoScalingApi } from '../../../src/aws/autoscaling.js';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import { FakeTransport, fakeClientConfig, json, jsonError, type Responder } from './fake-transport.js';

function fakeAas(responder: Responder, maxAttempts = 3) {
  const transport = new FakeTransport(responder);
  const client = new ApplicationAutoScalingClient(fakeClientConfig(transport, maxAttempts));
  instrumentClient(client.middlewareStack, 'application-autoscaling', new AwsCallCounter());
  return { transport, api: new AutoScalingApi(client) };
}

const policy = {
  PolicyName: 'cpu',
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/demo/web',
  ScalableDimension: 'ecs:service:DesiredCount' as const,
  PolicyType: 'TargetTrackingScaling' as const,
  TargetTrackingScalingPolicyConfiguration: { TargetValue: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const } },
};

describe('AutoScalingApi', () => {
  test('a write that meets a concurrent update is retried until it goes through', async () => {
    let n = 0;
    const { transport, api } = fakeAas(() => (n++ < 2 ? jsonError('ConcurrentUpdateException', 'pending update') : json({ PolicyARN: 'arn:policy/cpu', Alarms: [] })));

    await expect(api.putScalingPolicy(policy)).resolves.toMatchObject({ PolicyARN: 'arn:policy/cpu' });

    expect(transport.requests).toHaveLength(3);
  });

  test('an invalid write is not retried', async () => {
    const { transport, api } = fakeAas(() => jsonError('ValidationException', 'TargetValue must be positive'));

    await expect(api.putScalingPolicy(policy)).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('TargetValue must be positive') });

    expect(transport.requests).toHaveLength(1);
  });

  test('throttling is retried by the SDK only, never again on top', async () => {
    const { transport, api } = fakeAas(() => jsonError('ThrottlingException', 'Rate exceeded'), 2);

    await expect(api.putScalingPolicy(policy)).rejects.toMatchObject({ kind: 'throttled' });

    expect(transport.requests).toHaveLength(2);
  });

  test('policies of a service are read across pages', async () => {
    const { transport, api } = fakeAas((request) =>
      request.input.NextToken === undefined
        ? json({ ScalingPolicies: [{ PolicyName: 'a' }], NextToken: 'page-2' })
        : json({ ScalingPolicies: [{ PolicyName: 'b' }] }),
    );

    const policies = await api.describeScalingPolicies('service/demo/web');

    expect(policies.map((p) => p.PolicyName)).toEqual(['a', 'b']);
    expect(transport.requests[0]?.input).toMatchObject({ ServiceNamespace: 'ecs', ResourceId: 'service/demo/web' });
  });
});
