// Prometheus metrics for the whole process. One registry, created at import, so that any module
// (the AWS adapters in particular) can count what it does without being handed a handle; label
// values, not separate registries, tell controllers apart.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from './version.js';

export const metricsRegistry = new Registry();

// Which build runs: a constant 1 whose labels say the version, as Prometheus' own *_build_info
// metrics do, so a dashboard or alert can join on it and a rollout shows in a query.
new Gauge({
  name: 'ecs_operator_build_info',
  help: 'Always 1; the labels name the running build (version from package.json, set from the release tag) and its Node.js runtime.',
  labelNames: ['version', 'node_version'] as const,
  registers: [metricsRegistry],
}).set({ version: VERSION, node_version: process.versions.node }, 1);

/** How one reconcile ended. `skipped` = not run because the object is parked on a terminal error. */
/** `stopped`: cut short because its shard or leadership moved on (see work-context.ts). */
export type ReconcileOutcome = 'done' | 'requeue' | 'backoff' | 'retryable_error' | 'terminal_error' | 'skipped' | 'stopped';

/**
 * How one AWS API call ended: `success`, `throttled` (the shared rate budget ran out), or the AWS
 * error code of a failure (`ServiceNotFoundException`): a bounded set, so fine as a label.
 */
export type AwsCallOutcome = string;

const reconcileTotal = new Counter({
  name: 'ecs_operator_reconcile_total',
  help: 'Reconciles run, by controller, outcome and account (the AWS account of the EcsAccount role serving the namespace, or default for the operator\'s own identity).',
  labelNames: ['controller', 'outcome', 'account'] as const,
  registers: [metricsRegistry],
});

const reconcileDuration = new Histogram({
  name: 'ecs_operator_reconcile_duration_seconds',
  help: 'Wall time of one reconcile, by controller, outcome and account.',
  labelNames: ['controller', 'outcome', 'account'] as const,
  // Fine at the low end: a reconcile with nothing to do takes milliseconds (its target is a p99
  // under 50 ms), and a quantile read from coarse buckets says little below the first bucket.
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

const awsCalls = new Counter({
  name: 'ecs_operator_aws_api_calls_total',
  help: 'AWS API calls, by service, operation, outcome and account (the AWS account of the EcsAccount role that made the call, or default for the operator\'s own identity).',
  labelNames: ['service', 'operation', 'outcome', 'account'] as const,
  registers: [metricsRegistry],
});

const awsCallDuration = new Histogram({
  name: 'ecs_operator_aws_api_call_duration_seconds',
  help: 'Latency of AWS API calls, by service, operation and account.',
  labelNames: ['service', 'operation', 'account'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const watchRestarts = new Counter({
  name: 'ecs_operator_watch_restarts_total',
  help: 'Watch streams restarted, by resource and reason (closed, error, idle, gone).',
  labelNames: ['resource', 'reason'] as const,
  registers: [metricsRegistry],
});

const watchRelists = new Counter({
  name: 'ecs_operator_watch_relists_total',
  help: 'Full lists of a resource (the first one and every relist after 410 Gone).',
  labelNames: ['resource'] as const,
  registers: [metricsRegistry],
});

const statusConflicts = new Counter({
  name: 'ecs_operator_status_update_conflicts_total',
  help: 'Status writes that hit a resourceVersion conflict and were re-read and retried.',
  labelNames: ['resource'] as const,
  registers: [metricsRegistry],
});

const kubeEvents = new Counter({
  name: 'ecs_operator_kube_events_total',
  help: 'Kubernetes Events the operator recorded: created, aggregated into a series, dropped by the spam limit, or failed.',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const isLeader = new Gauge({
  name: 'ecs_operator_leader',
  help: '1 while this process holds the leader-election lease.',
  registers: [metricsRegistry],
});

const shardHeld = new Gauge({
  name: 'ecs_operator_shard_held',
  help: '1 for each shard whose Lease this process holds (it reconciles that shard\'s namespaces), 0 for the others; absent unless --shards is over 1.',
  labelNames: ['shard'] as const,
  registers: [metricsRegistry],
});

/** Live views of the work queues, read when Prometheus scrapes rather than updated on every add. */
export interface QueueStats {
  depth: number;
  inFlight: number;
  delayed: number;
}
const queueSources = new Map<string, () => QueueStats>();

function queueGauge(name: string, help: string, pick: (s: QueueStats) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['controller'] as const,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const [controller, read] of queueSources) this.set({ controller }, pick(read()));
    },
  });
}
queueGauge('ecs_operator_workqueue_depth', 'Keys waiting to be reconciled now.', (s) => s.depth);
queueGauge('ecs_operator_workqueue_in_flight', 'Reconciles running now.', (s) => s.inFlight);
queueGauge('ecs_operator_workqueue_delayed', 'Keys scheduled for later (requeue-after, backoff).', (s) => s.delayed);

/**
 * The `account` label of the operator's own identity. Otherwise the 12-digit AWS account of an EcsAccount's role:
 * as bounded as the mapping objects a cluster admin creates, so fine as a label.
 */
export const DEFAULT_ACCOUNT = 'default';

export function recordReconcile(controller: string, outcome: ReconcileOutcome, seconds: number, account = DEFAULT_ACCOUNT): void {
  reconcileTotal.inc({ controller, outcome, account });
  reconcileDuration.observe({ controller, outcome, account }, seconds);
}

/** Counts one AWS API call (and its latency, when known). Called for every request sent to AWS. */
export function recordAwsCall(service: string, operation: string, outcome: AwsCallOutcome, durationMs?: number, account = DEFAULT_ACCOUNT): void {
  awsCalls.inc({ service, operation, outcome, account });
  if (durationMs !== undefined) awsCallDuration.observe({ service, operation, account }, durationMs / 1000);
}

/** A sink for src/aws's AwsCallCounter (`counter.addSink(awsCallMetrics)`): every call becomes metrics. */
export const awsCallMetrics = {
  onCall(service: string, operation: string, outcome: AwsCallOutcome, durationMs: number, account: string): void {
    recordAwsCall(service, operation, outcome, durationMs, account);
  },
};

export function recordWatchRestart(resource: string, reason: 'closed' | 'error' | 'idle' | 'gone'): void {
  watchRestarts.inc({ resource, reason });
}

export function recordRelist(resource: string): void {
  watchRelists.inc({ resource });
}

export function recordStatusConflict(resource: string): void {
  statusConflicts.inc({ resource });
}

export function recordKubeEvent(outcome: 'created' | 'aggregated' | 'dropped' | 'failed'): void {
  kubeEvents.inc({ outcome });
}

export function setLeader(leader: boolean): void {
  isLeader.set(leader ? 1 : 0);
}

export function setShardHeld(shard: number, held: boolean): void {
  shardHeld.set({ shard: String(shard) }, held ? 1 : 0);
}

/** Registers a queue for the depth gauges; returns the function that unregisters it. */
export function registerQueue(controller: string, read: () => QueueStats): () => void {
  queueSources.set(controller, read);
  return () => {
    if (queueSources.get(controller) === read) queueSources.delete(controller);
  };
}

let processMetricsOn = false;
/**
 * Adds Node's process metrics (memory, CPU, event-loop lag) under their standard names
 * (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`...), without the operator's prefix:
 * the names every Node.js dashboard and the process exporter conventions use. Idempotent.
 */
export function enableProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

// Drift, by kind and namespace: which objects differ from AWS now (a gauge computed from the set
// of drifted objects), and how often drift was put back.
const drifted = new Map<string, Set<string>>();
new Gauge({
  name: 'ecs_operator_drifted_objects',
  help: 'Objects whose AWS resources currently differ from the manifest, by kind and namespace.',
  labelNames: ['kind', 'namespace'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [key, names] of drifted) {
      const [kind = '', namespace = ''] = key.split('\u0000');
      this.set({ kind, namespace }, names.size);
    }
  },
});
const driftCorrections = new Counter({
  name: 'ecs_operator_drift_corrections_total',
  help: 'Times drift found in AWS was corrected, by kind and namespace.',
  labelNames: ['kind', 'namespace'] as const,
  registers: [metricsRegistry],
});

export function recordDrift(kind: string, namespace: string, name: string, detected: boolean, corrected: boolean): void {
  const key = `${kind}\u0000${namespace}`;
  const names = drifted.get(key) ?? new Set<string>();
  if (detected) names.add(name);
  else names.delete(name);
  drifted.set(key, names);
  if (corrected) driftCorrections.inc({ kind, namespace });
}

/** What the object gauges read of one cached object. */
export interface ObjectSummary {
  namespace: string;
  conditions: readonly { type: string; status: string; reason?: string }[];
  /** True when drift found in AWS is to be put back (driftPolicy Correct, the default). */
  correctsDrift: boolean;
}
const objectSources = new Map<string, () => readonly ObjectSummary[]>();

// Objects by condition, read from the informer caches when Prometheus scrapes: exact, deletions
// included, and the same on every replica (each keeps its caches warm), so alerts take max().
new Gauge({
  name: 'ecs_operator_objects',
  help: 'Objects by kind, namespace and the status and reason of each condition (Ready, Reconciling, Stalled, Synced, Drifted).',
  labelNames: ['kind', 'namespace', 'condition', 'status', 'reason'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    const counts = new Map<string, { labels: Record<'kind' | 'namespace' | 'condition' | 'status' | 'reason', string>; n: number }>();
    for (const [kind, list] of objectSources) {
      for (const o of list()) {
        for (const c of o.conditions) {
          const labels = { kind, namespace: o.namespace, condition: c.type, status: c.status, reason: c.reason ?? '' };
          const key = JSON.stringify(labels);
          const entry = counts.get(key) ?? { labels, n: 0 };
          entry.n++;
          counts.set(key, entry);
        }
      }
    }
    for (const { labels, n } of counts.values()) this.set(labels, n);
  },
});

// Drift the operator should have put back and has not (driftPolicy Correct, Drifted True): a
// correction that keeps failing. Drift under driftPolicy Report is left in place on purpose.
new Gauge({
  name: 'ecs_operator_uncorrected_drift_objects',
  help: 'Objects under driftPolicy Correct whose Drifted condition is True: drift found and not (yet) put back, by kind and namespace.',
  labelNames: ['kind', 'namespace'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [kind, list] of objectSources) {
      const byNamespace = new Map<string, number>();
      for (const o of list()) {
        if (!o.correctsDrift || !o.conditions.some((c) => c.type === 'Drifted' && c.status === 'True')) continue;
        byNamespace.set(o.namespace, (byNamespace.get(o.namespace) ?? 0) + 1);
      }
      for (const [namespace, n] of byNamespace) this.set({ kind, namespace }, n);
    }
  },
});

/** Registers the cached objects of a kind for the object gauges; returns the function that unregisters it. */
export function registerObjects(kind: string, list: () => readonly ObjectSummary[]): () => void {
  objectSources.set(kind, list);
  return () => {
    if (objectSources.get(kind) === list) objectSources.delete(kind);
  };
}

// The events queue (--events-queue): what came of each message, and whether the queue can be read.
const eventsTotal = new Counter({
  name: 'ecs_operator_events_total',
  help: "Messages of the events queue, by kind (api_call, ecs_service, ecs_task, other, malformed) and outcome (requeued: objects reconciled at once; own: the operator's own call, ignored; unmatched: no object concerned; ignored: a kind the operator does not act on; malformed: not an EventBridge event). Every message is deleted.",
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});
const eventsQueueErrors = new Counter({
  name: 'ecs_operator_events_queue_errors_total',
  help: 'Failed reads and deletes of the events queue, by AWS error code; while reads fail, objects are resynced at the fallback period.',
  labelNames: ['code'] as const,
  registers: [metricsRegistry],
});
// Labelled by queue, so that the series exists only where a leader reads one (no 0 without a queue).
const eventsQueueUp = new Gauge({
  name: 'ecs_operator_events_queue_up',
  help: '1 while the events queue (by name) can be read, 0 while it fails (resyncs then run at the fallback period); absent without --events-queue and on standby replicas.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
});

export type EventOutcome = 'requeued' | 'own' | 'unmatched' | 'ignored' | 'malformed';

export function recordEvent(kind: string, outcome: EventOutcome): void {
  eventsTotal.inc({ kind, outcome });
}

export function recordEventsQueueError(code: string): void {
  eventsQueueErrors.inc({ code });
}

export function setEventsQueueUp(queue: string, up: boolean): void {
  eventsQueueUp.set({ queue }, up ? 1 : 0);
}
