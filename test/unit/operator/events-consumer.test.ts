// The events queue's consumer: every message read is deleted, whatever it was; malformed ones are
// counted, the operator's own calls ignored, the objects an event concerns requeued; a queue that
// cannot be read makes every object resync at the fallback period until it can again.
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { MAX_MESSAGES, type EventsQueue, type QueueMessage } from '../../../src/aws/events-queue.js';
import { metricsRegistry } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { EventTargets } from '../../../src/operator/event-targets.js';
import { EventsConsumer, GIVE_BACK_LIMIT, requeueInto } from '../../../src/operator/events-consumer.js';

const web = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: { name: 'web', namespace: 'shop' }, spec: { cluster: 'prod' }, status: { serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web', serviceName: 'web', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' } } as unknown as EcsService;

const updateService = (userAgent: string) =>
  JSON.stringify({
    version: '0', id: 'e1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ecs', account: '123456789012', time: '2026-12-07T06:00:00Z', region: 'us-east-1', resources: [],
    detail: { eventSource: 'ecs.amazonaws.com', eventName: 'UpdateService', awsRegion: 'us-east-1', userAgent, requestParameters: { cluster: 'prod', service: 'web', desiredCount: 9 } },
  });

/** A queue that hands out the batches given, then fails or waits, and records deletions. */
class FakeQueue implements EventsQueue {
  deleted: string[] = [];
  failing: Error | undefined;
  /** When each receive was asked for (performance.now()). */
  receives: number[] = [];
  constructor(private readonly batches: QueueMessage[][]) {}
  async receive(): Promise<QueueMessage[]> {
    this.receives.push(performance.now());
    if (this.failing) throw this.failing;
    const next = this.batches.shift();
    if (next) return next;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return [];
  }
  released: string[] = [];
  async delete(messages: readonly QueueMessage[]): Promise<string[]> {
    this.deleted.push(...messages.map((m) => m.id));
    return [];
  }
  async release(messages: readonly QueueMessage[]): Promise<string[]> {
    this.released.push(...messages.map((m) => m.id));
    return [];
  }
  destroy(): void {}
}

const message = (id: string, body: string, receiveCount = 1): QueueMessage => ({ id, body, receiptHandle: `rh-${id}`, receiveCount });
const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};
async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return Number(value?.value ?? 0);
}

let consumer: EventsConsumer | undefined;
afterEach(async () => consumer?.stop());

function start(queue: FakeQueue, fallbackResyncPeriodMs = 60_000, ownsAll?: (t: EventTargets) => boolean, gatherMs = 0) {
  const requeued: EventTargets[] = [];
  let resyncs = 0;
  consumer = new EventsConsumer({
    queue,
    queueName: 'ecs-operator-events',
    caches: { services: () => [web], taskDefinitions: () => [], clusters: () => [], tasks: () => [] },
    requeue: (t) => requeued.push(t),
    isOwnUserAgent: (ua) => ua.includes('ecs-operator/'),
    resyncAll: () => resyncs++,
    fallbackResyncPeriodMs,
    log: silentLogger(),
    backoff: { initialMs: 1, maxMs: 5, jitter: 0 },
    gatherMs,
    ...(ownsAll ? { ownsAll } : {}),
  });
  consumer.start();
  return { requeued, resyncs: () => resyncs };
}

describe('EventsConsumer', () => {
  it("requeues the object of someone else's change, ignores its own, and deletes both", async () => {
    const queue = new FakeQueue([[message('m1', updateService('aws-cli/2.15')), message('m2', updateService('aws-sdk-js/3 ecs-operator/1.0.0'))]]);
    const { requeued } = start(queue);
    await until(() => queue.deleted.length === 2);
    expect(requeued).toEqual([{ services: ['shop/web'], taskDefinitions: [], clusters: [], tasks: [] }]);
    expect(queue.deleted).toEqual(['m1', 'm2']);
  });

  it("sharded: gives back at once a message about another replica's object, and deletes it after it went round GIVE_BACK_LIMIT times", async () => {
    const queue = new FakeQueue([[message('other', updateService('aws-cli/2.15')), message('mine', updateService('console'))], [message('other', updateService('aws-cli/2.15'), GIVE_BACK_LIMIT)]]);
    let owned = false;
    start(queue, 60_000, () => {
      const answer = owned;
      owned = !owned;
      return answer;
    });
    await until(() => queue.deleted.length === 2);
    expect(queue.released).toEqual(['other']);
    expect(queue.deleted).toEqual(['mine', 'other']);
  });

  it('deletes and counts a malformed message, and keeps reading', async () => {
    const before = await counter('ecs_operator_events_total', { kind: 'malformed', outcome: 'malformed' });
    const queue = new FakeQueue([[message('bad', '{"not":"an event"'), message('text', 'hello')], [message('m3', updateService('console'))]]);
    const { requeued } = start(queue);
    await until(() => queue.deleted.length === 3);
    expect(await counter('ecs_operator_events_total', { kind: 'malformed', outcome: 'malformed' })).toBe(before + 2);
    expect(requeued).toHaveLength(1);
  });

  it('resyncs every object at the fallback period while the queue fails, and once more when it reads again', async () => {
    const queue = new FakeQueue([]);
    queue.failing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
    const errorsBefore = await counter('ecs_operator_events_queue_errors_total', { code: 'QueueDoesNotExist' });
    const { resyncs } = start(queue, 30);
    await until(() => resyncs() >= 2);
    expect(consumer?.healthy()).toBe(false);
    expect(await counter('ecs_operator_events_queue_up', {})).toBe(0);
    expect(await counter('ecs_operator_events_queue_errors_total', { code: 'QueueDoesNotExist' })).toBeGreaterThan(errorsBefore);

    queue.failing = undefined;
    const atRecovery = resyncs();
    await until(() => consumer?.healthy() === true);
    expect(resyncs()).toBe(atRecovery + 1);
    expect(await counter('ecs_operator_events_queue_up', {})).toBe(1);
    // No more fallback resyncs once the queue works.
    await new Promise((r) => setTimeout(r, 100));
    expect(resyncs()).toBe(atRecovery + 1);
  });

  it('lets events gather after a receive that emptied the queue, and receives again at once after a full one', async () => {
    const full = Array.from({ length: MAX_MESSAGES }, (_, i) => message(`f${i}`, updateService('console')));
    const queue = new FakeQueue([full, [message('p1', updateService('console'))], [message('p2', updateService('console'))]]);
    start(queue, 60_000, undefined, 150);
    await until(() => queue.deleted.length === MAX_MESSAGES + 2);
    const [afterFull, afterPartial] = [queue.receives[1]! - queue.receives[0]!, queue.receives[2]! - queue.receives[1]!];
    expect(afterFull).toBeLessThan(100);
    expect(afterPartial).toBeGreaterThanOrEqual(145);
  });
});

describe('requeueInto', () => {
  it("reads a service at the next look-grid instant for ECS's own events, so services with events a moment apart share reads, and at once for someone else's API call", () => {
    const asked: string[] = [];
    const controller = (kind: string) => ({
      enqueue: (k: string) => asked.push(`${kind} ${k} now`),
      enqueueAfter: (k: string, ms: number) => asked.push(`${kind} ${k} in ${ms}`),
      resync: () => undefined,
    });
    const requeue = requeueInto({ services: controller('service'), taskDefinitions: controller('td'), clusters: controller('cluster'), tasks: controller('task') }, () => Date.parse('2026-12-07T10:00:01.300Z'));
    const targets = { services: ['shop/web'], taskDefinitions: ['shop/web-td'], clusters: [], tasks: [] };
    requeue(targets, 'ecs-task');
    requeue(targets, 'ecs-service');
    requeue(targets, 'api-call');
    expect(asked).toEqual(['service shop/web in 3700', 'td shop/web-td now', 'service shop/web in 3700', 'td shop/web-td now', 'service shop/web now', 'td shop/web-td now']);
  });
});
