// Drift detection latency: out-of-band changes made to ECS with other credentials than the
// operator's (as a colleague's console session would), each timed from the moment ECS accepted it
// until the object reports it (Drifted: DriftDetected) or says it put it back (DriftCorrected).
// The bench reads the object through its watch, so measuring costs the AWS request budget nothing;
// at the end one batched read checks that ECS holds the manifest's value again.
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { na, of, type Figure } from '../figure.js';
import { quantile, round, sleep } from '../stats.js';
import type { ServiceWatch } from '../watch.js';
import { REGION } from '../world.js';

/** Not the operator's key: its events are someone else's calls. */
const OUT_OF_BAND = { accessKeyId: 'bench-out-of-band', secretAccessKey: 'bench-out-of-band' };
const REPORTED = new Set(['DriftDetected', 'DriftCorrected']);

export interface DriftLatency {
  changes: number;
  detected: number;
  p50Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
  /** Changed services whose desiredCount ECS holds at the manifest's value again at the end. */
  correctedInAws: number;
}

export async function driftLatency(o: {
  watch: ServiceWatch;
  endpoint: string;
  cluster: string;
  namespace: string;
  /** Services in the namespace, and the name of the i-th. */
  services: number;
  serviceName: (i: number) => string;
  /** Shifts the services picked, so a second measurement on the same objects changes other ones. */
  offset: number;
  changes: number;
  /** Between two changes, so they do not all land in one moment. */
  spacingMs: number;
  timeoutMs: number;
}): Promise<Figure<DriftLatency>> {
  const step = Math.max(1, Math.floor(o.services / o.changes));
  const names = Array.from({ length: Math.min(o.changes, o.services) }, (_, i) => o.serviceName(Math.min(o.services - 1, i * step + o.offset)));
  const ecs = new ECSClient({ region: REGION, endpoint: o.endpoint, credentials: OUT_OF_BAND });
  const changedAt = new Map<string, number>();
  const latency = new Map<string, number>();
  const off = o.watch.onChange((s, at) => {
    const t0 = changedAt.get(s.name);
    if (s.namespace !== o.namespace || t0 === undefined || latency.has(s.name)) return;
    if (s.drift !== undefined && REPORTED.has(s.drift) && !reportedBefore.has(s.name)) latency.set(s.name, at - t0);
  });
  // An object still saying DriftCorrected from an earlier change cannot show this one.
  const reportedBefore = new Set(names.filter((n) => REPORTED.has(o.watch.states.get(`${o.namespace}/${n}`)?.drift ?? '')));
  try {
    for (const name of names) {
      await ecs.send(new UpdateServiceCommand({ cluster: o.cluster, service: name, desiredCount: 3 }));
      changedAt.set(name, Date.now());
      await sleep(o.spacingMs);
    }
    await o.watch.until(`drift reported on ${names.length} services`, () => latency.size === names.length, o.timeoutMs).catch(() => undefined);
    let correctedInAws = 0;
    for (let i = 0; i < names.length; i += 10) {
      const out = await ecs.send(new DescribeServicesCommand({ cluster: o.cluster, services: names.slice(i, i + 10) }));
      correctedInAws += (out.services ?? []).filter((s) => s.desiredCount === 1).length;
    }
    // A change never reported counts as infinitely late, so the quantiles cannot hide it.
    const seconds = names.map((n) => (latency.get(n) ?? Infinity) / 1000);
    if (reportedBefore.size > 0) return na(`${reportedBefore.size} of the services picked already reported drift before the change`);
    if (latency.size === 0) return na(`none of ${names.length} out-of-band changes was reported within ${Math.round(o.timeoutMs / 1000)} s`);
    return of({
      changes: names.length,
      detected: latency.size,
      p50Seconds: round(quantile(seconds, 0.5), 1),
      p99Seconds: round(quantile(seconds, 0.99), 1),
      maxSeconds: round(Math.max(...seconds), 1),
      correctedInAws,
    });
  } finally {
    off();
    ecs.destroy();
  }
}
