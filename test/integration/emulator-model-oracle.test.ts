// The emulator's oracle as the operator's SDK meets it: a request that breaks the AWS service model
// is answered with the error AWS gives, naming the member, and a run in which that happened without
// a test declaring it fails when the emulator stops. Uses emulators of its own, since the point is
// what stop() does with their violations.
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ECSClient, ListServicesCommand, type LaunchType } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../aws/emulator.js';

const accessKeyId = 'AKIAORACLETEST000001';

function clients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'testing' }, maxAttempts: 1 };
  return { ecs: new ECSClient(config), cloudwatch: new CloudWatchClient(config) };
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded');
}

const badLaunchType = (ecs: ECSClient) => ecs.send(new ListServicesCommand({ launchType: 'SPOT' as LaunchType }));

describe('requests checked against the AWS service models', () => {
  it('answers a breach as AWS does, naming the member, and fails the run that did not declare it', async () => {
    const emulator = await startEmulator({ clock: 'manual' });
    const { ecs, cloudwatch } = clients(emulator.endpoint);
    try {
      const ecsError = await failure(badLaunchType(ecs));
      expect(ecsError.name).toBe('InvalidParameterException');
      expect(ecsError.$metadata?.httpStatusCode).toBe(400);
      expect(ecsError.message).toMatch(/^1 validation error detected: Value 'SPOT' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: \[EC2, FARGATE/);

      const alarmError = await failure(cloudwatch.send(new PutMetricAlarmCommand({ AlarmName: 'cpu', EvaluationPeriods: 0, ComparisonOperator: 'GreaterThanThreshold', Threshold: 1 })));
      expect(alarmError.name).toBe('ValidationException');
      expect(alarmError.message).toContain("Value '0' at 'evaluationPeriods' failed to satisfy constraint: Member must have value greater than or equal to 1");
    } finally {
      ecs.destroy();
      cloudwatch.destroy();
    }
    const stopped = await emulator.stop().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(stopped?.message).toContain('2 request(s) to the AWS emulator broke the AWS service model and no test declared them');
    expect(stopped?.message).toContain(`ListServices launchType: Member must satisfy enum value set: [EC2, FARGATE`);
    expect(stopped?.message).toContain(`PutMetricAlarm evaluationPeriods: Member must have value greater than or equal to 1 (access key ${accessKeyId}`);
  });

  it('lets a test send a breach it declared first, once per declaration', async () => {
    const emulator = await startEmulator({ clock: 'manual' });
    const { ecs, cloudwatch } = clients(emulator.endpoint);
    try {
      await emulator.control.expectModelViolation({ operation: 'ListServices', member: 'launchType', accessKeyId });
      expect((await failure(badLaunchType(ecs))).name).toBe('InvalidParameterException');
      const found = await emulator.control.modelViolations();
      expect(found.violations.map((v) => [v.operation, v.member, v.expected, v.accessKeyId])).toEqual([['ListServices', 'launchType', true, accessKeyId]]);
      expect(found.expectations).toEqual([]);
      expect(found.checked.ecs).toBe(1);
    } finally {
      ecs.destroy();
      cloudwatch.destroy();
    }
    await emulator.stop();
  });
});
