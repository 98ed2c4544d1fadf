// The drift report, built from the plans the reconcilers computed: a difference in the report is a
// FieldDiff of a PlannedChange, never the result of a second comparison.
import type { Kind } from '../api/index.js';
import type { PlannedChange } from '../reconcile/plan-types.js';
import { DRIFT_REPORT_API_VERSION, DRIFT_REPORT_KIND, type DriftDifference, type DriftReport, type ObjectReport, type ObjectStatus } from './schema.js';

/** Which object a result is about. */
export interface ObjectIdentity {
  kind: Kind;
  namespace: string;
  name: string;
  region?: string;
  cluster?: string;
  /** Where the manifest came from (`examples/web.yaml:42`), for the file source. */
  source?: string;
}

/** What observing and planning one object gave: its plan, or why there is none. */
export type ObjectResult =
  | {
      identity: ObjectIdentity;
      plan: readonly PlannedChange[];
      /**
       * The object's own AWS resource was not found: its ECS service, or any revision of its task
       * definition family (never applied, or deleted behind the operator's back). The observer
       * knows this; the plan alone cannot tell a missing service from one missing a field.
       */
      missing?: boolean;
    }
  | { identity: ObjectIdentity; error: { message: string; reason?: string } };

/** One row per field difference; a change that names no field still gets a row, without a path. */
export function differencesOf(plan: readonly PlannedChange[]): DriftDifference[] {
  const rows: DriftDifference[] = [];
  for (const change of plan) {
    const base = { resource: change.resource, id: change.id, action: change.action };
    if (change.diffs.length === 0) rows.push(base);
    for (const d of change.diffs) {
      const row: DriftDifference = { ...base, path: d.path };
      const desired = toJson(d.desired);
      const actual = toJson(d.actual);
      if (desired !== undefined) row.desired = desired;
      if (actual !== undefined) row.actual = actual;
      rows.push(row);
    }
  }
  return rows;
}

function statusOf(plan: readonly PlannedChange[], missing: boolean): ObjectStatus {
  if (missing) return 'Missing';
  return plan.length === 0 ? 'InSync' : 'Drifted';
}

/**
 * The report for a set of results. Pure: the same results and time give the same report, whatever
 * order the results arrive in (objects are reconciled concurrently).
 */
export function buildDriftReport(results: readonly ObjectResult[], now: Date): DriftReport {
  const objects: ObjectReport[] = results.map((r) => {
    const { kind, namespace, name, region, cluster, source } = r.identity;
    const base = {
      kind,
      namespace,
      name,
      ...(region !== undefined && { region }),
      ...(cluster !== undefined && { cluster }),
      ...(source !== undefined && { source }),
    };
    if ('error' in r) {
      return { ...base, status: 'Error', differences: [], error: { message: r.error.message, ...(r.error.reason !== undefined && { reason: r.error.reason }) } };
    }
    // Taking over a resource that already matches (adoptExisting) writes only ownership tags: AWS
    // does not differ from the manifest.
    const plan = r.plan.filter((c) => !c.adoption);
    return { ...base, status: statusOf(plan, r.missing === true), differences: differencesOf(plan) };
  });
  objects.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.kind, b.kind));
  const count = (s: ObjectStatus) => objects.filter((o) => o.status === s).length;
  return {
    apiVersion: DRIFT_REPORT_API_VERSION,
    kind: DRIFT_REPORT_KIND,
    generatedAt: now.toISOString(),
    summary: {
      objects: objects.length,
      inSync: count('InSync'),
      drifted: count('Drifted'),
      missing: count('Missing'),
      errors: count('Error'),
      differences: objects.reduce((n, o) => n + o.differences.length, 0),
    },
    objects,
  };
}

/** Like `terraform plan -detailed-exitcode`: 0 in sync, 2 drift found, 1 error; an error wins over drift. */
export function driftExitCode(report: DriftReport): 0 | 1 | 2 {
  if (report.summary.errors > 0) return 1;
  return report.summary.drifted + report.summary.missing > 0 ? 2 : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A plan value as JSON (what the JSON report carries): Dates as RFC 3339, undefined members
 * dropped, big integers as strings. Plans hold canonical JSON already; this guards the report
 * against anything else.
 */
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    // A value JSON cannot hold (a cycle): still say that it differs.
    return String(value);
  }
}
