import { describe, expect, it } from 'vitest';
import type { EcsCluster, EcsService } from '../../../src/api/index.js';
import type { AwsAdapter } from '../../../src/aws/adapter.js';
import { resolveClusterRef } from '../../../src/reconcile/cluster/ref.js';
import { placeService, reconcileEcsService } from '../../../src/reconcile/ecs-service.js';

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
    const existing = { cluster: ARN, region: 'eu-west-1' };
    expect(resolveClusterRef('demo', 'shop', cluster('True'), true)).toEqual({ waiting: 'EcsCluster demo is being deleted', existing });
    expect(resolveClusterRef('demo', 'shop', cluster('False'))).toEqual({ waiting: 'EcsCluster demo is not Ready yet: ECS cluster demo is being created', existing });
    expect(resolveClusterRef('demo', 'shop', cluster('False', { clusterArn: undefined }))).toEqual({ waiting: 'EcsCluster demo is not Ready yet: ECS cluster demo is being created' });
  });

  it('waits while the Ready condition speaks of an older generation (an edit not carried out yet)', () => {
    expect(resolveClusterRef('demo', 'shop', cluster('True', {}, 3))).toHaveProperty('waiting');
  });
});

describe('an EcsService with clusterRef', () => {
  const svc = (spec: Partial<EcsService['spec']>): EcsService => ({
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: { taskDefinition: 'web:1', desiredCount: 1, ...spec },
  });
  const resolveTo = (found: EcsCluster | undefined) => (name: string) => resolveClusterRef(name, 'shop', found);

  it('runs in the cluster its EcsCluster holds, in that cluster\'s region unless the service names one', () => {
    expect(placeService(svc({ clusterRef: { name: 'demo' } }), resolveTo(cluster('True')))).toEqual({ service: svc({ clusterRef: { name: 'demo' }, cluster: ARN, region: 'eu-west-1' }) });
    expect(placeService(svc({ clusterRef: { name: 'demo' }, region: 'us-east-1' }), resolveTo(cluster('True')))).toMatchObject({ service: { spec: { cluster: ARN, region: 'us-east-1' } } });
  });

  it('goes on in the cluster it already runs in while its EcsCluster is not Ready (a provider change refused, a deletion waiting)', () => {
    const running = { ...svc({ clusterRef: { name: 'demo' } }), status: { clusterArn: ARN } };
    expect(placeService(running, resolveTo(cluster('False')))).toMatchObject({ service: { spec: { cluster: ARN, region: 'eu-west-1' } } });
    const elsewhere = { ...running, status: { clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/old' } };
    expect(placeService(elsewhere, resolveTo(cluster('False')))).toEqual({ waiting: 'EcsCluster demo is not Ready yet: ECS cluster demo is being created' });
  });

  it('leaves a service with a literal cluster as it is, without looking at any EcsCluster', () => {
    const literal = svc({ cluster: 'prod' });
    expect(placeService(literal, () => ({ waiting: 'never asked' }))).toEqual({ service: literal });
  });

  it('waits (Reconciling, WaitingForCluster) with no AWS call and no timer of its own: the watch on clusters requeues it', async () => {
    const noAws = new Proxy({}, { get: () => { throw new Error('no AWS call expected'); } }) as AwsAdapter;
    const owner = { clusterId: 't', kind: 'EcsService' as const, namespace: 'shop', name: 'web' };
    const deps = { aws: noAws, owner, now: () => new Date(), resolveTaskDefinitionRef: () => ({ waiting: 'unused' }), resolveClusterRef: resolveTo(cluster('False')) };
    const out = await reconcileEcsService(svc({ clusterRef: { name: 'demo' } }), deps, { dryRun: false });
    expect(out.conditions).toContainEqual(expect.objectContaining({ type: 'Reconciling', status: 'True', reason: 'WaitingForCluster', message: 'EcsCluster demo is not Ready yet: ECS cluster demo is being created' }));
    expect(out.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False' }));
    expect(out.plan).toEqual([]);
    expect(out.requeueAfterMs).toBeUndefined();
  });
});
