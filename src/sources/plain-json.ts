// A parsed document as a plain JSON tree: aliases expanded into copies (so no two fields share an
// object a reconciler could mutate), within a budget of values and depth, and only values JSON can
// carry (kubectl converts YAML to JSON too, and refuses .inf and .nan).
import { childPath } from './field-path.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type ExpandResult = { ok: true; value: JsonValue; nodes: number } | { ok: false; code: 'LimitExceeded' | 'Invalid'; path?: string; message: string };

/**
 * Expands `value` into a fresh JSON tree. `maxNodes` counts every value once per place it appears,
 * aliases expanded: nine aliases of nine aliases of ... (a "billion laughs") are refused after
 * counting, before anything is copied.
 */
export function expandToJson(value: unknown, limits: { maxNodes: number; maxDepth: number }): ExpandResult {
  const measured = measure(value, limits);
  if (measured !== undefined) return measured;
  return copy(value);
}

function measure(root: unknown, limits: { maxNodes: number; maxDepth: number }): ExpandResult | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (++nodes > limits.maxNodes) {
      return { ok: false, code: 'LimitExceeded', message: `more than ${limits.maxNodes} values once YAML aliases are expanded: refused as a possible YAML bomb` };
    }
    if (depth > limits.maxDepth) return { ok: false, code: 'LimitExceeded', message: `nesting deeper than ${limits.maxDepth} levels once YAML aliases are expanded: refused` };
    if (Array.isArray(value)) for (const item of value) stack.push({ value: item, depth: depth + 1 });
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stack.push({ value: item, depth: depth + 1 });
  }
  return undefined;
}

interface Slot {
  value: unknown;
  container: JsonValue[] | { [key: string]: JsonValue } | undefined;
  key: string | number;
  parent: Slot | undefined;
}

function copy(root: unknown): ExpandResult {
  let result: JsonValue = null;
  let nodes = 0;
  const stack: Slot[] = [{ value: root, container: undefined, key: '', parent: undefined }];
  while (stack.length > 0) {
    const slot = stack.pop() as Slot;
    nodes++;
    const v = slot.value;
    let out: JsonValue;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') out = v;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { ok: false, code: 'Invalid', path: pathOf(slot), message: `${String(v)} (YAML .inf or .nan) has no JSON form; kubectl refuses it too` };
      out = v;
    } else if (Array.isArray(v)) {
      const arr: JsonValue[] = new Array<JsonValue>(v.length).fill(null);
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], container: arr, key: i, parent: slot });
      out = arr;
    } else if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const obj: { [key: string]: JsonValue } = {};
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        stack.push({ value: item, container: obj, key, parent: slot });
      }
      out = obj;
    } else {
      return { ok: false, code: 'Invalid', path: pathOf(slot), message: `a value of type ${typeof v} has no JSON form` };
    }
    put(slot, out, (r) => (result = r));
  }
  return { ok: true, value: result, nodes };
}

function put(slot: Slot, value: JsonValue, setRoot: (v: JsonValue) => void): void {
  const { container, key } = slot;
  if (container === undefined) setRoot(value);
  else if (Array.isArray(container)) container[key as number] = value;
  // A "__proto__" key must stay a plain field, not become the object's prototype.
  else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

function pathOf(slot: Slot): string {
  const keys: Array<string | number> = [];
  for (let s: Slot | undefined = slot; s?.container !== undefined; s = s.parent) keys.unshift(s.key);
  return keys.reduce<string>((path, key) => childPath(path, key), '');
}
