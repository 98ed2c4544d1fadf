import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, test } from 'vitest';
import { sameJson } from '../../../src/reconcile/canonical.js';
import { desiredTaskDefinition, registerRequest, userTagsOf } from '../../../src/reconcile/taskdefinition/desired.js';
import { canonicalTaskDefinition } from '../../../src/reconcile/taskdefinition/normalize.js';
import { planTaskDefinition, type ObservedRevision, type RevisionRef, type TaskDefinitionObservation } from '../../../src/reconcile/taskdefinition/plan.js';
import { CLUSTER_TAG, OWNER_TAG, SPEC_HASH_TAG } from '../../../src/reconcile/ownership.js';
import { REGION, registeredRevision, taskDefinitionManifest, tdOwner } from './fixtures.js';

const desired = (spec: Parameters<typeof taskDefinitionManifest>[0] = {}) => desiredTaskDefinition(taskDefinitionManifest(spec), REGION);
const tags = [{ key: 'team', value: 'storefront' }];

function observedAs(td: TaskDefinition, specHash?: string, revisionTags = tags): ObservedRevision {
  return { ref: ref(td.revision ?? 1), specHash, canonical: canonicalTaskDefinition(td), tags: userTagsOf(revisionTags) };
}

const recorded = (revision: number, revisionTags = tags): TaskDefinitionObservation => ({ kind: 'recorded', current: ref(revision), tags: revisionTags });

function ref(revision: number): RevisionRef {
  return { taskDefinitionArn: `arn:aws:ecs:${REGION}:123456789012:task-definition/web:${revision}`, revision };
}

function searched(latest: ObservedRevision | undefined, owned: RevisionRef[] = latest ? [latest.ref] : []): TaskDefinitionObservation {
  return { kind: 'searched', latest, owned, active: new Set(owned.map((r) => r.taskDefinitionArn)) };
}

const ctx = { history: [], limit: 5, inUse: new Set<string>(), managedTagKeys: ['team'] };

describe('task definition normalization', () => {
  test('the manifest equals the revision ECS registered from it, defaults and ordering aside', () => {
    expect(desired().canonical).toEqual(canonicalTaskDefinition(registeredRevision()));
  });

  test.each([
    ['cpu 0 and essential true', 'web', { cpu: 0, essential: true }],
    ['empty lists', 'sidecar', { environment: [], mountPoints: [], volumesFrom: [], portMappings: [] }],
    ['protocol tcp, readOnly false', 'web', { portMappings: [{ containerPort: 80, protocol: 'tcp' as const }], readonlyRootFilesystem: false }],
  ])('a container written with ECS defaults (%s) equals one without them', (_what, name, extra) => {
    const plain = desired();
    const spelled = desired({ containerDefinitions: taskDefinitionManifest().spec.containerDefinitions.map((c) => (c.name === name ? { ...c, ...extra } : c)) });
    expect(sameJson(spelled.canonical, plain.canonical)).toBe(true);
  });

  test('hostPort is the containerPort under awsvpc, and 0 (dynamic) under bridge', () => {
    const container = (hostPort?: number) => [{ name: 'web', image: 'nginx', memory: 128, portMappings: [{ containerPort: 8080, ...(hostPort === undefined ? {} : { hostPort }) }] }];
    const awsvpc = (hostPort?: number) => desired({ containerDefinitions: container(hostPort), volumes: [] }).canonical;
    expect(awsvpc()).toEqual(awsvpc(8080));
    const bridge = (hostPort?: number) => desired({ networkMode: 'bridge', requiresCompatibilities: ['EC2'], containerDefinitions: container(hostPort), volumes: [] }).canonical;
    expect(bridge()).toEqual(bridge(0));
    expect(bridge()).not.toEqual(bridge(8080));
  });

  test('a role named by name equals the same role by ARN', () => {
    expect(desired({ executionRoleArn: 'ecsTaskExecutionRole' }).canonical).toEqual(desired().canonical);
  });

  test('cpu and memory as numbers or strings are the same size', () => {
    expect(desired({ cpu: '256', memory: 512 }).canonical).toEqual(desired().canonical);
  });

  test('an image change is another revision; a tag change is the same revision, but a different spec digest', () => {
    const image = desired({ containerDefinitions: [{ name: 'web', image: 'nginx:1.28' }] });
    expect(image.specHash).not.toBe(desired().specHash);
    const retagged = desired({ tags: [{ key: 'team', value: 'payments' }] });
    expect(retagged.specHash).toBe(desired().specHash);
    expect(retagged.specDigest).not.toBe(desired().specDigest);
  });

  test('the hash covers the region: the same spec in another region is another revision', () => {
    expect(desiredTaskDefinition(taskDefinitionManifest(), 'eu-west-1').specHash).not.toBe(desired().specHash);
  });

  test('operator-only fields (policies, history limit) change neither the revision nor what is asked of AWS', () => {
    const policies = desired({ revisionHistoryLimit: 1, driftPolicy: 'Report', deletionPolicy: 'Retain' });
    expect(policies.specHash).toBe(desired().specHash);
    expect(policies.specDigest).toBe(desired().specDigest);
  });

  test('the registration is tagged with the owner and the spec hash', () => {
    const d = desired();
    const request = registerRequest(d, tdOwner);
    expect(request.tags).toEqual([
      { key: 'team', value: 'storefront' },
      { key: CLUSTER_TAG, value: 'prod-eu' },
      { key: OWNER_TAG, value: 'shop/web' },
      { key: SPEC_HASH_TAG, value: d.specHash },
    ]);
    expect(request.family).toBe('web');
    expect(request.cpu).toBe('256');
  });
});

describe('planTaskDefinition', () => {
  test('status holding the current spec hash, its revision still ACTIVE with the same tags: nothing to do', () => {
    const plan = planTaskDefinition(desired(), recorded(3), { ...ctx, history: [ref(3)] });
    expect(plan.changes).toEqual([]);
    expect(plan.current).toEqual(ref(3));
  });

  test('a tag-only change tags the current revision in place: no new revision, so no service redeploys', () => {
    const d = desired({ tags: [{ key: 'team', value: 'payments' }, { key: 'cost-center', value: '42' }] });
    const plan = planTaskDefinition(d, recorded(3), { ...ctx, history: [ref(3)] });
    expect(plan.current).toEqual(ref(3));
    expect(plan.changes).toEqual([
      {
        resource: 'TaskDefinition',
        id: 'web:3',
        action: 'Tag',
        diffs: [
          { path: 'spec.tags[team]', desired: 'payments', actual: 'storefront' },
          { path: 'spec.tags[cost-center]', desired: '42' },
        ],
        payload: { resourceArn: ref(3).taskDefinitionArn, tags: [{ key: 'team', value: 'payments' }, { key: 'cost-center', value: '42' }] },
      },
    ]);
  });

  test('a tag removed from the manifest is removed from the revision; tags someone else added are left alone', () => {
    const revisionTags = [...tags, { key: 'owner-by-hand', value: 'ops' }];
    const plan = planTaskDefinition(desired({ tags: [] }), recorded(3, revisionTags), { ...ctx, history: [ref(3)] });
    expect(plan.changes).toEqual([
      { resource: 'TaskDefinition', id: 'web:3', action: 'Untag', diffs: [{ path: 'spec.tags[team]', actual: 'storefront' }], payload: { resourceArn: ref(3).taskDefinitionArn, tagKeys: ['team'] } },
    ]);
  });

  test('a revision found by the search with the same content but other tags is tagged, not registered again', () => {
    const d = desired({ tags: [{ key: 'team', value: 'payments' }] });
    const plan = planTaskDefinition(d, searched(observedAs(registeredRevision(4), d.specHash)), ctx);
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([['Tag', 'web:4']]);
  });

  test('the recorded revision deregistered outside the operator: a new one is registered, naming the old one and its status', () => {
    const lost = { ref: ref(3), status: 'INACTIVE' };
    const plan = planTaskDefinition(desired(), { kind: 'searched', latest: undefined, owned: [], active: new Set(), lost }, { ...ctx, history: [ref(3)] });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'Register', id: 'web', diffs: [{ path: 'revision web:3', desired: 'ACTIVE', actual: 'INACTIVE' }] })]);
    expect(plan.current).toBeUndefined();
    expect(plan.lost).toEqual(lost);
    // The lost revision is no longer kept in the history.
    expect(plan.kept).toEqual([]);
  });

  test('the recorded revision deleted outside the operator while an older ACTIVE one of this object has the same content: that one becomes current', () => {
    const d = desired();
    const lost = { ref: ref(3), status: 'DELETE_IN_PROGRESS' };
    const older = observedAs(registeredRevision(2), d.specHash);
    const plan = planTaskDefinition(d, { kind: 'searched', latest: older, owned: [ref(2)], active: new Set([ref(2).taskDefinitionArn]), lost }, { ...ctx, history: [ref(3), ref(2)] });
    expect(plan.changes).toEqual([]);
    expect(plan.current).toEqual(ref(2));
    expect(plan.lost).toEqual(lost);
  });

  test('no revision registered by this object yet: register one', () => {
    const plan = planTaskDefinition(desired(), searched(undefined), ctx);
    expect(plan.changes.map((c) => c.action)).toEqual(['Register']);
    expect(plan.changes[0]?.diffs).toEqual([{ path: 'spec.family', desired: 'web' }]);
  });

  test('a registration whose status write was lost is found by its hash tag and recorded, not repeated', () => {
    const d = desired();
    const plan = planTaskDefinition(d, searched(observedAs(registeredRevision(4), d.specHash)), ctx);
    expect(plan.changes).toEqual([]);
    expect(plan.current).toEqual(ref(4));
  });

  test('a revision with the same content but a hash from another operator version is still the current one', () => {
    const plan = planTaskDefinition(desired(), searched(observedAs(registeredRevision(4), 'an-older-hash')), ctx);
    expect(plan.changes).toEqual([]);
    expect(plan.current).toEqual(ref(4));
  });

  test('a changed image registers a new revision, with the field that changed', () => {
    const spec = taskDefinitionManifest().spec;
    const d = desired({ containerDefinitions: spec.containerDefinitions.map((c) => (c.name === 'web' ? { ...c, image: 'nginx:1.28' } : c)) });
    const plan = planTaskDefinition(d, searched(observedAs(registeredRevision(4), 'hash-of-1.27')), ctx);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'Register', id: 'web', diffs: [{ path: 'spec.containerDefinitions[web].image', desired: 'nginx:1.28', actual: 'nginx:1.27' }] });
    expect(plan.current).toBeUndefined();
  });

  test('revisions beyond revisionHistoryLimit are deregistered, oldest first, never the current one', () => {
    const history = [ref(5), ref(4), ref(3), ref(2), ref(1)];
    const plan = planTaskDefinition(desired(), recorded(5), { ...ctx, history, limit: 2 });
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([
      ['Deregister', 'web:2'],
      ['Deregister', 'web:1'],
    ]);
    expect(plan.kept.map((r) => r.revision)).toEqual([5, 4, 3]);
    // Housekeeping, not drift: a revisionHistoryLimit edit asks nothing new of AWS, yet is carried out.
    expect(plan.changes.every((c) => c.housekeeping === true)).toBe(true);
  });

  test('registering counts the new revision as current: limit 1 keeps only the one before', () => {
    const history = [ref(2), ref(1)];
    const older = observedAs({ ...registeredRevision(2), cpu: '512', memory: '1024' }, 'hash-of-512');
    const plan = planTaskDefinition(desired(), searched(older, history), { ...ctx, history, limit: 1 });
    expect(plan.changes.map((c) => [c.action, c.id])).toEqual([
      ['Register', 'web'],
      ['Deregister', 'web:1'],
    ]);
  });

  test('a revision a service still runs is kept beyond the limit', () => {
    const history = [ref(3), ref(2), ref(1)];
    const plan = planTaskDefinition(desired(), recorded(3), { ...ctx, history, limit: 0, inUse: new Set([ref(1).taskDefinitionArn]) });
    expect(plan.changes.map((c) => c.id)).toEqual(['web:2']);
  });

  test('revisions are only ever those this object registered: unknown ARNs are never deregistered', () => {
    // The search found owned revisions 7 and 5; 6 belongs to someone else and is not in either list.
    const d = desired();
    const plan = planTaskDefinition(d, searched(observedAs(registeredRevision(7), d.specHash), [ref(7), ref(5)]), { ...ctx, limit: 0 });
    expect(plan.changes.map((c) => c.id)).toEqual(['web:5']);
  });

  test('revisions in status that are no longer ACTIVE are dropped without a call', () => {
    const d = desired();
    const observation: TaskDefinitionObservation = { kind: 'searched', latest: observedAs(registeredRevision(3), d.specHash), owned: [ref(3)], active: new Set([ref(3).taskDefinitionArn]) };
    const plan = planTaskDefinition(d, observation, { ...ctx, history: [ref(2), ref(1)], limit: 0 });
    expect(plan.changes).toEqual([]);
    expect(plan.kept).toEqual([ref(3)]);
  });
});
