// Time to converge: from the operator's start (every object already applied) until every
// EcsService is Ready, with what it cost on the way: AWS calls by operation and CPU seconds.
import { of, type Figure } from '../figure.js';
import type { Replica } from '../replicas.js';
import { round } from '../stats.js';
import type { ServiceWatch } from '../watch.js';
import { count, type OperatorMetrics } from './operator-metrics.js';
import { cpuSeconds } from './resources.js';

export interface Convergence {
  seconds: number;
  /** AWS calls per service to converge, all operations. */
  callsPerService: number;
  /** Per service, by `service:Operation`. */
  callsPerServiceByOperation: Record<string, number>;
  /** Operator CPU seconds (user + system, all replicas) from start to converged. */
  cpuSeconds: number;
  /** Reconciles per service, by controller and outcome: what the CPU went on. */
  reconcilesPerService: Record<string, number>;
}

export async function converge(o: { watch: ServiceWatch; metrics: OperatorMetrics; replicas: readonly Replica[]; services: number; startedAt: number; timeoutMs: number; onProgress?: (ready: number) => void }): Promise<Figure<Convergence>> {
  let lastReport = 0;
  await o.watch.until(
    `${o.services} EcsServices Ready`,
    () => {
      const ready = o.watch.readyCount();
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        o.onProgress?.(ready);
      }
      return ready >= o.services;
    },
    o.timeoutMs,
  );
  const seconds = (Date.now() - o.startedAt) / 1000;
  const cpu = o.replicas.filter((r) => !r.killed).reduce((n, r) => n + cpuSeconds(r.process.pid), 0);
  const calls = await o.metrics.awsCalls();
  const reconciles = await o.metrics.byLabels('ecs_operator_reconcile_total', (l) => `${l.controller} ${l.outcome}`);
  return of({
    seconds: round(seconds, 1),
    callsPerService: round(count(calls) / o.services),
    callsPerServiceByOperation: Object.fromEntries([...calls].sort().map(([k, v]) => [k, round(v / o.services, 3)])),
    cpuSeconds: round(cpu, 1),
    reconcilesPerService: Object.fromEntries([...reconciles].sort().map(([k, v]) => [k, round(v / o.services, 2)])),
  });
}
