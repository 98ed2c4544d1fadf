import type { EventsV1Event } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventRecorder, type EventSink } from '../../../src/kube/events.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { widget } from './fake-source.js';

class FakeSink implements EventSink {
  readonly created: { namespace: string; event: EventsV1Event }[] = [];
  readonly series: { name: string; count: number }[] = [];
  gone = new Set<string>();
  async create(namespace: string, event: EventsV1Event): Promise<void> {
    this.created.push({ namespace, event });
  }
  async updateSeries(_ns: string, name: string, s: { count: number }): Promise<void> {
    if (this.gone.has(name)) throw Object.assign(new Error('not found'), { code: 404 });
    this.series.push({ name, count: s.count });
  }
}

function recorder(sink: FakeSink, opts: Partial<ConstructorParameters<typeof EventRecorder>[0]> = {}) {
  return new EventRecorder({ sink, reportingController: 'test/controller', reportingInstance: 'replica-1', log: silentLogger(), seriesUpdateIntervalMs: 30_000, ...opts });
}

const failure = { type: 'Warning' as const, reason: 'UpdateFailed', action: 'UpdateService', note: 'throttled' };

describe('EventRecorder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('creates one Event for an object, naming it, its namespace and the reporting controller', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    r.record(widget('web', { namespace: 'team-a' }), { type: 'Normal', reason: 'ServiceCreated', action: 'CreateService', note: 'created web' });
    await r.flush();
    expect(sink.created).toHaveLength(1);
    const { namespace, event } = sink.created[0]!;
    expect(namespace).toBe('team-a');
    expect(event).toMatchObject({
      type: 'Normal',
      reason: 'ServiceCreated',
      action: 'CreateService',
      note: 'created web',
      reportingController: 'test/controller',
      reportingInstance: 'replica-1',
      regarding: { kind: 'Widget', name: 'web', namespace: 'team-a', uid: 'uid-web' },
    });
    expect(event.metadata?.name).toMatch(/^web\./);
  });

  it('aggregates a repeating event into one Event with a series count, written at most every interval', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    const obj = widget('web');
    for (let i = 0; i < 50; i++) {
      r.record(obj, failure);
      await vi.advanceTimersByTimeAsync(1000);
    }
    await r.flush();
    expect(sink.created).toHaveLength(1);
    // 50 occurrences over 50 s: a write at 30 s and the final one at flush, never one per occurrence.
    expect(sink.series.length).toBeLessThanOrEqual(3);
    expect(sink.series.at(-1)?.count).toBe(50);
  });

  it('a different reason, note or object is a separate Event', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    r.record(widget('web'), failure);
    r.record(widget('web'), { ...failure, note: 'access denied' });
    r.record(widget('web'), { ...failure, reason: 'CreateFailed' });
    r.record(widget('api'), failure);
    await r.flush();
    expect(sink.created).toHaveLength(4);
  });

  it('starts a new Event once the dedup window has passed', async () => {
    const sink = new FakeSink();
    const r = recorder(sink, { dedupWindowMs: 60_000 });
    r.record(widget('web'), failure);
    await vi.advanceTimersByTimeAsync(61_000);
    r.record(widget('web'), failure);
    await r.flush();
    expect(sink.created).toHaveLength(2);
  });

  it('caps distinct events per object (spam limit) and drops the excess', async () => {
    const sink = new FakeSink();
    const r = recorder(sink, { spamBurst: 5, spamRefillMs: 60_000 });
    for (let i = 0; i < 20; i++) r.record(widget('web'), { ...failure, note: `attempt ${i}` });
    await r.flush();
    expect(sink.created).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(60_000);
    r.record(widget('web'), { ...failure, note: 'later' });
    await r.flush();
    expect(sink.created).toHaveLength(6);
  });

  it('starts a fresh Event when the aggregated one has expired on the server', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    r.record(widget('web'), failure);
    await r.flush();
    sink.gone.add(sink.created[0]!.event.metadata!.name!);
    r.record(widget('web'), failure);
    await r.flush();
    r.record(widget('web'), failure);
    await r.flush();
    expect(sink.created).toHaveLength(2);
  });

  it('truncates notes to the API limit of 1 kB', async () => {
    const sink = new FakeSink();
    const r = recorder(sink);
    r.record(widget('web'), { ...failure, note: 'x'.repeat(5000) });
    await r.flush();
    expect(Buffer.byteLength(sink.created[0]!.event.note!)).toBeLessThanOrEqual(1024);
  });
});
