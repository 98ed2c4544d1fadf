// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics:
//   - a candidate takes the lease when it is free, or when the holder has not renewed it for
//     leaseDuration as measured on the candidate's own clock (from when it last saw the lease
//     change), so clock skew between replicas cannot shorten a lease;
//   - every write is conditional on the resourceVersion read, so two candidates cannot both win;
//   - the leader renews every retryPeriod and considers itself deposed if it has not managed to
//     for renewDeadline (< leaseDuration), i.e. before anyone else may take over;
//   - release() hands the lease back at shutdown so a successor need not wait for it to expire.
import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import type { Logger } from '../observability/logger.js';
import { setLeader } from '../observability/metrics.js';
import { describeKubeError, isConflict, isNotFound } from './errors.js';
import { apiPath, kubeRest, type KubeRest } from './rest.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** Unique per replica: the pod name, or host and pid. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_LEASE_TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** The Lease calls an elector makes; KubeLeaseClient sends them to the apiserver. */
export interface LeaseClient {
  /** undefined when the Lease does not exist. */
  read(namespace: string, name: string): Promise<V1Lease | undefined>;
  create(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /** Conditional on lease.metadata.resourceVersion: throws a 409 error when it moved. */
  replace(namespace: string, name: string, lease: V1Lease): Promise<V1Lease>;
}

export class KubeLeaseClient implements LeaseClient {
  protected readonly rest: KubeRest;

  constructor(
    kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {
    this.rest = kubeRest(kc);
  }

  async read(namespace: string, name: string): Promise<V1Lease | undefined> {
    try {
      return await this.rest.request<V1Lease>({ method: 'GET', path: leasePath(namespace, name), timeoutMs: this.timeoutMs });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  create(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.rest.request<V1Lease>({ method: 'POST', path: leasePath(namespace), body, timeoutMs: this.timeoutMs });
  }

  replace(namespace: string, name: string, body: V1Lease): Promise<V1Lease> {
    return this.rest.request<V1Lease>({ method: 'PUT', path: leasePath(namespace, name), body, timeoutMs: this.timeoutMs });
  }
}

export function leasePath(namespace: string, name?: string): string {
  return apiPath({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespace, name });
}

/**
 * Lease times must go out with microseconds (MicroTime); a plain Date serializes milliseconds.
 * Read back, the client hands them over as strings despite their Date type, so accept both.
 */
function micro(time: Date | string | undefined): V1MicroTime | undefined {
  if (time === undefined) return undefined;
  const ms = new Date(time).getTime();
  return Number.isNaN(ms) ? undefined : new V1MicroTime(ms);
}

export class LeaderElector {
  private leader = false;
  /** When the last successful acquire or renewal was sent (its answer may come much later). */
  private lastRenew = 0;
  private observedRecord = '';
  private observedAt = 0;
  private stopped = false;
  private renewLoop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private resolveLost: (() => void) | undefined;
  /** Resolves when leadership, once held, is lost (not when it is released). */
  readonly lost: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly client: LeaseClient,
    private readonly opts: LeaderElectionOptions,
    log: Logger,
  ) {
    if (!(opts.renewDeadlineMs < opts.leaseDurationMs)) throw new Error('renewDeadline must be shorter than leaseDuration');
    if (!(opts.retryPeriodMs < opts.renewDeadlineMs)) throw new Error('retryPeriod must be shorter than renewDeadline');
    this.log = log.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
  }

  isLeader(): boolean {
    return this.leader;
  }

  /**
   * Until when (epoch ms) this replica may act as leader: the last renewal's send time plus
   * renewDeadline, measured from the send so that a slow answer cannot stretch it; 0 when not
   * leader. Reconciles read it at each request (src/observability/work-context.ts), so nothing is
   * sent past it even before the renew loop notices the loss.
   */
  heldUntil(): number {
    return this.leader ? this.lastRenew + this.opts.renewDeadlineMs : 0;
  }

  /**
   * Waits until this replica holds the lease (true) or `signal` aborts (false). Once leader, it
   * renews in the background until release() or until renewal fails for renewDeadline.
   */
  async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('waiting to become leader');
    while (!signal.aborted && !this.stopped) {
      const sent = Date.now();
      if (await this.tryAcquireOrRenew()) {
        this.leader = true;
        this.lastRenew = sent;
        setLeader(true);
        this.log.info('became leader');
        this.renewLoop = this.renew();
        return true;
      }
      await this.sleep(this.opts.retryPeriodMs, signal);
    }
    return false;
  }

  /** Stops renewing and, if still leader, frees the lease for the next candidate. */
  async release(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.renewLoop;
    if (!this.leader) return;
    this.leader = false;
    setLeader(false);
    try {
      const lease = await this.client.read(this.opts.namespace, this.opts.name);
      if (lease?.spec?.holderIdentity !== this.opts.identity) return;
      const now = new Date();
      await this.client.replace(this.opts.namespace, this.opts.name, {
        ...lease,
        spec: {
          ...this.timesAsMicro(lease.spec),
          holderIdentity: undefined,
          // As client-go does: a free lease that still looks held to old clients expires at once.
          leaseDurationSeconds: 1,
          renewTime: micro(now),
        },
      });
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn({ err: describeKubeError(err) }, 'releasing the lease failed; it will expire instead');
    }
  }

  private async renew(): Promise<void> {
    while (!this.stopped) {
      await this.sleep(this.opts.retryPeriodMs);
      if (this.stopped) return;
      const sent = Date.now();
      if (await this.tryAcquireOrRenew()) {
        this.lastRenew = sent;
        continue;
      }
      if (Date.now() - this.lastRenew >= this.opts.renewDeadlineMs) {
        this.leader = false;
        setLeader(false);
        this.log.error({ renewDeadlineMs: this.opts.renewDeadlineMs }, 'could not renew the lease in time; leadership lost');
        this.resolveLost?.();
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const now = new Date();
    const leaseDurationSeconds = Math.ceil(this.opts.leaseDurationMs / 1000);
    try {
      const lease = await this.client.read(namespace, name);
      if (!lease) {
        await this.client.create(namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: 0 },
        });
        this.observe(`${identity}|${micro(now)?.toISOString()}`, now);
        return true;
      }
      const spec = lease.spec ?? {};
      const record = `${spec.holderIdentity ?? ''}|${micro(spec.renewTime)?.toISOString() ?? ''}`;
      if (record !== this.observedRecord) this.observe(record, now);
      const holder = spec.holderIdentity;
      const heldFor = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
      if (holder && holder !== identity && this.observedAt + heldFor > now.getTime()) return false;

      const mine = holder === identity;
      await this.client.replace(namespace, name, {
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: mine ? micro(spec.acquireTime) : micro(now),
          renewTime: micro(now),
          leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        },
      });
      this.observe(`${identity}|${micro(now)?.toISOString()}`, now);
      return true;
    } catch (err) {
      // A conflict means another candidate wrote first; anything else is logged and retried.
      if (!isConflict(err)) this.log.warn({ err: describeKubeError(err) }, 'lease request failed');
      return false;
    }
  }

  private observe(record: string, at: Date): void {
    this.observedRecord = record;
    this.observedAt = at.getTime();
  }

  private timesAsMicro(spec: V1LeaseSpec | undefined): V1LeaseSpec {
    return { ...spec, acquireTime: micro(spec?.acquireTime), renewTime: micro(spec?.renewTime) };
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
