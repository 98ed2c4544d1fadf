// The operator's /metrics read as Prometheus would: one parser for the e2e suites and the benchmarks.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample of one metric family (or of `name` exactly, e.g. `x_bucket`) in Prometheus text. */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1] ?? '', l[2] ?? '']));
    out.push({ name, labels, value: Number(m[3]) });
  }
  return out;
}

/** The samples of `name` on a /metrics endpoint now. */
export async function scrape(metricsUrl: string, name: string): Promise<Sample[]> {
  return samples(await (await fetch(metricsUrl)).text(), name);
}

/** Whether a sample carries every one of `labels`. */
export function labelled(labels: Record<string, string>): (s: Sample) => boolean {
  return (s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
}

/** The sum of the samples' values (a counter summed over the series kept). */
export function total(of: readonly Sample[]): number {
  return of.reduce((n, s) => n + s.value, 0);
}

/** The samples' values summed per key that `keyOf` makes of their labels. */
export function sumBy(of: readonly Sample[], keyOf: (labels: Record<string, string>) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of of) out.set(keyOf(s.labels), (out.get(keyOf(s.labels)) ?? 0) + s.value);
  return out;
}

/** The operator's AWS calls by `service:Operation`, summed over outcomes and accounts. */
export function awsCallsOf(text: string): Map<string, number> {
  return sumBy(samples(text, 'ecs_operator_aws_api_calls_total'), (l) => `${l.service}:${l.operation}`);
}
