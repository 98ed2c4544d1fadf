// Keeps of an AWS answer what the manifest schema can say, and names the rest. AWS adds members to
// its objects over time; a member the schema lacks cannot go into the manifest, and dropping it
// silently would make the round trip lie, so every one is reported with its manifest path.
import type { TSchema } from '@sinclair/typebox';

export interface Unexpressed {
  /** Manifest path of the setting, e.g. spec.containerDefinitions[web].restartPolicy. */
  field: string;
  /** Why it is not in the manifest. */
  reason: string;
}

type Schema = TSchema & { properties?: Record<string, TSchema>; items?: TSchema; additionalProperties?: unknown; anyOf?: TSchema[] };

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

function itemPath(path: string, item: unknown, index: number): string {
  const key = item && typeof item === 'object' ? ((item as Record<string, unknown>).name ?? (item as Record<string, unknown>).containerName) : undefined;
  return `${path}[${typeof key === 'string' ? key : index}]`;
}

/**
 * `value` reduced to the members `schema` declares. Members it does not declare are left out and
 * added to `out` unless they are empty (an empty list or object says nothing) or hold the value
 * `defaults` gives for their path: what any new resource gets, which a manifest need not say.
 */
export function fitToSchema(value: unknown, schema: TSchema, path: string, out: Unexpressed[], defaults: Readonly<Record<string, unknown>> = {}): unknown {
  const s = schema as Schema;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (!s.items) return value;
    return value.map((item, i) => fitToSchema(item, s.items as TSchema, itemPath(path, item, i), out, defaults));
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    // Free-form maps (log options, docker labels) keep every key.
    if (!s.properties) return value;
    const kept: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const member = s.properties[k];
      if (member) {
        const fitted = fitToSchema(v, member, `${path}.${k}`, out, defaults);
        if (fitted !== undefined) kept[k] = fitted;
      } else if (!isEmpty(v) && defaults[`${path}.${k}`] !== v) {
        out.push({ field: `${path}.${k}`, reason: 'the EcsService/EcsTaskDefinition schema has no such field' });
      }
    }
    return kept;
  }
  return value;
}
