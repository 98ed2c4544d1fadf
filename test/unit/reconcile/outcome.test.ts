import { describe, expect, test } from 'vitest';
import { conditionsFor, healthMessage, IN_SYNC, unsyncedConditions, withheldBecause } from '../../../src/reconcile/outcome.js';
import { diffJson } from '../../../src/reconcile/canonical.js';

describe('withheldBecause', () => {
  // reconciled: status.reconciledSpecDigest, the digest of the spec last carried out in full.
  const obj = (driftPolicy: 'Correct' | 'Report', generation: number, reconciled?: string) => ({
    metadata: { generation },
    spec: { driftPolicy },
    status: reconciled === undefined ? {} : { reconciledSpecDigest: reconciled, reconciledGeneration: 1 },
  });
  const run = { dryRun: false };

  test('a dry run withholds everything', () => {
    expect(withheldBecause(obj('Correct', 2, 'd1'), 'd1', { dryRun: true })).toBe('dry run');
  });

  test('driftPolicy Report withholds differences found for a spec already carried out (drift)', () => {
    expect(withheldBecause(obj('Report', 2, 'd1'), 'd1', run)).toContain('driftPolicy is Report');
  });

  test('switching to driftPolicy Report (a new generation, same digest) withholds the drift found: the console change stays', () => {
    expect(withheldBecause(obj('Report', 5, 'd1'), 'd1', run)).toContain('driftPolicy is Report');
  });

  test('driftPolicy Report still applies a manifest edit (another digest, or one never carried out), and Correct always applies', () => {
    expect(withheldBecause(obj('Report', 3, 'd1'), 'd2', run)).toBeUndefined();
    expect(withheldBecause(obj('Report', 1), 'd1', run)).toBeUndefined();
    expect(withheldBecause(obj('Correct', 2, 'd1'), 'd1', run)).toBeUndefined();
  });

  test('the paused annotation withholds everything, a manifest edit included; any other value does not', () => {
    const paused = (value: string) => ({ ...obj('Correct', 3, 'd1'), metadata: { generation: 3, annotations: { 'ecs.operator.dev/paused': value } } });
    expect(withheldBecause(paused('true'), 'd2', run)).toContain('the object is paused');
    expect(withheldBecause(paused('false'), 'd2', run)).toBeUndefined();
  });

  test('the file source keeps no status: everything it finds is a manifest edit', () => {
    expect(withheldBecause({ metadata: {}, spec: { driftPolicy: 'Report' as const } }, 'd1', run)).toBeUndefined();
  });
});

describe('conditionsFor', () => {
  test('always all of Ready, Reconciling, Stalled and Synced, exactly one of the first three True', () => {
    const stalled = conditionsFor({ kind: 'stalled', reason: 'RolloutFailed', message: 'm' }, IN_SYNC);
    expect(stalled.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'False'],
      ['Reconciling', 'False'],
      ['Stalled', 'True'],
      ['Synced', 'True'],
    ]);
    const pending = conditionsFor({ kind: 'pending', reason: 'ChangesWithheld', message: 'm' }, IN_SYNC);
    expect(pending.filter((c) => c.status === 'True').map((c) => c.type)).toEqual(['Synced']);
  });

  test('one message per condition: the health\'s text only on the condition that explains it, its reason on all', () => {
    const message = 'deployment ecs-svc/1 failed: tasks failed to start';
    const messages = (health: Parameters<typeof conditionsFor>[0]) => Object.fromEntries(unsyncedConditions(health).map((c) => [c.type, [c.reason, c.message]]));
    expect(messages({ kind: 'stalled', reason: 'RolloutFailed', message })).toEqual({
      Ready: ['RolloutFailed', 'Not ready: Stalled (see that condition)'],
      Reconciling: ['RolloutFailed', 'No change in progress'],
      Stalled: ['RolloutFailed', message],
      Synced: ['RolloutFailed', 'The manifest is not carried out in AWS (see the Stalled condition)'],
    });
    expect(messages({ kind: 'progressing', reason: 'WaitingForCluster', message: 'EcsCluster demo is not Ready yet' })).toEqual({
      Ready: ['WaitingForCluster', 'Not ready: Reconciling (see that condition)'],
      Reconciling: ['WaitingForCluster', 'EcsCluster demo is not Ready yet'],
      Stalled: ['WaitingForCluster', 'Not stalled'],
      Synced: ['WaitingForCluster', 'The manifest is not carried out in AWS (see the Reconciling condition)'],
    });
    const ready = Object.fromEntries(conditionsFor({ kind: 'ready', reason: 'ServiceStable', message: '2/2 tasks running' }, IN_SYNC).map((c) => [c.type, c.message]));
    expect(ready).toEqual({ Ready: '2/2 tasks running', Reconciling: 'No change in progress', Stalled: 'Not stalled', Synced: 'AWS matches the manifest' });
    expect(new Set(Object.values(ready)).size).toBe(4);
  });
});

describe('healthMessage', () => {
  test('is the message of a True Stalled or Reconciling, else Ready\'s', () => {
    expect(healthMessage(unsyncedConditions({ kind: 'stalled', reason: 'X', message: 'why stalled' }))).toBe('why stalled');
    expect(healthMessage(unsyncedConditions({ kind: 'progressing', reason: 'X', message: 'what is under way' }))).toBe('what is under way');
    expect(healthMessage(conditionsFor({ kind: 'pending', reason: 'ChangesWithheld', message: 'withheld' }, IN_SYNC))).toBe('withheld');
    expect(healthMessage(undefined)).toBeUndefined();
  });
});

describe('diffJson', () => {
  test('named list items are diffed by name, nested fields by path', () => {
    const desired = { containerDefinitions: [{ name: 'web', image: 'a' }, { name: 'log', image: 'l' }] };
    const actual = { containerDefinitions: [{ name: 'log', image: 'l' }, { name: 'web', image: 'b' }, { name: 'old', image: 'o' }] };
    expect(diffJson('spec', desired, actual)).toEqual([
      { path: 'spec.containerDefinitions[web].image', desired: 'a', actual: 'b' },
      { path: 'spec.containerDefinitions[old]', actual: { name: 'old', image: 'o' } },
    ]);
  });

  test('lists of plain values differ as a whole', () => {
    expect(diffJson('spec.subnets', ['a', 'b'], ['a'])).toEqual([{ path: 'spec.subnets', desired: ['a', 'b'], actual: ['a'] }]);
  });
});
