// One copy of each repeated string in the informers' caches. JSON.parse gives every string value of
// every object its own copy, and cached objects repeat the same values thousands of times: condition
// reasons and messages, the timestamps of one start pass, one cluster's ARN, subnet and security
// group ids, finalizers. At 1,000 services those copies were ~3 MB of the heap.

/** Longer values (a note, a whole spec hash chain) rarely repeat; they are left as they are. */
const MAX_LENGTH = 256;

export class StringPool {
  private readonly pool = new Map<string, string>();

  /**
   * @param maxSize distinct values kept; when full the pool starts afresh (objects keep the strings
   * they hold), so unique values (uids, resourceVersions) cannot grow it without bound.
   */
  constructor(private readonly maxSize = 20_000) {}

  /** Replaces, in place, every short string value in `value` (objects and arrays, at any depth) by its pooled copy. */
  internAll<T>(value: T): T {
    this.walk(value);
    return value;
  }

  private walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.intern(item);
        else if (item !== null && typeof item === 'object') this.walk(item);
      }
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        if (typeof item === 'string') record[key] = this.intern(item);
        else if (item !== null && typeof item === 'object') this.walk(item);
      }
    }
  }

  private intern(s: string): string {
    if (s.length > MAX_LENGTH) return s;
    const pooled = this.pool.get(s);
    if (pooled !== undefined) return pooled;
    if (this.pool.size >= this.maxSize) this.pool.clear();
    this.pool.set(s, s);
    return s;
  }
}
