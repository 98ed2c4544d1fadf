// Reads in steady state (nothing changes): what polling costs the account's request budget.
import { na, of, type Figure } from '../figure.js';
import { diff, round, sleep } from '../stats.js';
import { count, isWrite, type OperatorMetrics } from './operator-metrics.js';

export interface ResyncReads {
  /** Reads per service per resync (every object reconciled once more). */
  readsPerServicePerResync: number;
  describeServicesPerServicePerResync: number;
  /** Writes in the window: a steady state makes none. */
  writes: number;
  /** Per service per minute at the resync period the operator defaults to without an events queue. */
  readsPerServicePerMinute: number;
  atResyncMinutes: number;
  /** Calls per service per resync by `service:Operation`. */
  byOperation: Record<string, number>;
}

/** Steady state without an events queue: watches one resync (at the bench's short period) and scales it to the default period. */
/** After converging, rollouts finish and their events arrive: let that pass before counting steady reads. */
export const settleMs = (services: number): number => 10_000 + services * 10;

export async function resyncReads(o: { metrics: OperatorMetrics; services: number; resyncMs: number; defaultResyncMinutes: number }): Promise<Figure<ResyncReads>> {
  await sleep(settleMs(o.services));
  // Reconciles in the window are counted too, so the figure is per reconcile of a service (one
  // resync reconciles each once) whether the window catches one resync or two.
  const serviceReconciles = (): Promise<number> => o.metrics.total('ecs_operator_reconcile_total', (l) => l.controller === 'ecsservice');
  const before = await o.metrics.awsCalls();
  const reconcilesBefore = await serviceReconciles();
  await sleep(o.resyncMs + Math.max(5_000, o.services * 5));
  const window = diff(await o.metrics.awsCalls(), before);
  const resyncs = (await serviceReconciles()) - reconcilesBefore;
  if (resyncs < o.services / 2) return na(`fewer than one resync seen in the window (${resyncs} service reconciles for ${o.services} services)`);
  const perResync = count(window, (k) => !isWrite(k)) / resyncs;
  return of({
    readsPerServicePerResync: round(perResync, 3),
    describeServicesPerServicePerResync: round((window.get('ecs:DescribeServices') ?? 0) / resyncs, 3),
    writes: count(window, isWrite),
    readsPerServicePerMinute: round(perResync / o.defaultResyncMinutes, 4),
    atResyncMinutes: o.defaultResyncMinutes,
    byOperation: Object.fromEntries([...window].sort().map(([k, v]) => [k, round(v / resyncs, 3)])),
  });
}

export interface WindowReads {
  /** Reads per service per minute measured over the window (queue polls included). */
  measured: number;
  /** The share of the operator's once-per-period resync, from the resync measurement. */
  resyncShare: number | undefined;
  readsPerServicePerMinute: number | undefined;
  byOperation: Record<string, number>;
  windowSeconds: number;
}

/** Steady state with an events queue: every read over a window, plus the long resync's share. */
export async function windowReads(o: { metrics: OperatorMetrics; services: number; windowMs: number; resyncReadsPerService: number | undefined; resyncMinutes: number }): Promise<Figure<WindowReads>> {
  await sleep(settleMs(o.services));
  const before = await o.metrics.awsCalls();
  await sleep(o.windowMs);
  const window = diff(await o.metrics.awsCalls(), before);
  const minutes = o.windowMs / 60_000;
  const measured = count(window, (k) => !isWrite(k)) / o.services / minutes;
  const resyncShare = o.resyncReadsPerService === undefined ? undefined : o.resyncReadsPerService / o.resyncMinutes;
  return of({
    measured: round(measured, 4),
    resyncShare: resyncShare === undefined ? undefined : round(resyncShare, 4),
    readsPerServicePerMinute: resyncShare === undefined ? undefined : round(measured + resyncShare, 4),
    byOperation: Object.fromEntries([...window].sort()),
    windowSeconds: round(o.windowMs / 1000, 0),
  });
}
