// How the controller tells drift (AWS changed outside the operator) from a manifest not yet carried
// out, and what it records for each: status.drift, the Drifted condition and the DriftCorrected Event.
import { describe, expect, it } from 'vitest';
import { isDrift, withDrift } from '../../../src/reconcile/drift.js';
import type { ConditionUpdate, ReconcileOutcome } from '../../../src/reconcile/outcome.js';
import type { PlannedChange } from '../../../src/reconcile/plan-types.js';

const NOW = new Date('2026-11-24T12:00:00.250Z');
const countChanged: PlannedChange = { resource: 'Service', id: 'web', action: 'Update', diffs: [{ path: 'spec.desiredCount', desired: 2, actual: 5 }], payload: {} };
const create: PlannedChange = { resource: 'Service', id: 'web', action: 'Create', diffs: [{ path: 'spec.serviceName', desired: 'web' }], payload: {} };

type Conditions = { type: string; status: string }[];

function service(opts: { generation: number; observed?: number; conditions?: Conditions; driftPolicy?: 'Report' | 'Correct'; firstSeen?: string }) {
  return {
    metadata: { generation: opts.generation },
    spec: { ...(opts.driftPolicy ? { driftPolicy: opts.driftPolicy } : {}) },
    status: {
      ...(opts.observed !== undefined ? { observedGeneration: opts.observed } : {}),
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
      ...(opts.firstSeen ? { drift: { detected: true, firstSeenTime: opts.firstSeen } } : {}),
    },
  };
}

function outcome(plan: PlannedChange[], applied: boolean): ReconcileOutcome<{ serviceArn: string }> {
  return { plan, applied, status: { serviceArn: 'arn' }, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], events: [] };
}

const synced: Conditions = [{ type: 'Synced', status: 'True' }];
const drifted = (o: { conditions: ConditionUpdate[] }) => o.conditions.find((c) => c.type === 'Drifted');

describe('isDrift', () => {
  it('is a plan found for a generation that was carried out (Synced) before', () => {
    expect(isDrift(service({ generation: 3, observed: 3, conditions: synced }), [countChanged])).toBe(true);
  });

  it('stays drift while a Report object keeps it (Drifted True, Synced False)', () => {
    const reported = service({ generation: 3, observed: 3, conditions: [{ type: 'Synced', status: 'False' }, { type: 'Drifted', status: 'True' }] });
    expect(isDrift(reported, [countChanged])).toBe(true);
  });

  it('is not a plan for a new generation (a manifest edit)', () => {
    expect(isDrift(service({ generation: 4, observed: 3, conditions: synced }), [countChanged])).toBe(false);
  });

  it('is not the first create of a service whose earlier reconciles only waited for its task definition', () => {
    const waited = service({ generation: 1, observed: 1, conditions: [{ type: 'Synced', status: 'False' }, { type: 'Reconciling', status: 'True' }, { type: 'Drifted', status: 'False' }] });
    expect(isDrift(waited, [create])).toBe(false);
  });

  it('is not an empty plan', () => {
    expect(isDrift(service({ generation: 3, observed: 3, conditions: synced }), [])).toBe(false);
  });
});

describe('withDrift', () => {
  it('records withheld drift in status.drift and a Drifted condition, keeping the first-seen time', () => {
    const obj = service({ generation: 2, observed: 2, conditions: synced, driftPolicy: 'Report', firstSeen: '2026-11-24T11:00:00Z' });
    const out = withDrift(obj, outcome([countChanged], false), NOW);
    expect(out.status.drift).toEqual({
      detected: true,
      firstSeenTime: '2026-11-24T11:00:00Z',
      lastCheckedTime: '2026-11-24T12:00:00Z',
      differences: [{ path: 'spec.desiredCount', desired: 2, actual: 5 }],
    });
    expect(drifted(out)).toMatchObject({ status: 'True', reason: 'DriftDetected', message: 'AWS differs from the manifest (driftPolicy Report): spec.desiredCount' });
    expect(out.events).toEqual([]);
  });

  it('records corrected drift as an Event, and no drift in status', () => {
    const out = withDrift(service({ generation: 2, observed: 2, conditions: synced }), outcome([countChanged], true), NOW);
    expect(out.status.drift).toEqual({ detected: false, lastCheckedTime: '2026-11-24T12:00:00Z' });
    expect(drifted(out)).toMatchObject({ status: 'False', reason: 'DriftCorrected' });
    expect(out.events).toEqual([{ type: 'Normal', reason: 'DriftCorrected', message: 'Put back what was changed outside the operator: spec.desiredCount' }]);
  });

  it('records neither for a service created once its task definition is registered', () => {
    const waited = service({ generation: 1, observed: 1, conditions: [{ type: 'Synced', status: 'False' }, { type: 'Drifted', status: 'False' }] });
    const out = withDrift(waited, outcome([create], true), NOW);
    expect(out.status.drift.detected).toBe(false);
    expect(drifted(out)).toMatchObject({ status: 'False', reason: 'NoDrift' });
    expect(out.events).toEqual([]);
  });
});
