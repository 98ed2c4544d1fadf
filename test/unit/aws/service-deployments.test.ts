import { ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { ServiceDeploymentReader } from '../../../src/aws/service-deployments.js';
import { FakeTransport, fakeClientConfig, json, type FakeRequest } from './fake-transport.js';

const arn = (i: number) => `arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/svc-${i}/sd${i}`;
const arnsOf = (r: FakeRequest) => (r.input as unknown as { serviceDeploymentArns: string[] }).serviceDeploymentArns;

/** An ECS whose service deployments have the given status; unknown ARNs are MISSING. */
function fakeEcs(statuses: Map<string, string>) {
  const transport = new FakeTransport((request) => {
    const asked = arnsOf(request);
    return json({
      serviceDeployments: asked.filter((a) => statuses.has(a)).map((a) => ({ serviceDeploymentArn: a, status: statuses.get(a) })),
      failures: asked.filter((a) => !statuses.has(a)).map((a) => ({ arn: a, reason: 'MISSING' })),
    });
  });
  return { transport, client: new ECSClient(fakeClientConfig(transport)) };
}

describe('ServiceDeploymentReader', () => {
  test('45 rollouts read together cost 3 DescribeServiceDeployments calls of at most 20 ARNs', async () => {
    const arns = Array.from({ length: 45 }, (_, i) => arn(i));
    const { transport, client } = fakeEcs(new Map(arns.map((a) => [a, 'IN_PROGRESS'])));
    const reader = new ServiceDeploymentReader(client);

    const results = await Promise.all(arns.map((a) => reader.describe(a)));

    expect(transport.requests.map((r) => arnsOf(r).length).sort((a, b) => b - a)).toEqual([20, 20, 5]);
    results.forEach((d, i) => expect(d).toMatchObject({ serviceDeploymentArn: arn(i), status: 'IN_PROGRESS' }));
  });

  test('a deployment in progress is read afresh every time; a finished one is read once', async () => {
    const statuses = new Map([[arn(1), 'IN_PROGRESS']]);
    const { transport, client } = fakeEcs(statuses);
    const reader = new ServiceDeploymentReader(client);

    await reader.describe(arn(1));
    await reader.describe(arn(1));
    expect(transport.requests).toHaveLength(2);

    statuses.set(arn(1), 'ROLLBACK_SUCCESSFUL');
    expect(await reader.describe(arn(1))).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL' });
    expect(await reader.describe(arn(1))).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL' });
    expect(transport.requests).toHaveLength(3);
  });

  test('a service deployment ECS does not know is undefined for its caller only', async () => {
    const { client } = fakeEcs(new Map([[arn(1), 'SUCCESSFUL']]));
    const reader = new ServiceDeploymentReader(client);
    const [known, unknown] = await Promise.all([reader.describe(arn(1)), reader.describe(arn(2))]);
    expect(known?.status).toBe('SUCCESSFUL');
    expect(unknown).toBeUndefined();
  });
});
