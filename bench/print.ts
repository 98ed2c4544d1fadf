// How the figures read: one row per figure, one column per run, "n/a: why" where a figure could
// not be measured. The JSON of every run goes to stdout first, for tools.
import { NOT_ASKED, show, type Figure } from './figure.js';
import type { DriftLatency } from './measure/drift.js';
import type { QueuePhase, ScenarioFigures } from './scenario.js';

const fmtMap = (m: Record<string, number>): string => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ');

function setupLine(f: ScenarioFigures): string {
  const s = f.setup;
  return [
    `throttling ${show(s.throttling, (v) => (v ? 'on (as AWS)' : 'off'))}`,
    `pacing ${s.pacing ? 'on' : 'off'}`,
    `events queue ${show(s.eventsQueue, () => 'on')}`.replace('n/a: off', 'off'),
    `accounts ${show(s.accounts)}`,
    `namespaces ${s.namespaces}`,
    `replicas ${s.replicas}`,
    `shards ${show(s.shards)}`,
    `resync ${s.resync}`,
  ].join('; ');
}

/** The rows of one scenario: [figure, value]. */
export function rows(f: ScenarioFigures): [string, string][] {
  const r: [string, string][] = [];
  const row = <T>(name: string, fig: Figure<T>, fmt: (v: T) => string): void => void r.push([name, show(fig, fmt)]);
  row('converge time (s)', f.converge, (c) => String(c.seconds));
  row('AWS calls per service to converge', f.converge, (c) => String(c.callsPerService));
  row('  by operation, per service', f.converge, (c) => fmtMap(c.callsPerServiceByOperation));
  row('calls the emulator throttled (whole run)', f.throttledCalls, String);
  row('operator CPU seconds to converge', f.converge, (c) => String(c.cpuSeconds));
  row('  reconciles per service to converge, by controller and outcome', f.converge, (c) => fmtMap(c.reconcilesPerService));
  row('reconcile latency p50 / p99 (ms)', f.reconcileLatency, (l) => `${l.p50Ms} / ${l.p99Ms}`);
  row('per-account p99 reconcile latency (ms)', f.perAccountReconcileP99Ms, fmtMap);
  row('per-account p99 start -> Ready (s)', f.perAccountReadyP99Seconds, fmtMap);
  row('steady reads per service per resync', f.resyncReads, (s) => `${s.readsPerServicePerResync} (writes ${s.writes})`);
  row('  by operation, per service per resync', f.resyncReads, (s) => fmtMap(s.byOperation));
  row('steady reads per service per minute, no events queue', f.resyncReads, (s) => `${s.readsPerServicePerMinute} (at the default ${s.atResyncMinutes} min resync)`);
  const q = f.queuePhase;
  const inQueue = <T>(pick: (p: QueuePhase) => Figure<T>): Figure<T> => ('value' in q ? pick(q.value) : q);
  row('steady reads per service per minute, events queue', inQueue((p) => p.windowReads), (w) =>
    `${w.readsPerServicePerMinute ?? 'n/a'} (window ${w.windowSeconds} s: ${w.measured} incl. queue polls; hourly resync share ${w.resyncShare ?? 'n/a: no resync figure in this run'})`);
  row('  calls in the window by operation', inQueue((p) => p.windowReads), (w) => fmtMap(w.byOperation));
  const driftRow = (d: DriftLatency): string => `${d.p50Seconds} / ${d.p99Seconds} (max ${d.maxSeconds}; ${d.detected}/${d.changes} reported, ${d.correctedInAws} back in ECS)`;
  row(`drift detection latency p50 / p99 (s), resync ${f.setup.resync}`, f.drift, driftRow);
  row('drift detection latency p50 / p99 (s), events queue', inQueue((p) => p.drift), driftRow);
  row('take-over after a replica is killed (s)', f.takeover, (t) =>
    `${t.takeoverSeconds} (leases ${t.leases.join(', ') || 'none'} of ${t.killed} moved in ${t.leasesMovedSeconds} s; its namespaces ${t.orphanedNamespaces?.join(', ') ?? 'all (one leader)'}; change reconciled per namespace ${fmtMap(t.reconciledSeconds)}${t.notReconciled.length > 0 ? `; not reconciled by the timeout: ${t.notReconciled.join(', ')}` : ''})`);
  row('peak RSS (MB)', f.resources, (x) => String(x.peakRssMb));
  row('V8 heap used at the end (MB)', f.resources, (x) => String(x.heapUsedMb));
  row('operator CPU seconds, whole run (live replicas)', f.resources, (x) => String(x.cpuSeconds));
  row('restarted on the converged objects (start pass and one resync): peak RSS (MB) / heap (MB) / CPU seconds', f.restartResources, (x) => `${x.peakRssMb} / ${x.heapUsedMb} / ${x.cpuSeconds}`);
  row('events queue phase: peak RSS (MB) / CPU seconds', inQueue((p) => p.resources), (x) => `${x.peakRssMb} / ${x.cpuSeconds}`);
  row('apiserver requests by the operator', f.apiserverRequestsByOperator, (a) => `${a.total} (most: ${fmtMap(a.top)})`);
  return r;
}

/** Scenarios grouped by label and size, each figure a row with one value per run. */
export function report(all: readonly ScenarioFigures[][]): string {
  const out: string[] = [];
  const first = all[0] ?? [];
  first.forEach((scenario, i) => {
    const runs = all.map((run) => run[i]).filter((s): s is ScenarioFigures => s !== undefined);
    out.push('', `== ${scenario.label}, ${scenario.services} services (${runs.length} run${runs.length > 1 ? 's' : ''})`, `   ${setupLine(scenario)}`);
    const perRun = runs.map(rows);
    for (const [j, [name]] of (perRun[0] ?? []).entries()) {
      const values = perRun.map((r) => r[j]?.[1] ?? '');
      if (values.every((v) => v === `n/a: ${NOT_ASKED}`)) continue;
      out.push(runs.length === 1 ? `   ${name}: ${values[0]}` : `   ${name}:\n${values.map((v, k) => `     run ${k + 1}: ${v}`).join('\n')}`);
    }
  });
  return out.join('\n');
}
