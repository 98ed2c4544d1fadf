// AWS errors are classified once, here, from the error's name (the modeled exception), its HTTP
// status and the SDK's retry traits, and for a handful of documented transient situations that AWS
// reports as validation errors, its message (KNOWN_MESSAGES); business code reads `kind` and never
// matches messages.
import type { Pluggable } from '@smithy/types';
import { operationName, type AwsService } from './operations.js';
import { WorkStoppedError } from '../observability/work-context.js';

/**
 * - throttled: the account's request rate was exceeded.
 * - transient: a 5xx, a timeout or a dropped connection.
 * - conflict: another change to the same resource is in flight.
 * - notReady: something the request depends on has just been created or changed and AWS has not
 *   caught up yet (IAM propagation, a target group not yet attached, a service not yet visible to
 *   Application Auto Scaling); it usually clears by itself within seconds to minutes.
 * - notFound: a resource the call names does not exist (cluster, service, target group, policy).
 * - invalid: AWS rejected the request itself; only a change to the manifest can fix it.
 * - accessDenied: IAM or the account forbids the call.
 * - limitExceeded: an account quota was reached.
 * - unknown: anything else (kept apart so that it is visible, not guessed at).
 *
 * `retryable` means that repeating the same request later may succeed with nothing changed by a
 * person: it is true for throttled, transient, conflict and notReady. The SDK has already retried
 * throttling and transient errors by the time an error reaches the caller, so a caller requeues
 * with backoff.
 */
export type AwsErrorKind = 'throttled' | 'transient' | 'conflict' | 'notReady' | 'notFound' | 'invalid' | 'accessDenied' | 'limitExceeded' | 'unknown';

interface Classified<K extends AwsErrorKind, R extends boolean> {
  kind: K;
  retryable: R;
  /** The AWS error code (the exception name), or the Node.js network error code. */
  code: string;
  message: string;
  httpStatusCode?: number;
  /** CamelCase name of the known situation the message describes (from KNOWN_MESSAGES), when it is one. */
  reason?: string;
  /** What clears it, for a person reading the condition (from KNOWN_MESSAGES). */
  hint?: string;
}

export type AwsErrorInfo =
  | Classified<'throttled' | 'transient' | 'conflict' | 'notReady', true>
  | Classified<'notFound' | 'invalid' | 'accessDenied' | 'limitExceeded', false>
  | Classified<'unknown', boolean>;

type KnownKind = Exclude<AwsErrorKind, 'unknown'>;

// Error names across the four services. Query-protocol services (ELBv2) may report the short
// error code instead of the modeled exception name, so both spellings are listed where they differ.
const KIND_BY_CODE: Readonly<Record<string, KnownKind>> = {
  // Shared across services.
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  // Application Auto Scaling's API reference names its throttling error RateExceeded.
  RateExceeded: 'throttled',
  ValidationException: 'invalid',
  ValidationError: 'invalid',
  AccessDeniedException: 'accessDenied',
  AccessDenied: 'accessDenied',
  UnrecognizedClientException: 'accessDenied',
  InvalidClientTokenId: 'accessDenied',
  ExpiredTokenException: 'accessDenied',
  ExpiredToken: 'accessDenied',
  InvalidSignatureException: 'accessDenied',
  SignatureDoesNotMatch: 'accessDenied',
  MissingAuthenticationToken: 'accessDenied',
  ResourceNotFoundException: 'notFound',

  // ECS: ClientException and InvalidParameterException are ECS's validation errors; the
  // not-found cases have their own exceptions. ServerException is ECS's 5xx.
  ClientException: 'invalid',
  InvalidParameterException: 'invalid',
  PlatformUnknownException: 'invalid',
  PlatformTaskDefinitionIncompatibilityException: 'invalid',
  UnsupportedFeatureException: 'invalid',
  ClusterNotFoundException: 'notFound',
  ServiceNotFoundException: 'notFound',
  ServiceNotActiveException: 'notFound',
  TargetNotFoundException: 'notFound',
  NamespaceNotFoundException: 'notFound',
  ServerException: 'transient',
  UpdateInProgressException: 'conflict',
  ConflictException: 'conflict',
  BlockedException: 'accessDenied',
  // ECS and Application Auto Scaling both use this name for a quota, not for throttling.
  LimitExceededException: 'limitExceeded',

  // Application Auto Scaling.
  ObjectNotFoundException: 'notFound',
  ConcurrentUpdateException: 'conflict',
  FailedResourceAccessException: 'accessDenied',
  InternalServiceException: 'transient',
  InvalidNextTokenException: 'invalid',
  TooManyTagsException: 'limitExceeded',

  // Elastic Load Balancing v2.
  TargetGroupNotFoundException: 'notFound',
  TargetGroupNotFound: 'notFound',
  LoadBalancerNotFoundException: 'notFound',
  LoadBalancerNotFound: 'notFound',

  // CloudWatch.
  ResourceNotFound: 'notFound',
  LimitExceeded: 'limitExceeded',
  LimitExceededFault: 'limitExceeded',
  InvalidParameterValue: 'invalid',
  InvalidParameterValueException: 'invalid',
  InvalidParameterCombination: 'invalid',
  InvalidParameterCombinationException: 'invalid',
  MissingParameter: 'invalid',
  MissingRequiredParameterException: 'invalid',
  InvalidFormatFault: 'invalid',
  InvalidNextToken: 'invalid',
  InternalServiceFault: 'transient',
  InternalServiceError: 'transient',

  // EventBridge Scheduler (ConflictException above: the schedule exists, or is being changed).
  ServiceQuotaExceededException: 'limitExceeded',
  InternalServerException: 'transient',

  // EventBridge.
  ConcurrentModificationException: 'conflict',
  InvalidEventPatternException: 'invalid',
  ManagedRuleException: 'accessDenied',
  InternalException: 'transient',
};

interface KnownMessage {
  /** The exception name, as the SDK reports it. */
  code: string;
  message: RegExp;
  kind: KnownKind;
  reason: string;
  hint: string;
}

/**
 * The few errors whose exception name says "invalid" while the situation clears by itself: ECS and
 * Application Auto Scaling report them as ClientException, InvalidParameterException or
 * ValidationException, and only the message tells them apart. Matched here, once, so that business
 * code still reads `kind` only. Each row names where the wording comes from.
 */
const KNOWN_MESSAGES: readonly KnownMessage[] = [
  {
    // RegisterTaskDefinition while another registration of the same family is under way; nothing
    // was registered, so the same request may be sent again.
    // hashicorp/terraform-provider-aws#9777, jenkinsci/amazon-ecs-plugin#105, PrefectHQ/prefect#15865.
    code: 'ClientException',
    message: /Too many concurrent attempts to create a new revision of the specified family/i,
    kind: 'conflict',
    reason: 'FamilyBusy',
    hint: 'another registration of this family is under way',
  },
  {
    // CreateService/UpdateService naming a target group whose listener (or listener rule) is not
    // there yet, typically one created a moment before. terraform-provider-aws retries it
    // (internal/service/ecs/service.go); hashicorp/terraform#32908, cloudposse/terraform-aws-ecs-web-app#226.
    code: 'InvalidParameterException',
    message: /does not have an associated load balancer/i,
    kind: 'notReady',
    reason: 'TargetGroupNotAttached',
    hint: 'attach the target group to a load balancer with a listener or listener rule',
  },
  {
    // ECS creates its service-linked role (AWSServiceRoleForECS) on first use in an account, and
    // calls fail until IAM has propagated it. awslabs/fargatecli#35; terraform-provider-aws retries it
    // (internal/service/ecs/service.go, cluster.go). "Using service-linked roles for Amazon ECS",
    // Amazon ECS Developer Guide.
    code: 'InvalidParameterException',
    message: /Unable to assume the service linked role/i,
    kind: 'notReady',
    reason: 'ServiceLinkedRoleNotReady',
    hint: 'IAM is still propagating the ECS service-linked role (aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com creates it)',
  },
  {
    // The ECS service role (the `role` of a service with a load balancer) just created or granted:
    // "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS
    // service role being passed has the proper permissions." (or "... validate the listeners
    // configured on your load balancer. ..."). hashicorp/terraform#5442; terraform-provider-aws
    // retries on "verify that the ECS service role being passed has the proper permissions".
    code: 'InvalidParameterException',
    message: /verify that the ECS service role being passed has the proper permissions/i,
    kind: 'notReady',
    reason: 'ServiceRoleNotReady',
    hint: 'IAM may still be propagating the ECS service role; if this lasts, check its trust policy (ecs.amazonaws.com) and permissions',
  },
  {
    // RegisterScalableTarget right after CreateService: Application Auto Scaling reads ECS
    // eventually consistently. "ECS service doesn't exist: service/<cluster>/<service>";
    // terraform-provider-aws retries it (aws_appautoscaling_target), as does spinnaker/clouddriver.
    code: 'ValidationException',
    message: /ECS service doesn't exist/i,
    kind: 'notReady',
    reason: 'ServiceNotVisibleYet',
    hint: 'Application Auto Scaling does not see the ECS service just created yet',
  },
];

// Raised by Node.js or the SDK's HTTP handler before any AWS answer exists.
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

interface ErrorFields {
  name: string;
  code: string | undefined;
  message: string;
  httpStatusCode: number | undefined;
  retryableTrait: { throttling: boolean } | undefined;
}

function readFields(err: unknown): ErrorFields {
  const record = typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : {};
  const metadata = typeof record.$metadata === 'object' && record.$metadata !== null ? (record.$metadata as Record<string, unknown>) : {};
  const retryable = typeof record.$retryable === 'object' && record.$retryable !== null ? (record.$retryable as Record<string, unknown>) : undefined;
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    code: typeof record.code === 'string' ? record.code : undefined,
    message: err instanceof Error ? err.message : typeof record.message === 'string' ? record.message : String(err),
    httpStatusCode: typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined,
    retryableTrait: retryable ? { throttling: retryable.throttling === true } : undefined,
  };
}

function build(kind: AwsErrorKind, code: string, f: ErrorFields, known?: KnownMessage): AwsErrorInfo {
  const base = {
    code,
    message: f.message,
    ...(f.httpStatusCode === undefined ? {} : { httpStatusCode: f.httpStatusCode }),
    ...(known ? { reason: known.reason, hint: known.hint } : {}),
  };
  switch (kind) {
    case 'throttled':
    case 'transient':
    case 'conflict':
    case 'notReady':
      return { kind, retryable: true, ...base };
    case 'notFound':
    case 'invalid':
    case 'accessDenied':
    case 'limitExceeded':
      return { kind, retryable: false, ...base };
    case 'unknown':
      return { kind, retryable: f.httpStatusCode === undefined || f.httpStatusCode >= 500, ...base };
  }
}

/** Classifies anything thrown by an AWS SDK call (or by the network beneath it). */
export function classifyAwsError(err: unknown): AwsErrorInfo {
  if (err instanceof AwsError) return err.info;
  const f = readFields(err);
  const message = KNOWN_MESSAGES.find((m) => m.code === f.name && m.message.test(f.message));
  if (message) return build(message.kind, f.name, f, message);
  const known = KIND_BY_CODE[f.name];
  if (known) return build(known, f.name, f);
  if (f.code !== undefined && NETWORK_CODES.has(f.code)) return build('transient', f.code, f);
  if (TIMEOUT_NAMES.has(f.name)) return build('transient', f.name, f);
  // Unmodeled errors: fall back to the same traits the SDK's retry strategy reads.
  if (f.retryableTrait) return build(f.retryableTrait.throttling ? 'throttled' : 'transient', f.name, f);
  if (f.httpStatusCode === 429) return build('throttled', f.name, f);
  if (f.httpStatusCode !== undefined && f.httpStatusCode >= 500) return build('transient', f.name, f);
  return build('unknown', f.name, f);
}

/** The one error type AWS calls reject with: classified, and free of request data. */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  readonly info: AwsErrorInfo;
  readonly service: AwsService;
  readonly operation: string;
  readonly requestId: string | undefined;

  constructor(info: AwsErrorInfo, service: AwsService, operation: string, requestId?: string) {
    super(`${service}:${operation} failed: ${info.code}: ${info.message}`);
    this.info = info;
    this.service = service;
    this.operation = operation;
    this.requestId = requestId;
  }

  get kind(): AwsErrorKind {
    return this.info.kind;
  }

  get code(): string {
    return this.info.code;
  }

  get retryable(): boolean {
    return this.info.retryable;
  }
}

/** True when `err` is an AwsError, optionally of one of the given kinds. */
export function isAwsError(err: unknown, ...kinds: AwsErrorKind[]): err is AwsError {
  return err instanceof AwsError && (kinds.length === 0 || kinds.includes(err.kind));
}

function requestIdOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const metadata = (err as { $metadata?: { requestId?: unknown } }).$metadata;
  return typeof metadata?.requestId === 'string' ? metadata.requestId : undefined;
}

/**
 * Turns every error a client's calls end with (after the SDK's own retries) into an AwsError.
 * The SDK error is deliberately not kept as `cause`: it carries the raw HTTP response, and a
 * logger that serializes causes must not be able to print it.
 */
export function classifyErrorsPlugin<I extends object, O extends object>(service: AwsService): Pluggable<I, O> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (err) {
            // Not an AWS answer: nothing was sent (see work-guard.ts).
            if (err instanceof WorkStoppedError) throw err;
            throw new AwsError(classifyAwsError(err), service, operationName(context), requestIdOf(err));
          }
        },
        { step: 'initialize', priority: 'high', name: 'ecsOperatorClassifyErrors' },
      );
    },
  };
}
