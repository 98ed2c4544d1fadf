// What the reliability suites share: a seeded random source (so a failing run can be replayed),
// ECS's documented request rates, and a recorder of the operator's AWS call rate read from its
// /metrics as Prometheus would scrape it.
import { labelled, scrape, sumBy } from './metrics.js';

/** A small seeded generator (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed in `envVar` when set (to replay a run), else a fresh one. */
export function seedFrom(envVar: string): number {
  const given = process.env[envVar];
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`${envVar} must be a non-negative integer (got "${given}")`);
  return seed;
}

/** Fisher-Yates with the given random source. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface RateCategory {
  name: string;
  operations: readonly string[];
  /** Bucket maximum capacity: requests allowed in any one second. */
  burst: number;
  /** Bucket refill rate: requests per second sustained. */
  sustained: number;
}

/**
 * ECS's request token buckets, per account and region, for the operations the operator calls
 * ("Request throttling for the Amazon ECS API", Amazon ECS API Reference,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
 */
export const ECS_RATE_CATEGORIES: readonly RateCategory[] = [
  { name: 'Cluster read actions', operations: ['DescribeClusters', 'ListClusters'], burst: 50, sustained: 20 },
  { name: 'Task definition modify actions', operations: ['RegisterTaskDefinition', 'DeregisterTaskDefinition'], burst: 20, sustained: 1 },
  { name: 'Task definition read actions', operations: ['DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'], burst: 50, sustained: 20 },
  { name: 'Tag modify actions', operations: ['TagResource', 'UntagResource'], burst: 20, sustained: 10 },
  { name: 'Tag read actions', operations: ['ListTagsForResource'], burst: 50, sustained: 20 },
  { name: 'Cluster resource read actions', operations: ['DescribeContainerInstances', 'DescribeTasks', 'ListAttributes', 'ListContainerInstances', 'ListTasks'], burst: 100, sustained: 20 },
  { name: 'Service modify actions', operations: ['CreateService', 'DeleteService', 'UpdateService'], burst: 50, sustained: 5 },
  { name: 'Service read actions', operations: ['DescribeServices', 'ListServices'], burst: 100, sustained: 20 },
];

/** ECS calls (every attempt, whatever its outcome) by operation, from the operator's /metrics. */
export async function ecsCallsByOperation(metricsUrl: string): Promise<Map<string, number>> {
  return sumBy((await scrape(metricsUrl, 'ecs_operator_aws_api_calls_total')).filter(labelled({ service: 'ecs' })), (l) => l.operation ?? '');
}

export interface CategoryRate {
  category: string;
  burst: number;
  sustained: number;
  calls: number;
  /** Most calls seen in one sampling interval, scaled to one second. */
  peakPerSecond: number;
  /** calls / the whole recorded time. */
  averagePerSecond: number;
  /** Lowest level the category's token bucket fell to, replaying the recorded calls (starts full). */
  lowestTokens: number;
}

/**
 * Samples the operator's ECS call counters about once a second and replays them through ECS's
 * token buckets: a bucket that would have run dry means ECS would have throttled the operator.
 */
export class CallRateRecorder {
  private readonly samples: { at: number; calls: Map<string, number> }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly metricsUrl: string,
    private readonly intervalMs = 1_000,
  ) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
  }

  async stop(): Promise<CategoryRate[]> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    return this.rates();
  }

  private async sample(): Promise<void> {
    try {
      this.samples.push({ at: performance.now(), calls: await ecsCallsByOperation(this.metricsUrl) });
    } catch {
      // A missed scrape widens the next interval; the replay uses the real elapsed time.
    }
  }

  rates(categories: readonly RateCategory[] = ECS_RATE_CATEGORIES): CategoryRate[] {
    const total = (calls: Map<string, number>, ops: readonly string[]) => ops.reduce((n, op) => n + (calls.get(op) ?? 0), 0);
    const first = this.samples[0];
    const last = this.samples.at(-1);
    return categories.map((c) => {
      let tokens = c.burst;
      let lowest = c.burst;
      let peak = 0;
      for (let i = 1; i < this.samples.length; i++) {
        const prev = this.samples[i - 1];
        const cur = this.samples[i];
        if (!prev || !cur) continue;
        const seconds = (cur.at - prev.at) / 1000;
        const calls = total(cur.calls, c.operations) - total(prev.calls, c.operations);
        // Refill for the interval first, then spend: the most generous order ECS could apply, so a
        // dry bucket here is a certain throttle there.
        tokens = Math.min(c.burst, tokens + seconds * c.sustained) - calls;
        lowest = Math.min(lowest, tokens);
        peak = Math.max(peak, calls / Math.max(seconds, 1));
      }
      const calls = first && last ? total(last.calls, c.operations) - total(first.calls, c.operations) : 0;
      const seconds = first && last ? (last.at - first.at) / 1000 : 0;
      return { category: c.name, burst: c.burst, sustained: c.sustained, calls, peakPerSecond: peak, averagePerSecond: seconds > 0 ? calls / seconds : 0, lowestTokens: lowest };
    });
  }
}

export function formatRates(rates: readonly CategoryRate[]): string {
  const rows = rates.filter((r) => r.calls > 0).map((r) =>
    `  ${r.category.padEnd(31)} calls ${String(r.calls).padStart(5)}  peak ${r.peakPerSecond.toFixed(1).padStart(6)}/s (burst ${r.burst})  avg ${r.averagePerSecond.toFixed(2).padStart(6)}/s (sustained ${r.sustained})  lowest bucket ${r.lowestTokens.toFixed(1)}`,
  );
  return rows.join('\n');
}
