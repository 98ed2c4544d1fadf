// Minimal manifests: a member is left out when the reconciler's own normalization reads the
// manifest the same without it, i.e. when it only repeats a default AWS applies (cpu 0, essential
// true, a tcp protocol, 300-second cooldowns...). The defaults live in one place, the normalizers
// the plans compare with; this module only asks them.
import { sameJson, type Json } from '../reconcile/canonical.js';

type Mutable = Record<string, unknown>;

function isObject(value: unknown): value is Mutable {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Removes, depth first, every member of `root` whose removal leaves `normalize(root)` unchanged.
 * Items of lists are never removed (a list's length is meaning), only members inside them.
 * `root` is changed in place and returned.
 */
export function minimize<T extends object>(root: T, normalize: (value: T) => Json | undefined): T {
  const target = normalize(root);
  const same = () => {
    try {
      return sameJson(normalize(root), target);
    } catch {
      // A normalizer that cannot read the manifest without the member needs it.
      return false;
    }
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    const order = Object.keys(node);
    for (const key of order) {
      visit(node[key]);
      const value = node[key];
      delete node[key];
      if (!same()) node[key] = value;
    }
    // Members put back went to the end: restore the order they were written in.
    for (const key of order) {
      if (!(key in node)) continue;
      const value = node[key];
      delete node[key];
      node[key] = value;
    }
  };
  visit(root);
  return root;
}
