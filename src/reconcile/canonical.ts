// Canonical JSON: the form desired and observed values are compared in. ECS answers with defaults
// filled in, empty lists where the request had none and members in its own order, so both sides are
// reduced to one shape before any comparison, and only then compared, hashed or diffed.
import { createHash } from 'node:crypto';
import type { FieldDiff } from './plan-types.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Drops what carries no meaning in an AWS request: undefined members, empty lists and empty
 * objects (ECS treats an absent list and an empty one alike). Dates become RFC 3339 strings.
 */
export function prune(value: unknown): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v): v is Json => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

/** prune() for an object: always an object (empty when nothing is left). */
export function pruneObject(value: object): JsonObject {
  const pruned = prune(value);
  return isObject(pruned) ? pruned : {};
}

/** JSON with object keys sorted, so that equal values always serialize alike. */
function stableStringify(value: Json | undefined): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** A list whose order carries no meaning, in one order (by each item's canonical JSON). */
export function sortedSet<T extends Json>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compare(stableStringify(a), stableStringify(b)));
}

/** Items sorted by a string key (container name, variable name...). */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compare(key(a), key(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A short, stable content hash: 128 bits of SHA-256 over the canonical JSON. */
export function hashOf(value: Json): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 32);
}

// Lists whose items are named are diffed by name (spec.containerDefinitions[web].image), which is
// how a person reads a manifest, rather than by position, which shifts when an item is added.
const ITEM_KEYS = ['name', 'containerName', 'key'] as const;

function keyedBy(items: Json[], key: string): boolean {
  const keys = items.map((i) => (isObject(i) ? i[key] : undefined));
  return keys.every((k) => typeof k === 'string') && new Set(keys).size === keys.length;
}

/** The key both lists can be matched by, if any. */
function sharedItemKey(a: Json[], b: Json[]): string | undefined {
  return ITEM_KEYS.find((key) => keyedBy(a, key) && keyedBy(b, key));
}

function isObject(v: Json | undefined): v is JsonObject {
  return v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Field-level differences between two canonical values, as manifest paths under `path`. */
export function diffJson(path: string, desired: Json | undefined, actual: Json | undefined): FieldDiff[] {
  if (sameJson(desired, actual)) return [];
  if (isObject(desired) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(desired), ...Object.keys(actual)])].sort();
    return keys.flatMap((k) => diffJson(`${path}.${k}`, desired[k], actual[k]));
  }
  if (Array.isArray(desired) && Array.isArray(actual)) {
    const key = sharedItemKey(desired, actual);
    if (key !== undefined) {
      const byKey = (list: Json[]) => new Map(list.map((i) => [isObject(i) ? String(i[key]) : '', i]));
      const d = byKey(desired);
      const a = byKey(actual);
      const names = [...new Set([...d.keys(), ...a.keys()])];
      return names.flatMap((n) => diffJson(`${path}[${n}]`, d.get(n), a.get(n)));
    }
  }
  return [fieldDiff(path, desired, actual)];
}

function fieldDiff(path: string, desired: Json | undefined, actual: Json | undefined): FieldDiff {
  return { path, ...(desired === undefined ? {} : { desired }), ...(actual === undefined ? {} : { actual }) };
}
