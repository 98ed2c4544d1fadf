// The metrics the operator serves: Node's process metrics under their standard names, the
// operator's own under ecs_operator_, and objects counted by condition from the caches.
import { describe, expect, it } from 'vitest';
import { enableProcessMetrics, metricsRegistry, registerObjects } from '../../../src/observability/metrics.js';

describe('metrics', () => {
  it('serves the default process and Node.js metrics under their standard names, without the operator prefix', async () => {
    enableProcessMetrics();
    const text = await metricsRegistry.metrics();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(text).not.toContain('ecs_operator_process_');
    expect(text).not.toContain('ecs_operator_nodejs_');
    expect(text).toContain('# TYPE ecs_operator_reconcile_total counter');
  });

  it('counts objects by kind, namespace, condition, status and reason, and uncorrected drift only under driftPolicy Correct', async () => {
    const cond = (type: string, status: string, reason: string) => ({ type, status, reason });
    const unregister = registerObjects('EcsWidget', () => [
      { namespace: 'shop', correctsDrift: true, conditions: [cond('Ready', 'False', 'RolloutFailed'), cond('Stalled', 'True', 'RolloutFailed'), cond('Drifted', 'True', 'DriftDetected')] },
      { namespace: 'shop', correctsDrift: true, conditions: [cond('Ready', 'False', 'RolloutFailed'), cond('Stalled', 'True', 'RolloutFailed')] },
      { namespace: 'audit', correctsDrift: false, conditions: [cond('Ready', 'True', 'ServiceStable'), cond('Drifted', 'True', 'DriftDetected')] },
    ]);
    try {
      const text = await metricsRegistry.metrics();
      expect(text).toContain('ecs_operator_objects{kind="EcsWidget",namespace="shop",condition="Stalled",status="True",reason="RolloutFailed"} 2');
      expect(text).toContain('ecs_operator_objects{kind="EcsWidget",namespace="audit",condition="Ready",status="True",reason="ServiceStable"} 1');
      expect(text).toContain('ecs_operator_uncorrected_drift_objects{kind="EcsWidget",namespace="shop"} 1');
      expect(text).not.toContain('ecs_operator_uncorrected_drift_objects{kind="EcsWidget",namespace="audit"}');
    } finally {
      unregister();
    }
    expect(await metricsRegistry.metrics()).not.toContain('kind="EcsWidget"');
  });
});
