// Deployment strategies in the plan: what CreateService/UpdateService are sent for BLUE_GREEN,
// LINEAR and CANARY, and what is (not) a difference once ECS runs them.
import type { Service } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { createRequest, desiredService, type DesiredService } from '../../../src/reconcile/service/desired.js';
import { planService, type ServiceChange } from '../../../src/reconcile/service/plan.js';
import { REGION, runningService, serviceManifest, svcOwner, TD_ARN, TG_ARN } from './fixtures.js';

const GREEN_ARN = TG_ARN.replace('targetgroup/web/', 'targetgroup/web-green/').replace(/[0-9a-f]$/, 'e');
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/0123456789abcdef/0123456789abcdef/0123456789abcdef';
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infrastructure-elb';
const HOOK = { hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:smoke', roleArn: 'arn:aws:iam::123456789012:role/ecs-hooks', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const] };

const advanced = { alternateTargetGroupArn: GREEN_ARN, productionListenerRule: RULE, roleArn: ROLE };
const blueGreen: Partial<EcsService['spec']> = {
  loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: advanced }],
  deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, deploymentCircuitBreaker: { enable: true, rollback: true } },
};

function desired(spec: Partial<EcsService['spec']>): DesiredService {
  const svc = serviceManifest(spec);
  const loadBalancers = (svc.spec.loadBalancers ?? []).map((lb) => ({
    targetGroupArn: lb.targetGroupArn ?? '',
    containerName: lb.containerName,
    containerPort: lb.containerPort,
    ...(lb.advancedConfiguration ? { advancedConfiguration: { ...lb.advancedConfiguration, alternateTargetGroupArn: lb.advancedConfiguration.alternateTargetGroupArn ?? '' } } : {}),
  }));
  return desiredService(svc, REGION, { ref: TD_ARN, familyRevision: 'web:3' }, loadBalancers);
}

/** What DescribeServices reports for a service running `spec` (deploymentConfiguration as given, target groups as given). */
function runningWith(spec: Partial<EcsService['spec']>, overrides: Partial<Service> = {}): Service {
  return runningService({
    loadBalancers: (spec.loadBalancers ?? []).map((lb) => ({ targetGroupArn: lb.targetGroupArn, containerName: lb.containerName, containerPort: lb.containerPort, advancedConfiguration: lb.advancedConfiguration })),
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, ...spec.deploymentConfiguration },
    ...overrides,
  });
}

const plan = (d: DesiredService, current: Service) => planService(d, { current, previous: [] }, { owner: svcOwner, managedTagKeys: ['team'], rollout: undefined, currentReady: true });

function onlyUpdate(changes: ServiceChange[]) {
  expect(changes.map((c) => c.action)).toEqual(['Update']);
  const change = changes[0];
  if (change?.action !== 'Update') throw new Error('not an update');
  const { region: _region, cluster: _cluster, service: _service, ...fields } = change.payload;
  return fields;
}

describe('deployment strategies in CreateService', () => {
  test('a BLUE_GREEN service is created with its strategy, bake time and each load balancer\'s advancedConfiguration', () => {
    const request = createRequest(desired({ ...blueGreen, deploymentConfiguration: { ...blueGreen.deploymentConfiguration, lifecycleHooks: [HOOK] } }), svcOwner);
    expect(request.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [HOOK] });
    expect(request.loadBalancers).toEqual([{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: advanced }]);
  });
});

describe('deployment strategies in UpdateService', () => {
  test('moving a rolling service to BLUE_GREEN sends the strategy and the load balancers with advancedConfiguration', () => {
    const fields = onlyUpdate(plan(desired(blueGreen), runningService()).changes);
    expect(fields.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 });
    expect(fields.loadBalancers).toEqual([{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: advanced }]);
  });

  test('a BLUE_GREEN service as the manifest asks needs nothing', () => {
    expect(plan(desired(blueGreen), runningWith(blueGreen)).changes).toEqual([]);
  });

  test('after a blue/green deployment ECS may report the target groups the other way round: no difference', () => {
    const swapped = runningWith(blueGreen, { loadBalancers: [{ targetGroupArn: GREEN_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: { ...advanced, alternateTargetGroupArn: TG_ARN } }] });
    expect(plan(desired(blueGreen), swapped).changes).toEqual([]);
  });

  test('an update of a swapped pair keeps ECS\'s way round, so that it never moves traffic by itself', () => {
    const swapped = runningWith(blueGreen, { loadBalancers: [{ targetGroupArn: GREEN_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: { ...advanced, alternateTargetGroupArn: TG_ARN } }] });
    const withTestRule = { ...blueGreen, loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: { ...advanced, testListenerRule: RULE.replace(/f$/, 'e') } }] };
    expect(onlyUpdate(plan(desired(withTestRule), swapped).changes).loadBalancers).toEqual([
      { targetGroupArn: GREEN_ARN, containerName: 'web', containerPort: 80, advancedConfiguration: { ...advanced, alternateTargetGroupArn: TG_ARN, testListenerRule: RULE.replace(/f$/, 'e') } },
    ]);
  });

  test('LINEAR without linearConfiguration matches ECS reporting its defaults (10 percent, 6 minutes)', () => {
    const linear = { ...blueGreen, deploymentConfiguration: { strategy: 'LINEAR' as const } };
    const reported = runningWith({ ...linear, deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 }, bakeTimeInMinutes: 0 } });
    expect(plan(desired(linear), reported).changes).toEqual([]);
  });

  test('a changed canary percent is one UpdateService of deploymentConfiguration', () => {
    const canary = (canaryPercent: number) => ({ ...blueGreen, deploymentConfiguration: { strategy: 'CANARY' as const, canaryConfiguration: { canaryPercent, canaryBakeTimeInMinutes: 3 } } });
    const fields = onlyUpdate(plan(desired(canary(20)), runningWith(canary(10))).changes);
    expect(fields.deploymentConfiguration).toMatchObject({ strategy: 'CANARY', canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 3 } });
  });

  test('lifecycle hooks removed from the manifest are removed from ECS (an empty list)', () => {
    const hooked = { ...blueGreen, deploymentConfiguration: { ...blueGreen.deploymentConfiguration, lifecycleHooks: [HOOK] } };
    const fields = onlyUpdate(plan(desired(blueGreen), runningWith(hooked)).changes);
    expect(fields.deploymentConfiguration).toMatchObject({ lifecycleHooks: [] });
  });

  test('hook stages in another order are no difference', () => {
    const hooked = (stages: ('PRE_SCALE_UP' | 'POST_SCALE_UP')[]) => ({ ...blueGreen, deploymentConfiguration: { ...blueGreen.deploymentConfiguration, lifecycleHooks: [{ ...HOOK, lifecycleStages: stages }] } });
    expect(plan(desired(hooked(['PRE_SCALE_UP', 'POST_SCALE_UP'])), runningWith(hooked(['POST_SCALE_UP', 'PRE_SCALE_UP']))).changes).toEqual([]);
  });

  test('a strategy removed from the manifest goes back to ROLLING', () => {
    const fields = onlyUpdate(plan(desired({ deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } }), runningWith({ deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, deploymentCircuitBreaker: { enable: true, rollback: true } } })).changes);
    expect(fields.deploymentConfiguration).toMatchObject({ strategy: 'ROLLING' });
  });
});
