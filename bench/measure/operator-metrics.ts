// The operator replicas' /metrics, read as an SRE would. The last reading of each replica is kept,
// so a replica the bench killed still counts what it did up to its last scrape.
import type { Replica } from '../replicas.js';
import { add, samples } from '../stats.js';

export class OperatorMetrics {
  private readonly last = new Map<string, string>();

  constructor(private readonly replicas: readonly Replica[]) {}

  /** Scrapes every live replica; returns the texts of all (the killed ones' from their last scrape). */
  async scrape(): Promise<string[]> {
    await Promise.all(
      this.replicas
        .filter((r) => !r.killed)
        .map(async (r) => {
          const text = await (await fetch(r.process.metricsUrl)).text();
          this.last.set(r.identity, text);
        }),
    );
    return [...this.last.values()];
  }

  /** AWS calls by `service:Operation`, summed over replicas and outcomes. */
  async awsCalls(): Promise<Map<string, number>> {
    return add(...(await this.scrape()).map(awsCallsOf));
  }

  /** Sum of a counter's series that `pick` keeps, over replicas. */
  async total(name: string, pick: (labels: Record<string, string>) => boolean = () => true): Promise<number> {
    let n = 0;
    for (const text of await this.scrape()) for (const s of samples(text, name)) if (pick(s.labels)) n += s.value;
    return n;
  }

  /** A counter's series summed over replicas, grouped by the key `keyOf` makes of their labels. */
  async byLabels(name: string, keyOf: (labels: Record<string, string>) => string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const text of await this.scrape()) for (const s of samples(text, name)) out.set(keyOf(s.labels), (out.get(keyOf(s.labels)) ?? 0) + s.value);
    return out;
  }
}

export function awsCallsOf(text: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const s of samples(text, 'ecs_operator_aws_api_calls_total')) {
    const key = `${s.labels.service}:${s.labels.operation}`;
    calls.set(key, (calls.get(key) ?? 0) + s.value);
  }
  return calls;
}

const WRITE = /^(Register|Deregister|Create|Update|Delete|Put|Tag|Untag|Send|Change|Set|Run|Start|Stop)/;

export function isWrite(key: string): boolean {
  return WRITE.test(key.split(':')[1] ?? '');
}

export function count(calls: ReadonlyMap<string, number>, pick: (key: string) => boolean = () => true): number {
  let n = 0;
  for (const [k, v] of calls) if (pick(k)) n += v;
  return n;
}
