// The events queue's SQS edge: long polls (20 s, the most SQS allows, so an idle queue costs three
// requests a minute) for batches of up to 10 messages, and deletes handled ones in one batch.
// Errors leave as classified AwsErrors (the consumer backs off and says why).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, UserAgent } from '@smithy/types';
import type { AwsCallCounter } from './call-counter.js';
import { instrumentClient } from './clients.js';

export interface QueueMessage {
  id: string;
  body: string;
  receiptHandle: string;
}

/** What the consumer needs from a queue (a fake in unit tests). */
export interface EventsQueue {
  /** Waits up to 20 s for messages; resolves early with what arrived, or [] when aborted. */
  receive(signal: AbortSignal): Promise<QueueMessage[]>;
  /** Deletes handled messages; returns the ids SQS did not delete. */
  delete(messages: readonly QueueMessage[]): Promise<string[]>;
  destroy(): void;
}

export const LONG_POLL_SECONDS = 20;
export const MAX_MESSAGES = 10;

export interface SqsEventsQueueOptions {
  url: string;
  /** The region when the URL names none (an endpoint override such as an emulator). */
  defaultRegion: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  userAgent?: UserAgent;
  calls: AwsCallCounter;
}

/** The region of an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export function queueRegion(url: string): string | undefined {
  return /^https?:\/\/sqs[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(url)?.[1];
}

export function createSqsEventsQueue(opts: SqsEventsQueueOptions): EventsQueue {
  const client = new SQSClient({
    region: queueRegion(opts.url) ?? opts.defaultRegion,
    // A long poll holds the request open for 20 s: the timeout must outlast it.
    requestHandler: { requestTimeout: (LONG_POLL_SECONDS + 10) * 1000, connectionTimeout: 5_000, throwOnRequestTimeout: true },
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    ...(opts.userAgent === undefined ? {} : { customUserAgent: opts.userAgent }),
  });
  instrumentClient(client.middlewareStack, 'sqs', opts.calls);
  return {
    async receive(signal) {
      try {
        const out = await client.send(new ReceiveMessageCommand({ QueueUrl: opts.url, MaxNumberOfMessages: MAX_MESSAGES, WaitTimeSeconds: LONG_POLL_SECONDS }), { abortSignal: signal });
        return (out.Messages ?? []).flatMap((m) => (m.MessageId && m.ReceiptHandle ? [{ id: m.MessageId, body: m.Body ?? '', receiptHandle: m.ReceiptHandle }] : []));
      } catch (err) {
        if (signal.aborted) return [];
        throw err;
      }
    },
    async delete(messages) {
      if (messages.length === 0) return [];
      const out = await client.send(new DeleteMessageBatchCommand({ QueueUrl: opts.url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })) }));
      return (out.Failed ?? []).map((f) => messages[Number(f.Id)]?.id ?? String(f.Id));
    },
    destroy() {
      client.destroy();
    },
  };
}
