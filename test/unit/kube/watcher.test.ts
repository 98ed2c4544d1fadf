import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watcher, type WatcherEvent } from '../../../src/kube/watcher.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeSource, settle, widget, type Widget } from './fake-source.js';

const noJitter = { initialMs: 800, maxMs: 30_000, jitter: 0 };

function setup(opts: { idleTimeoutMs?: number } = {}) {
  const source = new FakeSource();
  const events: WatcherEvent<Widget>[] = [];
  const watcher = new Watcher<Widget>({
    source,
    log: silentLogger(),
    backoff: noJitter,
    pageSize: 2,
    watchTimeoutSeconds: 60,
    idleTimeoutMs: opts.idleTimeoutMs ?? 90_000,
    onEvent: (e) => events.push(e),
  });
  return { source, events, watcher };
}

const names = (e: WatcherEvent<Widget>) => (e.type === 'listed' ? e.objects.map((o) => o.metadata?.name) : e.object.metadata?.name);

describe('Watcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lists every page, then watches from the list resourceVersion', async () => {
    const { source, events, watcher } = setup();
    source.objects = [widget('a'), widget('b'), widget('c')];
    watcher.start();
    await settle(20);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('listed');
    expect(names(events[0]!)).toEqual(['a', 'b', 'c']);
    expect(source.current.resourceVersion).toBe('10');

    source.push('ADDED', widget('d', { rv: '11' }));
    source.push('MODIFIED', widget('a', { rv: '12' }));
    source.push('DELETED', widget('b', { rv: '13' }));
    expect(events.slice(1).map((e) => [e.type, names(e)])).toEqual([
      ['applied', 'd'],
      ['applied', 'a'],
      ['deleted', 'b'],
    ]);
    await watcher.stop();
  });

  it('drops managedFields and the last-applied annotation before caching', async () => {
    const { source, events, watcher } = setup();
    const w = widget('a');
    w.metadata!.managedFields = [{ manager: 'kubectl' }];
    w.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' };
    source.objects = [w];
    watcher.start();
    await settle(20);
    const listed = events[0] as { objects: Widget[] };
    expect(listed.objects[0]?.metadata?.managedFields).toBeUndefined();
    expect(listed.objects[0]?.metadata?.annotations).toEqual({ keep: 'me' });
    await watcher.stop();
  });

  it('resumes from the last resourceVersion seen (bookmarks included) after a disconnect, without relisting', async () => {
    const { source, events, watcher } = setup();
    watcher.start();
    await settle(20);
    source.push('ADDED', widget('a', { rv: '15' }));
    source.push('BOOKMARK', { metadata: { resourceVersion: '20' } });
    source.end(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    await settle(20);
    await vi.advanceTimersByTimeAsync(800);
    expect(source.lists).toBe(1);
    expect(source.watches).toHaveLength(2);
    expect(source.current.resourceVersion).toBe('20');
    expect(events.map((e) => e.type)).toEqual(['listed', 'applied']);
    await watcher.stop();
  });

  it('restarts at once when the server closes the watch at its timeout', async () => {
    const { source, watcher } = setup();
    watcher.start();
    await settle(20);
    source.push('ADDED', widget('a', { rv: '15' }));
    await vi.advanceTimersByTimeAsync(60_000);
    source.end(null);
    await settle(20);
    expect(source.watches).toHaveLength(2);
    expect(source.current.resourceVersion).toBe('15');
    await watcher.stop();
  });

  it('relists when the watch reports 410 Gone, and emits the fresh complete state', async () => {
    const { source, events, watcher } = setup();
    source.objects = [widget('a'), widget('b')];
    watcher.start();
    await settle(20);
    source.objects = [widget('a', { rv: '30' })];
    source.listResourceVersion = '31';
    source.push('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    await settle(20);
    expect(source.lists).toBe(2);
    expect(events.at(-1)?.type).toBe('listed');
    expect(names(events.at(-1)!)).toEqual(['a']);
    expect(source.current.resourceVersion).toBe('31');
    await watcher.stop();
  });

  it('relists when the watch request itself fails with HTTP 410', async () => {
    const { source, watcher } = setup();
    watcher.start();
    await settle(20);
    source.watchErrors = [Object.assign(new Error('Gone'), { statusCode: 410 })];
    await vi.advanceTimersByTimeAsync(5_000);
    source.end(null);
    await settle(40);
    expect(source.lists).toBe(2);
    await watcher.stop();
  });

  it('backs off from 0.8 s doubling to 30 s while the apiserver is unreachable, then recovers', async () => {
    const { source, events, watcher } = setup();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    source.listErrors = Array.from({ length: 8 }, () => refused);
    watcher.start();
    await settle(20);
    const attemptsAt: number[] = [];
    let last = source.lists;
    for (let t = 0; t <= 130_000; t += 100) {
      await vi.advanceTimersByTimeAsync(100);
      if (source.lists !== last) {
        attemptsAt.push(t + 100);
        last = source.lists;
      }
    }
    const gaps = attemptsAt.map((t, i) => t - (attemptsAt[i - 1] ?? 0));
    expect(gaps).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(events.map((e) => e.type)).toEqual(['listed']);
    await watcher.stop();
  });

  it('restarts a watch that stays silent past its idle timeout (a hung stream)', async () => {
    const { source, watcher } = setup({ idleTimeoutMs: 10_000 });
    watcher.start();
    await settle(20);
    const hung = source.current;
    await vi.advanceTimersByTimeAsync(9_000);
    expect(source.watches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(hung.aborted).toBe(true);
    expect(source.watches).toHaveLength(2);
    expect(source.lists).toBe(1);
    await watcher.stop();
  });

  it('gives up on a watch request that never returns, and aborts it if it ever does', async () => {
    const { source, watcher } = setup({ idleTimeoutMs: 10_000 });
    source.hang = true;
    watcher.start();
    await settle(20);
    await vi.advanceTimersByTimeAsync(13_000);
    expect(source.watches.length).toBeGreaterThanOrEqual(2);
    source.hang = false;
    await watcher.stop();
  });

  it('stops promptly, even in the middle of a backoff', async () => {
    const { source, watcher } = setup();
    source.listErrors = [new Error('boom'), new Error('boom')];
    watcher.start();
    await settle(20);
    const stopped = watcher.stop();
    await settle(20);
    await expect(stopped).resolves.toBeUndefined();
    expect(source.lists).toBe(1);
  });
});
