// Reconcile latency: from the operator's histogram (overall, and per account where its series
// carry an account label), and, always available, each service's time from the start to Ready.
import { na, of, type Figure } from '../figure.js';
import { histogramQuantileMs, quantile, round, samples } from '../stats.js';
import type { ServiceWatch } from '../watch.js';

const HISTOGRAM = 'ecs_operator_reconcile_duration_seconds';
const finished = (l: Record<string, string>): boolean => l.outcome === 'done' || l.outcome === 'requeue';

export interface ReconcileLatency {
  p50Ms: number;
  p99Ms: number;
}

export function reconcileLatency(texts: readonly string[]): Figure<ReconcileLatency> {
  const p50Ms = histogramQuantileMs(texts, HISTOGRAM, 0.5, finished);
  if (Number.isNaN(p50Ms)) return na('no finished reconciles in the metrics');
  return of({ p50Ms, p99Ms: histogramQuantileMs(texts, HISTOGRAM, 0.99, finished) });
}

/** p99 reconcile latency per value of the histogram's account label. */
export function perAccountReconcileP99(texts: readonly string[]): Figure<Record<string, number>> {
  const accounts = new Set<string>();
  for (const t of texts) for (const s of samples(t, `${HISTOGRAM}_bucket`)) if (s.labels.account !== undefined) accounts.add(s.labels.account);
  if (accounts.size === 0) return na(`${HISTOGRAM} has no account label in this build`);
  return of(Object.fromEntries([...accounts].sort().map((a) => [a || '(own identity)', histogramQuantileMs(texts, HISTOGRAM, 0.99, (l) => finished(l) && l.account === a)])));
}

/** p99 of start -> Ready per account, from the bench's watch. */
export function perAccountReadyP99(watch: ServiceWatch, accountOf: (namespace: string) => string, startedAt: number): Figure<Record<string, number>> {
  const byAccount = new Map<string, number[]>();
  for (const s of watch.states.values()) {
    if (s.firstReadyAt === undefined) continue;
    const a = accountOf(s.namespace);
    byAccount.set(a, [...(byAccount.get(a) ?? []), (s.firstReadyAt - startedAt) / 1000]);
  }
  if (byAccount.size === 0) return na('no service Ready');
  return of(Object.fromEntries([...byAccount].sort().map(([a, xs]) => [a, round(quantile(xs, 0.99), 1)])));
}
