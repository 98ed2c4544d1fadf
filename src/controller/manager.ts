// The Manager runs an operator process: it starts the informers at once (a standby replica keeps
// warm caches), runs the controllers only while it holds the leader lease, serves /metrics,
// /healthz and /readyz, and on SIGTERM shuts down in order: stop taking work, let running
// reconciles finish (up to a deadline), run shutdown hooks, release the lease, stop the watches.
// Losing the lease is different: another replica may already be writing, so running reconciles
// are aborted at once and run() returns 'leadership-lost' for the caller to exit non-zero
// (Kubernetes restarts the pod, which then queues as a candidate again).
// With sharded replicas (`shards`) there is no single leader: once the caches have synced the
// controllers run, each reconciling only the keys of the shards this replica holds, and the
// ShardElector takes and hands back shards as replicas come and go. Losing one shard aborts that
// shard's reconciles and nothing else; the process keeps running. On SIGTERM the reconciles
// finish first, then every shard Lease is handed back.
import type { Registry } from 'prom-client';
import type { LeaderElector } from '../kube/leader-election.js';
import type { ShardElector } from '../kube/shard-leases.js';
import { HealthChecks, startHttpServer, type HttpAddress, type OperatorHttpServer } from '../observability/http-server.js';
import type { Logger } from '../observability/logger.js';
import { enableProcessMetrics, metricsRegistry } from '../observability/metrics.js';
import type { SyncSource } from './controller.js';
import type { ShardOwnership } from './shard-ownership.js';

/** What the Manager needs from a controller (any kind). */
export interface ManagedController {
  readonly name: string;
  informers(): readonly SyncSource[];
  hasSynced(): boolean;
  start(): void;
  stop(opts?: { timeoutMs?: number; abortGraceMs?: number }): Promise<void>;
  abort(): void;
  oldestReconcileStart(): number | undefined;
}

export type ManagerExit = 'stopped' | 'signal' | 'leadership-lost';

export interface ManagerOptions {
  log: Logger;
  /** Without an elector this process always leads (a single replica, or local runs). */
  leaderElector?: LeaderElector;
  /**
   * Sharded replicas instead of one leader (leaderElector is then not used): the elector's
   * shard changes go to `ownership`, which the controllers were built with.
   */
  shards?: { elector: ShardElector; ownership: ShardOwnership };
  /** Serve /metrics, /healthz, /readyz here; no server when undefined. */
  httpAddress?: HttpAddress;
  /** How long running reconciles get to finish on shutdown. */
  shutdownTimeoutMs?: number;
  /** /healthz fails when one reconcile has run this long: the loop is presumed wedged. */
  stuckReconcileMs?: number;
  /** Handle SIGTERM and SIGINT (off in tests that run several managers in one process). */
  handleSignals?: boolean;
  registry?: Registry;
}

export class Manager {
  readonly health = new HealthChecks();
  private readonly controllers: ManagedController[] = [];
  private readonly extraSources: SyncSource[] = [];
  private readonly shutdownHooks: (() => Promise<void>)[] = [];
  private readonly stopController = new AbortController();
  private exitReason: ManagerExit = 'stopped';
  private server: OperatorHttpServer | undefined;
  private leading = false;
  private readonly log: Logger;

  constructor(private readonly opts: ManagerOptions) {
    this.log = opts.log;
    const stuckMs = opts.stuckReconcileMs ?? 10 * 60_000;
    this.health.addLivenessCheck('reconcile-loop', () => {
      for (const c of this.controllers) {
        const since = c.oldestReconcileStart();
        if (since !== undefined && Date.now() - since > stuckMs) return `${c.name}: a reconcile has run for over ${Math.round(stuckMs / 1000)}s`;
      }
      return true;
    });
    this.health.addReadinessCheck('informers-synced', () => {
      const pending = this.sources().filter((s) => !s.hasSynced());
      return pending.length === 0 || `not synced yet: ${pending.map((s) => s.resource).join(', ')}`;
    });
    const shards = opts.shards;
    // A replica holding no shard is still ready: it is a warm standby, as a non-leader is.
    if (shards) this.health.addReadinessCheck('shards', () => ({ detail: `holding ${shards.ownership.heldShards().join(',') || 'none'} of ${shards.ownership.shards}` }));
  }

  add(controller: ManagedController): this {
    this.controllers.push(controller);
    return this;
  }

  /** An informer to run and wait for even though no controller of this manager reads it. */
  addInformer(source: SyncSource): this {
    this.extraSources.push(source);
    return this;
  }

  /** Runs after reconciles have finished and before the lease is released (e.g. flush Events). */
  onShutdown(hook: () => Promise<void>): this {
    this.shutdownHooks.push(hook);
    return this;
  }

  /** The HTTP server's bound address once run() has started it. */
  get httpAddress(): HttpAddress | undefined {
    return this.server?.address;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Requests a graceful stop; run() then resolves. */
  stop(reason: ManagerExit = 'stopped'): void {
    if (this.stopController.signal.aborted) return;
    this.exitReason = reason;
    this.stopController.abort();
  }

  async run(): Promise<ManagerExit> {
    const stopping = this.stopController.signal;
    const onSignal = (signal: NodeJS.Signals) => {
      this.log.info({ signal }, 'shutting down');
      this.stop('signal');
    };
    if (this.opts.handleSignals !== false) {
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    }
    try {
      enableProcessMetrics();
      if (this.opts.httpAddress) {
        this.server = await startHttpServer({
          address: this.opts.httpAddress,
          registry: this.opts.registry ?? metricsRegistry,
          checks: this.health,
          log: this.log,
        });
      }
      for (const source of this.sources()) source.start();

      const elector = this.opts.leaderElector;
      if (elector) {
        if (await elector.acquire(stopping)) {
          void elector.lost.then(() => this.stop('leadership-lost'));
        }
      }
      if (!stopping.aborted) {
        await Promise.all(this.sources().map((s) => s.waitForSync(stopping)));
      }
      if (!stopping.aborted) {
        this.leading = true;
        for (const c of this.controllers) c.start();
        this.log.info({ controllers: this.controllers.map((c) => c.name) }, 'caches synced; controllers running');
        this.startShards();
      }
      await new Promise<void>((resolve) => {
        if (stopping.aborted) resolve();
        else stopping.addEventListener('abort', () => resolve(), { once: true });
      });
      await this.shutdown();
      return this.exitReason;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  }

  private async shutdown(): Promise<void> {
    const lost = this.exitReason === 'leadership-lost';
    if (lost) for (const c of this.controllers) c.abort();
    const timeoutMs = lost ? 0 : (this.opts.shutdownTimeoutMs ?? 30_000);
    await Promise.all(this.controllers.map((c) => c.stop({ timeoutMs })));
    this.leading = false;
    for (const hook of this.shutdownHooks) {
      try {
        await hook();
      } catch (err) {
        this.log.warn({ err }, 'shutdown hook failed');
      }
    }
    // Only now, with no reconcile running, may a successor start writing.
    if (!lost) await this.opts.leaderElector?.release();
    await this.opts.shards?.elector.stop();
    await Promise.all(this.sources().map((s) => s.stop()));
    await this.server?.close();
    this.log.info({ reason: this.exitReason }, 'stopped');
  }

  /** Joins the shard spread once the caches are warm, so a shard gained is worked on at once. */
  private startShards(): void {
    const shards = this.opts.shards;
    if (!shards) return;
    const { elector, ownership } = shards;
    // A hand-back waits for running reconciles; past this grace they are aborted (the Lease is
    // renewed all the while, so a slow reconcile delays the hand-over, never doubles it).
    const graceMs = this.opts.shutdownTimeoutMs ?? 30_000;
    elector.start({
      acquired: (shard) => {
        ownership.gain(shard);
        this.log.info({ shard, held: ownership.heldShards() }, 'reconciling shard');
      },
      releasing: async (shard) => {
        await ownership.release(shard, graceMs);
        this.log.info({ shard, held: ownership.heldShards() }, 'shard drained: its reconciles have stopped');
      },
      lost: (shard, reason) => {
        ownership.lose(shard);
        this.log.error({ shard, reason, held: ownership.heldShards() }, 'shard lost: its reconciles were aborted; the others go on');
      },
    });
  }

  private sources(): SyncSource[] {
    const all = new Set<SyncSource>(this.extraSources);
    for (const c of this.controllers) for (const s of c.informers()) all.add(s);
    return [...all];
  }
}
