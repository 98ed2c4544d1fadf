// AWS errors are classified once, here, from the error's name (the modeled exception), its HTTP
// status and the SDK's retry traits; business code reads `kind` and never matches messages.
import type { Pluggable } from '@smithy/types';
import { operationName, type AwsService } from './operations.js';

/**
 * - throttled: the account's request rate was exceeded.
 * - transient: a 5xx, a timeout or a dropped connection.
 * - conflict: another change to the same resource is in flight.
 * - notFound: a resource the call names does not exist (cluster, service, target group, policy).
 * - invalid: AWS rejected the request itself; only a change to the manifest can fix it.
 * - accessDenied: IAM or the account forbids the call.
 * - limitExceeded: an account quota was reached.
 * - unknown: anything else (kept apart so that it is visible, not guessed at).
 *
 * `retryable` means that repeating the same request later may succeed with nothing changed by a
 * person: it is true for throttled, transient and conflict. The SDK has already retried throttling
 * and transient errors by the time an error reaches the caller, so a caller requeues with backoff.
 */
export type AwsErrorKind = 'throttled' | 'transient' | 'conflict' | 'notFound' | 'invalid' | 'accessDenied' | 'limitExceeded' | 'unknown';

interface Classified<K extends AwsErrorKind, R extends boolean> {
  kind: K;
  retryable: R;
  /** The AWS error code (the exception name), or the Node.js network error code. */
  code: string;
  message: string;
  httpStatusCode?: number;
}

export type AwsErrorInfo =
  | Classified<'throttled' | 'transient' | 'conflict', true>
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
};

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

function build(kind: AwsErrorKind, code: string, f: ErrorFields): AwsErrorInfo {
  const base = { code, message: f.message, ...(f.httpStatusCode === undefined ? {} : { httpStatusCode: f.httpStatusCode }) };
  switch (kind) {
    case 'throttled':
    case 'transient':
    case 'conflict':
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
            throw new AwsError(classifyAwsError(err), service, operationName(context), requestIdOf(err));
          }
        },
        { step: 'initialize', priority: 'high', name: 'ecsOperatorClassifyErrors' },
      );
    },
  };
}
