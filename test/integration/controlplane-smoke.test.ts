// The test environment is real: a kube-apiserver that validates, stores and watches, and an AWS
// emulator the real SDK talks to.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { awsClientConfig, createNamespace, kubeConfig, kubectl, uniqueName } from '../support/env.js';

const pinned = readFileSync(resolve(import.meta.dirname, '../controlplane/versions.env'), 'utf8').match(/^K8S_VERSION=(\S+)/m)?.[1];

const group = 'smoke.test.ecs.operator.dev';
const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: gadgets.${group} }
spec:
  group: ${group}
  scope: Namespaced
  names: { plural: gadgets, singular: gadget, kind: Gadget }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1, maximum: 10 }
`;

function gadget(name: string, size: unknown): string {
  return JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name }, spec: { size } });
}

describe('the test control plane', () => {
  it('serves the pinned Kubernetes version to kubectl', async () => {
    const res = await kubectl(['get', '--raw', '/version']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).gitVersion).toBe(pinned);
  });

  it('accepts a CRD and validates objects against its schema', async () => {
    const applied = await kubectl(['apply', '-f', '-'], { input: crd });
    expect(applied.code, applied.stderr).toBe(0);
    await kubectl(['wait', '--for=condition=Established', `crd/gadgets.${group}`, '--timeout=30s']);
    const ns = await createNamespace('smoke');

    const good = await kubectl(['apply', '-f', '-'], { input: gadget('ok', 3), namespace: ns });
    expect(good.code, good.stderr).toBe(0);

    const bad = await kubectl(['apply', '-f', '-'], { input: gadget('too-big', 11), namespace: ns });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10');
  });

  it('delivers a watch event for a create', async () => {
    await kubectl(['apply', '-f', '-'], { input: crd });
    await kubectl(['wait', '--for=condition=Established', `crd/gadgets.${group}`, '--timeout=30s']);
    const ns = await createNamespace('watch');
    const kc = kubeConfig();
    const seen = new Promise<string>((resolveSeen, reject) => {
      void new Watch(kc)
        .watch(`/apis/${group}/v1/namespaces/${ns}/gadgets`, {}, (type, obj: { metadata: { name: string } }) => {
          if (type === 'ADDED') resolveSeen(obj.metadata.name);
        }, (err) => err && reject(err))
        .then((req) => setTimeout(() => req.abort(), 20_000));
    });
    // Let the watch open before creating, so the event comes from the watch and not a list.
    await new Promise((r) => setTimeout(r, 500));
    const name = uniqueName('g');
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group, version: 'v1', namespace: ns, plural: 'gadgets',
      body: JSON.parse(gadget(name, 1)),
    });
    expect(await seen).toBe(name);
  });
});

describe('the AWS emulator', () => {
  it('creates an ECS cluster with the AWS SDK and reads it back', async () => {
    const ecs = new ECSClient(awsClientConfig());
    const clusterName = uniqueName('smoke');
    await ecs.send(new CreateClusterCommand({ clusterName }));
    const out = await ecs.send(new DescribeClustersCommand({ clusters: [clusterName] }));
    expect(out.clusters?.map((c) => [c.clusterName, c.status])).toEqual([[clusterName, 'ACTIVE']]);
  });
});
