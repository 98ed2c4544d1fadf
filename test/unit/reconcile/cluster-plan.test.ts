// planCluster on plain objects: manifests as a user writes them, clusters and capacity providers
// as DescribeClusters (include SETTINGS, CONFIGURATIONS, TAGS) and DescribeCapacityProviders
// return them.
import type { CapacityProvider, Cluster } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { EcsCluster } from '../../../src/api/cluster.js';
import { desiredCluster } from '../../../src/reconcile/cluster/desired.js';
import { planCluster, type ClusterObservation, type ClusterPlanContext } from '../../../src/reconcile/cluster/plan.js';
import type { OwnerIdentity } from '../../../src/reconcile/outcome.js';
import { ownerTags } from '../../../src/reconcile/ownership.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const owner: OwnerIdentity = { clusterId: 'prod-eu', kind: 'EcsCluster', namespace: 'shop', name: 'demo', uid: 'uid-demo' };
const OWNED = ownerTags(owner);
const ASG_ARN = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0a1b2c3d-0000-4000-8000-000000000001:autoScalingGroupName/ecs-asg`;

const WORKFLOW_STRATEGY = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 4 },
];

function manifest(spec: Partial<EcsCluster['spec']> = {}): EcsCluster {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsCluster',
    metadata: { name: 'demo', namespace: 'shop', generation: 1 },
    spec: {
      capacityProviders: [{ name: 'FARGATE' }, { name: 'FARGATE_SPOT' }],
      defaultCapacityProviderStrategy: WORKFLOW_STRATEGY,
      settings: { containerInsights: 'enabled' },
      tags: [{ key: 'team', value: 'platform' }],
      ...spec,
    },
  };
}

/** The cluster as ECS reports it for manifest(): its own order, weight and base filled in. */
function cluster(extra: Partial<Cluster> = {}): Cluster {
  return {
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/demo`,
    clusterName: 'demo',
    status: 'ACTIVE',
    settings: [{ name: 'containerInsights', value: 'enabled' }],
    capacityProviders: ['FARGATE_SPOT', 'FARGATE'],
    defaultCapacityProviderStrategy: [
      { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 0 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ],
    tags: [{ key: 'team', value: 'platform' }, ...OWNED],
    ...extra,
  };
}

function provider(extra: Partial<CapacityProvider> = {}, asg: Partial<NonNullable<CapacityProvider['autoScalingGroupProvider']>> = {}): CapacityProvider {
  return {
    name: 'ec2',
    capacityProviderArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:capacity-provider/ec2`,
    status: 'ACTIVE',
    updateStatus: 'UPDATE_COMPLETE',
    tags: [{ key: 'team', value: 'platform' }, ...OWNED],
    autoScalingGroupProvider: {
      autoScalingGroupArn: ASG_ARN,
      managedScaling: { status: 'ENABLED', targetCapacity: 90, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
      managedTerminationProtection: 'DISABLED',
      managedDraining: 'ENABLED',
      ...asg,
    },
    ...extra,
  };
}

const EC2_SPEC: Partial<EcsCluster['spec']> = {
  capacityProviders: [{ name: 'ec2', autoScalingGroup: 'ecs-asg', managedScaling: { status: 'ENABLED', targetCapacity: 90 } }],
  defaultCapacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1 }],
};

function observed(c: Cluster | undefined, providers: CapacityProvider[] = []): ClusterObservation {
  return { cluster: c, providers: new Map(providers.map((p) => [p.name ?? '', p])) };
}

function ctx(extra: Partial<ClusterPlanContext> = {}): ClusterPlanContext {
  return { owner, managedTagKeys: ['team'], ownedProviderNames: [], previousClusterName: undefined, ...extra };
}

function plan(m: EcsCluster, o: ClusterObservation, c: ClusterPlanContext = ctx()) {
  return planCluster(desiredCluster(m, REGION), o, c);
}

describe('planCluster: creation', () => {
  it('creates the cluster with its settings, providers, default strategy and ownership tags in one CreateCluster', () => {
    const out = plan(manifest({ configuration: { executeCommandConfiguration: { logging: 'NONE' } }, serviceConnectDefaults: { namespace: 'demo.local' } }), observed(undefined));
    expect(out.blocked).toBeUndefined();
    expect(out.changes.map((c) => c.action)).toEqual(['CreateCluster']);
    expect(out.changes[0]?.payload).toEqual({
      clusterName: 'demo',
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { executeCommandConfiguration: { logging: 'NONE' } },
      serviceConnectDefaults: { namespace: 'demo.local' },
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: WORKFLOW_STRATEGY,
      tags: [{ key: 'team', value: 'platform' }, ...OWNED],
    });
  });

  it('creates an Auto Scaling group capacity provider before the cluster that lists it', () => {
    const out = plan(manifest(EC2_SPEC), observed(undefined));
    expect(out.changes.map((c) => `${c.action} ${c.id}`)).toEqual(['CreateCapacityProvider ec2', 'CreateCluster demo']);
    expect(out.changes[0]?.payload).toEqual({
      name: 'ec2',
      autoScalingGroupProvider: { autoScalingGroupArn: 'ecs-asg', managedScaling: { status: 'ENABLED', targetCapacity: 90 } },
      tags: [{ key: 'team', value: 'platform' }, ...OWNED],
    });
  });

  it('uses spec.clusterName over metadata.name', () => {
    const out = plan(manifest({ clusterName: 'prod-web' }), observed(undefined));
    expect(out.changes[0]).toMatchObject({ action: 'CreateCluster', id: 'prod-web' });
  });
});

describe('planCluster: steady state', () => {
  it('plans nothing when ECS reports the manifest with its own order and defaults', () => {
    expect(plan(manifest(), observed(cluster())).changes).toEqual([]);
  });

  it('plans nothing for an Auto Scaling group provider reported by ARN with ECS defaults filled in', () => {
    const c = cluster({ capacityProviders: ['ec2'], defaultCapacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1, base: 0 }] });
    expect(plan(manifest(EC2_SPEC), observed(c, [provider()]), ctx({ ownedProviderNames: ['ec2'] })).changes).toEqual([]);
  });

  it('leaves containerInsights alone when the manifest does not set it (the account default applies)', () => {
    const c = cluster({ settings: [{ name: 'containerInsights', value: 'enhanced' }] });
    expect(plan(manifest({ settings: {} }), observed(c)).changes).toEqual([]);
  });

  it('leaves capacity providers and the default strategy alone when the manifest sets neither', () => {
    const m = manifest();
    delete m.spec.capacityProviders;
    delete m.spec.defaultCapacityProviderStrategy;
    expect(plan(m, observed(cluster({ capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [] }))).changes).toEqual([]);
  });

  it('compares a Service Connect namespace given by name as equal to the ARN ECS reports', () => {
    const c = cluster({ serviceConnectDefaults: { namespace: `arn:aws:servicediscovery:${REGION}:${ACCOUNT}:namespace/ns-abc` } });
    expect(plan(manifest({ serviceConnectDefaults: { namespace: 'demo.local' } }), observed(c)).changes).toEqual([]);
  });
});

describe('planCluster: each field', () => {
  it('containerInsights: UpdateClusterSettings with the manifest value', () => {
    const out = plan(manifest(), observed(cluster({ settings: [{ name: 'containerInsights', value: 'disabled' }] })));
    expect(out.changes).toEqual([
      {
        resource: 'Cluster',
        id: 'demo',
        action: 'UpdateClusterSettings',
        diffs: [{ path: 'spec.settings.containerInsights', desired: 'enabled', actual: 'disabled' }],
        payload: { cluster: 'demo', settings: [{ name: 'containerInsights', value: 'enabled' }] },
      },
    ]);
  });

  it('containerInsights absent from DescribeClusters reads as disabled', () => {
    const out = plan(manifest({ settings: { containerInsights: 'disabled' } }), observed(cluster({ settings: [] })));
    expect(out.changes).toEqual([]);
  });

  it('default strategy: PutClusterCapacityProviders with the whole list and the whole strategy', () => {
    const drifted = cluster({ defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }] });
    const out = plan(manifest(), observed(drifted));
    expect(out.changes.map((c) => c.action)).toEqual(['PutClusterCapacityProviders']);
    expect(out.changes[0]?.payload).toEqual({ cluster: 'demo', capacityProviders: ['FARGATE', 'FARGATE_SPOT'], defaultCapacityProviderStrategy: WORKFLOW_STRATEGY });
    expect(out.changes[0]?.diffs.map((d) => d.path)).toEqual(['spec.defaultCapacityProviderStrategy']);
  });

  it('capacity providers: a provider added outside the operator is removed', () => {
    const out = plan(manifest(), observed(cluster({ capacityProviders: ['FARGATE', 'FARGATE_SPOT', 'other'] })));
    expect(out.changes[0]).toMatchObject({ action: 'PutClusterCapacityProviders', diffs: [{ path: 'spec.capacityProviders', desired: ['FARGATE', 'FARGATE_SPOT'], actual: ['FARGATE', 'FARGATE_SPOT', 'other'] }] });
  });

  it('executeCommandConfiguration: UpdateCluster, and a removed one goes back to logging DEFAULT', () => {
    const set = plan(manifest({ configuration: { executeCommandConfiguration: { kmsKeyId: 'key-1', logging: 'DEFAULT' } } }), observed(cluster()));
    expect(set.changes).toEqual([
      expect.objectContaining({ action: 'UpdateCluster', payload: { cluster: 'demo', configuration: { executeCommandConfiguration: { kmsKeyId: 'key-1', logging: 'DEFAULT' } } } }),
    ]);
    const removed = plan(manifest(), observed(cluster({ configuration: { executeCommandConfiguration: { logging: 'NONE' } } })));
    expect(removed.changes).toEqual([expect.objectContaining({ action: 'UpdateCluster', payload: { cluster: 'demo', configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } } } })]);
  });

  it('serviceConnectDefaults: UpdateCluster, and a removed namespace is cleared with an empty one', () => {
    const set = plan(manifest({ serviceConnectDefaults: { namespace: 'demo.local' } }), observed(cluster()));
    expect(set.changes).toEqual([expect.objectContaining({ action: 'UpdateCluster', payload: { cluster: 'demo', serviceConnectDefaults: { namespace: 'demo.local' } } })]);
    const removed = plan(manifest(), observed(cluster({ serviceConnectDefaults: { namespace: 'old.local' } })));
    expect(removed.changes).toEqual([expect.objectContaining({ action: 'UpdateCluster', payload: { cluster: 'demo', serviceConnectDefaults: { namespace: '' } } })]);
  });

  it('tags: the manifest tags are set, and only the keys it set before are removed', () => {
    const c = cluster({ tags: [{ key: 'team', value: 'old' }, { key: 'cost', value: 'x' }, { key: 'someone-else', value: 'y' }, ...OWNED] });
    const out = plan(manifest(), observed(c), ctx({ managedTagKeys: ['team', 'cost'] }));
    expect(out.changes.map((ch) => [ch.action, ch.payload])).toEqual([
      ['Tag', { resourceArn: c.clusterArn, tags: [{ key: 'team', value: 'platform' }] }],
      ['Untag', { resourceArn: c.clusterArn, tagKeys: ['cost'] }],
    ]);
  });

  it('an owned provider: UpdateCapacityProvider with every member, so a removed one goes back to the ECS default', () => {
    const c = cluster({ capacityProviders: ['ec2'], defaultCapacityProviderStrategy: [{ capacityProvider: 'ec2', weight: 1, base: 0 }] });
    const changed = provider({}, { managedScaling: { status: 'ENABLED', targetCapacity: 50, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 }, managedDraining: 'DISABLED' });
    const out = plan(manifest(EC2_SPEC), observed(c, [changed]), ctx({ ownedProviderNames: ['ec2'] }));
    expect(out.changes).toEqual([
      {
        resource: 'CapacityProvider',
        id: 'ec2',
        action: 'UpdateCapacityProvider',
        diffs: [
          { path: 'spec.capacityProviders[ec2].managedDraining', desired: 'ENABLED', actual: 'DISABLED' },
          { path: 'spec.capacityProviders[ec2].managedScaling.targetCapacity', desired: 90, actual: 50 },
        ],
        payload: {
          name: 'ec2',
          autoScalingGroupProvider: {
            managedScaling: { status: 'ENABLED', targetCapacity: 90, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 },
            managedTerminationProtection: 'DISABLED',
            managedDraining: 'ENABLED',
          },
        },
      },
    ]);
  });

  it('an owned provider on another Auto Scaling group cannot change in place', () => {
    const moved = provider({}, { autoScalingGroupArn: ASG_ARN.replace('ecs-asg', 'other-asg') });
    const out = plan(manifest(EC2_SPEC), observed(cluster({ capacityProviders: ['ec2'] }), [moved]), ctx({ ownedProviderNames: ['ec2'] }));
    expect(out.blocked).toMatchObject({ reason: 'ReplacementRequired', message: expect.stringContaining('cannot change') });
  });

  it('an owned provider the manifest no longer declares: removed from the cluster first, then deleted', () => {
    const c = cluster({ capacityProviders: ['FARGATE', 'FARGATE_SPOT', 'ec2'] });
    const out = plan(manifest(), observed(c, [provider()]), ctx({ ownedProviderNames: ['ec2'] }));
    expect(out.changes.map((ch) => `${ch.action} ${ch.id}`)).toEqual(['PutClusterCapacityProviders demo', 'DeleteCapacityProvider ec2']);
  });

  it('a provider already deleted (INACTIVE) is created again', () => {
    const out = plan(manifest(EC2_SPEC), observed(cluster({ capacityProviders: [] }), [provider({ status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' })]));
    expect(out.changes.map((c) => c.action)).toEqual(['CreateCapacityProvider', 'PutClusterCapacityProviders']);
  });
});

describe('planCluster: ownership', () => {
  it('a cluster the operator did not create is left alone (NotOwned)', () => {
    const out = plan(manifest(), observed(cluster({ tags: [], settings: [{ name: 'containerInsights', value: 'disabled' }] })));
    expect(out).toEqual({ changes: [], blocked: expect.objectContaining({ reason: 'NotOwned' }) });
  });

  it('with adoptExisting, the cluster is tagged as owned and converged', () => {
    const out = plan(manifest({ adoptExisting: true }), observed(cluster({ tags: [], settings: [{ name: 'containerInsights', value: 'disabled' }] })));
    expect(out.changes.map((c) => c.action)).toEqual(['AdoptCluster', 'UpdateClusterSettings', 'Tag']);
    expect(out.changes[0]?.payload).toEqual({ resourceArn: cluster().clusterArn, tags: OWNED });
  });

  it('a cluster another object owns is never touched (OwnedByAnotherObject)', () => {
    const theirs = ownerTags({ ...owner, name: 'other' });
    const out = plan(manifest(), observed(cluster({ tags: theirs })));
    expect(out).toEqual({ changes: [], blocked: expect.objectContaining({ reason: 'OwnedByAnotherObject', message: expect.stringContaining('shop/other') }) });
  });

  it('a capacity provider of the same name that the operator did not create is left alone unless adopted', () => {
    const foreign = provider({ tags: [] });
    const c = cluster({ capacityProviders: ['ec2'] });
    expect(plan(manifest(EC2_SPEC), observed(c, [foreign])).blocked).toMatchObject({ reason: 'NotOwned', message: expect.stringContaining('capacity provider ec2') });
    expect(plan(manifest({ ...EC2_SPEC, adoptExisting: true }), observed(c, [foreign])).changes.map((ch) => ch.action)).toContain('AdoptCapacityProvider');
  });

  it('a renamed cluster (spec.clusterName changed) is reported, never created beside the old one', () => {
    const out = plan(manifest({ clusterName: 'new-name' }), observed(undefined), ctx({ previousClusterName: 'demo' }));
    expect(out).toEqual({ changes: [], blocked: expect.objectContaining({ reason: 'ReplacementRequired' }) });
  });
});
