// Which AWS identity each namespace's objects act with, from the EcsAccounts and the namespaces'
// labels: pure, so the informers' caches are its only input and a test needs no apiserver.
// A namespace no EcsAccount claims uses the operator's own identity (or is refused, with
// --require-account-mapping); one that several claim is refused rather than guessed.
import type { EcsAccount, NamespaceSelector } from '../../api/index.js';

/** A namespace as the mapping sees it: its name and labels. */
export interface NamespaceLabels {
  name: string;
  labels?: Readonly<Record<string, string>>;
}

export type NamespaceMapping =
  | { kind: 'mapped'; account: string }
  | { kind: 'conflict'; accounts: string[] };

export interface AccountMapping {
  /** Namespace -> the EcsAccount that serves it, or the several that claim it. Unclaimed namespaces are absent. */
  namespaces: ReadonlyMap<string, NamespaceMapping>;
  /** EcsAccount name -> the namespaces it claims (served or in conflict), sorted. */
  claims: ReadonlyMap<string, readonly string[]>;
}

/** True when `labels` meet every requirement of the selector (Kubernetes' label selector semantics). */
export function selectorMatches(selector: NamespaceSelector, labels: Readonly<Record<string, string>> = {}): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(value ?? '')) return false;
        break;
      case 'NotIn':
        if (has && values.includes(value ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The namespaces one EcsAccount claims: those it names, and those of `namespaces` its selector matches. */
export function claimedNamespaces(account: Pick<EcsAccount, 'spec'>, namespaces: readonly NamespaceLabels[]): string[] {
  const claimed = new Set(account.spec.namespaces ?? []);
  const selector = account.spec.namespaceSelector;
  if (selector) for (const ns of namespaces) if (selectorMatches(selector, ns.labels)) claimed.add(ns.name);
  return [...claimed].sort();
}

/** The mapping of every claimed namespace. EcsAccounts being deleted claim nothing. */
export function mapNamespaces(accounts: readonly EcsAccount[], namespaces: readonly NamespaceLabels[]): AccountMapping {
  const byNamespace = new Map<string, string[]>();
  const claims = new Map<string, readonly string[]>();
  for (const account of [...accounts].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    if ((account.metadata as { deletionTimestamp?: unknown }).deletionTimestamp !== undefined) continue;
    const claimed = claimedNamespaces(account, namespaces);
    claims.set(account.metadata.name, claimed);
    for (const ns of claimed) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), account.metadata.name]);
  }
  const mapped = new Map<string, NamespaceMapping>();
  for (const [ns, names] of byNamespace) {
    const [only] = names;
    mapped.set(ns, names.length === 1 && only !== undefined ? { kind: 'mapped', account: only } : { kind: 'conflict', accounts: names });
  }
  return { namespaces: mapped, claims };
}

/** The namespaces whose mapping differs between two mappings (to requeue their objects). */
export function changedNamespaces(before: AccountMapping, after: AccountMapping): string[] {
  const changed = new Set<string>();
  const key = (m: NamespaceMapping | undefined) => (m === undefined ? '' : m.kind === 'mapped' ? `=${m.account}` : `!${m.accounts.join(',')}`);
  for (const ns of new Set([...before.namespaces.keys(), ...after.namespaces.keys()])) {
    if (key(before.namespaces.get(ns)) !== key(after.namespaces.get(ns))) changed.add(ns);
  }
  return [...changed].sort();
}
