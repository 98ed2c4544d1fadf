// The in-memory cache a reflector keeps: the latest version of every watched object by key, plus
// optional secondary indexes (for example "services by task definition they reference"), so that
// reconcilers and relation mappers read without a single API call.
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey, type ObjectKey } from './object-key.js';

/** Maps an object to the index values it is filed under (none, one or several). */
export type IndexFunction<T> = (obj: T) => readonly string[];

export class Store<T extends KubernetesObject> {
  private readonly objects = new Map<ObjectKey, T>();
  private readonly indexFns = new Map<string, IndexFunction<T>>();
  private readonly indexes = new Map<string, Map<string, Set<ObjectKey>>>();

  get size(): number {
    return this.objects.size;
  }

  get(key: ObjectKey): T | undefined {
    return this.objects.get(key);
  }

  keys(): ObjectKey[] {
    return [...this.objects.keys()];
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  hasIndex(name: string): boolean {
    return this.indexFns.has(name);
  }

  /** Registers an index; objects already cached are filed under it at once. */
  addIndex(name: string, fn: IndexFunction<T>): void {
    this.indexFns.set(name, fn);
    const index = new Map<string, Set<ObjectKey>>();
    this.indexes.set(name, index);
    for (const [key, obj] of this.objects) fileUnder(index, fn(obj), key);
  }

  /** The cached objects an index files under `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const key of keys) {
      const obj = this.objects.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Stores an object; returns the version it replaced. */
  set(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (old) this.unindex(key, old);
    this.objects.set(key, obj);
    for (const [name, fn] of this.indexFns) {
      const index = this.indexes.get(name);
      if (index) fileUnder(index, fn(obj), key);
    }
    return old;
  }

  delete(key: ObjectKey): T | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.objects.delete(key);
    return old;
  }

  private unindex(key: ObjectKey, obj: T): void {
    for (const [name, fn] of this.indexFns) {
      const index = this.indexes.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function fileUnder(index: Map<string, Set<ObjectKey>>, values: readonly string[], key: ObjectKey): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) {
      keys = new Set();
      index.set(value, keys);
    }
    keys.add(key);
  }
}
