// Evaluates the CRD's CEL rules (x-kubernetes-validations) on a manifest read from a file, so that
// the file source rejects exactly what the API server rejects. The rule strings are the ones in
// the schema; nothing here restates a rule.
import { Environment } from '@marcbachmann/cel-js';
import { CEL_RULES_KEY, type CelRule } from './common.js';

export interface FieldError {
  /** Field path in Kubernetes notation, for example spec.containerDefinitions[0].name. */
  path: string;
  message: string;
}

/** The JSON Schema subset the API's schemas are written in (see common.ts). */
export interface SchemaNode {
  type?: string;
  format?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  'x-kubernetes-int-or-string'?: boolean;
  [CEL_RULES_KEY]?: CelRule[];
}

// sum() is Kubernetes' CEL list library (k8s.io/apiserver/pkg/cel/library/lists.go); the
// evaluator here has no such library, so it gets the one function the rules use.
const env = new Environment()
  .registerVariable('self', 'dyn')
  .registerFunction('list<int>.sum(): int', (list: bigint[]) => list.reduce((a, b) => a + b, 0n));
const compiled = new Map<string, ReturnType<Environment['parse']>>();

/** Parses and type-checks a rule once; throws if the evaluator cannot run it. */
export function compileCelRule(rule: string) {
  let p = compiled.get(rule);
  if (!p) {
    const checked = env.check(rule);
    if (!checked.valid) throw new Error(`CEL rule "${rule}": ${checked.error?.message ?? 'invalid'}`);
    p = env.parse(rule);
    compiled.set(rule, p);
  }
  return p;
}

/**
 * Converts JSON into the values the API server hands to CEL for this schema: integers are CEL
 * ints (BigInt here; plain numbers are CEL doubles), date-time strings are timestamps.
 */
function toCel(value: unknown, schema: SchemaNode): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && (schema.type === 'integer' || schema['x-kubernetes-int-or-string'])) return BigInt(value);
  if (typeof value === 'string' && schema.type === 'string' && schema.format === 'date-time') return new Date(value);
  if (Array.isArray(value)) return schema.items ? value.map((v) => toCel(v, schema.items as SchemaNode)) : value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[k] = child ? toCel(v, child) : v;
    }
    return out;
  }
  return value;
}

/** The rule's messageExpression evaluated on the object, or its message, as the API server chooses. */
function messageOf(rule: CelRule, self: unknown): string {
  if (!rule.messageExpression) return rule.message;
  try {
    const message = compileCelRule(rule.messageExpression)({ self });
    // The API server also falls back on an empty or multi-line result.
    return typeof message === 'string' && message.trim() !== '' && !message.includes('\n') ? message : rule.message;
  } catch {
    return rule.message;
  }
}

/** Appends a rule's fieldPath (".a.b" or ".a['b']") to a path in Kubernetes notation. */
function joinPath(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path;
  const rel = fieldPath.replace(/\['([^']+)'\]/g, '.$1').replace(/^\./, '');
  return path ? `${path}.${rel}` : rel;
}

/** Evaluates every CEL rule of `schema` (and of its children) against `value`, which already passed the structural checks. */
export function evaluateCelRules(schema: SchemaNode, value: unknown, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  const rules = schema[CEL_RULES_KEY];
  if (rules) {
    const self = toCel(value, schema);
    for (const r of rules) {
      let result: unknown;
      try {
        result = compileCelRule(r.rule)({ self });
      } catch (err) {
        errors.push({ path: joinPath(path, r.fieldPath), message: `rule "${r.rule}" could not be evaluated: ${(err as Error).message}` });
        continue;
      }
      if (result !== true) errors.push({ path: joinPath(path, r.fieldPath), message: messageOf(r, self) });
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => errors.push(...evaluateCelRules(schema.items as SchemaNode, item, `${path}[${i}]`)));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (child) errors.push(...evaluateCelRules(child, v, path ? `${path}.${k}` : k));
    }
  }
  return errors;
}
