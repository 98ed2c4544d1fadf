// How the controller tells drift (AWS changed outside the operator) from a manifest not yet carried
// out, and what it records for each: status.drift, the Drifted condition and the DriftCorrected Event.
import { describe, expect, it } from 'vitest';
import { isDrift, withDrift } from '../../../src/reconcile/drift.js';
import type { ConditionUpdate, ReconcileOutcome } from '../../../src/reconcile/outcome.js';
import type { PlannedChange } from '../../../src/reconcile/plan-types.js';

const NOW = new Date('2026-11-24T12:00:00.250Z');
const countChanged: PlannedChange = { resource: 'Service', id: 'web', action: 'Update', diffs: [{ path: 'spec.desiredCount', desired: 2, actual: 5 }], payload: {} };
const create: PlannedChange = { resource: 'Service', id: 'web', action: 'Create', diffs: [{ path: 'spec.serviceName', desired: 'web' }], payload: {} };

/** The digest of what a spec asks of AWS; `reconciled`: status.reconciledSpecDigest, the last one carried out in full (Synced). */
const SPEC = 'digest-of-spec';
function service(opts: { generation: number; reconciled?: string; driftPolicy?: 'Report' | 'Correct'; firstSeen?: string }) {
  return {
    metadata: { generation: opts.generation },
    spec: { ...(opts.driftPolicy ? { driftPolicy: opts.driftPolicy } : {}) },
    status: {
      ...(opts.reconciled !== undefined ? { reconciledSpecDigest: opts.reconciled, reconciledGeneration: 1 } : {}),
      ...(opts.firstSeen ? { drift: { detected: true, firstSeenTime: opts.firstSeen } } : {}),
    },
  };
}

function outcome(plan: PlannedChange[], applied: boolean, specDigest = SPEC): ReconcileOutcome<{ serviceArn: string }> {
  return { plan, applied, status: { serviceArn: 'arn' }, conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '' }], events: [], specDigest };
}
const found = (plan: PlannedChange[], specDigest = SPEC) => ({ plan, specDigest });

const drifted = (o: { conditions: ConditionUpdate[] }) => o.conditions.find((c) => c.type === 'Drifted');

describe('isDrift', () => {
  it('is a plan found for a spec that was carried out (Synced) before', () => {
    expect(isDrift(service({ generation: 3, reconciled: SPEC }), found([countChanged]))).toBe(true);
  });

  it('stays drift at a new generation that changed only the operator\'s own fields (driftPolicy): the digest is the same', () => {
    expect(isDrift(service({ generation: 4, reconciled: SPEC, driftPolicy: 'Report' }), found([countChanged]))).toBe(true);
  });

  it('is not a plan for a spec that asks AWS for something else (a manifest edit)', () => {
    expect(isDrift(service({ generation: 4, reconciled: SPEC }), found([countChanged], 'digest-of-edited-spec'))).toBe(false);
  });

  it('is not the first create of a service whose earlier reconciles only waited for its task definition', () => {
    const waited = service({ generation: 1 });
    expect(isDrift(waited, found([create]))).toBe(false);
  });

  it('is not the operator\'s housekeeping (deregistering revisions beyond revisionHistoryLimit)', () => {
    const deregister: PlannedChange = { resource: 'TaskDefinition', id: 'web:1', action: 'Deregister', diffs: [{ path: 'spec.revisionHistoryLimit', desired: 0, actual: 1 }], payload: {}, housekeeping: true };
    expect(isDrift(service({ generation: 4, reconciled: SPEC }), found([deregister]))).toBe(false);
  });

  it('is not an empty plan', () => {
    expect(isDrift(service({ generation: 3, reconciled: SPEC }), found([]))).toBe(false);
  });

  it('status written before digests were recorded: the generation it was Synced at decides', () => {
    const legacy = (generation: number) => ({ metadata: { generation }, spec: {}, status: { reconciledGeneration: 3 } });
    expect(isDrift(legacy(3), found([countChanged]))).toBe(true);
    expect(isDrift(legacy(4), found([countChanged]))).toBe(false);
  });
});

describe('withDrift', () => {
  it('records withheld drift in status.drift and a Drifted condition, keeping the first-seen time', () => {
    const obj = service({ generation: 2, reconciled: SPEC, driftPolicy: 'Report', firstSeen: '2026-11-24T11:00:00Z' });
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
    const out = withDrift(service({ generation: 2, reconciled: SPEC }), outcome([countChanged], true), NOW);
    expect(out.status.drift).toEqual({ detected: false, lastCheckedTime: '2026-11-24T12:00:00Z' });
    expect(drifted(out)).toMatchObject({ status: 'False', reason: 'DriftCorrected' });
    expect(out.events).toEqual([{ type: 'Normal', reason: 'DriftCorrected', message: 'Put back what was changed outside the operator: spec.desiredCount' }]);
  });

  it('records neither for a service created once its task definition is registered', () => {
    const waited = service({ generation: 1 });
    const out = withDrift(waited, outcome([create], true), NOW);
    expect(out.status.drift.detected).toBe(false);
    expect(drifted(out)).toMatchObject({ status: 'False', reason: 'NoDrift' });
    expect(out.events).toEqual([]);
  });
});

describe('withDrift: lastCheckedTime with refreshAfterMs', () => {
  const checkedAt = (at: string, detected = false) => ({ ...service({ generation: 1, reconciled: SPEC }), status: { reconciledSpecDigest: SPEC, reconciledGeneration: 1, drift: { detected, lastCheckedTime: at } } });

  it('keeps a check time younger than refreshAfterMs under the same verdict, so a look that finds nothing new writes no status', () => {
    const out = withDrift(checkedAt('2026-11-24T11:59:20Z'), outcome([], false), NOW, { checkTime: true, refreshAfterMs: 60_000 });
    expect(out.status.drift).toEqual({ detected: false, lastCheckedTime: '2026-11-24T11:59:20Z' });
  });

  it('stamps the time anew once the last is older, or when the verdict changed', () => {
    expect(withDrift(checkedAt('2026-11-24T11:58:59Z'), outcome([], false), NOW, { checkTime: true, refreshAfterMs: 60_000 }).status.drift.lastCheckedTime).toBe('2026-11-24T12:00:00Z');
    const found = withDrift(checkedAt('2026-11-24T11:59:50Z'), outcome([countChanged], false), NOW, { checkTime: true, refreshAfterMs: 60_000 });
    expect(found.status.drift).toMatchObject({ detected: true, lastCheckedTime: '2026-11-24T12:00:00Z' });
    expect(withDrift(checkedAt('2026-11-24T11:59:50Z'), outcome([], false), NOW).status.drift.lastCheckedTime).toBe('2026-11-24T12:00:00Z');
  });
});

describe('withDrift when AWS could not be read', () => {
  it('is Drifted Unknown, not False, and keeps the last comparison in status.drift', () => {
    const obj = service({ generation: 2, reconciled: SPEC, firstSeen: '2026-11-24T11:00:00Z' });
    const unread = { ...outcome([], false), unobserved: 'DescribeServices failed: AccessDeniedException: not authorized' };
    const out = withDrift(obj, unread, NOW);
    expect(drifted(out)).toEqual({ type: 'Drifted', status: 'Unknown', reason: 'AwsNotRead', message: 'not known: AWS could not be read: DescribeServices failed: AccessDeniedException: not authorized' });
    expect(out.status.drift).toEqual({ detected: true, firstSeenTime: '2026-11-24T11:00:00Z' });
    expect(out.events).toEqual([]);
  });
});
