// An in-memory stand-in for the apiserver's list and watch of one resource, driven by the test:
// it serves lists from `objects`, records each watch request, and lets the test push events into
// the open watch, end it, or fail the next calls.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ListPage, ListWatchSource, RawWatchEvent } from '../../../src/kube/resource.js';

export interface Widget extends KubernetesObject {
  spec?: { size?: number };
  status?: { seen?: number; conditions?: unknown[] };
}

export function widget(name: string, opts: { namespace?: string; rv?: string; generation?: number; size?: number; status?: Widget['status']; deleting?: boolean } = {}): Widget {
  return {
    apiVersion: 'runtime.test/v1',
    kind: 'Widget',
    metadata: {
      name,
      namespace: opts.namespace ?? 'ns',
      resourceVersion: opts.rv ?? '1',
      generation: opts.generation ?? 1,
      uid: `uid-${name}`,
      ...(opts.deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
    },
    spec: { size: opts.size ?? 1 },
    ...(opts.status ? { status: opts.status } : {}),
  };
}

interface OpenWatch {
  resourceVersion: string;
  namespace: string | undefined;
  onEvent: (e: RawWatchEvent) => void;
  onClose: (err: unknown) => void;
  aborted: boolean;
  closed: boolean;
}

export class FakeSource implements ListWatchSource<Widget> {
  readonly resource = 'widgets.runtime.test';
  objects: Widget[] = [];
  listResourceVersion = '10';
  lists = 0;
  readonly watches: OpenWatch[] = [];
  /** Errors thrown by the next list calls, in order. */
  listErrors: unknown[] = [];
  /** Errors the next watch calls end with at once, in order. */
  watchErrors: unknown[] = [];
  /** When true, watch requests never return (a hung connection). */
  hang = false;

  async listPage(opts: { namespace?: string; limit: number; continueToken?: string }): Promise<ListPage<Widget>> {
    this.lists += 1;
    const err = this.listErrors.shift();
    if (err) throw err;
    const scoped = this.objects.filter((o) => opts.namespace === undefined || o.metadata?.namespace === opts.namespace);
    const start = opts.continueToken ? Number(opts.continueToken) : 0;
    const items = scoped.slice(start, start + opts.limit).map((o) => structuredClone(o));
    const next = start + opts.limit < scoped.length ? String(start + opts.limit) : undefined;
    return { items, resourceVersion: this.listResourceVersion, continueToken: next };
  }

  async watch(
    opts: { namespace?: string; resourceVersion: string },
    onEvent: (e: RawWatchEvent) => void,
    onClose: (err: unknown) => void,
  ): Promise<{ abort(): void }> {
    const w: OpenWatch = { resourceVersion: opts.resourceVersion, namespace: opts.namespace, onEvent, onClose, aborted: false, closed: false };
    this.watches.push(w);
    if (this.hang) return new Promise(() => undefined);
    const err = this.watchErrors.shift();
    if (err) {
      w.closed = true;
      queueMicrotask(() => onClose(err));
    }
    return {
      abort: () => {
        w.aborted = true;
        if (!w.closed) {
          w.closed = true;
          onClose(null);
        }
      },
    };
  }

  /** The watch opened last (the one the watcher is reading). */
  get current(): OpenWatch {
    const w = this.watches.at(-1);
    if (!w) throw new Error('no watch opened yet');
    return w;
  }

  push(type: RawWatchEvent['type'], object: unknown): void {
    this.current.onEvent({ type, object });
  }

  /** Ends the current watch as the server would: cleanly (null) or with an error. */
  end(err: unknown = null): void {
    const w = this.current;
    if (w.closed) return;
    w.closed = true;
    w.onClose(err);
  }
}

/** Lets pending promise callbacks run (without advancing fake time). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
