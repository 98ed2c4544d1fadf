// A Controller wires informers to a work queue and the queue to a reconciler, like kube-rs's
// Controller and controller-runtime's builder: the primary kind's changes enqueue its own key,
// `watches` relations enqueue the keys a related object maps to, and a periodic resync enqueues
// every key (the drift check). It holds no knowledge of what is being reconciled.
// A key whose reconcile failed and reported it (backoffAfter) or ended in a terminal error is
// parked: resyncs pass it by until its time comes, so a failing write is not repeated at every
// resync; a new generation, a related object's change or the start of its deletion lifts it.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describeKubeError, kubeStatusCode } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import type { Informer } from '../kube/informer.js';
import { objectKey, parseObjectKey, type ObjectKey } from '../kube/object-key.js';
import { withWork, WorkStoppedError } from '../observability/work-context.js';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_ACCOUNT, recordReconcile, registerQueue, type ReconcileOutcome } from '../observability/metrics.js';
import { classifyError } from './errors.js';
import { specOrMetadataChanged, type UpdatePredicate } from './predicates.js';
import type { ReconcileContext, Reconciler } from './reconciler.js';
import type { ShardOwnership } from './shard-ownership.js';
import { TokenBucket } from '../rate/token-bucket.js';
import { DEFAULT_BACKOFF, WorkQueue } from './work-queue.js';

export interface ControllerOptions<T extends KubernetesObject> {
  /** Names the controller in logs and metrics: `ecsservice`. */
  name: string;
  informer: Informer<T>;
  reconciler: Reconciler<T>;
  log: Logger;
  /**
   * Reconciles running at once (different keys; one key never runs twice at once), divided among
   * the shares (accounts) with work; see work-queue.ts for when a share may start beside another.
   */
  concurrency?: number;
  /** Every key is reconciled at least this often (the drift check); 0 turns it off. */
  resyncPeriodMs?: number;
  /** Per-key backoff after failures. */
  backoff?: { baseMs: number; maxMs: number };
  /** Overall limit on reconcile starts. */
  rateLimit?: { qps: number; burst: number };
  /** Which updates of the primary kind enqueue it; by default spec and metadata changes, not status. */
  predicate?: UpdatePredicate<T>;
  /**
   * Told the objects about to be reconciled all at once (at start and at every resync), before
   * they are queued: a reconciler can read their external state ahead, in bulk.
   */
  onBulkReconcile?: (objects: readonly T[]) => void;
  /**
   * When given, every failed reconcile is also a Warning Event on the object (reason
   * `ReconcileFailed`, or the terminal error's reason); the recorder aggregates repeats.
   */
  events?: EventRecorder;
  /**
   * The account a namespace's objects act in (the AWS account of its EcsAccount's role, or `default`): the `account`
   * of their reconciles' log lines and metrics. Everything is `default` when absent.
   */
  accountOf?: (namespace: string) => string;
  /**
   * The work-queue share of a key (its account and region, say): shares take turns and none holds
   * more than its fair part of the workers while another waits, so a throttled, slow or failing
   * account cannot take every worker. One share per account when absent.
   */
  shareOf?: (key: ObjectKey) => string;
  /**
   * Sharded replicas: only keys of the shards this replica holds are queued and reconciled; a
   * gained shard's keys are queued at once, a lost one's reconciles see their signal abort.
   */
  shards?: ShardOwnership;
  /**
   * Unsharded, with leader election: until when (epoch ms) this replica may act as leader (the
   * leader Lease's renew deadline), asked at each request of a reconcile (see work-context.ts).
   */
  actsUntil?: () => number;
}

/** Maps a related object to the keys of the primary objects it affects. */
export type RelationMapper<S> = (obj: S) => readonly ObjectKey[];

/** What the Manager needs from an informer: start, stop and readiness, whatever its kind. */
export interface SyncSource {
  readonly resource: string;
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  waitForSync(signal?: AbortSignal): Promise<void>;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_RESYNC_PERIOD_MS = 5 * 60_000;
export const DEFAULT_RATE_LIMIT = { qps: 50, burst: 200 };

export class Controller<T extends KubernetesObject> {
  readonly name: string;
  private readonly informer: Informer<T>;
  private readonly reconciler: Reconciler<T>;
  private readonly log: Logger;
  private readonly queue: WorkQueue;
  private readonly sources: SyncSource[];
  private readonly predicate: UpdatePredicate<T>;
  private readonly resyncPeriodMs: number;
  private readonly onBulkReconcile: ((objects: readonly T[]) => void) | undefined;
  private readonly events: EventRecorder | undefined;
  private readonly accountOf: (namespace: string | undefined) => string;
  private readonly shards: ShardOwnership | undefined;
  private readonly actsUntil: (() => number) | undefined;
  /** One signal per held shard that also aborts with the controller (not one per reconcile). */
  private readonly shardSignals = new WeakMap<AbortSignal, AbortSignal>();
  /**
   * Keys parked after a failure, with the generation that failed and whether it was being deleted
   * (a change of either lifts the park); `untilMs` Infinity for a terminal error.
   */
  private readonly parked = new Map<ObjectKey, ParkedKey>();
  private readonly hardStop = new AbortController();
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private unregisterQueue: (() => void) | undefined;
  private started = false;

  constructor(opts: ControllerOptions<T>) {
    this.name = opts.name;
    this.informer = opts.informer;
    this.reconciler = opts.reconciler;
    this.log = opts.log.child({ controller: opts.name });
    this.predicate = opts.predicate ?? specOrMetadataChanged;
    this.resyncPeriodMs = opts.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS;
    this.onBulkReconcile = opts.onBulkReconcile;
    this.events = opts.events;
    // A cluster-scoped key has no namespace: it acts with the operator's own identity.
    const accountOf = (namespace: string | undefined) => (namespace === undefined || !opts.accountOf ? DEFAULT_ACCOUNT : opts.accountOf(namespace));
    this.accountOf = accountOf;
    this.shards = opts.shards;
    this.actsUntil = opts.actsUntil;
    const rate = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.queue = new WorkQueue({
      concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
      handler: (key) => this.process(key),
      rateLimiter: new TokenBucket(rate.qps, rate.burst),
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      onHandlerError: (key, err) => this.log.error({ key, err }, 'reconcile handler failed unexpectedly'),
      shareOf: opts.shareOf ?? ((key) => accountOf(parseObjectKey(key).namespace)),
    });
    this.sources = [opts.informer];
    opts.informer.onChange((change) => {
      const key = objectKey(change.object);
      if (change.type === 'deleted') this.parked.delete(key);
      if (change.type === 'updated' && !this.predicate(change.old, change.object)) return;
      this.log.debug({ key, change: change.type }, 'queued: the object changed');
      this.offer(key);
    });
    this.shards?.subscribe({
      gained: (shard) => {
        if (this.started) this.bulk((key) => this.shards?.shardOfKey(key) === shard);
      },
      drained: (shard) => this.queue.settled((key) => this.shards?.shardOfKey(key) === shard),
      settled: (namespaces) => {
        if (this.started) this.bulk((key) => namespaces.has(parseObjectKey(key).namespace ?? ''));
      },
    });
  }

  private combinedSignal(shardSignal: AbortSignal): AbortSignal {
    let signal = this.shardSignals.get(shardSignal);
    if (!signal) {
      signal = AbortSignal.any([this.hardStop.signal, shardSignal]);
      this.shardSignals.set(shardSignal, signal);
    }
    return signal;
  }

  /** Queues a key (after `delayMs`, when given), unless it belongs to a shard another replica holds. */
  private offer(key: ObjectKey, delayMs?: number): void {
    if (this.shards && !this.shards.owns(key)) return;
    if (delayMs === undefined) this.queue.add(key);
    else this.queue.addAfter(key, delayMs);
  }

  /**
   * Reconciles primary objects when a related object changes: `mapper` names the keys it affects
   * (for an update, both the old and the new version are mapped, so a dropped reference also
   * counts). A related change also lifts a parked failure: the fix may have been made there.
   * `updates`, when given, says which updates of the related object can matter to the keys it
   * maps to (additions and deletions always do); the others enqueue nothing.
   */
  watches<S extends KubernetesObject>(informer: Informer<S>, mapper: RelationMapper<S>, opts: { updates?: UpdatePredicate<S> } = {}): this {
    if (!this.sources.includes(informer)) this.sources.push(informer);
    informer.onChange((change) => {
      if (change.type === 'updated' && opts.updates && !opts.updates(change.old, change.object)) return;
      const keys = new Set(mapper(change.object));
      if (change.type === 'updated') for (const k of mapper(change.old)) keys.add(k);
      for (const key of keys) {
        this.parked.delete(key);
        this.log.debug({ key, related: `${informer.resource} ${objectKey(change.object)}` }, 'queued: a related object changed');
        this.offer(key);
      }
    });
    return this;
  }

  /** The informers this controller reads: the Manager starts them and waits for them to sync. */
  informers(): readonly SyncSource[] {
    return this.sources;
  }

  hasSynced(): boolean {
    return this.sources.every((s) => s.hasSynced());
  }

  /** Asks for a reconcile of `key` now (deduplicated with anything already waiting). */
  enqueue(key: ObjectKey): void {
    this.offer(key);
  }

  /** Asks for a reconcile of `key` after `delayMs`, unless one is due sooner. */
  enqueueAfter(key: ObjectKey, delayMs: number): void {
    this.offer(key, delayMs);
  }

  /**
   * Reconciles `key` now, even when a reported failure parked it: something it depends on that no
   * informer of this controller shows has changed (the AWS account its namespace maps to).
   */
  retry(key: ObjectKey): void {
    this.parked.delete(key);
    this.offer(key);
  }

  /** When the longest-running reconcile started, if one is running. */
  oldestReconcileStart(): number | undefined {
    return this.queue.oldestStart();
  }

  /** Starts reconciling: every cached key once, then changes, relations and resyncs. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unregisterQueue = registerQueue(this.name, () => ({
      depth: this.queue.depth,
      inFlight: this.queue.inFlight,
      delayed: this.queue.delayedCount,
    }));
    this.bulk();
    this.queue.start();
    if (this.resyncPeriodMs > 0) {
      this.resyncTimer = setInterval(() => this.resync(), this.resyncPeriodMs);
      this.resyncTimer.unref?.();
    }
    this.log.info('controller started');
  }

  /**
   * Stops taking work and waits for running reconciles. Past `timeoutMs` their signal is aborted
   * and they get `abortGraceMs` more to return before stop() gives up on them.
   */
  async stop(opts: { timeoutMs?: number; abortGraceMs?: number } = {}): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    const drained = this.queue.shutdown();
    const timeoutMs = opts.timeoutMs ?? 30_000;
    if (!(await settlesWithin(drained, timeoutMs))) {
      this.log.warn({ timeoutMs, inFlight: this.queue.inFlight }, 'reconciles still running at the shutdown deadline; aborting them');
      this.hardStop.abort(new Error('controller stopped'));
      await settlesWithin(drained, opts.abortGraceMs ?? 5_000);
    }
    this.unregisterQueue?.();
    this.log.info('controller stopped');
  }

  /** Aborts running reconciles at once (leadership lost: another replica may already be writing). */
  abort(): void {
    this.hardStop.abort(new Error('controller aborted'));
  }

  /** Queues every object now, as the periodic resync does (the events queue's fallback). */
  resync(): void {
    this.log.debug({ keys: this.informer.store.keys().length }, 'periodic resync');
    this.bulk();
  }

  /**
   * Queues every cached object that is not parked (of the shards held, when sharded; those that
   * `matches`), after telling onBulkReconcile which.
   */
  private bulk(matches: (key: ObjectKey) => boolean = () => true): void {
    const inScope = (key: ObjectKey) => matches(key) && (!this.shards || this.shards.owns(key));
    const due = this.informer.store.list().filter((o) => inScope(objectKey(o)) && this.parkedUntil(objectKey(o), o) === undefined);
    try {
      this.onBulkReconcile?.(due);
    } catch (err) {
      this.log.warn({ err }, 'onBulkReconcile failed; reconciling without it');
    }
    // Not queued at all, so the timer that brings a parked key back stays armed.
    for (const o of due) this.queue.add(objectKey(o));
  }

  /** The park of this key that still applies to `object` (same generation, same deletion state), if any. */
  private parkOf(key: ObjectKey, object: T | undefined): ParkedKey | undefined {
    const entry = this.parked.get(key);
    if (!entry || object === undefined) return undefined;
    const same = entry.generation === object.metadata?.generation && entry.deleting === (object.metadata?.deletionTimestamp !== undefined);
    return same ? entry : undefined;
  }

  /** When a parked key's next attempt is due, or undefined when it is not parked (any longer). */
  private parkedUntil(key: ObjectKey, object: T | undefined): number | undefined {
    const entry = this.parkOf(key, object);
    return entry && Date.now() < entry.untilMs ? entry.untilMs : undefined;
  }

  private async process(key: ObjectKey): Promise<void> {
    // Checked as the reconcile starts, synchronously: once a shard is handed back or lost, none of
    // its keys starts again here (keys queued before, retries and requeues end here too).
    const shardSignal = this.shards ? this.shards.signal(this.shards.shardOfKey(key)) : undefined;
    if (this.shards && (!shardSignal || !this.shards.owns(key))) return;
    const { namespace, name } = parseObjectKey(key);
    const account = this.accountOf(namespace);
    const object = this.informer.store.get(key);
    const generation = object?.metadata?.generation;
    const until = this.parkedUntil(key, object);
    if (until !== undefined) {
      // Queued by something that does not lift the park (a label change, enqueue()): the time stays.
      if (Number.isFinite(until)) this.queue.addAfter(key, until - Date.now());
      this.log.debug({ key, parkedForMs: Number.isFinite(until) ? until - Date.now() : 'until the spec changes' }, 'skipped: parked after a reported failure');
      return recordReconcile(this.name, 'skipped', 0, account);
    }
    const failingSince = this.parkOf(key, object)?.sinceMs;
    if (failingSince === undefined) this.parked.delete(key);
    const deleting = object?.metadata?.deletionTimestamp !== undefined;
    const log = this.log.child({ key, account });
    const signal = shardSignal ? this.combinedSignal(shardSignal) : this.hardStop.signal;
    const ctx: ReconcileContext<T> = { key, namespace, name, object, log, signal, failingSince };
    // Every AWS request and object write of the reconcile is refused once it may no longer act.
    const work = { log, signal, actsUntil: this.shards ? this.shards.actsUntil(this.shards.shardOfKey(key)) : this.actsUntil };
    const started = performance.now();
    const finish = (outcome: ReconcileOutcome) => recordReconcile(this.name, outcome, (performance.now() - started) / 1000, account);

    try {
      // AWS calls and status writes below log through `log`, so their lines name the object.
      const result = await withWork(work, () => this.reconciler.reconcile(key, ctx));
      this.queue.forget(key);
      if (result.kind === 'backoff') {
        this.parked.set(key, { generation, deleting, untilMs: Date.now() + result.afterMs, sinceMs: result.sinceMs });
        this.queue.addAfter(key, result.afterMs);
        log.info({ retryInMs: result.afterMs, failingSinceMs: result.sinceMs }, 'reconcile failed and was reported; looking again after a backoff');
      } else {
        this.parked.delete(key);
        if (result.kind === 'requeue') {
          this.queue.addAfter(key, result.afterMs);
          log.debug({ requeueAfterMs: result.afterMs }, 'reconciled; will look again');
        } else {
          log.debug('reconciled');
        }
      }
      finish(result.kind);
    } catch (err) {
      if (err instanceof WorkStoppedError || signal.aborted) {
        // Another replica may own the key now: no Event, no retry here (its shard's new holder
        // reconciles it; this replica queues it again if the shard comes back).
        log.info({ reason: err instanceof Error ? err.message : String(err) }, 'reconcile stopped: its shard or leadership moved on');
        return finish('stopped');
      }
      const classified = classifyError(err);
      // Kubernetes API errors embed the whole HTTP response in their message; keep the Status line.
      const message = kubeStatusCode(err) !== undefined ? describeKubeError(err) : err instanceof Error ? err.message : String(err);
      if (object) {
        const reason = classified.kind === 'terminal' ? classified.error.reason : 'ReconcileFailed';
        this.events?.record(object, { type: 'Warning', reason, action: 'Reconcile', note: message });
      }
      if (classified.kind === 'terminal') {
        try {
          await withWork(work, () => this.reconciler.onTerminalError?.(key, classified.error, ctx));
          this.parked.set(key, { generation, deleting, untilMs: Infinity });
          this.queue.forget(key);
          log.warn({ reason: classified.error.reason, err: classified.error.message }, 'terminal error; not retrying until the spec changes');
          return finish('terminal_error');
        } catch (hookErr) {
          log.error({ err: hookErr }, 'recording a terminal error failed; will retry');
        }
      }
      const delay = this.queue.addWithBackoff(key, classified.kind === 'retryable' ? classified.retryAfterMs : undefined);
      log.warn({ err: kubeStatusCode(err) !== undefined ? message : err, retryInMs: delay, failures: this.queue.failuresOf(key) }, 'reconcile failed; retrying');
      finish('retryable_error');
    }
  }
}

interface ParkedKey {
  generation: number | undefined;
  deleting: boolean;
  untilMs: number;
  /** When the failure began (backoffAfter's sinceMs); none for a terminal error. */
  sinceMs?: number;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
