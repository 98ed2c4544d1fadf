// The events queue's consumer (--events-queue): long-polls the SQS queue that an EventBridge rule
// fills with ECS's events and CloudTrail's API calls, reconciles at once the objects each event
// concerns, and deletes every message it read, handled or not (a message it cannot use would
// otherwise come back forever). API calls the operator made itself (its user agent) are ignored:
// their effect is already in status. ECS's own events (deployments, steady state, tasks) always
// requeue: they are how a rollout is followed.
//
// Calls are spent by the batch: a receive that leaves the queue empty is followed by a pause
// (gatherMs) before the next, so that the events of a busy moment (a new service sends half a
// dozen) come ten to a receive and one delete, not one or two; and ECS's events requeue their
// services on the look grid (src/operator/look-grid.ts), so that the services with events a
// moment apart are read together. API calls made by others (drift) requeue at once.
//
// With sharded replicas every replica reads the one queue, and reconciles only the objects of the
// shards it holds: a message that concerns an object of another replica's shard is given back at
// once (visibility 0) for the others to receive, and deleted only after it has gone round
// GIVE_BACK_LIMIT times (a shard nobody holds; the resync then covers it).
//
// The queue is the fast path, never the only one: while it cannot be read (deleted, access denied,
// unreachable) the consumer backs off, says so in logs and metrics, and resyncs every object at
// the fallback period; once it reads again it resyncs once (events sent meanwhile are lost) and
// leaves drift to the queue and the long resync period again.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { EcsCluster, EcsService, EcsTask, EcsTaskDefinition } from '../api/index.js';
import { parseAwsEvent, type AwsEvent } from '../aws/aws-events.js';
import type { AwsCallCounter } from '../aws/call-counter.js';
import { classifyAwsError } from '../aws/errors.js';
import { createSqsEventsQueue, MAX_MESSAGES, type EventsQueue, type QueueMessage } from '../aws/events-queue.js';
import { isOperatorUserAgent, operatorUserAgent } from '../aws/user-agent.js';
import type { OperatorConfig } from '../config/operator-config.js';
import type { Store } from '../kube/store.js';
import { Backoff, type BackoffOptions } from '../kube/backoff.js';
import type { Logger } from '../observability/logger.js';
import { recordEvent, recordEventsQueueError, setEventsQueueUp, type EventOutcome } from '../observability/metrics.js';
import { targetsOf, type EventCaches, type EventTargets } from './event-targets.js';
import { untilNextGridLook } from './look-grid.js';

export interface EventsConsumerOptions {
  queue: EventsQueue;
  /** Names the queue in metrics (the last part of its URL). */
  queueName: string;
  caches: EventCaches;
  /** Queues the objects for a reconcile, for an event of `kind`. */
  requeue(targets: EventTargets, kind: AwsEvent['kind']): void;
  /** Whether a recorded user agent is this installation's own. */
  isOwnUserAgent(userAgent: string): boolean;
  /** Queues every object (all controllers' resync). */
  resyncAll(): void;
  /**
   * Sharded replicas: whether this replica reconciles every object of `targets` (it requeues what
   * it owns either way). Everything is owned when absent.
   */
  ownsAll?(targets: EventTargets): boolean;
  /** The resync period while the queue cannot be read. */
  fallbackResyncPeriodMs: number;
  log: Logger;
  backoff?: BackoffOptions;
  /** How long to let events gather after a receive that emptied the queue. Default RECEIVE_GATHER_MS. */
  gatherMs?: number;
}

/** The pause after a receive that emptied the queue: the latency it adds is bounded by it. */
export const RECEIVE_GATHER_MS = 2_000;

/** From 1 s doubling to a minute between attempts at a queue that fails. */
export const QUEUE_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000, jitter: 0.2 };

/** How many times a message another replica must handle goes round before it is deleted unhandled. */
export const GIVE_BACK_LIMIT = 10;

const KIND_LABEL: Record<AwsEvent['kind'], string> = { 'api-call': 'api_call', 'ecs-service': 'ecs_service', 'ecs-task': 'ecs_task', other: 'other' };

export class EventsConsumer {
  readonly name = 'events-queue';
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private fallbackTimer: ReturnType<typeof setInterval> | undefined;
  private failingSince: number | undefined;

  constructor(private readonly opts: EventsConsumerOptions) {
    this.log = opts.log.child({ component: 'events-queue' });
    this.backoff = new Backoff(opts.backoff ?? QUEUE_BACKOFF);
  }

  /** True while the queue can be read (events, not polling, bring changes). */
  healthy(): boolean {
    return this.loop !== undefined && this.failingSince === undefined;
  }

  /** What one message is, and the objects it requeued. */
  handle(message: Pick<QueueMessage, 'body'>): { kind: string; outcome: EventOutcome; targets?: EventTargets } {
    const event = parseAwsEvent(message.body);
    if (event === undefined) return { kind: 'malformed', outcome: 'malformed' };
    const kind = KIND_LABEL[event.kind];
    if (event.kind === 'other') return { kind, outcome: 'ignored' };
    if (event.kind === 'api-call' && this.opts.isOwnUserAgent(event.userAgent)) return { kind, outcome: 'own' };
    const targets = targetsOf(event, this.opts.caches);
    const count = targets.services.length + targets.taskDefinitions.length + targets.clusters.length + targets.tasks.length;
    if (count === 0) return { kind, outcome: 'unmatched' };
    this.opts.requeue(targets, event.kind);
    return { kind, outcome: 'requeued', targets };
  }

  // The Manager runs it like a controller: only while this replica leads, stopped on shutdown.
  start(): void {
    if (this.loop) return;
    setEventsQueueUp(this.opts.queueName, true);
    this.loop = this.run();
    this.log.info('reading the events queue');
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    await this.loop;
    this.opts.queue.destroy();
  }

  abort(): void {
    this.stopping.abort();
  }

  informers(): readonly never[] {
    return [];
  }

  hasSynced(): boolean {
    return true;
  }

  oldestReconcileStart(): number | undefined {
    return undefined;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let messages: QueueMessage[];
      try {
        messages = await this.opts.queue.receive(signal);
      } catch (err) {
        this.failed(err, 'read');
        await sleep(this.backoff.next(), signal);
        continue;
      }
      if (signal.aborted) return;
      this.recovered();
      if (messages.length === 0) continue;
      const handled: QueueMessage[] = [];
      const givenBack: QueueMessage[] = [];
      for (const message of messages) {
        const { kind, outcome, targets } = this.handle(message);
        recordEvent(kind, outcome);
        if (outcome === 'malformed') this.log.warn({ messageId: message.id }, 'deleting a message that is not an EventBridge event');
        else this.log.debug({ messageId: message.id, kind, outcome, ...(targets ?? {}) }, 'event');
        const othersToo = targets !== undefined && this.opts.ownsAll !== undefined && !this.opts.ownsAll(targets);
        (othersToo && message.receiveCount < GIVE_BACK_LIMIT ? givenBack : handled).push(message);
      }
      try {
        const notReleased = await this.opts.queue.release(givenBack);
        if (notReleased.length > 0) this.log.debug({ messageIds: notReleased }, 'SQS did not release some messages; they come back after the visibility timeout');
      } catch (err) {
        this.failed(err, 'release');
      }
      try {
        const notDeleted = await this.opts.queue.delete(handled);
        if (notDeleted.length > 0) this.log.warn({ messageIds: notDeleted }, 'SQS did not delete some messages; they will be read again');
      } catch (err) {
        // They come back after the visibility timeout and requeue again: harmless.
        this.failed(err, 'delete');
      }
      if (messages.length < MAX_MESSAGES) await sleep(this.opts.gatherMs ?? RECEIVE_GATHER_MS, signal);
    }
  }

  private failed(err: unknown, what: 'read' | 'delete' | 'release'): void {
    const info = classifyAwsError(err);
    recordEventsQueueError(info.code);
    if (what !== 'read') {
      // Not deleted: they come back after the visibility timeout. Not released: another replica gets them only then.
      const message = what === 'delete' ? 'deleting handled messages of the events queue failed' : "giving back other replicas' messages of the events queue failed";
      this.log.warn({ code: info.code, err: info.message }, message);
      return;
    }
    if (this.failingSince !== undefined) {
      this.log.debug({ code: info.code }, 'the events queue still cannot be read');
      return;
    }
    this.failingSince = Date.now();
    setEventsQueueUp(this.opts.queueName, false);
    this.log.warn(
      { code: info.code, err: info.message, fallbackResyncPeriodMs: this.opts.fallbackResyncPeriodMs },
      'the events queue cannot be read; resyncing every object at the fallback period until it can',
    );
    this.fallbackTimer = setInterval(() => this.opts.resyncAll(), this.opts.fallbackResyncPeriodMs);
    this.fallbackTimer.unref?.();
  }

  private recovered(): void {
    this.backoff.reset();
    if (this.failingSince === undefined) return;
    this.log.info({ failedForMs: Date.now() - this.failingSince }, 'the events queue can be read again; resyncing once for the events it missed');
    this.failingSince = undefined;
    if (this.fallbackTimer) clearInterval(this.fallbackTimer);
    this.fallbackTimer = undefined;
    setEventsQueueUp(this.opts.queueName, true);
    this.opts.resyncAll();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

interface Requeueable {
  enqueue(key: string): void;
  resync(): void;
}

interface DelayRequeueable extends Requeueable {
  enqueueAfter(key: string, delayMs: number): void;
}

/**
 * Requeues an event's objects: a service on the look grid for ECS's own events, at once for an
 * API call made by someone else (drift); the other kinds at once.
 */
export function requeueInto(controllers: { services: DelayRequeueable; taskDefinitions: Requeueable; clusters: Requeueable; tasks: Requeueable }, now: () => number = Date.now) {
  return (t: EventTargets, kind: AwsEvent['kind']): void => {
    for (const k of t.services) {
      if (kind === 'api-call') controllers.services.enqueue(k);
      else controllers.services.enqueueAfter(k, untilNextGridLook(now()));
    }
    for (const k of t.taskDefinitions) controllers.taskDefinitions.enqueue(k);
    for (const k of t.clusters) controllers.clusters.enqueue(k);
    for (const k of t.tasks) controllers.tasks.enqueue(k);
  };
}

/** The consumer of config.eventsQueue, reading the informers' stores and requeueing into the controllers. */
export function buildEventsConsumer(
  config: OperatorConfig & { eventsQueue: NonNullable<OperatorConfig['eventsQueue']> },
  log: Logger,
  calls: AwsCallCounter,
  stores: { services: Store<EcsService>; taskDefinitions: Store<EcsTaskDefinition>; clusters: Store<EcsCluster>; tasks: Store<EcsTask> },
  controllers: { services: DelayRequeueable; taskDefinitions: Requeueable; clusters: Requeueable; tasks: Requeueable; others: Requeueable[] },
  /** Sharded replicas: whether this replica holds the shard of an object's key. */
  owns?: (key: string) => boolean,
): EventsConsumer {
  const queue = createSqsEventsQueue({
    url: config.eventsQueue.url,
    defaultRegion: config.aws.region ?? 'us-east-1',
    endpoint: config.aws.endpoint,
    userAgent: operatorUserAgent(config.clusterId),
    calls,
  });
  const list = <T extends KubernetesObject>(store: Store<T>) => () => store.list();
  const all = [controllers.services, controllers.taskDefinitions, controllers.clusters, controllers.tasks, ...controllers.others];
  return new EventsConsumer({
    queue,
    queueName: config.eventsQueue.url.replace(/\/+$/, '').split('/').pop() ?? config.eventsQueue.url,
    caches: { services: list(stores.services), taskDefinitions: list(stores.taskDefinitions), clusters: list(stores.clusters), tasks: list(stores.tasks) },
    requeue: requeueInto(controllers),
    isOwnUserAgent: (ua) => isOperatorUserAgent(ua, config.clusterId),
    ...(owns === undefined ? {} : { ownsAll: (t: EventTargets) => [...t.services, ...t.taskDefinitions, ...t.clusters, ...t.tasks].every(owns) }),
    resyncAll: () => all.forEach((c) => c.resync()),
    // A fallback longer than the resync period itself would slow nothing down: use the shorter.
    fallbackResyncPeriodMs: Math.min(config.eventsQueue.fallbackResyncPeriodMs, config.resyncPeriodMs),
    log,
  });
}
