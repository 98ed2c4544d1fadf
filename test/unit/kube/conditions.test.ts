import { describe, expect, it } from 'vitest';
import { findCondition, isConditionTrue, removeCondition, setCondition, setConditions, type Condition } from '../../../src/kube/conditions.js';

const t1 = new Date('2026-03-01T10:00:00.123Z');
const t2 = new Date('2026-03-01T11:00:00.456Z');

describe('conditions', () => {
  it('adds a new condition with a second-precision transition time', () => {
    const list = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating', message: 'creating service', observedGeneration: 1 }, t1);
    expect(list).toEqual([
      { type: 'Ready', status: 'False', reason: 'Creating', message: 'creating service', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 1 },
    ]);
  });

  it('keeps lastTransitionTime when the status stays the same, even if reason and message change', () => {
    const before = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating', observedGeneration: 1 }, t1);
    const after = setCondition(before, { type: 'Ready', status: 'False', reason: 'Deploying', message: 'rollout 1/2', observedGeneration: 2 }, t2);
    expect(after[0]).toMatchObject({ reason: 'Deploying', message: 'rollout 1/2', lastTransitionTime: '2026-03-01T10:00:00Z', observedGeneration: 2 });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const before = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating' }, t1);
    const after = setCondition(before, { type: 'Ready', status: 'True', reason: 'Deployed' }, t2);
    expect(after[0]?.lastTransitionTime).toBe('2026-03-01T11:00:00Z');
  });

  it('leaves other conditions, their order, and the input untouched', () => {
    const input: Condition[] = [
      { type: 'Ready', status: 'True', reason: 'A', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
      { type: 'Stalled', status: 'False', reason: 'B', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ];
    const frozen = structuredClone(input);
    const out = setCondition(input, { type: 'Ready', status: 'False', reason: 'C' }, t2);
    expect(out.map((c) => c.type)).toEqual(['Ready', 'Stalled']);
    expect(out[1]).toEqual(input[1]);
    expect(input).toEqual(frozen);
    expect(isConditionTrue(out, 'Ready')).toBe(false);
    expect(findCondition(out, 'Stalled')?.reason).toBe('B');
    expect(removeCondition(out, 'Stalled').map((c) => c.type)).toEqual(['Ready']);
  });

  it('sets several conditions in one go, each by the same rules', () => {
    const before = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating' }, t1);
    const after = setConditions(before, [
      { type: 'Ready', status: 'False', reason: 'Deploying' },
      { type: 'Reconciling', status: 'True', reason: 'RolloutInProgress' },
    ], t2);
    expect(after.map((c) => [c.type, c.status, c.lastTransitionTime])).toEqual([
      ['Ready', 'False', '2026-03-01T10:00:00Z'],
      ['Reconciling', 'True', '2026-03-01T11:00:00Z'],
    ]);
  });

  it('setting the same condition twice yields an identical list (so no status write is needed)', () => {
    const once = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Deployed', observedGeneration: 4 }, t1);
    const twice = setCondition(once, { type: 'Ready', status: 'True', reason: 'Deployed', observedGeneration: 4 }, t2);
    expect(twice).toEqual(once);
  });
});
