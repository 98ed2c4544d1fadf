import type { Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { CLUSTER_TAG, OWNER_TAG, ownerTags } from '../../../src/reconcile/ownership.js';
import { desiredService, type DesiredService } from '../../../src/reconcile/service/desired.js';
import { planService, type ServiceChange, type ServicePlanContext } from '../../../src/reconcile/service/plan.js';
import { REGION, runningService, serviceManifest, svcOwner, TD_ARN, TG_ARN } from './fixtures.js';

function desired(spec: Partial<EcsService['spec']> = {}, taskDefinitionArn = TD_ARN): DesiredService {
  const svc = serviceManifest(spec);
  const loadBalancers = (svc.spec.loadBalancers ?? []).map((lb) => ({ targetGroupArn: lb.targetGroupArn ?? `arn:tg/${lb.targetGroupName}`, containerName: lb.containerName, containerPort: lb.containerPort }));
  return desiredService(svc, REGION, { ref: taskDefinitionArn, familyRevision: taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1) }, loadBalancers);
}

const ctx: ServicePlanContext = { owner: svcOwner, managedTagKeys: ['team'], rollout: undefined, currentReady: false };

function plan(d: DesiredService, current: Service | undefined, context: Partial<ServicePlanContext> = {}, previous: Service[] = []) {
  return planService(d, { current, previous }, { ...ctx, ...context });
}

const actions = (changes: ServiceChange[]) => changes.map((c) => c.action);

function onlyUpdate(changes: ServiceChange[]) {
  expect(actions(changes)).toEqual(['Update']);
  const change = changes[0];
  if (change?.action !== 'Update') throw new Error('not an update');
  const { region: _region, cluster: _cluster, service: _service, ...fields } = change.payload;
  return { fields, diffs: change.diffs };
}

describe('planService: an unchanged manifest', () => {
  test('against the service ECS reports (defaults, ARNs, other orders, foreign aws: tags) plans nothing', () => {
    expect(plan(desired(), runningService())).toEqual({ changes: [] });
  });

  test('a manifest spelling out ECS defaults plans nothing either', () => {
    const d = desired({
      platformVersion: 'LATEST',
      schedulingStrategy: 'REPLICA',
      healthCheckGracePeriodSeconds: 0,
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } },
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0aaa', 'subnet-0bbb'], securityGroups: ['sg-0aaa'], assignPublicIp: 'DISABLED' } },
      enableExecuteCommand: false,
      propagateTags: 'NONE',
      enableECSManagedTags: false,
      placementConstraints: [],
      serviceRegistries: [],
    });
    expect(plan(d, runningService())).toEqual({ changes: [] });
  });

  test('security groups left out of the manifest are ECS\'s choice (the VPC default), not a difference', () => {
    const d = desired({ networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0aaa', 'subnet-0bbb'] } } });
    expect(plan(d, runningService()).changes).toEqual([]);
  });

  test('neither launchType nor a strategy: whatever the cluster default gave is not a difference', () => {
    const d = desired({ capacityProviderStrategy: undefined });
    expect(plan(d, runningService({ capacityProviderStrategy: undefined, launchType: 'FARGATE' })).changes).toEqual([]);
  });

  test('an EC2 service, for which ECS reports no platform version, plans nothing', () => {
    const d = desired({ capacityProviderStrategy: undefined, launchType: 'EC2', networkConfiguration: undefined });
    const current = runningService({ capacityProviderStrategy: undefined, launchType: 'EC2', platformVersion: undefined, platformFamily: undefined, networkConfiguration: undefined });
    expect(plan(d, current).changes).toEqual([]);
  });

  test('a task definition given as family:revision matches the ARN ECS reports', () => {
    const d = desiredService(serviceManifest({ taskDefinitionRef: undefined, taskDefinition: 'web:3' }), REGION, { ref: 'web:3', familyRevision: 'web:3' }, desired().loadBalancers);
    expect(plan(d, runningService()).changes).toEqual([]);
  });
});

describe('planService: one changed field, one UpdateService member', () => {
  const TD4 = TD_ARN.replace(/:3$/, ':4');
  test.each<[string, Partial<EcsService['spec']>, Record<string, unknown>]>([
    ['desiredCount', { desiredCount: 5 }, { desiredCount: 5 }],
    ['healthCheckGracePeriodSeconds', { healthCheckGracePeriodSeconds: 60 }, { healthCheckGracePeriodSeconds: 60 }],
    ['platformVersion', { platformVersion: '1.4.0' }, { platformVersion: '1.4.0' }],
    ['enableExecuteCommand', { enableExecuteCommand: true }, { enableExecuteCommand: true, forceNewDeployment: true }],
    ['propagateTags', { propagateTags: 'SERVICE' }, { propagateTags: 'SERVICE', forceNewDeployment: true }],
    ['enableECSManagedTags', { enableECSManagedTags: true }, { enableECSManagedTags: true, forceNewDeployment: true }],
    [
      'capacityProviderStrategy',
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] },
      { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], forceNewDeployment: true },
    ],
    [
      'networkConfiguration',
      { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0ccc'], securityGroups: ['sg-0aaa'] } } },
      { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0ccc'], securityGroups: ['sg-0aaa'], assignPublicIp: undefined } } },
    ],
    [
      'loadBalancers (port)',
      { loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080 }] },
      { loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080 }] },
    ],
    ['loadBalancers (removed)', { loadBalancers: [] }, { loadBalancers: [] }],
    [
      'deploymentConfiguration',
      { deploymentConfiguration: { maximumPercent: 150, deploymentCircuitBreaker: { enable: true, rollback: true } } },
      { deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } } },
    ],
    ['placementConstraints', { placementConstraints: [{ type: 'distinctInstance' }] }, { placementConstraints: [{ type: 'distinctInstance' }], forceNewDeployment: true }],
    ['placementStrategy', { placementStrategy: [{ type: 'spread', field: 'instanceId' }] }, { placementStrategy: [{ type: 'spread', field: 'instanceId' }], forceNewDeployment: true }],
    ['serviceRegistries', { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1' }] }, { serviceRegistries: [{ registryArn: 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1' }] }],
  ])('%s', (_field, spec, expected) => {
    expect(onlyUpdate(plan(desired(spec), runningService()).changes).fields).toEqual(expected);
  });

  test('a new task definition revision rolls out through UpdateService with only taskDefinition', () => {
    const { fields, diffs } = onlyUpdate(plan(desired({}, TD4), runningService()).changes);
    expect(fields).toEqual({ taskDefinition: TD4 });
    expect(diffs).toEqual([{ path: 'spec.taskDefinitionRef', desired: 'web:4', actual: 'web:3' }]);
  });

  test('a launch type service moves to a capacity provider strategy in place', () => {
    const current = runningService({ capacityProviderStrategy: undefined, launchType: 'FARGATE' });
    const { fields, diffs } = onlyUpdate(plan(desired(), current).changes);
    expect(fields).toMatchObject({ capacityProviderStrategy: serviceManifest().spec.capacityProviderStrategy, forceNewDeployment: true });
    expect(diffs.map((d) => d.path)).toEqual(['spec.capacityProviderStrategy', 'spec.launchType']);
  });

  test('several changed fields go into one UpdateService, and a new revision needs no forced deployment', () => {
    const { fields } = onlyUpdate(plan(desired({ desiredCount: 3, enableExecuteCommand: true }, TD4), runningService()).changes);
    expect(fields).toEqual({ taskDefinition: TD4, desiredCount: 3, enableExecuteCommand: true });
  });

  test('a circuit breaker removed from the manifest is turned off, every member sent', () => {
    const { fields } = onlyUpdate(plan(desired({ deploymentConfiguration: undefined }), runningService()).changes);
    expect(fields).toEqual({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } } });
  });

  test('a count changed in ECS is a difference when the manifest owns the count', () => {
    const { diffs } = onlyUpdate(plan(desired(), runningService({ desiredCount: 7 })).changes);
    expect(diffs).toEqual([{ path: 'spec.desiredCount', desired: 2, actual: 7 }]);
  });
});

describe('planService: desiredCount owned by autoscaling', () => {
  const autoscaling = { minCapacity: 1, maxCapacity: 10 };

  test('a count changed by autoscaling is never reset', () => {
    expect(plan(desired({ autoscaling }), runningService({ desiredCount: 7 })).changes).toEqual([]);
  });

  test('the service is created with desiredCount, or with minCapacity without one', () => {
    const created = (spec: Partial<EcsService['spec']>) => {
      const change = plan(desired(spec), undefined).changes[0];
      return change?.action === 'Create' ? change.payload.desiredCount : undefined;
    };
    expect(created({ autoscaling, desiredCount: 4 })).toBe(4);
    expect(created({ autoscaling: { minCapacity: 3, maxCapacity: 10 }, desiredCount: undefined })).toBe(3);
  });
});

describe('planService: creation', () => {
  test('an absent service is created with the manifest, the owner tags and a deterministic idempotency token', () => {
    const first = plan(desired(), undefined).changes;
    expect(actions(first)).toEqual(['Create']);
    const create = first[0];
    if (create?.action !== 'Create') throw new Error('expected Create');
    expect(create.payload).toMatchObject({
      cluster: 'demo',
      serviceName: 'web',
      taskDefinition: TD_ARN,
      desiredCount: 2,
      loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80 }],
      tags: [{ key: 'team', value: 'storefront' }, ...ownerTags(svcOwner)],
    });
    expect(create.payload.clientToken.length).toBeLessThanOrEqual(36);
    const again = plan(desired(), undefined).changes[0];
    expect(again?.action === 'Create' && again.payload.clientToken).toBe(create.payload.clientToken);
    const other = planService(desired(), { current: undefined, previous: [] }, { ...ctx, owner: { ...svcOwner, name: 'web2' } }).changes[0];
    expect(other?.action === 'Create' && other.payload.clientToken).not.toBe(create.payload.clientToken);
  });

  test('a service still draining from a deletion is waited for, not created over', () => {
    const result = plan(desired(), runningService({ status: 'DRAINING' }));
    expect(result.changes).toEqual([]);
    expect(result.waiting?.reason).toBe('ServiceDraining');
  });
});

describe('planService: tags', () => {
  test('a changed and an added tag are set with one TagResource', () => {
    const changes = plan(desired({ tags: [{ key: 'team', value: 'payments' }, { key: 'tier', value: 'web' }] }), runningService()).changes;
    expect(actions(changes)).toEqual(['Tag']);
    expect(changes[0]?.payload).toEqual({ resourceArn: runningService().serviceArn, tags: [{ key: 'team', value: 'payments' }, { key: 'tier', value: 'web' }] });
    expect(changes[0]?.diffs).toEqual([{ path: 'spec.tags[team]', desired: 'payments', actual: 'storefront' }, { path: 'spec.tags[tier]', desired: 'web' }]);
  });

  test('a tag removed from the manifest is removed; tags others added and aws: tags are left alone', () => {
    const current = runningService({ tags: [...(runningService().tags ?? []), { key: 'cost-center', value: '42' }] });
    const changes = plan(desired({ tags: [] }), current, { managedTagKeys: ['team'] }).changes;
    expect(actions(changes)).toEqual(['Untag']);
    expect(changes[0]?.payload).toEqual({ resourceArn: current.serviceArn, tagKeys: ['team'] });
  });

  test('without a record of managed keys (a fresh status), no tag is ever removed', () => {
    expect(plan(desired({ tags: [] }), runningService(), { managedTagKeys: [] }).changes).toEqual([]);
  });
});

describe('planService: ownership and adoption', () => {
  const unowned = () => runningService({ tags: [{ key: 'team', value: 'storefront' }] });

  test('a service of the same name the operator did not create is left untouched', () => {
    const result = plan(desired({ desiredCount: 9 }), unowned());
    expect(result.changes).toEqual([]);
    expect(result.blocked?.reason).toBe('NotOwned');
    expect(result.blocked?.message).toContain('adoptExisting');
  });

  test('with adoptExisting it is tagged as owned, then converged', () => {
    const result = plan(desired({ desiredCount: 9, adoptExisting: true }), unowned());
    expect(result.blocked).toBeUndefined();
    expect(actions(result.changes)).toEqual(['Adopt', 'Update']);
    expect(result.changes[0]?.payload).toEqual({ resourceArn: unowned().serviceArn, tags: ownerTags(svcOwner) });
  });

  test('a service owned by another object is never adopted, and the condition names the owner', () => {
    const other = runningService({ tags: [{ key: CLUSTER_TAG, value: 'prod-eu' }, { key: OWNER_TAG, value: 'billing/api' }] });
    const result = plan(desired({ adoptExisting: true }), other);
    expect(result.changes).toEqual([]);
    expect(result.blocked).toMatchObject({ reason: 'OwnedByAnotherObject' });
    expect(result.blocked?.message).toContain('billing/api');
  });

  test('the same object name from another operator installation is another owner', () => {
    const other = runningService({ tags: [{ key: CLUSTER_TAG, value: 'staging' }, { key: OWNER_TAG, value: 'shop/web' }] });
    expect(plan(desired(), other).blocked?.message).toContain('operator installation staging');
  });
});

describe('planService: changes ECS cannot make in place', () => {
  test.each<[string, Partial<EcsService['spec']>, Partial<Service>, string[]]>([
    ['schedulingStrategy', { schedulingStrategy: 'DAEMON', desiredCount: undefined, capacityProviderStrategy: undefined, launchType: 'EC2', networkConfiguration: undefined }, { capacityProviderStrategy: undefined, launchType: 'EC2', networkConfiguration: undefined }, ['spec.schedulingStrategy']],
    ['deploymentController to EXTERNAL', { deploymentController: { type: 'EXTERNAL' }, deploymentConfiguration: undefined }, { deploymentConfiguration: undefined }, ['spec.deploymentController.type']],
    ['one launch type to another', { capacityProviderStrategy: undefined, launchType: 'EC2' }, { capacityProviderStrategy: undefined, launchType: 'FARGATE' }, ['spec.launchType']],
  ])('%s: Stalled, naming the field, unless replacement is allowed', (_what, spec, current, paths) => {
    const service = runningService(current);
    const blocked = plan(desired(spec), service);
    expect(actions(blocked.changes)).toEqual(['Replace']);
    expect(blocked.changes[0]?.diffs.map((d) => d.path)).toEqual(paths);
    expect(blocked.blocked?.reason).toBe('ReplacementRequired');
    expect(blocked.blocked?.message).toContain('replaceOnImmutableChange');

    const allowed = plan(desired({ ...spec, replaceOnImmutableChange: true }), service);
    expect(allowed.blocked).toBeUndefined();
    expect(actions(allowed.changes)).toEqual(['Replace']);
    expect(allowed.changes[0]?.payload).toEqual({ region: REGION, cluster: service.clusterArn, service: 'web' });
  });

});

describe('planService: a new cluster, serviceName or region is a replacement', () => {
  const old = runningService();
  const moved = (spec: Partial<EcsService['spec']> = {}) => desired({ cluster: 'blue', ...spec });
  const created = (spec: Partial<Service> = {}) => runningService({ serviceArn: `arn:aws:ecs:${REGION}:123456789012:service/blue/web`, clusterArn: `arn:aws:ecs:${REGION}:123456789012:cluster/blue`, ...spec });

  test('without the opt-in: Stalled ReplacementRequired naming spec.cluster and the opt-in; the old service is not touched', () => {
    const blocked = plan(moved(), undefined, {}, [old]);
    expect(blocked.blocked?.reason).toBe('ReplacementRequired');
    expect(blocked.blocked?.message).toContain('spec.cluster');
    expect(blocked.blocked?.message).toContain('spec.replaceOnImmutableChange: true');
    expect(blocked.blocked?.message).toContain('web in cluster demo keeps running');
    expect(actions(blocked.changes)).toEqual(['Create']);
    expect(blocked.changes[0]?.diffs).toEqual([{ path: 'spec.cluster', desired: 'blue', actual: 'demo' }]);
  });

  test('with the opt-in: the new service is created first and the old one is left running', () => {
    const out = plan(moved({ replaceOnImmutableChange: true }), undefined, {}, [old]);
    expect(out.blocked).toBeUndefined();
    expect(actions(out.changes)).toEqual(['Create']);
    expect(out.changes[0]?.payload).toMatchObject({ cluster: 'blue', serviceName: 'web' });
  });

  test('the old service is deleted only once the new one is Ready, scaled to 0 first', () => {
    const spec = moved({ replaceOnImmutableChange: true });
    expect(plan(spec, created(), { currentReady: false }, [old]).changes).toEqual([]);
    const ready = plan(spec, created(), { currentReady: true }, [old]);
    expect(actions(ready.changes)).toEqual(['Retire']);
    expect(ready.changes[0]?.payload).toEqual({ region: REGION, cluster: old.clusterArn, service: 'web', scaleToZero: true });
    expect(ready.changes[0]?.diffs).toEqual([{ path: 'spec.cluster', desired: 'blue', actual: 'demo' }]);
  });

  test('an old service already draining, or not this object\'s, is never deleted again', () => {
    const spec = moved({ replaceOnImmutableChange: true });
    expect(plan(spec, created(), { currentReady: true }, [{ ...old, status: 'DRAINING' }]).changes).toEqual([]);
    expect(plan(spec, created(), { currentReady: true }, [{ ...old, tags: [] }]).changes).toEqual([]);
  });

  test('a renamed service: created under the new name, the old name deleted once it is Ready', () => {
    const spec = desired({ serviceName: 'web-v2', replaceOnImmutableChange: true });
    expect(actions(plan(spec, undefined, {}, [old]).changes)).toEqual(['Create']);
    expect(plan(spec, undefined, {}, [old]).changes[0]?.diffs).toEqual([{ path: 'spec.serviceName', desired: 'web-v2', actual: 'web' }]);
    const renamed = runningService({ serviceName: 'web-v2', serviceArn: `arn:aws:ecs:${REGION}:123456789012:service/demo/web-v2` });
    expect(actions(plan(spec, renamed, { currentReady: true }, [old]).changes)).toEqual(['Retire']);
  });
});

describe('planService: failed rollouts', () => {
  test('a task definition the circuit breaker rolled back is not rolled out again', () => {
    const TD4 = TD_ARN.replace(/:3$/, ':4');
    const rollout = { deploymentId: 'ecs-svc/2222', taskDefinitionArn: TD4, state: 'FAILED' };
    expect(plan(desired({}, TD4), runningService(), { rollout }).changes).toEqual([]);
    // Other changes still go through.
    expect(onlyUpdate(plan(desired({ desiredCount: 3 }, TD4), runningService(), { rollout }).changes).fields).toEqual({ desiredCount: 3 });
  });

  test('a newer revision after the failed one is rolled out', () => {
    const rollout = { deploymentId: 'ecs-svc/2222', taskDefinitionArn: TD_ARN.replace(/:3$/, ':4'), state: 'FAILED' };
    const TD5 = TD_ARN.replace(/:3$/, ':5');
    expect(onlyUpdate(plan(desired({}, TD5), runningService(), { rollout }).changes).fields).toEqual({ taskDefinition: TD5 });
  });
});
