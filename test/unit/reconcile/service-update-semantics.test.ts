// What UpdateService may carry and when it leaves running tasks behind (issue 16, section 2): the
// deployment controllers, platformVersion, a strategy back to a launch type, settings that reach
// only new tasks, placement strategy spellings and blue/green load balancer settings.
import type { Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { desiredService, type DesiredService } from '../../../src/reconcile/service/desired.js';
import { planService, type ServiceChange, type ServicePlan } from '../../../src/reconcile/service/plan.js';
import { syncOf, withPlanReport } from '../../../src/reconcile/service/status.js';
import { REGION, runningService, serviceManifest, svcOwner, TD_ARN, TG_ARN } from './fixtures.js';

const TD4 = TD_ARN.replace(/:3$/, ':4');

function desired(spec: Partial<EcsService['spec']> = {}, taskDefinitionArn = TD_ARN): DesiredService {
  const svc = serviceManifest(spec);
  const loadBalancers = (svc.spec.loadBalancers ?? []).map((lb) => ({ targetGroupArn: lb.targetGroupArn ?? `arn:tg/${lb.targetGroupName}`, containerName: lb.containerName, containerPort: lb.containerPort }));
  return desiredService(svc, REGION, { ref: taskDefinitionArn, familyRevision: taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1) }, loadBalancers);
}

function plan(d: DesiredService, current: Service): ServicePlan {
  return planService(d, { current, previous: [] }, { owner: svcOwner, managedTagKeys: ['team'], rollout: undefined, currentReady: true });
}

/** The UpdateService members of each Update, in order. */
function updates(changes: ServiceChange[]): Record<string, unknown>[] {
  expect(changes.every((c) => c.action === 'Update')).toBe(true);
  return changes.map((c) => {
    const { region: _r, cluster: _c, service: _s, ...fields } = c.payload as Record<string, unknown>;
    return fields;
  });
}

const paths = (p: ServicePlan) => (p.controllerOwned?.diffs ?? []).map((d) => d.path);

describe('deployment controllers CODE_DEPLOY and EXTERNAL', () => {
  const codeDeploy = (over: Partial<Service> = {}) => runningService({ deploymentController: { type: 'CODE_DEPLOY' }, deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 }, ...over });
  const spec = { deploymentController: { type: 'CODE_DEPLOY' as const }, deploymentConfiguration: undefined };

  test('a CODE_DEPLOY service never gets taskDefinition, networkConfiguration, loadBalancers or platformVersion: they are reported as CodeDeploy\'s', () => {
    const d = desired(
      {
        ...spec,
        desiredCount: 5,
        platformVersion: '1.3.0',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0ccc'], securityGroups: ['sg-0aaa'] } },
        loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080 }],
      },
      TD4,
    );
    const result = plan(d, codeDeploy());
    expect(updates(result.changes)).toEqual([{ desiredCount: 5 }]);
    expect(paths(result)).toEqual(['spec.taskDefinitionRef', 'spec.platformVersion', 'spec.networkConfiguration.awsvpcConfiguration.subnets', 'spec.loadBalancers[web].containerPort']);
    expect(result.controllerOwned?.reason).toBe('AwaitingDeploymentController');
    expect(result.controllerOwned?.message).toContain('CodeDeploy deploys them');
    expect(result.blocked).toBeUndefined();
  });

  test('a difference CodeDeploy owns is never a replacement, even one ECS cannot make in place', () => {
    const result = plan(desired({ ...spec, capacityProviderStrategy: undefined, launchType: 'EC2', networkConfiguration: undefined }), codeDeploy({ capacityProviderStrategy: undefined, launchType: 'FARGATE', networkConfiguration: undefined }));
    expect(result.changes).toEqual([]);
    expect(result.blocked).toBeUndefined();
    expect(paths(result)).toEqual(['spec.launchType']);
  });

  test('a CODE_DEPLOY service gets desiredCount, deploymentConfiguration (no circuit breaker), grace period, placement and tag settings, never forceNewDeployment', () => {
    const d = desired({
      ...spec,
      desiredCount: 4,
      healthCheckGracePeriodSeconds: 30,
      deploymentConfiguration: { maximumPercent: 150 },
      placementConstraints: [{ type: 'distinctInstance' }],
      propagateTags: 'SERVICE',
      enableECSManagedTags: true,
    });
    const result = plan(d, codeDeploy());
    expect(updates(result.changes)).toEqual([
      {
        desiredCount: 4,
        healthCheckGracePeriodSeconds: 30,
        deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 100 },
        placementConstraints: [{ type: 'distinctInstance' }],
        propagateTags: 'SERVICE',
        enableECSManagedTags: true,
      },
    ]);
    // Running tasks keep the old settings until CodeDeploy starts new ones.
    expect(result.pendingOnTasks?.map((p) => p.path)).toEqual(['spec.placementConstraints', 'spec.propagateTags', 'spec.enableECSManagedTags']);
    const update = result.changes[0];
    expect(update?.action === 'Update' && update.note).toContain('until the next CodeDeploy deployment');
  });

  test('an EXTERNAL service gets desiredCount; its deploymentConfiguration and task definition are the external controller\'s', () => {
    const external = runningService({ deploymentController: { type: 'EXTERNAL' }, deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 } });
    const result = plan(desired({ deploymentController: { type: 'EXTERNAL' }, desiredCount: 3, deploymentConfiguration: { maximumPercent: 150 } }, TD4), external);
    expect(updates(result.changes)).toEqual([{ desiredCount: 3 }]);
    expect(paths(result)).toEqual(['spec.taskDefinitionRef', 'spec.deploymentConfiguration.maximumPercent']);
    expect(result.controllerOwned?.message).toContain('external deployment controller deploys them');
  });

  test('ECS to CODE_DEPLOY is an UpdateService, with the task definition left to CodeDeploy', () => {
    const result = plan(desired({ ...spec, desiredCount: 3 }, TD4), runningService({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 } }));
    expect(updates(result.changes)).toEqual([{ desiredCount: 3, deploymentController: { type: 'CODE_DEPLOY' } }]);
    expect(paths(result)).toEqual(['spec.taskDefinitionRef']);
  });

  test('ECS to CODE_DEPLOY leaves the circuit breaker alone: not sent, and not a difference once CodeDeploy owns the service', () => {
    const withBreaker = { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 } };
    expect(updates(plan(desired(spec), runningService(withBreaker)).changes)).toEqual([{ deploymentController: { type: 'CODE_DEPLOY' } }]);
    expect(plan(desired(spec), codeDeploy(withBreaker))).toEqual({ changes: [] });
  });

  test('CODE_DEPLOY to ECS: the controller first, then the task definition once ECS deploys it', () => {
    const result = plan(desired({ deploymentController: { type: 'ECS' } }, TD4), codeDeploy({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 } }));
    expect(updates(result.changes)).toEqual([{ deploymentController: { type: 'ECS' } }, { taskDefinition: TD4 }]);
    expect(result.controllerOwned).toBeUndefined();
  });

  test('an adopted CodeDeploy service whose manifest names no controller keeps CODE_DEPLOY', () => {
    const result = plan(desired({ deploymentConfiguration: undefined }), codeDeploy());
    expect(result).toEqual({ changes: [] });
  });
});

describe('platformVersion', () => {
  test('is not compared when the manifest omits it', () => {
    expect(plan(desired({ platformVersion: undefined }), runningService({ platformVersion: '1.3.0' })).changes).toEqual([]);
  });

  test('LATEST matches the version ECS resolved it to, so there is no endless redeploy', () => {
    expect(plan(desired({ platformVersion: 'LATEST' }), runningService({ platformVersion: '1.4.0' })).changes).toEqual([]);
  });

  test('a pinned version that differs is updated', () => {
    expect(updates(plan(desired({ platformVersion: '1.4.0' }), runningService({ platformVersion: '1.3.0' })).changes)).toEqual([{ platformVersion: '1.4.0' }]);
  });
});

describe('capacity provider strategy back to a launch type', () => {
  test('is an UpdateService with an empty strategy and a forced deployment, not a replacement', () => {
    const result = plan(desired({ capacityProviderStrategy: undefined, launchType: 'FARGATE' }), runningService());
    expect(result.blocked).toBeUndefined();
    expect(updates(result.changes)).toEqual([{ capacityProviderStrategy: [], forceNewDeployment: true }]);
    expect(result.changes[0]?.diffs.map((d) => d.path)).toEqual(['spec.capacityProviderStrategy', 'spec.launchType']);
  });
});

describe('settings that reach only new tasks', () => {
  test('by default a new deployment is forced, and the update says why', () => {
    const result = plan(desired({ enableExecuteCommand: true }), runningService());
    expect(updates(result.changes)).toEqual([{ enableExecuteCommand: true, forceNewDeployment: true }]);
    const update = result.changes[0];
    expect(update?.action === 'Update' && update.note).toBe('spec.enableExecuteCommand applies only to tasks started after the change: a new deployment was forced to replace the running tasks (spec.forceNewDeploymentOnChange)');
    expect(result.pendingOnTasks).toBeUndefined();
  });

  test('with forceNewDeploymentOnChange false no deployment is forced and the settings are pending on the running tasks', () => {
    const result = plan(desired({ forceNewDeploymentOnChange: false, propagateTags: 'SERVICE', placementStrategy: [{ type: 'binpack', field: 'memory' }] }), runningService());
    expect(updates(result.changes)).toEqual([{ propagateTags: 'SERVICE', placementStrategy: [{ type: 'binpack', field: 'memory' }] }]);
    expect(result.pendingOnTasks?.map((p) => p.path)).toEqual(['spec.placementStrategy', 'spec.propagateTags']);
    const update = result.changes[0];
    expect(update?.action === 'Update' && update.note).toContain('spec.forceNewDeploymentOnChange is false');
  });

  test('a change that deploys anyway (a new revision) needs no forced deployment and leaves nothing pending', () => {
    const result = plan(desired({ forceNewDeploymentOnChange: false, enableECSManagedTags: true }, TD4), runningService());
    expect(updates(result.changes)).toEqual([{ taskDefinition: TD4, enableECSManagedTags: true }]);
    expect(result.pendingOnTasks).toBeUndefined();
  });

  test('status lists a pending setting until a deployment started after it completes, and Synced says so', () => {
    const result = plan(desired({ forceNewDeploymentOnChange: false, enableExecuteCommand: true }), runningService());
    const setAt = new Date('2026-11-21T10:00:00Z');
    const service = runningService({ enableExecuteCommand: true });
    const status = withPlanReport({}, result, service, result.pendingOnTasks ?? [], setAt);
    expect(status.pendingOnRunningTasks).toEqual([{ path: 'spec.enableExecuteCommand', desired: true, since: '2026-11-21T10:00:00.000Z' }]);
    expect(syncOf({ changes: [] }, status)).toMatchObject({ inSync: true, message: expect.stringContaining('tasks started before spec.enableExecuteCommand changed do not have it yet') });

    // A later resync with the old deployment still PRIMARY keeps it; a newer completed deployment clears it.
    expect(withPlanReport(status, { changes: [] }, service, [], new Date()).pendingOnRunningTasks).toHaveLength(1);
    const redeployed = runningService({ deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'COMPLETED', createdAt: new Date('2026-11-21T11:00:00Z') }] });
    expect(withPlanReport(status, { changes: [] }, redeployed, [], new Date()).pendingOnRunningTasks).toBeUndefined();
  });
});

describe('placement strategy spellings', () => {
  test('spread over host matches the instanceId ECS reports, and binpack memory matches MEMORY', () => {
    const d = desired({ placementStrategy: [{ type: 'spread', field: 'host' }, { type: 'binpack', field: 'memory' }] });
    const current = runningService({ placementStrategy: [{ type: 'spread', field: 'instanceId' }, { type: 'binpack', field: 'MEMORY' }] });
    expect(plan(d, current).changes).toEqual([]);
  });

  test('an attribute field is compared as written', () => {
    const d = desired({ placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] });
    expect(plan(d, runningService({ placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }] })).changes).toEqual([]);
  });
});

describe('blue/green load balancer settings made outside the manifest', () => {
  const advancedConfiguration = {
    alternateTargetGroupArn: TG_ARN.replace('/web/', '/web-green/'),
    productionListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/shop/1/2/3',
    roleArn: 'arn:aws:iam::123456789012:role/ecs-blue-green',
  };
  const adopted = () => runningService({ loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80, advancedConfiguration }] });

  test('an adopted service whose load balancer carries advancedConfiguration shows no difference', () => {
    expect(plan(desired(), adopted()).changes).toEqual([]);
  });

  test('an update that sends loadBalancers keeps the advancedConfiguration of the same target group', () => {
    const result = plan(desired({ loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080 }] }), adopted());
    expect(updates(result.changes)).toEqual([{ loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 8080, advancedConfiguration }] }]);
  });
});
