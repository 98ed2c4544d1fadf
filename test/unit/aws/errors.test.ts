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
  ['Application Auto Scaling RateExceeded (its API reference names its throttling so)', { name: 'RateExceeded', message: 'Rate exceeded', ...meta(400) }, 'throttled', true],
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

  test('reads the message only for the known transient situations: an invalid request that mentions "not found" stays invalid', () => {
    const err = new InvalidParameterException({ message: 'The target group was not found', ...meta(400) });
    expect(classifyAwsError(err).kind).toBe('invalid');
  });
});

// The wording AWS uses, as public reports quote it (the sources are cited in src/aws/errors.ts).
const transient: Array<[string, unknown, AwsErrorKind, string]> = [
  [
    'a concurrent registration of the same family (RegisterTaskDefinition)',
    new ClientException({ message: 'Too many concurrent attempts to create a new revision of the specified family.', ...meta(400) }),
    'conflict',
    'FamilyBusy',
  ],
  [
    'a target group not yet attached to a load balancer (CreateService)',
    new InvalidParameterException({ message: 'The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef does not have an associated load balancer.', ...meta(400) }),
    'notReady',
    'TargetGroupNotAttached',
  ],
  [
    'the ECS service-linked role still being created',
    new InvalidParameterException({ message: 'Unable to assume the service linked role. Please verify that the ECS service linked role exists.', ...meta(400) }),
    'notReady',
    'ServiceLinkedRoleNotReady',
  ],
  [
    'the ECS service role not yet usable (target group)',
    new InvalidParameterException({ message: 'Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.', ...meta(400) }),
    'notReady',
    'ServiceRoleNotReady',
  ],
  [
    'the ECS service role not yet usable (listeners)',
    new InvalidParameterException({ message: 'Unable to assume role and validate the listeners configured on your load balancer. Please verify that the ECS service role being passed has the proper permissions.', ...meta(400) }),
    'notReady',
    'ServiceRoleNotReady',
  ],
  [
    'a service Application Auto Scaling does not see yet (RegisterScalableTarget right after CreateService)',
    new ValidationException({ message: "ECS service doesn't exist: service/web/api", ...meta(400) }),
    'notReady',
    'ServiceNotVisibleYet',
  ],
];

describe('errors AWS reports as invalid requests that clear by themselves', () => {
  test.each(transient)('%s is retryable (%s, %s), not invalid', (_label, err, kind, reason) => {
    const info = classifyAwsError(err);
    expect(info).toMatchObject({ kind, retryable: true, reason });
    expect(info.hint).toBeTruthy();
  });

  test('the same words under another exception name are not matched', () => {
    const err = new ServerException({ message: 'does not have an associated load balancer', ...meta(500) });
    expect(classifyAwsError(err).kind).toBe('transient');
    expect(classifyAwsError(err).reason).toBeUndefined();
    const other = new ValidationException({ message: 'MinCapacity must be less than or equal to MaxCapacity', ...meta(400) });
    expect(classifyAwsError(other)).toMatchObject({ kind: 'invalid', retryable: false });
  });

  test('an AwsError keeps its classification', () => {
    const err = new AwsError({ kind: 'conflict', retryable: true, code: 'ConcurrentUpdateException', message: 'm' }, 'application-autoscaling', 'PutScalingPolicy');
    expect(classifyAwsError(err).kind).toBe('conflict');
    expect(isAwsError(err, 'conflict')).toBe(true);
    expect(isAwsError(err, 'notFound', 'invalid')).toBe(false);
    expect(isAwsError(new Error('x'))).toBe(false);
  });
});
