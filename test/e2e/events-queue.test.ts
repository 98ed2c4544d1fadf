// End to end, the events queue as deploy/events-queue/ sets it up: an SQS queue whose policy lets
// the two EventBridge rules send to it, the rules' patterns from the JSON files, and the operator
// run with --events-queue and a one-hour resync. A change made behind the operator's back (another
// client, another user agent) is corrected, or under driftPolicy Report reported, within seconds,
// not at the next resync; the operator's own calls come back as events and are ignored; a
// malformed message is deleted and counted; and with the queue gone, drift is still corrected, by
// the fallback resync.
import { CreateClusterCommand, DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DeleteQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig, kubectl, testEnv } from '../support/env.js';
import { createEventsQueue, EVENTS_DIR, type EventsQueueSetup } from '../support/events-queue.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { labelled, scrape, total, type Sample } from '../support/metrics.js';
import { operatorSuite } from '../support/operator-suite.js';

const CLUSTER = 'events-queue';
const FALLBACK_RESYNC_S = 10;

let queue: EventsQueueSetup;
let queueUrl: string;
const suite = operatorSuite({
  namespace: 'events-queue',
  emulator: 'shared',
  async beforeOperator() {
    await suite.world.aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER, capacityProviders: ['FARGATE'] }));
    queue = await createEventsQueue({ endpoint: testEnv().awsEndpoint });
    queueUrl = queue.url;
  },
  operator: () => ({
    resyncPeriod: '1h',
    clusterId: 'events-e2e',
    extraArgs: [`--events-queue=${queueUrl}`, `--events-fallback-resync-period=${FALLBACK_RESYNC_S}s`],
  }),
});
const { waitFor, apply } = suite;
// Someone else: the SDK's own user agent, not the operator's.
const others = new ECSClient(awsClientConfig());
const sqs = new SQSClient(awsClientConfig());

/** The samples of a metric in the operator's /metrics whose labels include `labels`. */
async function series(name: string, labels: Record<string, string>): Promise<Sample[]> {
  return (await scrape(suite.operator.metricsUrl, name)).filter(labelled(labels));
}

/** A metric's value summed over the series matching `labels` (0 when there is none yet). */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  return total(await series(name, labels));
}

/** (service, operation, count) of the AWS call counter's series matching `labels`. */
async function samples(name: string, labels: Record<string, string>): Promise<Array<[string, string, number]>> {
  return (await series(name, labels)).map((s) => [s.labels.service ?? '', s.labels.operation ?? '', s.value]);
}

async function desiredCount(): Promise<number | undefined> {
  const out = await others.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }));
  return out.services?.[0]?.desiredCount;
}

/** Scales `web` behind the operator's back; returns how long until ECS is back at 2 (the manifest). */
async function driftCorrectedWithin(count: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await others.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: count }));
  await waitFor(`desiredCount ${count} put back to 2`, async () => (await desiredCount()) === 2, timeoutMs);
  return Date.now() - started;
}

beforeAll(async () => {
  const td = taskDefinitionManifest('web');
  const placement = { cluster: CLUSTER, subnets: suite.world.subnets, securityGroup: suite.world.securityGroup };
  const web = serviceManifest(placement, 'web', { desiredCount: 2, launchType: 'FARGATE' });
  // Drift in `audit` is reported, never corrected.
  const audit = serviceManifest(placement, 'audit', { taskDefinitionRef: { name: 'web' }, desiredCount: 1, launchType: 'FARGATE', driftPolicy: 'Report' });
  await apply(td, web, audit);
  for (const name of ['web', 'audit']) {
    await waitFor(`${name} Ready`, async () => {
      const res = await kubectl(['get', 'ecsservice', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], { namespace: suite.ns });
      return res.stdout === 'True';
    });
  }
});

// Runs before the suite's own afterAll, which stops the operator.
afterAll(async () => {
  // The other suites share the emulator's default bus: no rule of this one stays behind.
  await queue?.removeRules();
  queue?.destroy();
  for (const c of [others, sqs]) c.destroy();
});

describe('the events queue', () => {
  it("sees each of the operator's own writes come back as an event and ignores it", async () => {
    const pattern = JSON.parse(readFileSync(join(EVENTS_DIR, 'api-calls.pattern.json'), 'utf8')) as { detail: { eventName: string[] } };
    const services: Record<string, string> = { ecs: 'ecs', 'application-autoscaling': 'application-autoscaling', cloudwatch: 'monitoring' };
    // The operator's successful calls that CloudTrail records and the rule forwards.
    const recordedWrites = async () => {
      let n = 0;
      for (const [service, operation, count] of await samples('ecs_operator_aws_api_calls_total', { outcome: 'success' })) {
        if (services[service] !== undefined && pattern.detail.eventName.includes(operation)) n += count;
      }
      return n;
    };
    const writes = await recordedWrites();
    expect(writes).toBeGreaterThanOrEqual(3); // RegisterTaskDefinition, two CreateService
    await waitFor('every own write seen as an event', async () => (await metric('ecs_operator_events_total', { kind: 'api_call', outcome: 'own' })) >= writes);
    expect(await metric('ecs_operator_events_total', { kind: 'api_call', outcome: 'requeued' })).toBe(0);
    console.log(`[events-queue] ${writes} writes of the operator came back as CloudTrail events, all ignored (0 reconciles from them)`);
    // ECS's own events about the new service (deployment, steady state, tasks) do requeue it.
    expect(await metric('ecs_operator_events_total', { kind: 'ecs_service', outcome: 'requeued' })).toBeGreaterThan(0);
    expect(await metric('ecs_operator_events_queue_up')).toBe(1);
  });

  it('corrects a desiredCount changed out of band within 10 s, with a one-hour resync', async () => {
    const corrections = await metric('ecs_operator_drift_corrections_total', { namespace: suite.ns });
    const latencies: number[] = [];
    for (const count of [5, 3, 4]) latencies.push(await driftCorrectedWithin(count, 10_000));
    console.log(`[events-queue] out-of-band desiredCount corrected after ${latencies.map((ms) => `${(ms / 1000).toFixed(2)}s`).join(', ')} (resync period 1h)`);
    for (const ms of latencies) expect(ms).toBeLessThanOrEqual(10_000);
    // The last change's CloudTrail event may come in the receive after the 2 s gather
    // (RECEIVE_GATHER_MS), once ECS's own event of the same change has already put it back.
    await waitFor('the three API calls counted as requeued events', async () => (await metric('ecs_operator_events_total', { kind: 'api_call', outcome: 'requeued' })) >= 3, 10_000);
    expect(await metric('ecs_operator_drift_corrections_total', { namespace: suite.ns })).toBeGreaterThanOrEqual(corrections + 3);
  });

  it('reports a desiredCount changed out of band within 10 s under driftPolicy Report, and leaves it', async () => {
    const started = Date.now();
    await others.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'audit', desiredCount: 3 }));
    await waitFor('the drift reported in status', async () => {
      const res = await kubectl(['get', 'ecsservice', 'audit', '-o', 'jsonpath={.status.drift.detected} {.status.conditions[?(@.type=="Drifted")].status}'], { namespace: suite.ns });
      return res.stdout === 'true True';
    }, 10_000);
    const ms = Date.now() - started;
    console.log(`[events-queue] out-of-band desiredCount reported (status.drift, Drifted=True) after ${(ms / 1000).toFixed(2)}s (resync period 1h)`);
    const drift = JSON.parse((await kubectl(['get', 'ecsservice', 'audit', '-o', 'jsonpath={.status.drift.differences}'], { namespace: suite.ns })).stdout) as unknown;
    expect(drift).toEqual([{ path: 'spec.desiredCount', desired: 1, actual: 3 }]);
    const out = await others.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['audit'] }));
    expect(out.services?.[0]?.desiredCount).toBe(3);
  });

  it('follows a rollout by its events: Ready with the new revision soon after ECS completes it', async () => {
    const before = (await kubectl(['get', 'ecsservice', 'web', '-o', 'jsonpath={.status.taskDefinition}'], { namespace: suite.ns })).stdout;
    const started = Date.now();
    await apply(taskDefinitionManifest('web', { image: 'nginx:1.28' }));
    await waitFor('the rollout of the new revision completed', async () => {
      const res = await kubectl(['get', 'ecsservice', 'web', '-o', 'jsonpath={.status.taskDefinition} {.status.rollout.state} {.status.conditions[?(@.type=="Ready")].status}'], { namespace: suite.ns });
      const [revision, state, ready] = res.stdout.split(' ');
      return revision !== before && state === 'COMPLETED' && ready === 'True';
    }, 30_000);
    const ms = Date.now() - started;
    // ECS (the emulator) completes a rolling update in about 3 s; polls would come 60 s apart.
    console.log(`[events-queue] new revision applied -> rollout COMPLETED and Ready after ${(ms / 1000).toFixed(2)}s`);
    expect(ms).toBeLessThanOrEqual(20_000);
  });

  it('deletes and counts a message that is not an event', async () => {
    const before = await metric('ecs_operator_events_total', { kind: 'malformed', outcome: 'malformed' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'this is not an EventBridge event' }));
    await waitFor('the malformed message counted', async () => (await metric('ecs_operator_events_total', { kind: 'malformed', outcome: 'malformed' })) === before + 1);
    await waitFor('the queue empty', async () => {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      return Attributes?.ApproximateNumberOfMessages === '0' && Attributes.ApproximateNumberOfMessagesNotVisible === '0';
    });
    expect(await metric('ecs_operator_events_queue_up')).toBe(1);
  });

  it('with the queue deleted, says so and still corrects drift, by the fallback resync', async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    // The poll under way when the queue went ends first (up to 20 s).
    await waitFor('the queue reported down', async () => (await metric('ecs_operator_events_queue_up')) === 0, 60_000);
    expect(await metric('ecs_operator_events_queue_errors_total')).toBeGreaterThan(0);
    const ms = await driftCorrectedWithin(6, (FALLBACK_RESYNC_S + 20) * 1000);
    console.log(`[events-queue] with the queue deleted, out-of-band desiredCount corrected after ${(ms / 1000).toFixed(2)}s (fallback resync ${FALLBACK_RESYNC_S}s)`);
    expect(suite.operator.logs()).toContain('the events queue cannot be read; resyncing every object at the fallback period until it can');
  });
});
