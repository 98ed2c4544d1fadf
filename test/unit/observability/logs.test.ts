// What the operator's logs say at info: one line per AWS write (what it touched, in which region,
// which fields it set, never their values), one per condition change, each naming the object the
// reconcile was about. Reads stay at debug.
import { Writable } from 'node:stream';
import { DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AwsCallCounter } from '../../../src/aws/call-counter.js';
import { summarizeRequest } from '../../../src/aws/call-log.js';
import { instrumentClient } from '../../../src/aws/clients.js';
import type { Condition } from '../../../src/kube/conditions.js';
import { withWork } from '../../../src/observability/work-context.js';
import { createLogger, type LogLevel } from '../../../src/observability/logger.js';
import { logConditionChanges } from '../../../src/operator/status-binding.js';
import { FakeTransport, fakeClientConfig, json, jsonError } from '../aws/fake-transport.js';

function capture(level: LogLevel = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ level, destination }) };
}

function loggedClient(level: LogLevel, respond: ConstructorParameters<typeof FakeTransport>[0]) {
  const { lines, log } = capture(level);
  const client = new ECSClient(fakeClientConfig(new FakeTransport(respond), 2));
  instrumentClient(client.middlewareStack, 'ecs', new AwsCallCounter(), { region: 'eu-west-1', log });
  return { lines, log, client };
}

describe('AWS call log', () => {
  it('logs a write at info with the object being reconciled, the region, what it touched and the fields it set', async () => {
    const { lines, log, client } = loggedClient('info', () => json({ service: { serviceName: 'web' } }));
    await withWork({ log: log.child({ controller: 'ecsservice', key: 'shop/web' }) }, () => client.send(new UpdateServiceCommand({ cluster: 'demo', service: 'web', desiredCount: 3 })));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'AWS write',
      controller: 'ecsservice',
      key: 'shop/web',
      aws: { service: 'ecs', operation: 'UpdateService', region: 'eu-west-1' },
      target: { cluster: 'demo', service: 'web' },
      fields: ['desiredCount'],
      outcome: 'success',
    });
  });

  it('logs a failed write at warn with the AWS error code and message', async () => {
    const { lines, log, client } = loggedClient('info', () => jsonError('ClusterNotFoundException', 'Cluster not found.'));
    await expect(withWork({ log: log.child({ key: 'shop/web' }) }, () => client.send(new UpdateServiceCommand({ cluster: 'gone', service: 'web', desiredCount: 1 })))).rejects.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'AWS write failed', key: 'shop/web', outcome: 'ClusterNotFoundException', error: 'Cluster not found.' });
  });

  it('keeps reads out of the info log and puts them at debug', async () => {
    const info = loggedClient('info', () => json({ services: [], failures: [] }));
    await info.client.send(new DescribeServicesCommand({ cluster: 'demo', services: ['web'] }));
    expect(info.lines).toEqual([]);
    const debug = loggedClient('debug', () => json({ services: [], failures: [] }));
    await debug.client.send(new DescribeServicesCommand({ cluster: 'demo', services: ['web'] }));
    expect(debug.lines).toEqual([expect.objectContaining({ level: 'debug', msg: 'AWS read', aws: { service: 'ecs', operation: 'DescribeServices', region: 'eu-west-1' } })]);
  });

  it('names the fields of a task definition registration but never their values', async () => {
    const { lines, log, client } = loggedClient('info', () => json({ taskDefinition: { family: 'web', revision: 4 } }));
    await withWork({ log }, () =>
      client.send(
        new RegisterTaskDefinitionCommand({
          family: 'web',
          containerDefinitions: [
            {
              name: 'web',
              image: 'nginx',
              environment: [{ name: 'DB_PASSWORD', value: 'hunter2-plain-env' }],
              secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key' }],
            },
          ],
          tags: [{ key: 'team', value: 'shop' }],
        }),
      ),
    );
    expect(lines[0]).toMatchObject({ target: { family: 'web' }, fields: ['containerDefinitions', 'tags.team'] });
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|secretsmanager|nginx|"shop"/);
  });

  it('summarizes tag removals and deletions by what they name', () => {
    expect(summarizeRequest('UntagResource', { resourceArn: 'arn:svc', tagKeys: ['a', 'b'] })).toEqual({ target: { resourceArn: 'arn:svc' }, fields: ['tags.a', 'tags.b'] });
    expect(summarizeRequest('DeregisterTaskDefinition', { taskDefinition: 'web:3' })).toEqual({ target: { taskDefinition: 'web:3' }, fields: [] });
    expect(summarizeRequest('CreateService', { cluster: 'demo', serviceName: 'web', clientToken: 't', desiredCount: 2 })).toEqual({ target: { cluster: 'demo', serviceName: 'web' }, fields: ['desiredCount'] });
  });
});

describe('condition change log', () => {
  const at = '2026-12-07T00:00:00Z';
  const c = (type: string, status: Condition['status'], reason: string, message = ''): Condition => ({ type, status, reason, message, lastTransitionTime: at });

  it('says nothing of a Reconciling or Stalled that stays False while the health\'s reason moves', () => {
    const { lines, log } = capture();
    logConditionChanges(log, [c('Stalled', 'False', 'RolloutCompleted')], [c('Stalled', 'False', 'WaitingForTasks'), c('Reconciling', 'False', 'WaitingForTasks')]);
    expect(lines).toEqual([]);
  });

  it('logs each condition whose status or reason changed, from -> to, and nothing for a message that moved alone', () => {
    const { lines, log } = capture();
    logConditionChanges(
      log,
      [c('Ready', 'False', 'RolloutInProgress', '1/2 running'), c('Reconciling', 'True', 'RolloutInProgress', '1/2 running'), c('Synced', 'True', 'InSync')],
      [c('Ready', 'True', 'RolloutComplete', '2/2 running'), c('Reconciling', 'False', 'RolloutComplete'), c('Synced', 'True', 'InSync', 'other words'), c('Drifted', 'False', 'NoDrift')],
    );
    expect(lines.map((l) => [l.condition, l.from, l.to])).toEqual([
      ['Ready', 'False (RolloutInProgress)', 'True (RolloutComplete)'],
      ['Reconciling', 'True (RolloutInProgress)', 'False (RolloutComplete)'],
      ['Drifted', 'absent', 'False (NoDrift)'],
    ]);
    expect(lines[0]).toMatchObject({ level: 'info', reason: 'RolloutComplete', message: '2/2 running', msg: 'condition Ready: False (RolloutInProgress) -> True (RolloutComplete)' });
  });
});
