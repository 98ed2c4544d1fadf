import { describe, expect, it } from 'vitest';
import type { EcsTaskDefinition, EcsTaskDefinitionStatus } from '../../../src/api/index.js';
import { withStatusWritten } from '../../../src/operator/task-definition-reconciler.js';

const arn = (revision: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${revision}`;
const object = (status: EcsTaskDefinitionStatus): EcsTaskDefinition =>
  ({ apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTaskDefinition', metadata: { name: 'web', namespace: 'shop', uid: 'u1' }, spec: {}, status }) as unknown as EcsTaskDefinition;

describe('the status a task definition reconcile starts from', () => {
  const recorded: EcsTaskDefinitionStatus = { specHash: 'h1', taskDefinitionArn: arn(2), revision: 2 };

  it('is the written one when the cache still shows the revision it replaced (same spec)', () => {
    const replacement = { ...recorded, taskDefinitionArn: arn(3), revision: 3 };
    expect(withStatusWritten(object(recorded), replacement).status).toMatchObject({ taskDefinitionArn: arn(3), revision: 3 });
  });

  it('is the written one when the cache has not seen a registration recorded as started', () => {
    const started = { ...recorded, registering: { specHash: 'h2', startedTime: '2026-12-07T12:00:00Z' } };
    expect(withStatusWritten(object(recorded), started).status?.registering?.specHash).toBe('h2');
  });

  it("is the written one when the cache still shows another spec's revision", () => {
    const next = { specHash: 'h2', taskDefinitionArn: arn(3), revision: 3 };
    expect(withStatusWritten(object(recorded), next).status).toMatchObject(next);
  });

  it('is the cached object, conditions and all, when the cache has caught up or nothing was written', () => {
    const cached = object({ ...recorded, conditions: [{ type: 'Ready', status: 'True', reason: 'Registered', message: '', lastTransitionTime: '2026-12-07T12:00:00Z' }] });
    expect(withStatusWritten(cached, recorded)).toBe(cached);
    expect(withStatusWritten(cached, undefined)).toBe(cached);
  });
});
