import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Informer, type ObjectChange } from '../../../src/kube/informer.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeSource, settle, widget, type Widget } from './fake-source.js';

const summary = (c: ObjectChange<Widget>) => `${c.type} ${c.object.metadata?.namespace}/${c.object.metadata?.name}`;

describe('Informer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('after a relist, reports objects deleted while disconnected and changed ones, not unchanged ones', async () => {
    const source = new FakeSource();
    source.objects = [widget('a', { rv: '1' }), widget('b', { rv: '2' }), widget('c', { rv: '3' })];
    const informer = new Informer<Widget>({ source, log: silentLogger() });
    const changes: string[] = [];
    informer.onChange((c) => changes.push(summary(c)));
    informer.start();
    await settle(20);
    expect(informer.hasSynced()).toBe(true);
    expect(changes).toEqual(['added ns/a', 'added ns/b', 'added ns/c']);

    changes.length = 0;
    source.objects = [widget('a', { rv: '1' }), widget('b', { rv: '7' }), widget('d', { rv: '8' })];
    source.push('ERROR', { code: 410 });
    await settle(20);
    expect(changes.sort()).toEqual(['added ns/d', 'deleted ns/c', 'updated ns/b']);
    expect(informer.store.keys().sort()).toEqual(['ns/a', 'ns/b', 'ns/d']);
    await informer.stop();
  });

  it('watches each configured namespace separately and is synced only when all have listed', async () => {
    const source = new FakeSource();
    source.objects = [widget('a', { namespace: 'one' }), widget('b', { namespace: 'two' }), widget('c', { namespace: 'three' })];
    source.listErrors = [undefined, new Error('forbidden')];
    const informer = new Informer<Widget>({ source, namespaces: ['one', 'two'], log: silentLogger(), watcher: { backoff: { initialMs: 800, maxMs: 800, jitter: 0 } } });
    informer.start();
    await settle(20);
    expect(informer.hasSynced()).toBe(false);
    await vi.advanceTimersByTimeAsync(800);
    expect(informer.hasSynced()).toBe(true);
    expect(informer.store.keys().sort()).toEqual(['one/a', 'two/b']);
    expect(source.watches.map((w) => w.namespace).sort()).toEqual(['one', 'two']);
    await informer.stop();
  });

  it('a relist in one namespace never deletes objects cached from another', async () => {
    const source = new FakeSource();
    source.objects = [widget('a', { namespace: 'one' }), widget('b', { namespace: 'two' })];
    const informer = new Informer<Widget>({ source, namespaces: ['one', 'two'], log: silentLogger() });
    informer.start();
    await settle(20);
    source.objects = [widget('b', { namespace: 'two' })];
    source.watches.find((w) => w.namespace === 'two')?.onEvent({ type: 'ERROR', object: { code: 410 } });
    await settle(20);
    expect(informer.store.keys().sort()).toEqual(['one/a', 'two/b']);
    await informer.stop();
  });

  it('keeps secondary indexes current', async () => {
    const source = new FakeSource();
    source.objects = [widget('a', { size: 1 }), widget('b', { size: 2 })];
    const informer = new Informer<Widget>({ source, log: silentLogger() });
    informer.store.addIndex('size', (w) => [String(w.spec?.size)]);
    informer.start();
    await settle(20);
    expect(informer.store.byIndex('size', '1').map((w) => w.metadata?.name)).toEqual(['a']);
    source.push('MODIFIED', widget('b', { rv: '11', size: 1 }));
    expect(informer.store.byIndex('size', '1').map((w) => w.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(informer.store.byIndex('size', '2')).toEqual([]);
    source.push('DELETED', widget('a', { rv: '12', size: 1 }));
    expect(informer.store.byIndex('size', '1').map((w) => w.metadata?.name)).toEqual(['b']);
    await informer.stop();
  });

  it('waitForSync resolves on sync, or when its signal aborts', async () => {
    const source = new FakeSource();
    source.listErrors = [new Error('down')];
    const informer = new Informer<Widget>({ source, log: silentLogger(), watcher: { backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } } });
    informer.start();
    const ac = new AbortController();
    const early = informer.waitForSync(ac.signal);
    ac.abort();
    await early;
    expect(informer.hasSynced()).toBe(false);
    const synced = informer.waitForSync();
    await vi.advanceTimersByTimeAsync(1000);
    await synced;
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });
});
