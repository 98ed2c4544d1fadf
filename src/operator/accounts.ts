// Which AWS identity the objects of each namespace act with, read from the EcsAccount and
// Namespace informers (so an edit applies without a restart), and the gate every kind's reconcile
// passes first: the namespace's adapter, or why its objects are refused before any AWS call.
import type { KubernetesObject } from '@kubernetes/client-node';
import { accountIdOfRole, DEFAULT_SESSION_NAME, type EcsAccount } from '../api/index.js';
import { roleKey, withDefaultRegion, type AccountAdapters } from '../aws/accounts.js';
import type { AwsAdapter } from '../aws/adapter.js';
import type { AssumedRole, RoleToAssume } from '../aws/assumed-role.js';
import type { Informer } from '../kube/informer.js';
import type { NamespaceObject } from '../kube/namespaces.js';
import type { Logger } from '../observability/logger.js';
import { describeForeignArns, foreignArns } from '../reconcile/account/foreign-arns.js';
import { mapNamespaces, type AccountMapping, type NamespaceMapping } from '../reconcile/account/mapping.js';

/** The account key of the operator's own identity (namespaces no EcsAccount maps). */
export const OWN_ACCOUNT_KEY = 'default';

export type AccountRefusal = 'NoAccountMapping' | 'AccountMappingConflict' | 'AccountUnavailable' | 'ForeignAccountArn';

export type AccountResolution =
  | { kind: 'own'; aws: AwsAdapter }
  | { kind: 'mapped'; aws: AwsAdapter; account: string; accountId: string }
  | { kind: 'refused'; reason: AccountRefusal; message: string };

/** What a kind's reconcile asks before it touches AWS. */
export interface AccountGate {
  /**
   * The adapter the objects of `namespace` act with, or why they may not act. With `spec`, an
   * object of a mapped namespace is also refused when it names a resource of another account.
   */
  resolve(namespace: string, spec?: unknown): Promise<AccountResolution>;
}

/** The operator's own identity for every namespace: the CLI's file source and single-account tests. */
export function ownIdentityGate(aws: AwsAdapter): AccountGate {
  return { resolve: async () => ({ kind: 'own', aws }) };
}

export const roleOf = (account: EcsAccount): RoleToAssume => ({
  roleArn: account.spec.roleArn,
  sessionName: account.spec.sessionName ?? DEFAULT_SESSION_NAME,
  ...(account.spec.externalId === undefined ? {} : { externalId: account.spec.externalId }),
});

const deleting = (o: KubernetesObject) => o.metadata?.deletionTimestamp !== undefined;

export interface AccountDirectoryOptions {
  accounts: Informer<EcsAccount>;
  namespaces: Informer<NamespaceObject>;
  adapters: AccountAdapters;
  /** --require-account-mapping: objects of a namespace no EcsAccount maps are refused. */
  requireMapping: boolean;
  log: Logger;
}

export class AccountDirectory implements AccountGate {
  private current: AccountMapping = { namespaces: new Map(), claims: new Map() };
  /** Per namespace, what its objects act with, as a comparable string: a change requeues them. */
  private fingerprints = new Map<string, string>();
  private readonly listeners = new Set<(namespaces: readonly string[]) => void>();

  constructor(private readonly opts: AccountDirectoryOptions) {
    const refresh = () => this.refresh();
    opts.accounts.onChange(refresh);
    opts.namespaces.onChange((change) => {
      // Only labels matter, and only while some EcsAccount selects by them.
      if (change.type === 'updated' && JSON.stringify(change.old.metadata.labels ?? {}) === JSON.stringify(change.object.metadata.labels ?? {})) return;
      if (opts.accounts.store.list().some((a) => a.spec.namespaceSelector !== undefined)) refresh();
    });
  }

  /** Called with the namespaces whose identity changed (mapping, role, region or availability). */
  onNamespacesChanged(listener: (namespaces: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The mapping as the caches hold it now. */
  mapping(): AccountMapping {
    return this.current;
  }

  /** The namespace's mapping entry, if an EcsAccount claims it. */
  mappingOf(namespace: string): NamespaceMapping | undefined {
    return this.current.namespaces.get(namespace);
  }

  /**
   * The key of the AWS identity the namespace's objects act with, for per-account shares and
   * labels: the 12-digit account of the EcsAccount's role, or OWN_ACCOUNT_KEY ('default') for the
   * operator's own identity, an unmapped namespace and one claimed by several EcsAccounts.
   */
  accountKeyOf(namespace: string): string {
    const m = this.current.namespaces.get(namespace);
    if (m?.kind !== 'mapped') return OWN_ACCOUNT_KEY;
    const account = this.opts.accounts.store.get(m.account);
    return (account && accountIdOfRole(account.spec.roleArn)) ?? OWN_ACCOUNT_KEY;
  }

  /** The role of an EcsAccount, with its adapter (created on first use). */
  roleFor(account: EcsAccount): { role: AssumedRole; aws: AwsAdapter } {
    return this.opts.adapters.forRole(roleOf(account));
  }

  /** An EcsAccount's role became assumable or not: its namespaces' objects are looked at again. */
  availabilityChanged(account: string): void {
    this.emit([...(this.current.claims.get(account) ?? [])]);
  }

  async resolve(namespace: string, spec?: unknown): Promise<AccountResolution> {
    const m = this.current.namespaces.get(namespace);
    if (m === undefined) {
      if (!this.opts.requireMapping) return { kind: 'own', aws: this.opts.adapters.own };
      return { kind: 'refused', reason: 'NoAccountMapping', message: `no EcsAccount maps namespace ${namespace} to an AWS account, and the operator runs with --require-account-mapping: a cluster admin must create one (or add the namespace to one) before this object can act` };
    }
    if (m.kind === 'conflict') {
      return { kind: 'refused', reason: 'AccountMappingConflict', message: `namespace ${namespace} is claimed by several EcsAccounts (${m.accounts.join(', ')}): the operator does not guess which AWS account to act in; a cluster admin must leave it in one of them` };
    }
    const account = this.opts.accounts.store.get(m.account);
    if (!account) return { kind: 'refused', reason: 'AccountUnavailable', message: `EcsAccount ${m.account} is gone` };
    const accountId = accountIdOfRole(account.spec.roleArn) ?? '';
    if (spec !== undefined) {
      const foreign = foreignArns(spec, accountId);
      if (foreign.length > 0) return { kind: 'refused', reason: 'ForeignAccountArn', message: describeForeignArns(foreign, accountId, m.account) };
    }
    const { role, aws } = this.roleFor(account);
    try {
      await role.current();
    } catch (err) {
      return { kind: 'refused', reason: 'AccountUnavailable', message: `the role of EcsAccount ${m.account} (${account.spec.roleArn}) cannot be assumed: ${err instanceof Error ? err.message : String(err)}` };
    }
    return { kind: 'mapped', aws: withDefaultRegion(aws, account.spec.region), account: m.account, accountId };
  }

  private refresh(): void {
    const accounts = this.opts.accounts.store.list();
    const namespaces = this.opts.namespaces.store.list().filter((ns) => !deleting(ns)).map((ns) => ({ name: ns.metadata.name, labels: ns.metadata.labels }));
    const next = mapNamespaces(accounts, namespaces);
    const byName = new Map(accounts.map((a) => [a.metadata.name, a]));
    const fingerprints = new Map<string, string>();
    for (const [ns, m] of next.namespaces) {
      const account = m.kind === 'mapped' ? byName.get(m.account) : undefined;
      fingerprints.set(ns, m.kind === 'conflict' ? `conflict:${m.accounts.join(',')}` : account ? `${m.account}\n${roleKey(roleOf(account))}\n${account.spec.region ?? ''}` : '');
    }
    const changed = [...new Set([...this.fingerprints.keys(), ...fingerprints.keys()])].filter((ns) => this.fingerprints.get(ns) !== fingerprints.get(ns));
    this.current = next;
    this.fingerprints = fingerprints;
    // Roles no EcsAccount names any more: their clients are closed.
    this.opts.adapters.retain(new Set(accounts.map((a) => roleKey(roleOf(a)))));
    if (changed.length > 0) {
      this.opts.log.info({ namespaces: changed.length }, 'account mapping changed; reconciling the objects of those namespaces');
      this.emit(changed);
    }
  }

  private emit(namespaces: readonly string[]): void {
    if (namespaces.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(namespaces);
      } catch (err) {
        this.opts.log.error({ err }, 'account mapping listener failed');
      }
    }
  }
}

/**
 * The spec whose ARNs the gate checks: none while the object is being deleted, since cleanup acts
 * only on what status records the object made, in its own account.
 */
export function actingSpec(object: KubernetesObject & { spec: unknown }): unknown {
  return deleting(object) ? undefined : object.spec;
}
