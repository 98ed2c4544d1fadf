// deploy/observability/: the PrometheusRule, checked and unit-tested with promtool (built from Go
// modules and cached, test/tools/promtool/; the first build takes minutes), and the Grafana
// dashboard, whose every query must name metrics the operator really serves.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableProcessMetrics, metricsRegistry } from '../../../src/observability/metrics.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const dir = join(repoRoot, 'deploy', 'observability');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations: { summary: string; description: string };
}
interface PrometheusRule {
  kind: string;
  spec: { groups: { name: string; rules: Rule[] }[] };
}
interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const prometheusRule = load(readFileSync(join(dir, 'prometheus-rule.yaml'), 'utf8')) as PrometheusRule;
const rules = prometheusRule.spec.groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as { panels: Panel[] };

let promtool: string;
let work: string;

beforeAll(() => {
  promtool = execFileSync('bash', [join(repoRoot, 'test', 'tools', 'promtool', 'ensure.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  work = mkdtempSync(join(tmpdir(), 'ecs-operator-promtool-'));
  // promtool reads plain rule files: the PrometheusRule's spec is one.
  writeFileSync(join(work, 'rules.yaml'), dump(prometheusRule.spec));
}, 30 * 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runPromtool(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(promtool, args, { cwd: work });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Metric names an expression reads: identifiers of the operator's and Node's families. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:ecs_operator|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

function ruleOf(alert: string): Rule {
  const rule = rules.find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  return rule;
}

/** One alert as promtool expects it: labels, and the annotations a person receives. */
function fired(alert: string, labels: Record<string, string>, summary: string) {
  const rule = ruleOf(alert);
  return { exp_labels: { ...rule.labels, ...labels }, exp_annotations: { summary, description: rule.annotations.description } };
}

const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`,
  values,
});

// Two replicas serve the same object gauges: every alert must count an object once.
const replicas = ['ecs-operator-0', 'ecs-operator-1'];

/** promtool test groups: for each alert, series that make it fire and series that do not. */
const testGroups = [
  {
    name: 'an object Stalled for 15 minutes fires, once per kind, namespace and reason, whatever the replicas',
    interval: '1m',
    input_series: [
      ...replicas.map((pod) => series('ecs_operator_objects', { pod, kind: 'EcsService', namespace: 'shop', condition: 'Stalled', status: 'True', reason: 'RolloutFailed' }, '2x30')),
      ...replicas.map((pod) => series('ecs_operator_objects', { pod, kind: 'EcsService', namespace: 'shop', condition: 'Stalled', status: 'False', reason: 'ServiceStable' }, '7x30')),
    ],
    alert_rule_test: [
      { eval_time: '10m', alertname: 'EcsOperatorObjectStalled', exp_alerts: [] },
      { eval_time: '20m', alertname: 'EcsOperatorObjectStalled', exp_alerts: [fired('EcsOperatorObjectStalled', { kind: 'EcsService', namespace: 'shop', reason: 'RolloutFailed' }, '2 EcsService object(s) in namespace shop Stalled: RolloutFailed')] },
    ],
  },
  {
    name: 'objects that stop being Stalled, or only are not Ready, do not fire',
    interval: '1m',
    input_series: [
      series('ecs_operator_objects', { pod: replicas[0]!, kind: 'EcsCluster', namespace: 'infra', condition: 'Stalled', status: 'True', reason: 'CapacityProviderInUse' }, '1x10 0x20'),
      series('ecs_operator_objects', { pod: replicas[0]!, kind: 'EcsService', namespace: 'shop', condition: 'Ready', status: 'False', reason: 'RolloutInProgress' }, '3x30'),
    ],
    alert_rule_test: [{ eval_time: '25m', alertname: 'EcsOperatorObjectStalled', exp_alerts: [] }],
  },
  {
    name: 'drift under driftPolicy Correct left for 30 minutes fires',
    interval: '1m',
    input_series: replicas.map((pod) => series('ecs_operator_uncorrected_drift_objects', { pod, kind: 'EcsService', namespace: 'shop' }, '1x45')),
    alert_rule_test: [
      { eval_time: '20m', alertname: 'EcsOperatorDriftNotCorrected', exp_alerts: [] },
      { eval_time: '40m', alertname: 'EcsOperatorDriftNotCorrected', exp_alerts: [fired('EcsOperatorDriftNotCorrected', { kind: 'EcsService', namespace: 'shop' }, '1 EcsService object(s) in namespace shop keep drift that driftPolicy Correct should put back')] },
    ],
  },
  {
    name: 'drift that is corrected, or reported under driftPolicy Report, does not fire',
    interval: '1m',
    input_series: [
      series('ecs_operator_uncorrected_drift_objects', { pod: replicas[0]!, kind: 'EcsService', namespace: 'shop' }, '1x5 0x40'),
      // Report: drifted, never counted as uncorrected.
      series('ecs_operator_drifted_objects', { pod: replicas[0]!, kind: 'EcsService', namespace: 'audit' }, '1x45'),
    ],
    alert_rule_test: [{ eval_time: '45m', alertname: 'EcsOperatorDriftNotCorrected', exp_alerts: [] }],
  },
  {
    name: 'a controller whose reconciles fail more than 10% of the time for 15 minutes fires',
    interval: '1m',
    input_series: [
      // 60 reconciles a minute, 12 of them failing: 20%.
      series('ecs_operator_reconcile_total', { pod: replicas[0]!, controller: 'ecsservice', outcome: 'done' }, '0+48x40'),
      series('ecs_operator_reconcile_total', { pod: replicas[0]!, controller: 'ecsservice', outcome: 'retryable_error' }, '0+12x40'),
      // 1 failure in 100: healthy.
      series('ecs_operator_reconcile_total', { pod: replicas[0]!, controller: 'ecstaskdefinition', outcome: 'done' }, '0+99x40'),
      series('ecs_operator_reconcile_total', { pod: replicas[0]!, controller: 'ecstaskdefinition', outcome: 'terminal_error' }, '0+1x40'),
    ],
    alert_rule_test: [
      { eval_time: '12m', alertname: 'EcsOperatorReconcileErrors', exp_alerts: [] },
      { eval_time: '30m', alertname: 'EcsOperatorReconcileErrors', exp_alerts: [fired('EcsOperatorReconcileErrors', { controller: 'ecsservice' }, 'More than 10% of ecsservice reconciles fail with an error')] },
    ],
  },
  {
    name: 'AWS throttling above 5% of an operation in one account for 10 minutes fires for that account, however busy the others; occasional throttling does not',
    interval: '1m',
    input_series: [
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'DescribeServices', outcome: 'success', account: 'default' }, '0+80x30'),
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'DescribeServices', outcome: 'throttled', account: 'default' }, '0+20x30'),
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'UpdateService', outcome: 'success', account: 'default' }, '0+99x30'),
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'UpdateService', outcome: 'throttled', account: 'default' }, '0+1x30'),
      // team-b: 10 throttled in 100, next to team-c's 2,000 untroubled calls a minute (0.5% together).
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'CreateService', outcome: 'success', account: 'team-b' }, '0+90x30'),
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'CreateService', outcome: 'throttled', account: 'team-b' }, '0+10x30'),
      series('ecs_operator_aws_api_calls_total', { pod: replicas[0]!, service: 'ecs', operation: 'CreateService', outcome: 'success', account: 'team-c' }, '0+2000x30'),
    ],
    alert_rule_test: [
      { eval_time: '8m', alertname: 'EcsOperatorAwsThrottled', exp_alerts: [] },
      {
        eval_time: '20m',
        alertname: 'EcsOperatorAwsThrottled',
        exp_alerts: [
          fired('EcsOperatorAwsThrottled', { account: 'default', service: 'ecs', operation: 'DescribeServices' }, 'AWS throttles 20% of ecs:DescribeServices requests in account default'),
          fired('EcsOperatorAwsThrottled', { account: 'team-b', service: 'ecs', operation: 'CreateService' }, 'AWS throttles 10% of ecs:CreateService requests in account team-b'),
        ],
      },
    ],
  },
  {
    name: 'an events queue that cannot be read for 15 minutes fires, once per queue; a standby replica has no series',
    interval: '1m',
    input_series: [series('ecs_operator_events_queue_up', { pod: replicas[0]!, queue: 'ecs-operator-events' }, '1x5 0x30')],
    alert_rule_test: [
      { eval_time: '15m', alertname: 'EcsOperatorEventsQueueDown', exp_alerts: [] },
      { eval_time: '25m', alertname: 'EcsOperatorEventsQueueDown', exp_alerts: [fired('EcsOperatorEventsQueueDown', { queue: 'ecs-operator-events' }, 'The events queue ecs-operator-events cannot be read: changes made outside the operator are found only by resync')] },
    ],
  },
  {
    name: 'a queue that recovers does not fire, nor one the new leader reads after a handover',
    interval: '1m',
    input_series: [series('ecs_operator_events_queue_up', { pod: replicas[0]!, queue: 'ecs-operator-events' }, '0x10 1x20'), series('ecs_operator_events_queue_up', { pod: replicas[1]!, queue: 'ecs-operator-events' }, '_x20 1x10')],
    alert_rule_test: [{ eval_time: '25m', alertname: 'EcsOperatorEventsQueueDown', exp_alerts: [] }],
  },
  {
    name: 'no replica leading for 5 minutes fires, and so does no replica at all',
    interval: '1m',
    input_series: replicas.map((pod) => series('ecs_operator_leader', { pod }, '0x10')),
    alert_rule_test: [
      { eval_time: '3m', alertname: 'EcsOperatorNoLeader', exp_alerts: [] },
      { eval_time: '8m', alertname: 'EcsOperatorNoLeader', exp_alerts: [fired('EcsOperatorNoLeader', {}, 'No ecs-operator replica holds the leader Lease: nothing is reconciled')] },
      // The series end at 10m: nothing scraped is no leader either.
      { eval_time: '25m', alertname: 'EcsOperatorNoLeader', exp_alerts: [fired('EcsOperatorNoLeader', {}, 'No ecs-operator replica holds the leader Lease: nothing is reconciled')] },
    ],
  },
  {
    name: 'one replica leading does not fire, including across a handover',
    interval: '1m',
    input_series: [series('ecs_operator_leader', { pod: replicas[0]! }, '1x10 0x20'), series('ecs_operator_leader', { pod: replicas[1]! }, '0x10 1x20')],
    alert_rule_test: [{ eval_time: '25m', alertname: 'EcsOperatorNoLeader', exp_alerts: [] }],
  },
];

describe('PrometheusRule (deploy/observability/prometheus-rule.yaml)', () => {
  it('passes promtool check rules', async () => {
    const res = await runPromtool(['check', 'rules', 'rules.yaml']);
    expect(res.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(res.code).toBe(0);
  });

  it('has an alert for Stalled objects, uncorrected drift, reconcile errors, AWS throttling, an unreadable events queue and no leader', () => {
    expect(rules.map((r) => r.alert)).toEqual(['EcsOperatorObjectStalled', 'EcsOperatorDriftNotCorrected', 'EcsOperatorReconcileErrors', 'EcsOperatorAwsThrottled', 'EcsOperatorEventsQueueDown', 'EcsOperatorNoLeader']);
  });

  it('fires each alert on series that should fire it and stays quiet on series that should not (promtool test rules)', async () => {
    for (const alert of rules.map((r) => r.alert)) {
      const cases = testGroups.flatMap((g) => g.alert_rule_test).filter((t) => t.alertname === alert);
      expect(cases.some((t) => t.exp_alerts.length > 0), `${alert} is shown to fire`).toBe(true);
      expect(cases.some((t) => t.exp_alerts.length === 0), `${alert} is shown not to fire`).toBe(true);
    }
    writeFileSync(join(work, 'rules_test.yaml'), dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: testGroups }, { lineWidth: -1 }));
    const res = await runPromtool(['test', 'rules', 'rules_test.yaml']);
    expect(res.output).toContain('SUCCESS');
    expect(res.code, res.output).toBe(0);
  });

  it('counts a test that expects the wrong alert as a failure (the runner can fail)', async () => {
    const wrong = [{ ...testGroups[0]!, alert_rule_test: [{ eval_time: '20m', alertname: 'EcsOperatorObjectStalled', exp_alerts: [] }] }];
    writeFileSync(join(work, 'wrong_test.yaml'), dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: wrong }, { lineWidth: -1 }));
    const res = await runPromtool(['test', 'rules', 'wrong_test.yaml']);
    expect(res.code).not.toBe(0);
    expect(res.output).toContain('EcsOperatorObjectStalled');
  });
});

describe('deploy/observability/kustomization.yaml', () => {
  it('installs the PrometheusRule and the dashboard as a ConfigMap Grafana\'s sidecar picks up', () => {
    const k = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[]; configMapGenerator: { files: string[]; options: { labels: Record<string, string> } }[] };
    expect(k.resources).toEqual(['prometheus-rule.yaml']);
    expect(prometheusRule.kind).toBe('PrometheusRule');
    expect(k.configMapGenerator[0]?.files).toEqual(['grafana-dashboard.json']);
    expect(k.configMapGenerator[0]?.options.labels).toMatchObject({ grafana_dashboard: '1' });
  });
});

describe('metrics the dashboard and the alerts read', () => {
  it('are all served by the operator', async () => {
    enableProcessMetrics();
    const served = new Set<string>();
    for (const m of await metricsRegistry.getMetricsAsJSON()) {
      served.add(m.name);
      // A histogram's series: name_bucket, name_sum, name_count.
      if (m.type.toString() === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) served.add(`${m.name}${suffix}`);
    }
    const expressions = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr))];
    const referenced = new Set(expressions.flatMap(metricNames));
    expect(referenced.size).toBeGreaterThan(10);
    expect([...referenced].filter((name) => !served.has(name))).toEqual([]);
  });

  it('cover objects by condition, drift, reconcile rate and latency, AWS calls and errors, throttling, queue depth and leader', () => {
    const all = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const metric of [
      'ecs_operator_objects',
      'ecs_operator_drifted_objects',
      'ecs_operator_drift_corrections_total',
      'ecs_operator_reconcile_total',
      'ecs_operator_reconcile_duration_seconds_bucket',
      'ecs_operator_aws_api_calls_total',
      'ecs_operator_workqueue_depth',
      'ecs_operator_leader',
    ]) {
      expect(all).toContain(metric);
    }
    expect(all).toContain('outcome="throttled"');
  });
});
