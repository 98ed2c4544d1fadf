// What tells a manifest edit from drift: the digest of what a spec asks of AWS. A generation that
// changes only the operator's own fields keeps it; anything ECS would be asked to change moves it.
import { describe, expect, test } from 'vitest';
import { serviceSpecDigest } from '../../../src/reconcile/service/desired.js';
import { desiredTaskDefinition } from '../../../src/reconcile/taskdefinition/desired.js';
import { REGION, serviceManifest, taskDefinitionManifest } from './fixtures.js';

const revision = (n: number) => () => ({ arn: `arn:aws:ecs:${REGION}:123456789012:task-definition/web:${n}` });
const digest = (spec: Parameters<typeof serviceManifest>[0] = {}, resolve = revision(3)) => serviceSpecDigest(serviceManifest(spec), REGION, resolve);

describe('serviceSpecDigest', () => {
  test('the operator\'s own fields (driftPolicy, deletionPolicy, adoptExisting, replaceOnImmutableChange) leave it as it is', () => {
    expect(digest({ driftPolicy: 'Report', deletionPolicy: 'Retain', adoptExisting: true, replaceOnImmutableChange: true })).toBe(digest());
  });

  test('a field ECS holds moves it', () => {
    expect(digest({ desiredCount: 7 })).not.toBe(digest());
  });

  test('a new revision of the referenced EcsTaskDefinition moves it: following it is carried out even under driftPolicy Report', () => {
    expect(digest({ taskDefinitionRef: { name: 'web' } }, revision(4))).not.toBe(digest({ taskDefinitionRef: { name: 'web' } }, revision(3)));
  });

  test('the region is part of it', () => {
    expect(serviceSpecDigest(serviceManifest(), 'eu-west-1', revision(3))).not.toBe(digest());
  });
});

describe('EcsTaskDefinition specDigest', () => {
  test('driftPolicy, deletionPolicy and revisionHistoryLimit leave it as it is; tags and content move it', () => {
    const base = desiredTaskDefinition(taskDefinitionManifest(), REGION).specDigest;
    expect(desiredTaskDefinition(taskDefinitionManifest({ driftPolicy: 'Report', deletionPolicy: 'Retain', revisionHistoryLimit: 2 }), REGION).specDigest).toBe(base);
    expect(desiredTaskDefinition(taskDefinitionManifest({ tags: [] }), REGION).specDigest).not.toBe(base);
    expect(desiredTaskDefinition(taskDefinitionManifest({ memory: 1024 }), REGION).specDigest).not.toBe(base);
  });
});
