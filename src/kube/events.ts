// Kubernetes Events (events.k8s.io/v1) for what the operator does and what fails, written so that
// a failing loop does not flood the apiserver:
//   - the same event (object, type, reason, action, note) seen again within `dedupWindowMs` is
//     not a new Event object: its `series.count` goes up, written at most every
//     `seriesUpdateIntervalMs` (the events.k8s.io way to say "this happened N times");
//   - distinct events about one object are capped by a token bucket (client-go's spam filter:
//     a burst of 25, then one per 5 minutes); the excess is dropped and counted.
// Recording never throws and never blocks a reconcile: writes happen in the background.
import { randomBytes } from 'node:crypto';
import type { EventsV1Event, KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import { TokenBucket } from '../rate/token-bucket.js';
import type { Logger } from '../observability/logger.js';
import { recordKubeEvent } from '../observability/metrics.js';
import { describeKubeError, isNotFound } from './errors.js';
import { objectKey } from './object-key.js';
import { apiPath, kubeRest, PatchStrategy, type KubeRest } from './rest.js';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** CamelCase why: "ServiceCreated", "UpdateFailed". */
  reason: string;
  /** CamelCase what the operator did or tried: "CreateService". */
  action: string;
  /** Human-readable detail (truncated to the API's 1 kB). */
  note: string;
  /**
   * What makes a repeat the same Event: 'note' (default) the whole event; 'reason' the object, type,
   * reason and action whatever the note, for a state reported at every look while it lasts (a
   * rollout whose task count changes). The Event keeps the note it was created with.
   */
  aggregate?: 'note' | 'reason';
}

/** The writes a recorder makes; KubeEventSink sends them to the apiserver. */
export interface EventSink {
  create(namespace: string, event: EventsV1Event): Promise<void>;
  /** Throws a 404 error when the Event no longer exists (Events expire after an hour). */
  updateSeries(namespace: string, name: string, series: { count: number; lastObservedTime: string }): Promise<void>;
}

export class KubeEventSink implements EventSink {
  private readonly rest: KubeRest;

  constructor(kc: KubeConfig) {
    this.rest = kubeRest(kc);
  }

  async create(namespace: string, body: EventsV1Event): Promise<void> {
    await this.rest.request({ method: 'POST', path: apiPath({ group: 'events.k8s.io', version: 'v1', plural: 'events', namespace }), body });
  }

  async updateSeries(namespace: string, name: string, series: { count: number; lastObservedTime: string }): Promise<void> {
    await this.rest.request({
      method: 'PATCH',
      path: apiPath({ group: 'events.k8s.io', version: 'v1', plural: 'events', namespace, name }),
      body: { series },
      patch: PatchStrategy.MergePatch,
    });
  }
}

export interface EventRecorderOptions {
  sink: EventSink;
  /** The operator's name, e.g. "ecs.operator.dev/ecs-operator". */
  reportingController: string;
  /** This replica, e.g. the pod name. */
  reportingInstance: string;
  log: Logger;
  dedupWindowMs?: number;
  seriesUpdateIntervalMs?: number;
  /** Distinct events per object: burst, then one per refill period. */
  spamBurst?: number;
  spamRefillMs?: number;
  /** Bounds the memory for dedup state; the least recently seen entries are forgotten first. */
  maxTracked?: number;
}

interface Tracked {
  namespace: string;
  name: string;
  count: number;
  lastObserved: number;
  written: number;
  lastWrite: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  chain: Promise<void>;
}

const NOTE_MAX_BYTES = 1024;

export class EventRecorder {
  private readonly tracked = new Map<string, Tracked>();
  private readonly spam = new Map<string, TokenBucket>();
  private readonly dedupWindowMs: number;
  private readonly seriesIntervalMs: number;
  private readonly maxTracked: number;

  constructor(private readonly opts: EventRecorderOptions) {
    this.dedupWindowMs = opts.dedupWindowMs ?? 10 * 60_000;
    this.seriesIntervalMs = opts.seriesUpdateIntervalMs ?? 30_000;
    this.maxTracked = opts.maxTracked ?? 4096;
  }

  record(regarding: KubernetesObject, input: EventInput): void {
    const now = Date.now();
    const meta = regarding.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const note = truncateUtf8(input.note, NOTE_MAX_BYTES);
    const id = meta.uid ?? objectKey(regarding);
    const dedupKey = [id, input.type, input.reason, input.action, input.aggregate === 'reason' ? '\u0001' : note].join('\u0000');

    const seen = this.tracked.get(dedupKey);
    if (seen && now - seen.lastObserved <= this.dedupWindowMs) {
      seen.count += 1;
      seen.lastObserved = now;
      this.touch(this.tracked, dedupKey, seen);
      this.scheduleSeries(seen);
      recordKubeEvent('aggregated');
      return;
    }

    const bucket = this.spam.get(id) ?? new TokenBucket(1000 / (this.opts.spamRefillMs ?? 300_000), this.opts.spamBurst ?? 25);
    this.touch(this.spam, id, bucket);
    if (bucket.take() > 0) {
      recordKubeEvent('dropped');
      this.opts.log.debug({ key: objectKey(regarding), reason: input.reason }, 'event dropped by the per-object spam limit');
      return;
    }

    const entry: Tracked = {
      namespace,
      name: `${meta.name ?? 'unknown'}.${now.toString(16)}${randomBytes(3).toString('hex')}`,
      count: 1,
      lastObserved: now,
      written: 1,
      lastWrite: now,
      timer: undefined,
      chain: Promise.resolve(),
    };
    this.touch(this.tracked, dedupKey, entry);
    const body: EventsV1Event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: entry.name, namespace },
      eventTime: new V1MicroTime(now),
      reportingController: this.opts.reportingController,
      reportingInstance: this.opts.reportingInstance,
      type: input.type,
      reason: input.reason,
      action: input.action,
      note,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    };
    entry.chain = this.opts.sink.create(namespace, body).then(
      () => recordKubeEvent('created'),
      (err: unknown) => {
        recordKubeEvent('failed');
        this.opts.log.warn({ err: describeKubeError(err), reason: input.reason }, 'recording an event failed');
      },
    );
  }

  /** Writes pending series counts now and waits for every write (tests, shutdown). */
  async flush(): Promise<void> {
    for (const entry of this.tracked.values()) {
      if (entry.timer) {
        clearTimeout(entry.timer);
        entry.timer = undefined;
        entry.chain = entry.chain.then(() => this.writeSeries(entry));
      }
    }
    await Promise.all([...this.tracked.values()].map((e) => e.chain));
  }

  private scheduleSeries(entry: Tracked): void {
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastWrite + this.seriesIntervalMs - Date.now());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.chain = entry.chain.then(() => this.writeSeries(entry));
    }, wait);
    entry.timer.unref?.();
  }

  private async writeSeries(entry: Tracked): Promise<void> {
    if (entry.count === entry.written) return;
    const count = entry.count;
    const series = { count, lastObservedTime: microTime(entry.lastObserved) };
    try {
      await this.opts.sink.updateSeries(entry.namespace, entry.name, series);
      entry.written = count;
      entry.lastWrite = Date.now();
    } catch (err) {
      if (isNotFound(err)) {
        // The Event expired (the apiserver keeps them an hour) while the loop kept failing:
        // forget it, so the next occurrence starts a fresh Event.
        entry.lastObserved = 0;
        return;
      }
      recordKubeEvent('failed');
      this.opts.log.warn({ err: describeKubeError(err) }, 'updating an event series failed');
    }
  }

  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > this.maxTracked) {
      const oldest = map.keys().next().value as string;
      const evicted = map.get(oldest) as Partial<Tracked> | undefined;
      if (evicted?.timer) clearTimeout(evicted.timer);
      map.delete(oldest);
    }
  }
}

/** MicroTime as the apiserver parses it: exactly six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = text.slice(0, maxBytes);
  while (Buffer.byteLength(out) > maxBytes - 3) out = out.slice(0, -1);
  return `${out}...`;
}
