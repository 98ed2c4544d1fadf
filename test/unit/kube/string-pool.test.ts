import { describe, expect, it } from 'vitest';
import { StringPool } from '../../../src/kube/string-pool.js';

const object = () =>
  JSON.parse(
    JSON.stringify({
      metadata: { name: 'web', finalizers: ['ecs.operator.dev/finalizer'], annotations: { 'ecs.operator.dev/spec-hash': 'abc' } },
      spec: { replicas: 2, paused: false, note: null, subnets: ['subnet-1', 'subnet-2'], long: 'x'.repeat(1000) },
      status: { conditions: [{ type: 'Ready', status: 'True', message: 'AWS matches the manifest' }] },
    }),
  ) as unknown;

describe('cached strings', () => {
  it('leaves every value of an object as it was, at any depth', () => {
    const pool = new StringPool();
    expect(pool.internAll(object())).toEqual(object());
    expect(pool.internAll(object())).toEqual(object());
  });

  it('keeps working once more distinct values came than it keeps', () => {
    const pool = new StringPool(3);
    for (let i = 0; i < 10; i++) expect(pool.internAll({ name: `web-${i}`, list: ['a', `b-${i}`] })).toEqual({ name: `web-${i}`, list: ['a', `b-${i}`] });
  });
});
