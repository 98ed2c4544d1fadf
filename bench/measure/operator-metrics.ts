// The operator replicas' /metrics, read as an SRE would. The last reading of each replica is kept,
// so a replica the bench killed still counts what it did up to its last scrape.
import { awsCallsOf, sumBy, total } from '../../test/support/metrics.js';
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
    return total((await this.scrape()).flatMap((text) => samples(text, name)).filter((s) => pick(s.labels)));
  }

  /** A counter's series summed over replicas, grouped by the key `keyOf` makes of their labels. */
  async byLabels(name: string, keyOf: (labels: Record<string, string>) => string): Promise<Map<string, number>> {
    return sumBy((await this.scrape()).flatMap((text) => samples(text, name)), keyOf);
  }
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
