import { ApplicationAutoScalingServiceException, ConcurrentUpdateException, ObjectNotFoundException, ValidationException } from '@aws-sdk/client-application-auto-scaling';
import { LimitExceededFault, ResourceNotFound } from '@aws-sdk/client-cloudwatch';
import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  InvalidParameterException,
  ServerException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  TargetNotFoundException,
} from '@aws-sdk/client-ecs';
import { TargetGroupNotFoundException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, test } from 'vitest';
import { AwsError, classifyAwsError, isAwsError, type AwsErrorKind } from '../../../src/aws/errors.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

// SDK exceptions as the clients throw them (modeled classes set `name` and `$fault`).
const cases: Array<[string, unknown, AwsErrorKind, boolean]> = [
  ['ECS ClientException', new ClientException({ message: 'Container.image should not be blank', ...meta(400) }), 'invalid', false],
  ['ECS InvalidParameterException', new InvalidParameterException({ message: 'bad subnet', ...meta(400) }), 'invalid', false],
  ['ECS ClusterNotFoundException', new ClusterNotFoundException({ message: 'Cluster not found.', ...meta(400) }), 'notFound', false],
  ['ECS ServiceNotFoundException', new ServiceNotFoundException({ message: 'Service not found.', ...meta(400) }), 'notFound', false],
  ['ECS ServiceNotActiveException', new ServiceNotActiveException({ message: 'Service was not ACTIVE.', ...meta(400) }), 'notFound', false],
  ['ECS TargetNotFoundException', new TargetNotFoundException({ message: 'target', ...meta(400) }), 'notFound', false],
  ['ECS AccessDeniedException', new AccessDeniedException({ message: 'denied', ...meta(400) }), 'accessDenied', false],
  ['ECS ThrottlingException', { name: 'ThrottlingException', message: 'Rate exceeded', ...meta(400) }, 'throttled', true],
  ['ECS ServerException', new ServerException({ message: 'internal', ...meta(500) }), 'transient', true],
  ['AAS ObjectNotFoundException', new ObjectNotFoundException({ message: 'No scalable target', ...meta(400) }), 'notFound', false],
  ['AAS ValidationException', new ValidationException({ message: 'min > max', ...meta(400) }), 'invalid', false],
  ['AAS ConcurrentUpdateException', new ConcurrentUpdateException({ message: 'pending update', ...meta(400) }), 'conflict', true],
  [
    'AAS LimitExceededException (a quota, although the SDK retries the name as throttling)',
    new ApplicationAutoScalingServiceException({ name: 'LimitExceededException', $fault: 'client', message: 'too many policies', ...meta(400) }),
    'limitExceeded',
    false,
  ],
  ['ELBv2 TargetGroupNotFoundException', new TargetGroupNotFoundException({ message: 'One or more target groups not found', ...meta(400) }), 'notFound', false],
  ['ELBv2 Throttling (query protocol code)', { name: 'Throttling', message: 'Rate exceeded', ...meta(400) }, 'throttled', true],
  ['CloudWatch ResourceNotFound', new ResourceNotFound({ message: 'alarm', ...meta(404) }), 'notFound', false],
  ['CloudWatch LimitExceeded', new LimitExceededFault({ message: 'alarms quota', ...meta(400) }), 'limitExceeded', false],
  ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient', true],
  ['request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'transient', true],
  ['unmodeled 503', { name: 'ServiceUnavailable', message: 'unavailable', ...meta(503) }, 'transient', true],
  ['unmodeled 429', { name: 'SlowDownPlease', message: 'slow', ...meta(429) }, 'throttled', true],
  ['unmodeled, SDK retry trait says throttling', { name: 'NewThrottle', message: 'x', $retryable: { throttling: true }, ...meta(400) }, 'throttled', true],
  ['unmodeled 400', { name: 'SomethingNewException', message: 'new', ...meta(400) }, 'unknown', false],
  ['not an error at all', 'boom', 'unknown', true],
];

describe('classifyAwsError', () => {
  test.each(cases)('%s is %s (retryable: %s)', (_label, err, kind, retryable) => {
    const info = classifyAwsError(err);
    expect(info.kind).toBe(kind);
    expect(info.retryable).toBe(retryable);
  });

  test('keeps the AWS error code and message for conditions', () => {
    const info = classifyAwsError(new ClientException({ message: 'Container.image should not be blank', ...meta(400) }));
    expect(info).toMatchObject({ code: 'ClientException', message: 'Container.image should not be blank', httpStatusCode: 400 });
  });

  test('never reads the message: an invalid request that mentions "not found" stays invalid', () => {
    const err = new InvalidParameterException({ message: 'The target group was not found', ...meta(400) });
    expect(classifyAwsError(err).kind).toBe('invalid');
  });

  test('an AwsError keeps its classification', () => {
    const err = new AwsError({ kind: 'conflict', retryable: true, code: 'ConcurrentUpdateException', message: 'm' }, 'application-autoscaling', 'PutScalingPolicy');
    expect(classifyAwsError(err).kind).toBe('conflict');
    expect(isAwsError(err, 'conflict')).toBe(true);
    expect(isAwsError(err, 'notFound', 'invalid')).toBe(false);
    expect(isAwsError(new Error('x'))).toBe(false);
  });
});
