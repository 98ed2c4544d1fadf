// A reflector: watchers (one per watched namespace, or one for all) feeding one Store, and telling
// subscribers what changed. After a relist it diffs the fresh list against the cache, so objects
// deleted while the watch was down are reported as deleted and unchanged ones are not reported.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.js';
import { objectKey, parseObjectKey } from './object-key.js';
import type { ListWatchSource } from './resource.js';
import { Store } from './store.js';
import { Watcher, type WatcherEvent, type WatcherOptions } from './watcher.js';

export type ObjectChange<T> =
  | { type: 'added'; object: T }
  | { type: 'updated'; object: T; old: T }
  | { type: 'deleted'; object: T };

export type ChangeHandler<T> = (change: ObjectChange<T>) => void;

export interface InformerOptions<T> {
  source: ListWatchSource<T>;
  /** Namespaces to watch; empty or undefined watches all of them. */
  namespaces?: readonly string[];
  labelSelector?: string;
  log: Logger;
  /** Tuning passed to each watcher (tests shorten the timeouts). */
  watcher?: Partial<Pick<WatcherOptions<T>, 'pageSize' | 'watchTimeoutSeconds' | 'idleTimeoutMs' | 'backoff' | 'transform'>>;
}

export class Informer<T extends KubernetesObject> {
  readonly store = new Store<T>();
  readonly resource: string;
  private readonly watchers: Watcher<T>[];
  private readonly synced = new Set<string>();
  private readonly scopes: (string | undefined)[];
  private readonly handlers = new Set<ChangeHandler<T>>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly log: Logger;

  constructor(opts: InformerOptions<T>) {
    this.resource = opts.source.resource;
    this.log = opts.log.child({ resource: this.resource });
    this.scopes = opts.namespaces && opts.namespaces.length > 0 ? [...new Set(opts.namespaces)] : [undefined];
    this.watchers = this.scopes.map(
      (namespace) =>
        new Watcher<T>({
          ...opts.watcher,
          source: opts.source,
          namespace,
          labelSelector: opts.labelSelector,
          log: opts.log,
          onEvent: (event) => this.apply(namespace, event),
        }),
    );
  }

  /** Subscribes to changes; returns the function that unsubscribes. */
  onChange(handler: ChangeHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  start(): void {
    for (const w of this.watchers) w.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.watchers.map((w) => w.stop()));
    for (const wake of this.syncWaiters) wake();
  }

  /** True once every watched namespace has been listed at least once. */
  hasSynced(): boolean {
    return this.synced.size === this.scopes.length;
  }

  /** Resolves when synced, or when the signal aborts (check hasSynced() to tell which). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.hasSynced() || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.syncWaiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private apply(namespace: string | undefined, event: WatcherEvent<T>): void {
    switch (event.type) {
      case 'applied': {
        const old = this.store.set(event.object);
        if (!old) this.emit({ type: 'added', object: event.object });
        else if (old.metadata?.resourceVersion !== event.object.metadata?.resourceVersion) {
          this.emit({ type: 'updated', object: event.object, old });
        }
        return;
      }
      case 'deleted': {
        this.store.delete(objectKey(event.object));
        this.emit({ type: 'deleted', object: event.object });
        return;
      }
      case 'listed':
        this.replaceScope(namespace, event.objects);
        this.synced.add(namespace ?? '*');
        if (this.hasSynced()) for (const wake of [...this.syncWaiters]) wake();
        return;
    }
  }

  private replaceScope(namespace: string | undefined, objects: T[]): void {
    const seen = new Set<string>();
    for (const obj of objects) {
      seen.add(objectKey(obj));
      this.apply(namespace, { type: 'applied', object: obj });
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      if (namespace !== undefined && parseObjectKey(key).namespace !== namespace) continue;
      const gone = this.store.delete(key);
      if (gone) this.emit({ type: 'deleted', object: gone });
    }
  }

  private emit(change: ObjectChange<T>): void {
    for (const handler of this.handlers) {
      try {
        handler(change);
      } catch (err) {
        // One broken subscriber must not stop the cache (and every other subscriber) updating.
        this.log.error({ err, key: objectKey(change.object) }, 'change handler failed');
      }
    }
  }
}
