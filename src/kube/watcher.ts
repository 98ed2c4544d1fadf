// List + watch for one resource (in one namespace or all), kept alive through everything a real
// cluster does to a watch: the server closing it at its timeout, the connection dropping, the
// apiserver restarting, a stream that hangs without an error, and 410 Gone when the resourceVersion
// it resumes from has been compacted away.
//
// Like kube-rs's `watcher`, it turns all of that into three kinds of event: `listed` (the complete
// current state, after the first list and after every relist), `applied` and `deleted`.
// @kubernetes/client-node's own informer gives up after any error but 410 and can hang silently,
// which is why this exists.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.js';
import { recordRelist, recordWatchRestart } from '../observability/metrics.js';
import { Backoff, WATCH_BACKOFF, type BackoffOptions } from './backoff.js';
import { describeKubeError, isGone } from './errors.js';
import type { ListWatchSource, RawWatchEvent } from './resource.js';
import { StringPool } from './string-pool.js';

export type WatcherEvent<T> =
  | { type: 'listed'; objects: T[] }
  | { type: 'applied'; object: T }
  | { type: 'deleted'; object: T };

export interface WatcherOptions<T> {
  source: ListWatchSource<T>;
  /** Watch one namespace; all namespaces when undefined. */
  namespace?: string;
  labelSelector?: string;
  /**
   * Objects per list page: bounds the size of each response when there are thousands. Default 100:
   * a page is held whole several times over while it is read (the bytes, the text, the objects
   * parsed with their managedFields before trimForCache), and an EcsService with its status and
   * managedFields is about 5 kB of JSON, so a page of 500 was 2.5 MB. Two kinds' pages of that size
   * were in flight at once when an operator restarted on 1,000 services (a heap snapshot then).
   */
  pageSize?: number;
  /**
   * Asked of the server, which closes the watch after it; the watcher then resumes. Each watch
   * asks for between this and 1.25 times this, so that many watchers do not all reconnect at once.
   */
  watchTimeoutSeconds?: number;
  /**
   * The watchdog: a watch that delivers nothing (not even a bookmark) for this long is presumed
   * hung and restarted. Must exceed 1.25 x watchTimeoutSeconds, after which the server closes it
   * anyway (and, with bookmarks, sends one about every minute before that).
   */
  idleTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** Applied to every object before it is emitted; by default drops fields nobody reads (memory). */
  transform?: (obj: T) => T;
  log: Logger;
  onEvent: (event: WatcherEvent<T>) => void;
}

type WatchEnd =
  | { reason: 'closed' | 'idle' | 'gone' | 'stopped'; events: number; durationMs: number }
  | { reason: 'error'; err: unknown; events: number; durationMs: number };

const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Shared by every informer: kinds repeat each other's values too (condition messages, ARNs). */
const cachedStrings = new StringPool();

/**
 * Drops managedFields and kubectl's last-applied annotation: together they are often larger than
 * the spec itself, and with thousands of cached objects they dominate the operator's memory. The
 * strings left share one copy per value (see string-pool.ts).
 */
export function trimForCache<T extends KubernetesObject>(obj: T): T {
  const meta = obj.metadata;
  if (meta) {
    delete meta.managedFields;
    if (meta.annotations && LAST_APPLIED in meta.annotations) {
      delete meta.annotations[LAST_APPLIED];
    }
  }
  return cachedStrings.internAll(obj);
}

export class Watcher<T extends KubernetesObject> {
  private running = false;
  private loop: Promise<void> | undefined;
  private current: { abort(): void } | undefined;
  private wake: (() => void) | undefined;
  private resourceVersion = '';
  private readonly backoff: Backoff;
  private readonly pageSize: number;
  private readonly timeoutSeconds: number;
  private readonly idleTimeoutMs: number;
  private readonly transform: (obj: T) => T;
  private readonly log: Logger;

  constructor(private readonly opts: WatcherOptions<T>) {
    this.backoff = new Backoff(opts.backoff ?? WATCH_BACKOFF);
    this.pageSize = opts.pageSize ?? 100;
    this.timeoutSeconds = opts.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? Math.ceil(this.timeoutSeconds * 1.25 + 30) * 1000;
    this.transform = opts.transform ?? trimForCache;
    this.log = opts.log.child({ resource: opts.source.resource, namespace: opts.namespace ?? '*' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.current?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.resourceVersion) await this.relist();
        if (!this.running) break;
        const end = await this.watchOnce();
        await this.afterWatch(end);
      } catch (err) {
        if (!this.running) break;
        const delay = this.backoff.next();
        this.log.warn({ err: describeKubeError(err), retryInMs: delay }, 'listing failed; retrying');
        await this.sleep(delay);
      }
    }
  }

  private async afterWatch(end: WatchEnd): Promise<void> {
    if (end.reason === 'stopped') return;
    if (end.reason === 'gone' || (end.reason === 'error' && isGone(end.err))) {
      // The resourceVersion we resume from is older than etcd keeps: only a full list is correct.
      recordWatchRestart(this.opts.source.resource, 'gone');
      this.log.info('watch expired (410 Gone); relisting');
      this.resourceVersion = '';
      return;
    }
    recordWatchRestart(this.opts.source.resource, end.reason);
    if (end.reason === 'error') {
      const delay = this.backoff.next();
      this.log.warn({ err: describeKubeError(end.err), retryInMs: delay }, 'watch failed; resuming');
      await this.sleep(delay);
    } else if (end.reason === 'idle') {
      this.log.warn({ idleMs: this.idleTimeoutMs }, 'watch quiet past its timeout; restarting it');
    } else if (end.events === 0 && end.durationMs < 1000) {
      // A stream that closes as soon as it opens, over and over, would otherwise be a hot loop.
      await this.sleep(this.backoff.next());
    } else {
      this.log.debug('watch closed by the server; resuming');
    }
  }

  private async relist(): Promise<void> {
    const objects: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.opts.source.listPage({
        namespace: this.opts.namespace,
        limit: this.pageSize,
        continueToken,
        labelSelector: this.opts.labelSelector,
      });
      for (const item of page.items) objects.push(this.transform(item));
      continueToken = page.continueToken;
      // Every page of one paged list is the same snapshot; its version is where the watch starts.
      resourceVersion ||= page.resourceVersion;
    } while (continueToken && this.running);
    if (!this.running) return;
    recordRelist(this.opts.source.resource);
    this.resourceVersion = resourceVersion;
    this.backoff.reset();
    this.log.debug({ count: objects.length, resourceVersion }, 'listed');
    this.opts.onEvent({ type: 'listed', objects });
  }

  private watchOnce(): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      const startedAt = Date.now();
      let lastActivity = startedAt;
      let events = 0;
      let settled = false;
      let handle: { abort(): void } | undefined;

      const finish = (end: { reason: 'closed' | 'idle' | 'gone' | 'stopped' } | { reason: 'error'; err: unknown }) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        this.current = undefined;
        handle?.abort();
        resolve({ ...end, events, durationMs: Date.now() - startedAt });
      };
      this.current = { abort: () => finish({ reason: 'stopped' }) };

      // Checked a few times per idle period, so a hung watch is noticed within about 1.25 x idle.
      const watchdog = setInterval(() => {
        if (Date.now() - lastActivity > this.idleTimeoutMs) finish({ reason: 'idle' });
      }, Math.max(50, Math.floor(this.idleTimeoutMs / 4)));
      watchdog.unref?.();

      const onEvent = (event: RawWatchEvent) => {
        if (settled) return;
        lastActivity = Date.now();
        if (event.type === 'ERROR') {
          const status = event.object as { code?: number; message?: string } | undefined;
          if (status?.code === 410) finish({ reason: 'gone' });
          else finish({ reason: 'error', err: { statusCode: status?.code, body: status } });
          return;
        }
        const object = event.object as T;
        const rv = object.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (event.type === 'BOOKMARK') return;
        events += 1;
        this.backoff.reset();
        const obj = this.transform(object);
        this.opts.onEvent(event.type === 'DELETED' ? { type: 'deleted', object: obj } : { type: 'applied', object: obj });
      };

      this.opts.source
        .watch(
          {
            namespace: this.opts.namespace,
            resourceVersion: this.resourceVersion,
            timeoutSeconds: Math.round(this.timeoutSeconds * (1 + Math.random() / 4)),
            labelSelector: this.opts.labelSelector,
          },
          onEvent,
          (err) => finish(err ? { reason: 'error', err } : { reason: 'closed' }),
        )
        .then(
          (h) => {
            handle = h;
            // The watch may have been given up (watchdog, stop) before its request even returned.
            if (settled) h.abort();
          },
          (err: unknown) => finish({ reason: 'error', err }),
        );
    });
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
