// What `apply` did, per object, judged from the passes it made: the document `apply -o json` prints
// for scripts, and the settled/waiting verdict `apply --wait` loops on. Pure: passes in, report out.
import { API_VERSION } from '../api/index.js';
import type { ObjectResult } from '../drift/index.js';
import { healthMessage, type ReconcileOutcome } from '../reconcile/outcome.js';
import { objectKey, type FileRunResult } from './reconcile-files.js';

/**
 * deployed: a service's new deployment completed (ECS rolloutState COMPLETED), though tasks of the
 * one it replaced may still drain. stable: every object Ready (for a service, only its new tasks run).
 */
export type WaitUntil = 'deployed' | 'stable';

export interface ObjectProgress {
  state: 'settled' | 'stalled' | 'waiting' | 'timedOut';
  message: string;
}

export type ApplyAction = 'create' | 'update' | 'none' | 'error';
export type ApplyOutcome = 'Applied' | 'Unchanged' | 'WouldChange' | 'Ready' | 'Deployed' | 'Stalled' | 'Failed' | 'TimedOut';

export interface ApplyReport {
  apiVersion: string;
  kind: 'ApplyReport';
  dryRun: boolean;
  waitUntil?: WaitUntil;
  elapsedSeconds: number;
  objects: {
    kind: string;
    namespace: string;
    name: string;
    region?: string;
    cluster?: string;
    source?: string;
    action: ApplyAction;
    /** The AWS changes planned, with the fields each sets: made, unless --dry-run or driftPolicy Report held them back. */
    changes: { resource: string; id: string; action: string; fields: string[] }[];
    outcome: ApplyOutcome;
    message?: string;
    /** What was done, as the controller's Events say it. */
    events: string[];
  }[];
  summary: { objects: number; changed: number; failed: number };
}

/** Whether one object has settled after a pass: Ready (or, for deployed, its deployment completed), Stalled, or not yet. */
export function settledState(result: ObjectResult, outcome: ReconcileOutcome<unknown> | undefined, waitUntil: WaitUntil): ObjectProgress {
  const conditions = outcome?.conditions ?? [];
  const stalled = conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled) return { state: 'stalled', message: stalled.message };
  // A pass that failed for this object without a verdict (a crash, an unchecked dependency) is not a
  // settled state: the next pass may succeed.
  if ('error' in result) return { state: 'waiting', message: result.error.message };
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { state: 'settled', message: ready.message };
  if (waitUntil === 'deployed' && result.identity.kind === 'EcsService' && deploymentCompleted(outcome?.status)) {
    return { state: 'settled', message: `deployed; ${healthMessage(conditions) ?? 'tasks of the previous deployment still draining'}` };
  }
  return { state: 'waiting', message: healthMessage(conditions) ?? 'not reconciled yet' };
}

/**
 * The live progress line cut to the terminal's width (one column spare, so the cursor does not
 * wrap). A terminal that reports no width (0 or undefined: some CI runners allocate a TTY of 0
 * columns) gets the whole line rather than none of it.
 */
export function fitToTerminal(line: string, columns: number | undefined): string {
  return columns !== undefined && columns > 1 ? line.slice(0, columns - 1) : line;
}

function deploymentCompleted(status: unknown): boolean {
  const s = status as { deployments?: { status?: string; rolloutState?: string }[]; rollout?: { state?: string } } | undefined;
  if (s?.rollout?.state === 'FAILED') return false;
  return s?.deployments?.some((d) => d.status === 'PRIMARY' && d.rolloutState === 'COMPLETED') === true;
}

/** The report of a run of `apply`: its passes in order, and with --wait each object's last state. */
export function applyReport(
  runs: readonly FileRunResult[],
  progress: ReadonlyMap<string, ObjectProgress> | undefined,
  meta: { dryRun: boolean; elapsedMs: number; waitUntil?: WaitUntil },
): ApplyReport {
  const first = runs[0]?.results ?? [];
  const objects = first.map((result) => {
    const { kind, namespace, name, region, cluster, source } = result.identity;
    const key = objectKey(kind, namespace, name);
    const outcomes = runs.map((r) => r.outcomes.get(key)).filter((o) => o !== undefined);
    const last = runs.at(-1)?.results.find((r) => objectKey(r.identity.kind, r.identity.namespace, r.identity.name) === key) ?? result;
    const changes = uniqueChanges(outcomes);
    const action: ApplyAction = 'error' in result && !runs[0]?.outcomes.has(key) ? 'error' : 'missing' in result && result.missing ? 'create' : changes.length > 0 ? 'update' : 'none';
    const { outcome, message } = judge(last, outcomes.at(-1), outcomes, progress?.get(key), meta);
    return {
      kind,
      namespace,
      name,
      ...(region !== undefined && { region }),
      ...(cluster !== undefined && { cluster }),
      ...(source !== undefined && { source }),
      action,
      changes,
      outcome,
      ...(message !== undefined && { message }),
      events: outcomes.flatMap((o) => o.events.map((e) => e.message)),
    };
  });
  return {
    apiVersion: API_VERSION,
    kind: 'ApplyReport',
    dryRun: meta.dryRun,
    ...(meta.waitUntil && { waitUntil: meta.waitUntil }),
    elapsedSeconds: Math.round(meta.elapsedMs / 100) / 10,
    objects,
    summary: {
      objects: objects.length,
      changed: objects.filter((o) => o.changes.length > 0).length,
      failed: objects.filter((o) => o.outcome === 'Failed' || o.outcome === 'Stalled' || o.outcome === 'TimedOut').length,
    },
  };
}

function judge(
  result: ObjectResult,
  outcome: ReconcileOutcome<unknown> | undefined,
  outcomes: readonly ReconcileOutcome<unknown>[],
  progress: ObjectProgress | undefined,
  meta: { dryRun: boolean; waitUntil?: WaitUntil },
): { outcome: ApplyOutcome; message?: string } {
  const stalled = outcome?.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled) return { outcome: 'Stalled', message: stalled.message };
  if (progress) {
    if (progress.state === 'settled') return { outcome: meta.waitUntil === 'deployed' && result.identity.kind === 'EcsService' ? 'Deployed' : 'Ready', message: progress.message };
    if (progress.state === 'timedOut') return { outcome: 'TimedOut', message: progress.message };
  }
  if ('error' in result) return { outcome: 'Failed', message: result.error.message };
  if (meta.dryRun) return { outcome: result.plan.length > 0 ? 'WouldChange' : 'Unchanged' };
  return { outcome: outcomes.some((o) => o.applied) ? 'Applied' : 'Unchanged' };
}

function uniqueChanges(outcomes: readonly ReconcileOutcome<unknown>[]): ApplyReport['objects'][number]['changes'] {
  const seen = new Set<string>();
  const changes: ApplyReport['objects'][number]['changes'] = [];
  for (const o of outcomes) {
    for (const c of o.plan) {
      const change = { resource: c.resource, id: c.id, action: c.action, fields: c.diffs.map((d) => d.path) };
      const key = JSON.stringify(change);
      if (!seen.has(key)) changes.push(change);
      seen.add(key);
    }
  }
  return changes;
}
