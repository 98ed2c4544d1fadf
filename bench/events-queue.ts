// The events queue as deploy/ documents it: an SQS queue, and an EventBridge rule on the default
// bus forwarding ECS's events and the CloudTrail records of calls made to ECS, Application Auto
// Scaling and CloudWatch to it. Created through the AWS APIs, in the emulator, with the bench's key.
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BENCH_CREDENTIALS, REGION } from './world.js';

export async function createEventsQueue(endpoint: string, credentials = BENCH_CREDENTIALS): Promise<string> {
  const sqs = new SQSClient({ region: REGION, endpoint, credentials });
  const events = new EventBridgeClient({ region: REGION, endpoint, credentials });
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'ecs-operator-events' }));
    if (!QueueUrl) throw new Error('CreateQueue returned no URL');
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(
      new PutRuleCommand({
        Name: 'ecs-operator-events',
        EventPattern: JSON.stringify({
          source: ['aws.ecs', 'aws.application-autoscaling', 'aws.monitoring'],
        }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'ecs-operator-events', Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn }] }));
    return QueueUrl;
  } finally {
    sqs.destroy();
    events.destroy();
  }
}
