// Reconciles an EcsAccount: assumes its role (a fresh AssumeRole at every look, so a trust policy
// that no longer names the operator shows at the next resync) and reports in status the account,
// the namespaces it serves, and the namespaces another EcsAccount claims too. Its namespaces'
// objects are looked at again whenever the role becomes assumable or stops being so.
import type { EcsAccount, EcsAccountStatus } from '../api/index.js';
import { accountIdOfRole } from '../api/index.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../controller/reconciler.js';
import type { EventRecorder } from '../kube/events.js';
import type { StatusWriter } from '../kube/status.js';
import { conditionsFor } from '../reconcile/outcome.js';
import type { AccountDirectory } from './accounts.js';
import { nextAttempt, recordEvents, writeStatus } from './status-binding.js';

export interface AccountReconcilerDeps {
  directory: AccountDirectory;
  status: StatusWriter<EcsAccountStatus, EcsAccount>;
  events: EventRecorder;
  now(): Date;
}

export class AccountReconciler implements Reconciler<EcsAccount> {
  /** Whether each EcsAccount's role could be assumed at its last look. */
  private readonly assumable = new Map<string, boolean>();

  constructor(private readonly deps: AccountReconcilerDeps) {}

  async reconcile(key: string, ctx: ReconcileContext<EcsAccount>): Promise<ReconcileResult> {
    const account = ctx.object;
    if (!account) {
      this.assumable.delete(key);
      return done();
    }
    const { directory } = this.deps;
    const name = account.metadata.name;
    const mapping = directory.mapping();
    const claimed = mapping.claims.get(name) ?? [];
    const served: string[] = [];
    const conflicts: NonNullable<EcsAccountStatus['conflicts']> = [];
    for (const ns of claimed) {
      const m = mapping.namespaces.get(ns);
      if (m?.kind === 'conflict') conflicts.push({ namespace: ns, claimedBy: m.accounts.filter((a) => a !== name) });
      else served.push(ns);
    }

    const { role } = directory.roleFor(account);
    let failure: string | undefined;
    try {
      await role.verify();
    } catch (err) {
      failure = `STS AssumeRole of ${account.spec.roleArn} failed: ${err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err)}`;
    }
    const ok = failure === undefined;
    if (this.assumable.get(key) !== ok) {
      const known = this.assumable.has(key);
      this.assumable.set(key, ok);
      // At start every object is reconciled anyway; afterwards a flip requeues the namespaces' objects.
      if (known) directory.availabilityChanged(name);
    }

    const health =
      failure !== undefined
        ? { kind: 'stalled' as const, reason: 'AssumeRoleFailed', message: `${failure}: the objects of its namespaces are refused (AccountUnavailable) until the role can be assumed` }
        : conflicts.length > 0
          ? {
              kind: 'stalled' as const,
              reason: 'NamespaceConflict',
              message: `${conflicts.map((c) => `namespace ${c.namespace} is also claimed by EcsAccount ${c.claimedBy.join(', ')}`).join('; ')}: the objects of ${conflicts.length === 1 ? 'that namespace' : 'those namespaces'} are refused until only one EcsAccount claims ${conflicts.length === 1 ? 'it' : 'each'}`,
            }
          : { kind: 'ready' as const, reason: 'RoleAssumed', message: `role assumed; serving ${served.length} namespace(s)` };
    // Ready, Reconciling and Stalled: a mapping has nothing in AWS to be Synced or Drifted with.
    const conditions = conditionsFor(health, { inSync: true, reason: health.reason, message: '' }).filter((c) => c.type !== 'Synced');
    const outcome = { conditions, ...(health.kind === 'stalled' ? { backoff: 'stalled' as const } : {}) };
    const now = this.deps.now();
    recordEvents(this.deps.events, account, [], outcome.conditions);
    const next = nextAttempt(account, outcome, ctx.failingSince, now);
    const status: Omit<EcsAccountStatus, 'conditions' | 'observedGeneration'> = {
      accountId: role.accountId ?? accountIdOfRole(account.spec.roleArn),
      namespaces: served,
      ...(conflicts.length > 0 ? { conflicts } : {}),
    };
    await writeStatus(this.deps.status, account, status, next.conditions, now);
    return next.result;
  }
}
