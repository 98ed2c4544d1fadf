// Lives here because this helper owns test/unit/controller/; it tests src/observability/.
import { afterEach, describe, expect, it } from 'vitest';
import { Manager } from '../../../src/controller/manager.js';
import { HealthChecks, startHttpServer, type OperatorHttpServer } from '../../../src/observability/http-server.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { awsCallMetrics, metricsRegistry, recordAwsCall, recordReconcile } from '../../../src/observability/metrics.js';

let server: OperatorHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${server!.address.port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('operator HTTP endpoints', () => {
  it('serves reconcile and AWS call counters on /metrics, labelled by account', async () => {
    recordReconcile('widgets', 'done', 0.01);
    recordReconcile('widgets', 'done', 0.01, 'team-a');
    recordAwsCall('ecs', 'DescribeServices', 'success');
    awsCallMetrics.onCall('ecs', 'UpdateService', 'ThrottlingException', 120, 'team-a');
    server = await startHttpServer({ address: { host: '127.0.0.1', port: 0 }, registry: metricsRegistry, checks: new HealthChecks(), log: silentLogger() });
    const { status, body } = await get('/metrics');
    expect(status).toBe(200);
    expect(body).toMatch(/ecs_operator_reconcile_total\{controller="widgets",outcome="done",account="default"\} \d+/);
    expect(body).toMatch(/ecs_operator_reconcile_total\{controller="widgets",outcome="done",account="team-a"\} \d+/);
    expect(body).toMatch(/ecs_operator_aws_api_calls_total\{service="ecs",operation="DescribeServices",outcome="success",account="default"\} \d+/);
    expect(body).toMatch(/ecs_operator_aws_api_calls_total\{service="ecs",operation="UpdateService",outcome="ThrottlingException",account="team-a"\} \d+/);
    expect(body).toMatch(/ecs_operator_aws_api_call_duration_seconds_bucket\{le="0.25",service="ecs",operation="UpdateService",account="team-a"\} [1-9]/);
    expect(body).toContain('ecs_operator_reconcile_duration_seconds_bucket');
  });

  it('answers /readyz 503 until the checks pass, naming the failing one', async () => {
    const checks = new HealthChecks();
    let synced = false;
    checks.addReadinessCheck('informers-synced', () => synced || 'not synced yet: widgets');
    server = await startHttpServer({ address: { host: '127.0.0.1', port: 0 }, registry: metricsRegistry, checks, log: silentLogger() });
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body).toContain('[-]informers-synced failed: not synced yet: widgets');
    synced = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('fails /healthz when a reconcile has been running past the stuck threshold', async () => {
    const manager = new Manager({ log: silentLogger(), stuckReconcileMs: 1000, handleSignals: false });
    let oldest: number | undefined = Date.now() - 5000;
    manager.add({
      name: 'widgets',
      informers: () => [],
      hasSynced: () => true,
      start: () => undefined,
      stop: async () => undefined,
      abort: () => undefined,
      oldestReconcileStart: () => oldest,
    });
    expect(manager.health.live().ok).toBe(false);
    expect(manager.health.live().lines[0]).toContain('widgets');
    oldest = undefined;
    expect(manager.health.live().ok).toBe(true);
  });
});
