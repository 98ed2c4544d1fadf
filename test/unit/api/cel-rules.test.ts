import { describe, expect, it } from 'vitest';
import { compileCelRule, evaluateCelRules, type SchemaNode } from '../../../src/api/cel.js';
import { RESOURCE_SCHEMAS, type CelRule } from '../../../src/api/index.js';

function* rulesOf(node: unknown): Generator<CelRule> {
  if (Array.isArray(node)) for (const n of node) yield* rulesOf(n);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-kubernetes-validations') yield* value as CelRule[];
      else yield* rulesOf(value);
    }
  }
}

const rules = [...rulesOf(RESOURCE_SCHEMAS.EcsTaskDefinition), ...rulesOf(RESOURCE_SCHEMAS.EcsService)];

describe('CEL rules', () => {
  it.each(rules.map((r) => [r.rule, r] as const))('the file source can parse and type-check %s', (_rule, r) => {
    expect(() => compileCelRule(r.rule)).not.toThrow();
  });

  it.each(rules.filter((r) => r.messageExpression).map((r) => [r.messageExpression, r] as const))('the file source can parse and type-check the message %s', (_expr, r) => {
    expect(() => compileCelRule(r.messageExpression ?? '')).not.toThrow();
  });
});

describe('CEL rule messages', () => {
  const schema = (messageExpression: string): SchemaNode => ({
    type: 'object',
    properties: { n: { type: 'integer' }, limit: { type: 'integer' } },
    'x-kubernetes-validations': [{ rule: 'self.n <= self.limit', message: 'n must not exceed limit', messageExpression, fieldPath: '.n' }],
  });

  it('reads the messageExpression evaluated on the object, as the API server does', () => {
    expect(evaluateCelRules(schema("'n exceeds the limit of ' + string(self.limit)"), { n: 3, limit: 2 })).toEqual([{ path: 'n', message: 'n exceeds the limit of 2' }]);
  });

  it('falls back to the message when the messageExpression fails or gives an empty string, as the API server does', () => {
    expect(evaluateCelRules(schema("{1: 'one'}[self.n]"), { n: 3, limit: 2 })).toEqual([{ path: 'n', message: 'n must not exceed limit' }]);
    expect(evaluateCelRules(schema("''"), { n: 3, limit: 2 })).toEqual([{ path: 'n', message: 'n must not exceed limit' }]);
  });
});
