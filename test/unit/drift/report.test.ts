import { describe, expect, it } from 'vitest';
import { buildDriftReport, differencesOf, driftExitCode, type ObjectResult } from '../../../src/drift/index.js';
import { accessDenied, desiredCountChanged, issue7Results, loadBalancerAndPolicyRemoved, NOW, serviceDeleted, taskDefinitionInSync } from './fixed-results.js';

describe('buildDriftReport', () => {
  it('gives each object a status and counts them', () => {
    const report = buildDriftReport([...issue7Results, serviceDeleted, accessDenied], NOW);
    expect(report.objects.map((o) => `${o.namespace}/${o.name} ${o.kind} ${o.status}`)).toEqual([
      'default/web EcsService Drifted',
      'default/web EcsTaskDefinition InSync',
      'default/worker EcsService Drifted',
      'default/worker EcsTaskDefinition InSync',
      'shop/billing EcsService Error',
      'shop/checkout EcsService Missing',
    ]);
    expect(report.summary).toEqual({ objects: 6, inSync: 2, drifted: 2, missing: 1, errors: 1, differences: 4 });
    expect(report).toMatchObject({ apiVersion: 'drift.ecs.operator.dev/v1', kind: 'DriftReport', generatedAt: '2026-11-24T12:00:00.000Z' });
  });

  it('prints the differences of the plan, field by field, in plan order', () => {
    const report = buildDriftReport([loadBalancerAndPolicyRemoved], NOW);
    expect(report.objects[0]?.differences.map((d) => [d.resource, d.id, d.action, d.path])).toEqual([
      ['Service', 'web', 'update', 'spec.loadBalancers[0]'],
      ['ScalingPolicy', 'ecsop-3f2a9c1d7e-cpu60', 'create', 'spec.autoscaling.targetTracking[cpu60]'],
    ]);
  });

  it('keeps "absent" (not in AWS, not in the manifest) apart from null', () => {
    const [row] = differencesOf([{ resource: 'Service', id: 's', action: 'update', diffs: [{ path: 'spec.x', desired: null }], payload: {} }]);
    expect(row).toEqual({ resource: 'Service', id: 's', action: 'update', path: 'spec.x', desired: null });
    expect(row && 'actual' in row).toBe(false);
  });

  it('still lists a change that names no field', () => {
    expect(differencesOf([{ resource: 'Service', id: 's', action: 'redeploy', diffs: [], payload: {} }])).toEqual([{ resource: 'Service', id: 's', action: 'redeploy' }]);
  });

  it('never prints payloads', () => {
    expect(JSON.stringify(buildDriftReport(issue7Results, NOW))).not.toContain('PolicyType');
  });

  it('turns values JSON cannot hold into ones it can', () => {
    const [row] = differencesOf([{ resource: 'Alarm', id: 'a', action: 'update', diffs: [{ path: 'spec.t', desired: new Date('2026-01-01T00:00:00Z'), actual: 10n }], payload: {} }]);
    expect(row).toMatchObject({ desired: '2026-01-01T00:00:00.000Z', actual: '10' });
  });

  it('does not depend on the order results arrive in', () => {
    const forward = buildDriftReport(issue7Results, NOW);
    const backward = buildDriftReport([...issue7Results].reverse(), NOW);
    expect(backward).toEqual(forward);
  });

  it('reports nothing for no objects', () => {
    expect(buildDriftReport([], NOW).summary).toEqual({ objects: 0, inSync: 0, drifted: 0, missing: 0, errors: 0, differences: 0 });
  });
});

describe('driftExitCode (like terraform plan -detailed-exitcode)', () => {
  const code = (results: ObjectResult[]) => driftExitCode(buildDriftReport(results, NOW));

  it('is 0 when everything is in sync', () => {
    expect(code([taskDefinitionInSync])).toBe(0);
  });

  it('is 0 when there is nothing to compare', () => {
    expect(code([])).toBe(0);
  });

  it('is 2 when drift is found', () => {
    expect(code([taskDefinitionInSync, desiredCountChanged])).toBe(2);
  });

  it('is 2 when an object is missing from AWS', () => {
    expect(code([serviceDeleted])).toBe(2);
  });

  it('is 1 when an object could not be checked', () => {
    expect(code([taskDefinitionInSync, accessDenied])).toBe(1);
  });

  it('is 1 when errors and drift are both found: an error wins', () => {
    expect(code([desiredCountChanged, serviceDeleted, accessDenied])).toBe(1);
  });
});
