import { describe, expect, it } from 'vitest';
import { done, requeueAfter } from '../../../src/controller/reconciler.js';
import { withFinalizer, type FinalizerEvent } from '../../../src/controller/finalizer.js';
import type { JsonPatchOperation } from '../../../src/kube/resource.js';
import { widget, type Widget } from '../kube/fake-source.js';

const FIN = 'runtime.test/cleanup';

class FakePatcher {
  readonly patches: JsonPatchOperation[][] = [];
  constructor(private readonly result: Widget) {}
  async patch(_ns: string, _name: string, ops: JsonPatchOperation[]): Promise<Widget> {
    this.patches.push(ops);
    return this.result;
  }
}

describe('withFinalizer', () => {
  it('adds the finalizer before running apply, and hands apply the patched object', async () => {
    const patched = widget('a', { rv: '6' });
    patched.metadata!.finalizers = [FIN];
    const client = new FakePatcher(patched);
    const seen: FinalizerEvent<Widget>[] = [];
    const result = await withFinalizer(client, FIN, widget('a'), async (e) => {
      expect(client.patches).toHaveLength(1);
      seen.push(e);
      return done();
    });
    expect(result).toEqual(done());
    expect(client.patches[0]).toEqual([
      { op: 'test', path: '/metadata/finalizers', value: null },
      { op: 'add', path: '/metadata/finalizers', value: [FIN] },
    ]);
    expect(seen).toEqual([{ kind: 'apply', object: patched }]);
  });

  it('appends to existing finalizers conditionally on the current list', async () => {
    const obj = widget('a');
    obj.metadata!.finalizers = ['other/x'];
    const client = new FakePatcher(obj);
    await withFinalizer(client, FIN, obj, async () => done());
    expect(client.patches[0]).toEqual([
      { op: 'test', path: '/metadata/finalizers', value: ['other/x'] },
      { op: 'add', path: '/metadata/finalizers/-', value: FIN },
    ]);
  });

  it('runs apply without a write when the finalizer is already there', async () => {
    const obj = widget('a');
    obj.metadata!.finalizers = [FIN];
    const client = new FakePatcher(obj);
    const kinds: string[] = [];
    await withFinalizer(client, FIN, obj, async (e) => (kinds.push(e.kind), done()));
    expect(kinds).toEqual(['apply']);
    expect(client.patches).toEqual([]);
  });

  it('on deletion runs cleanup, then removes only its own finalizer', async () => {
    const obj = widget('a', { deleting: true });
    obj.metadata!.finalizers = ['other/x', FIN];
    const client = new FakePatcher(obj);
    const kinds: string[] = [];
    await withFinalizer(client, FIN, obj, async (e) => (kinds.push(e.kind), done()));
    expect(kinds).toEqual(['cleanup']);
    expect(client.patches).toEqual([
      [
        { op: 'test', path: '/metadata/finalizers/1', value: FIN },
        { op: 'remove', path: '/metadata/finalizers/1' },
      ],
    ]);
  });

  it('keeps the finalizer while cleanup asks to look again', async () => {
    const obj = widget('a', { deleting: true });
    obj.metadata!.finalizers = [FIN];
    const client = new FakePatcher(obj);
    const result = await withFinalizer(client, FIN, obj, async () => requeueAfter(5000));
    expect(result).toEqual(requeueAfter(5000));
    expect(client.patches).toEqual([]);
  });

  it('keeps the finalizer when cleanup fails', async () => {
    const obj = widget('a', { deleting: true });
    obj.metadata!.finalizers = [FIN];
    const client = new FakePatcher(obj);
    await expect(
      withFinalizer(client, FIN, obj, async () => {
        throw new Error('DeleteService throttled');
      }),
    ).rejects.toThrow('throttled');
    expect(client.patches).toEqual([]);
  });

  it('does nothing for an object being deleted without its finalizer', async () => {
    const client = new FakePatcher(widget('a'));
    let called = false;
    const result = await withFinalizer(client, FIN, widget('a', { deleting: true }), async () => ((called = true), done()));
    expect(result).toEqual(done());
    expect(called).toBe(false);
    expect(client.patches).toEqual([]);
  });
});
