import { describe, expect, test } from 'vitest';
import type { EcsAccount } from '../../../../src/api/index.js';
import { changedNamespaces, mapNamespaces, selectorMatches, type NamespaceLabels } from '../../../../src/reconcile/account/mapping.js';

const account = (name: string, spec: Partial<EcsAccount['spec']>, deleting = false): EcsAccount => ({
  apiVersion: 'ecs.operator.dev/v1alpha1',
  kind: 'EcsAccount',
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-12-07T00:00:00Z' } : {}) },
  spec: { roleArn: `arn:aws:iam::111111111111:role/ecs-operator-${name}`, ...spec },
});
const namespaces: NamespaceLabels[] = [
  { name: 'shop', labels: { team: 'shop', env: 'prod' } },
  { name: 'shop-dev', labels: { team: 'shop', env: 'dev' } },
  { name: 'search', labels: { team: 'search' } },
  { name: 'tools' },
];

describe('selectorMatches (Kubernetes label selector semantics)', () => {
  test('matchLabels and every expression must hold', () => {
    expect(selectorMatches({ matchLabels: { team: 'shop' } }, { team: 'shop', env: 'dev' })).toBe(true);
    expect(selectorMatches({ matchLabels: { team: 'shop' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, { team: 'shop', env: 'dev' })).toBe(false);
  });

  test('NotIn and DoesNotExist hold for a namespace without the label; In and Exists do not', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, {})).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, undefined)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { env: '' })).toBe(true);
  });
});

describe('mapNamespaces', () => {
  test('a namespace named or selected by one EcsAccount is mapped to it; others are absent (the operator\'s own identity)', () => {
    const m = mapNamespaces([account('shop', { namespaceSelector: { matchLabels: { team: 'shop' } } }), account('search', { namespaces: ['search'] })], namespaces);
    expect(m.namespaces.get('shop')).toEqual({ kind: 'mapped', account: 'shop' });
    expect(m.namespaces.get('shop-dev')).toEqual({ kind: 'mapped', account: 'shop' });
    expect(m.namespaces.get('search')).toEqual({ kind: 'mapped', account: 'search' });
    expect(m.namespaces.has('tools')).toBe(false);
    expect(m.claims.get('shop')).toEqual(['shop', 'shop-dev']);
  });

  test('a namespace named before it exists is mapped already, so its first object never acts with the wrong identity', () => {
    expect(mapNamespaces([account('a', { namespaces: ['not-yet'] })], namespaces).namespaces.get('not-yet')).toEqual({ kind: 'mapped', account: 'a' });
  });

  test('two EcsAccounts claiming one namespace: a conflict naming both, whichever way each claims it', () => {
    const m = mapNamespaces([account('b', { namespaces: ['shop'] }), account('a', { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } })], namespaces);
    expect(m.namespaces.get('shop')).toEqual({ kind: 'conflict', accounts: ['a', 'b'] });
    expect(m.claims.get('a')).toEqual(['shop']);
    expect(m.claims.get('b')).toEqual(['shop']);
  });

  test('an EcsAccount being deleted claims nothing', () => {
    const m = mapNamespaces([account('a', { namespaces: ['shop'] }, true), account('b', { namespaces: ['shop'] })], namespaces);
    expect(m.namespaces.get('shop')).toEqual({ kind: 'mapped', account: 'b' });
  });

  test('changedNamespaces names the namespaces whose account changed, appeared or went away', () => {
    const before = mapNamespaces([account('a', { namespaces: ['shop', 'search'] })], namespaces);
    const after = mapNamespaces([account('a', { namespaces: ['shop'] }), account('b', { namespaces: ['tools', 'shop'] })], namespaces);
    expect(changedNamespaces(before, after)).toEqual(['search', 'shop', 'tools']);
    expect(changedNamespaces(after, after)).toEqual([]);
  });
});
