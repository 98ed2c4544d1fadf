// The events queue as deploy/events-queue/ documents it, created through AWS APIs on the emulator:
// an SQS queue with the queue policy, and the two EventBridge rules (patterns from the JSON files)
// targeting it. For the e2e suite and the benchmark (--events-queue).
import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const EVENTS_DIR = join(resolve(import.meta.dirname, '..', '..'), 'deploy', 'events-queue');
export const EVENT_RULES = [
  ['ecs-operator-ecs-events', 'ecs-events.pattern.json'],
  ['ecs-operator-api-calls', 'api-calls.pattern.json'],
] as const;
const TARGET_ID = 'ecs-operator-events';

export interface EventsQueueSetup {
  url: string;
  arn: string;
  /** Removes the rules (the queue stays: a test may delete it on purpose). */
  removeRules(): Promise<void>;
  destroy(): void;
}

export async function createEventsQueue(opts: { endpoint: string; region?: string; account?: string; queueName?: string }): Promise<EventsQueueSetup> {
  const region = opts.region ?? 'us-east-1';
  const config = { endpoint: opts.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const sqs = new SQSClient(config);
  const eventbridge = new EventBridgeClient(config);
  const name = opts.queueName ?? 'ecs-operator-events';
  const policy = readFileSync(join(EVENTS_DIR, 'queue-policy.json'), 'utf8')
    .replaceAll('REGION', region)
    .replaceAll('ACCOUNT_ID', opts.account ?? '123456789012')
    .replaceAll(':ecs-operator-events"', `:${name}"`);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { Policy: policy, ReceiveMessageWaitTimeSeconds: '20' } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn ?? '';
  for (const [rule, pattern] of EVENT_RULES) {
    await eventbridge.send(new PutRuleCommand({ Name: rule, EventPattern: readFileSync(join(EVENTS_DIR, pattern), 'utf8'), State: 'ENABLED' }));
    await eventbridge.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: TARGET_ID, Arn: arn }] }));
  }
  return {
    url: QueueUrl ?? '',
    arn,
    async removeRules() {
      for (const [rule] of EVENT_RULES) {
        await eventbridge.send(new RemoveTargetsCommand({ Rule: rule, Ids: [TARGET_ID] })).catch(() => undefined);
        await eventbridge.send(new DeleteRuleCommand({ Name: rule })).catch(() => undefined);
      }
    },
    destroy() {
      sqs.destroy();
      eventbridge.destroy();
    },
  };
}
