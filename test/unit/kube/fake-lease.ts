// An in-memory Lease with the apiserver's optimistic concurrency, shared by fake clients.
import type { V1Lease } from '@kubernetes/client-node';
import type { LeaseClient } from '../../../src/kube/leader-election.js';
import type { ShardLeaseClient } from '../../../src/kube/shard-leases.js';

/** One Lease with resourceVersion checks, as the apiserver keeps it. */
export class FakeLeaseStore {
  lease: V1Lease | undefined;
  private rv = 0;
  write(lease: V1Lease): V1Lease {
    this.rv++;
    // Round-trip through JSON like the wire does: @kubernetes/client-node 1.4 hands lease times
    // back as strings although it types them as Dates.
    const copy = JSON.parse(JSON.stringify(lease)) as V1Lease;
    this.lease = { ...copy, metadata: { ...copy.metadata, resourceVersion: String(this.rv) } };
    return this.lease;
  }
}

/** A client of the shared store; `down` makes every call fail (a partitioned or killed replica). */
export class FakeLeaseClient implements LeaseClient {
  down = false;
  /** How long a replace's answer takes to come back (the write itself lands at once). */
  answerDelayMs = 0;
  constructor(private readonly store: FakeLeaseStore) {}
  private check() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async read(): Promise<V1Lease | undefined> {
    this.check();
    return this.store.lease && structuredClone(this.store.lease);
  }
  async create(_ns: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (this.store.lease) throw Object.assign(new Error('exists'), { code: 409 });
    return this.store.write(lease);
  }
  async replace(_ns: string, _name: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (lease.metadata?.resourceVersion !== this.store.lease?.metadata?.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
    const written = this.store.write(lease);
    if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    return written;
  }
}


/** Leases in one namespace with the apiserver's optimistic concurrency. */
export class FakeLeases {
  readonly leases = new Map<string, V1Lease>();
  private rv = 0;
  write(lease: V1Lease): V1Lease {
    const copy = JSON.parse(JSON.stringify(lease)) as V1Lease;
    const stored = { ...copy, metadata: { ...copy.metadata, resourceVersion: String(++this.rv) } };
    this.leases.set(stored.metadata.name ?? '', stored);
    return structuredClone(stored);
  }
}

/** A replica's client of the shared Leases; `down` fails every call (a partition). */
export class FakeShardLeaseClient implements ShardLeaseClient {
  down = false;
  constructor(private readonly store: FakeLeases) {}
  private check() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async list(): Promise<V1Lease[]> {
    this.check();
    return [...this.store.leases.values()].map((l) => structuredClone(l));
  }
  async read(_ns: string, name: string): Promise<V1Lease | undefined> {
    this.check();
    const l = this.store.leases.get(name);
    return l && structuredClone(l);
  }
  async create(_ns: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (this.store.leases.has(lease.metadata?.name ?? '')) throw Object.assign(new Error('exists'), { code: 409 });
    return this.store.write(lease);
  }
  async replace(_ns: string, name: string, lease: V1Lease): Promise<V1Lease> {
    this.check();
    if (lease.metadata?.resourceVersion !== this.store.leases.get(name)?.metadata?.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
    return this.store.write(lease);
  }
}
