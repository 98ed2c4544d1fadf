// Small statistics and Prometheus text helpers shared by the measurements.
import { samples, type Sample } from '../test/support/metrics.js';

/** Nearest-rank quantile (q in 0..1) of raw samples; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export { samples, type Sample };

/**
 * Quantile of a Prometheus histogram from its cumulative buckets, summed over the series `pick`
 * keeps (the upper bound of the bucket holding it, so at most one bucket too high), in ms.
 */
export function histogramQuantileMs(texts: readonly string[], name: string, q: number, pick: (labels: Record<string, string>) => boolean): number {
  const buckets = new Map<number, number>();
  for (const text of texts) {
    for (const s of samples(text, `${name}_bucket`)) {
      if (!pick(s.labels)) continue;
      const le = s.labels.le ?? '+Inf';
      const bound = le === '+Inf' ? Infinity : Number(le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
    }
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  for (const [bound, count] of sorted) if (count >= q * total) return bound * 1000;
  return NaN;
}

/** Per-key difference of two counters (only keys that grew). */
export function diff(after: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out.set(k, d);
  }
  return out;
}

/** Sums counters key by key. */
export function add(...maps: ReadonlyMap<string, number>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of maps) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
