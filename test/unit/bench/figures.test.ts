// The benchmark's arithmetic: what its printed quantiles, histogram readings and namespace spread
// mean. (The benchmark itself asserts nothing; these only pin the helpers its figures come from.)
import { describe, expect, test } from 'vitest';
import { placements } from '../../../bench/manifests.js';
import { histogramQuantileMs, quantile, samples } from '../../../bench/stats.js';
import { shardOfNamespace } from '../../../src/controller/shard-ownership.js';

describe('quantile', () => {
  test('is the nearest rank: p50 of 1..4 is 2, p99 of 50 samples is the largest', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(quantile(Array.from({ length: 50 }, (_, i) => i + 1), 0.99)).toBe(50);
  });

  test('a change never reported (Infinity) shows in p99 rather than vanishing', () => {
    expect(quantile([1, 2, Infinity], 0.99)).toBe(Infinity);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

const METRICS = [
  '# HELP ecs_operator_reconcile_duration_seconds x',
  'ecs_operator_reconcile_duration_seconds_bucket{le="0.1",controller="ecsservice",outcome="done",account="111111111111"} 90',
  'ecs_operator_reconcile_duration_seconds_bucket{le="1",controller="ecsservice",outcome="done",account="111111111111"} 99',
  'ecs_operator_reconcile_duration_seconds_bucket{le="+Inf",controller="ecsservice",outcome="done",account="111111111111"} 100',
  'ecs_operator_reconcile_duration_seconds_bucket{le="0.1",controller="ecsservice",outcome="done",account="222222222222"} 0',
  'ecs_operator_reconcile_duration_seconds_bucket{le="1",controller="ecsservice",outcome="done",account="222222222222"} 10',
  'ecs_operator_reconcile_duration_seconds_bucket{le="+Inf",controller="ecsservice",outcome="done",account="222222222222"} 10',
].join('\n');

describe('histogramQuantileMs', () => {
  test("reads the upper bound of the bucket holding the quantile, for the series picked", () => {
    const one = (l: Record<string, string>) => l.account === '111111111111';
    expect(histogramQuantileMs([METRICS], 'ecs_operator_reconcile_duration_seconds', 0.5, one)).toBe(100);
    expect(histogramQuantileMs([METRICS], 'ecs_operator_reconcile_duration_seconds', 0.99, one)).toBe(1000);
    expect(histogramQuantileMs([METRICS], 'ecs_operator_reconcile_duration_seconds', 0.99, (l) => l.account === '222222222222')).toBe(1000);
  });

  test('sums the replicas\' texts and is NaN when nothing was observed', () => {
    expect(histogramQuantileMs([METRICS, METRICS], 'ecs_operator_reconcile_duration_seconds', 0.5, () => true)).toBe(100);
    expect(histogramQuantileMs([METRICS], 'ecs_operator_reconcile_duration_seconds', 0.5, () => false)).toBeNaN();
  });

  test('samples parses labels and values, and not other families sharing the prefix', () => {
    expect(samples('x_total{a="1"} 3\nx_total_other 4\nx_total 5', 'x_total')).toEqual([
      { name: 'x_total', labels: { a: '1' }, value: 3 },
      { name: 'x_total', labels: {}, value: 5 },
    ]);
  });
});

describe('placements', () => {
  test('gives every shard the same number of namespaces and the accounts their turns', () => {
    const spread = placements(8, 3, 4, (ns) => shardOfNamespace(ns, 4));
    const perShard = new Map<number, number>();
    for (const p of spread) perShard.set(shardOfNamespace(p.namespace, 4), (perShard.get(shardOfNamespace(p.namespace, 4)) ?? 0) + 1);
    expect([...perShard.values()]).toEqual([2, 2, 2, 2]);
    expect(spread.map((p) => p.account)).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });
});
