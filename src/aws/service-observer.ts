// Reads ECS services in batches. DescribeServices takes up to 10 services of one cluster per call,
// and service reads share one small rate budget per account and region, so concurrent reads of
// services in the same cluster are coalesced: 1,000 services cost 100 calls per resync, not 1,000.
// Services about to be created are looked for in a listing of the cluster's names instead, which
// one ListServices call (100 names a page) serves for all of them.
import { DescribeServicesCommand, paginateListServices, type DescribeServicesCommandOutput, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import DataLoader from 'dataloader';
import { AwsError } from './errors.js';

/** DescribeServices accepts at most 10 services per call. */
export const DESCRIBE_SERVICES_MAX = 10;

/**
 * `found` includes services in DRAINING and INACTIVE status: DescribeServices keeps returning a
 * deleted service as INACTIVE for a while, and what that means is the caller's decision.
 */
export type ServiceObservation = { kind: 'found'; service: Service } | { kind: 'notFound' };

export interface ServiceObserverOptions {
  /** How long the first request of a batch waits for others to join it. Default 5 ms. */
  windowMs?: number;
  /**
   * How old a listing of a cluster's service names may be to say that a service is not there.
   * Default 5 minutes: a service made by hand since is still found, by the CreateService that then
   * fails on its name (after which the listing no longer answers for that name, forget()).
   */
  listingMaxAgeMs?: number;
}

interface Listing {
  /** When it was asked for (Date.now()). */
  at: number;
  names: Promise<Set<string>>;
  /** Its ListServices calls once it is done; until then unknown (Infinity). */
  pages: number;
  /** Reads of services about to be created since it was asked for: those it answered, and those described instead. */
  asked: number;
}

export class ServiceObserver {
  private readonly loaders = new Map<string, DataLoader<string, ServiceObservation>>();
  /**
   * Observations read ahead by prefetch(), each handed to the first describe() of that service
   * before it expires. Nothing else holds them: a resync's 1,000 service descriptions are garbage
   * as soon as their reconciles have taken them (a timer per entry would hold each for its whole
   * lifetime).
   */
  private readonly prefetched = new Map<string, { observation: Promise<ServiceObservation>; expiresAt: number }>();
  /** The names of each cluster's ACTIVE services, by cluster name, with the operator's own writes added. */
  private readonly listings = new Map<string, Listing>();
  private readonly windowMs: number;
  private readonly listingMaxAgeMs: number;

  constructor(
    private readonly ecs: ECSClient,
    options: ServiceObserverOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 5;
    this.listingMaxAgeMs = options.listingMaxAgeMs ?? 5 * 60_000;
  }

  /**
   * describe() for a service that is probably not there yet (its object records none: it is about
   * to be created): a listing of the cluster's service names at most `listingMaxAgeMs` old, shared
   * by every such read, answers `notFound` for a name it lacks, and only a listed name is described.
   * New services come one at a time while task definition registrations are paced (about one a
   * second), so each would otherwise cost a DescribeServices call of its own. Only a listing asked
   * for at `notBefore` or later serves (the caller's object was made before it, so a service made
   * by hand before the object is in it), and no older than a prefetched observation may be; a
   * service made outside the operator since makes CreateService fail (its name is taken), after
   * which the listing no longer answers for that name (forget()).
   */
  async describeIfListed(cluster: string, service: string, notBefore = 0): Promise<ServiceObservation> {
    const key = lastSegment(cluster);
    const last = this.listings.get(key);
    const serves = last !== undefined && last.at >= notBefore && Date.now() - last.at <= this.listingMaxAgeMs;
    // A new listing costs a call per 100 services: in a large cluster where services come one at a
    // time (each object newer than any listing), more than describing each. So a new listing is
    // made only once the reads since the last one are as many as its calls.
    if (!serves && last && last.asked < last.pages) {
      last.asked++;
      return this.describe(cluster, service);
    }
    const listing = serves && last ? last : this.newListing(cluster, key);
    listing.asked++;
    const names = await listing.names;
    return names.has(lastSegment(service)) ? this.describe(cluster, service) : { kind: 'notFound' };
  }

  /**
   * Describes one service (by name or ARN) of `cluster`, with its tags. Requests for the same
   * cluster made within the window share DescribeServices calls. A service that does not exist
   * resolves to `notFound` for its caller only; an error of the call itself (a missing cluster,
   * throttling after retries) rejects every request of that batch with the same AwsError.
   */
  describe(cluster: string, service: string): Promise<ServiceObservation> {
    const key = `${cluster}\u0000${service}`;
    const ahead = this.prefetched.get(key);
    if (ahead) {
      this.prefetched.delete(key);
      if (ahead.expiresAt > Date.now()) return ahead.observation.catch(() => this.loaderFor(cluster).load(service));
    }
    return this.loaderFor(cluster).load(service);
  }

  /**
   * Reads `services` of `cluster` now, in calls of 10, for the reconciles about to run (a resync
   * starts them all at once, but they reach describe() spread out as workers free up, which would
   * split batches). Each observation serves one describe() within `ttlMs`; later ones read afresh.
   */
  prefetch(cluster: string, services: readonly string[], ttlMs = 60_000): void {
    const loader = this.loaderFor(cluster);
    const expiresAt = Date.now() + ttlMs;
    for (const service of new Set(services)) {
      const observation = loader.load(service);
      observation.catch(() => undefined);
      this.prefetched.set(`${cluster}\u0000${service}`, { observation, expiresAt });
    }
    // One sweep per prefetch, holding none of the observations, drops those nobody took.
    setTimeout(() => this.dropExpired(), ttlMs + 1).unref();
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [key, { expiresAt }] of this.prefetched) if (expiresAt <= now) this.prefetched.delete(key);
  }

  /**
   * Drops what was read ahead of `service` (a name or ARN, in any cluster): called after a write to
   * it, so that the next reconcile never judges the service by a read made before its own write
   * (a rollout it just started would look gone).
   */
  forget(service: string): void {
    const name = lastSegment(service);
    for (const key of this.prefetched.keys()) {
      if (lastSegment(key.slice(key.indexOf('\u0000') + 1)) === name) this.prefetched.delete(key);
    }
    // Listed from now on, in whichever cluster: the next read of it describes it.
    for (const listing of this.listings.values()) void listing.names.then((names) => names.add(name), () => undefined);
  }

  private newListing(cluster: string, key: string): Listing {
    const listing: Listing = { at: Date.now(), names: Promise.resolve(new Set()), pages: Infinity, asked: 0 };
    listing.names = this.listServiceNames(cluster, (pages) => (listing.pages = pages));
    // A failed listing is not kept: the next read asks again.
    listing.names.catch(() => this.listings.get(key) === listing && this.listings.delete(key));
    this.listings.set(key, listing);
    return listing;
  }

  private async listServiceNames(cluster: string, done: (pages: number) => void): Promise<Set<string>> {
    const names = new Set<string>();
    let pages = 0;
    for await (const page of paginateListServices({ client: this.ecs, pageSize: 100 }, { cluster, maxResults: 100 })) {
      pages++;
      for (const arn of page.serviceArns ?? []) names.add(lastSegment(arn));
    }
    done(pages);
    return names;
  }

  private loaderFor(cluster: string): DataLoader<string, ServiceObservation> {
    let loader = this.loaders.get(cluster);
    if (!loader) {
      loader = new DataLoader<string, ServiceObservation>((names) => this.describeBatch(cluster, names), {
        maxBatchSize: DESCRIBE_SERVICES_MAX,
        batchScheduleFn: (run) => setTimeout(run, this.windowMs),
        // Observations must be fresh on every reconcile, so DataLoader only batches, never caches.
        cache: false,
      });
      this.loaders.set(cluster, loader);
    }
    return loader;
  }

  private async describeBatch(cluster: string, names: readonly string[]): Promise<Array<ServiceObservation | AwsError>> {
    // Without a cache DataLoader passes a name twice when two callers asked for it.
    const unique = [...new Set(names)];
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: unique, include: ['TAGS'] }));
    return names.map((name) => observationFor(name, out));
  }
}

function observationFor(name: string, out: DescribeServicesCommandOutput): ServiceObservation | AwsError {
  const found = out.services?.find((s) => s.serviceName === name || s.serviceArn === name);
  if (found) {
    // ECS returns each service's last 100 events (a "reached a steady state" every few hours
    // fills them): often most of the answer, and nothing here reads them.
    const { events: _events, ...service } = found;
    return { kind: 'found', service };
  }
  // A failure names the service by ARN; for a request by name, the name is its last segment.
  const failure = out.failures?.find((f) => f.arn === name || f.arn?.endsWith(`/${name}`));
  if (failure?.reason === 'MISSING') return { kind: 'notFound' };
  const code = failure?.reason ?? 'NoResult';
  const message = failure ? (failure.detail ?? failure.reason ?? 'failed') : `DescribeServices returned neither the service nor a failure for ${name}`;
  return new AwsError({ kind: 'unknown', retryable: true, code, message }, 'ecs', 'DescribeServices');
}

function lastSegment(nameOrArn: string): string {
  return nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1);
}
