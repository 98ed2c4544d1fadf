// What status records while a moved service is replaced, so that the old service is never lost:
// which earlier services a reconcile looks for, and how status shows them.
import { describe, expect, test } from 'vitest';
import type { EcsServiceStatus } from '../../../src/api/index.js';
import { desiredService } from '../../../src/reconcile/service/desired.js';
import { earlierLocations } from '../../../src/reconcile/service/observe.js';
import { serviceStatus } from '../../../src/reconcile/service/status.js';
import { ACCOUNT, REGION, runningService, serviceManifest, TD_ARN } from './fixtures.js';

const OLD_CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/demo`;
const blue = { name: 'web', cluster: 'blue', region: REGION };

describe('earlierLocations: the services a moved manifest leaves behind', () => {
  test('status naming the old cluster, before anything was created: the old service is looked for', () => {
    const status: EcsServiceStatus = { serviceName: 'web', clusterArn: OLD_CLUSTER, region: REGION };
    expect(earlierLocations(status, blue)).toEqual([{ name: 'web', cluster: OLD_CLUSTER, region: REGION }]);
  });

  test('after the new service is recorded, the old one is still found in status.previousServices', () => {
    const status: EcsServiceStatus = {
      serviceName: 'web',
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/blue`,
      region: REGION,
      previousServices: [{ serviceName: 'web', clusterArn: OLD_CLUSTER, region: REGION, status: 'ACTIVE' }],
    };
    expect(earlierLocations(status, blue)).toEqual([{ name: 'web', cluster: OLD_CLUSTER, region: REGION }]);
  });

  test('a manifest moved back to where the service still runs leaves nothing behind there', () => {
    const status: EcsServiceStatus = { previousServices: [{ serviceName: 'web', clusterArn: OLD_CLUSTER, region: REGION }] };
    expect(earlierLocations(status, { name: 'web', cluster: 'demo', region: REGION })).toEqual([]);
  });
});

describe('serviceStatus while a moved service is replaced', () => {
  const desired = desiredService(serviceManifest({ cluster: 'blue' }), REGION, { ref: TD_ARN, familyRevision: 'web:3' }, []);
  const old = runningService();
  const carried = { serviceArn: old.serviceArn, serviceName: 'web', clusterArn: OLD_CLUSTER, runningCount: 2, rollout: { deploymentId: 'ecs-svc/1', state: 'COMPLETED' } };

  test('before the new one exists: the old one under previousServices, and no top-level service or rollout that would pass it off as the new one', () => {
    const status = serviceStatus(carried, desired, undefined, carried.rollout, [old]);
    expect(status.previousServices).toEqual([{ serviceArn: old.serviceArn, serviceName: 'web', clusterArn: OLD_CLUSTER, region: REGION, status: 'ACTIVE', desiredCount: 2, runningCount: 2 }]);
    expect(status).not.toHaveProperty('serviceArn');
    expect(status).not.toHaveProperty('runningCount');
    expect(status).not.toHaveProperty('rollout');
  });

  test('while both run: the new one at the top, the old one under previousServices', () => {
    const created = runningService({ serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/blue/web`, clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/blue`, runningCount: 0 });
    const status = serviceStatus(carried, desired, created, undefined, [old]);
    expect(status.serviceArn).toBe(created.serviceArn);
    expect(status.previousServices?.map((p) => p.serviceArn)).toEqual([old.serviceArn]);
  });

  test('once the old one is gone, previousServices goes too', () => {
    const status = serviceStatus({ ...carried, previousServices: [{ serviceName: 'web', clusterArn: OLD_CLUSTER, region: REGION }] }, desired, runningService(), undefined, []);
    expect(status).not.toHaveProperty('previousServices');
  });
});
