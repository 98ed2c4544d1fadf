import { describe, expect, test } from 'vitest';
import { ACCOUNT_TAG, clientTokenFor, CLUSTER_TAG, isReservedTagKey, OWNER_TAG, ownerTags, ownershipOf, ownerValue } from '../../../src/reconcile/ownership.js';
import { svcOwner } from './fixtures.js';

describe('ownership tags', () => {
  test('a resource tagged by this object is owned; untagged is unowned; tagged by another names it', () => {
    expect(ownershipOf(ownerTags(svcOwner), svcOwner)).toEqual({ kind: 'owned' });
    expect(ownershipOf([{ key: 'team', value: 'x' }], svcOwner)).toEqual({ kind: 'unowned' });
    expect(ownershipOf(undefined, svcOwner)).toEqual({ kind: 'unowned' });
    expect(ownershipOf([{ key: CLUSTER_TAG, value: 'prod-eu' }, { key: OWNER_TAG, value: 'shop/api' }], svcOwner)).toEqual({ kind: 'other', owner: 'shop/api' });
  });

  test('through an EcsAccount role the tags carry the account; a resource tagged without one is ours only with the operator\'s own identity', () => {
    const mapped = { ...svcOwner, account: '222222222222' };
    expect(ownerTags(mapped)).toContainEqual({ key: ACCOUNT_TAG, value: '222222222222' });
    expect(ownerTags(svcOwner).some((t) => t.key === ACCOUNT_TAG)).toBe(false);
    expect(ownershipOf(ownerTags(mapped), mapped)).toEqual({ kind: 'owned' });
    // Made before accounts existed (or with the own identity): still adoptable as ours there.
    expect(ownershipOf(ownerTags(svcOwner), svcOwner)).toEqual({ kind: 'owned' });
    expect(ownershipOf(ownerTags(svcOwner), mapped)).toEqual({ kind: 'other', owner: `${ownerValue(svcOwner)} (made with the operator's own identity, not an EcsAccount role)` });
    expect(ownershipOf(ownerTags(mapped), svcOwner)).toEqual({ kind: 'other', owner: `${ownerValue(svcOwner)} (made through an EcsAccount role of account 222222222222)` });
  });

  test('the owner value fits an ECS tag value (256 characters) even for the longest names', () => {
    const long = { ...svcOwner, namespace: 'n'.repeat(63), name: 'a'.repeat(253) };
    expect(ownerValue(long).length).toBeLessThanOrEqual(256);
    expect(ownerValue(long)).not.toBe(ownerValue({ ...long, name: `${'a'.repeat(252)}b` }));
    expect(ownershipOf(ownerTags(long), long)).toEqual({ kind: 'owned' });
  });

  test('aws: and operator keys are never the manifest\'s', () => {
    expect(isReservedTagKey('aws:cloudformation:stack-name')).toBe(true);
    expect(isReservedTagKey(OWNER_TAG)).toBe(true);
    expect(isReservedTagKey('team')).toBe(false);
  });
});

describe('clientTokenFor', () => {
  test('at most 36 characters, the same for the same object and request, different otherwise', () => {
    const token = clientTokenFor(svcOwner, 'us-east-1', 'demo', 'web', 'request-hash');
    expect(token.length).toBeLessThanOrEqual(36);
    expect(token).toMatch(/^[0-9a-f]+$/);
    expect(clientTokenFor(svcOwner, 'us-east-1', 'demo', 'web', 'request-hash')).toBe(token);
    expect(clientTokenFor({ ...svcOwner, uid: 'other' }, 'us-east-1', 'demo', 'web', 'request-hash')).not.toBe(token);
    expect(clientTokenFor(svcOwner, 'us-east-1', 'demo', 'web', 'other-request')).not.toBe(token);
  });
});
