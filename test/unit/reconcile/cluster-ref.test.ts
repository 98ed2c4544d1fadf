import { describe, expect, it } from 'vitest';
import type { EcsCluster } from '../../../src/api/cluster.js';
import { resolveClusterRef } from '../../../src/reconcile/cluster/ref.js';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/demo';

function cluster(ready: 'True' | 'False', extra: Partial<NonNullable<EcsCluster['status']>> = {}, generation = 2): EcsCluster {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsCluster',
    metadata: { name: 'demo', namespace: 'shop', generation },
    spec: {},
    status: {
      clusterArn: ARN,
      region: 'eu-west-1',
      conditions: [{ type: 'Ready', status: ready, observedGeneration: 2, reason: ready === 'True' ? 'ClusterActive' : 'Creating', message: ready === 'True' ? 'ok' : 'ECS cluster demo is being created', lastTransitionTime: '2026-12-07T00:00:00Z' }],
      ...extra,
    },
  };
}

describe('resolveClusterRef', () => {
  it('a Ready EcsCluster resolves to its ARN and region', () => {
    expect(resolveClusterRef('demo', 'shop', cluster('True'))).toEqual({ cluster: ARN, region: 'eu-west-1' });
  });

  it('waits for an EcsCluster that does not exist, is being deleted, or is not Ready (saying why)', () => {
    expect(resolveClusterRef('demo', 'shop', undefined)).toEqual({ waiting: 'EcsCluster demo does not exist in namespace shop' });
    expect(resolveClusterRef('demo', 'shop', cluster('True'), true)).toEqual({ waiting: 'EcsCluster demo is being deleted' });
    expect(resolveClusterRef('demo', 'shop', cluster('False'))).toEqual({ waiting: 'EcsCluster demo is not Ready yet: ECS cluster demo is being created' });
  });

  it('waits while the Ready condition speaks of an older generation (an edit not carried out yet)', () => {
    expect(resolveClusterRef('demo', 'shop', cluster('True', {}, 3))).toHaveProperty('waiting');
  });
});
