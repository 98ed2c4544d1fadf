import { describe, expect, it } from 'vitest';
import { compileCelRule } from '../../../src/api/cel.js';
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
