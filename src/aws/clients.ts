// One set of AWS SDK clients per region, created on first use: a manifest may name its own region,
// and each client keeps its own connection pool and retry quota, so they are never created per call.
//
// Retries: the SDK's retry strategy already retries throttling errors, 5xx, timeouts and dropped
// connections (ECONNRESET, EPIPE, ETIMEDOUT, ...) with exponential backoff and full jitter, inside
// one call. The adapter does not wrap those calls in p-retry too: that would multiply attempts
// (maxAttempts x p-retry's retries) against the very rate limit that throttled them. p-retry is
// used only for the one retryable error the SDK does not retry, Application Auto Scaling's
// ConcurrentUpdateException (see autoscaling.ts). Whatever still fails after that reaches the
// caller as a classified AwsError, and the work queue requeues with its own backoff. (The SDK also
// treats the name LimitExceededException as throttling, so a quota error of ECS or Application
// Auto Scaling surfaces, as `limitExceeded`, only after every attempt: slow, but harmless.)
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack, UserAgent } from '@smithy/types';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { DEFAULT_ACCOUNT } from '../observability/metrics.js';
import { AwsCallCounter } from './call-counter.js';
import { callLogPlugin } from './call-log.js';
import { classifyErrorsPlugin } from './errors.js';
import type { AwsService } from './operations.js';
import { EcsRequestPacer } from './request-rate.js';
import { workGuardPlugin } from './work-guard.js';
import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';

/**
 * RegisterTaskDefinition has no idempotency token: a retried attempt whose first answer was lost
 * (a 5xx after the fact, a dropped connection) registers a second revision. Only throttling, which
 * AWS answers before doing anything, is retried here; any other failure goes back to the reconcile,
 * whose search by spec hash finds a revision that did get registered. A restart (forceNewDeployment)
 * is the same: the reconcile recorded the PRIMARY deployment before it, and tells from it whether
 * the lost attempt started one.
 */
class ThrottlingOnlyRetry extends StandardRetryStrategy {
  override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (errorInfo.errorType !== 'THROTTLING') throw new Error('not retried: the request may have taken effect');
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}

export interface AwsClientsConfig {
  /** The region used when a manifest names none. */
  region: string;
  /** Overrides every service's endpoint (the emulator in tests). */
  endpoint?: string;
  /** Static credentials or a provider; the SDK's default chain (env, IRSA, instance role) otherwise. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, first one included. Default 5: a burst of throttling should not surface. */
  maxAttempts?: number;
  /**
   * Pace ECS requests to ECS's documented throttling limits (default on). Off only to measure the
   * operator's own speed against an emulator that has no limits.
   */
  paceEcsRequests?: boolean;
  /**
   * `standard` (default) backs off per call. `adaptive` also rate-limits the client after
   * throttling, but its limiter can fall to 0.5 requests per second and recovers slowly, which
   * stalls a whole region's reconciles after a burst; choose it only for a shared, tight account.
   */
  retryMode?: 'standard' | 'adaptive';
  /** A request that hangs longer than this fails with a (retried) TimeoutError. Default 30 s. */
  requestTimeoutMs?: number;
  /** Where calls are counted; a new counter when absent. */
  calls?: AwsCallCounter;
  /**
   * The account these clients act in (the 12-digit AWS account of an EcsAccount's role; `default`, the operator's own
   * identity, when absent): the `account` of their calls' metrics and log lines. Each set of
   * clients has its own ECS request pacer, and each client its own SDK retry quota (and, in
   * adaptive mode, its own rate limiter), so one set per account and region keeps an account's
   * throttling from spending another's budget.
   */
  account?: string;
  /**
   * Where calls are logged (writes at info, reads at debug) when no reconcile's logger is in
   * context (see src/observability/work-context.ts). Silent when absent.
   */
  log?: Logger;
  /** Added to every request's user agent (see user-agent.ts: how the operator knows its own calls). */
  userAgent?: UserAgent;
}

/**
 * A client created on first use, its SDK package imported only then: a process whose objects never
 * need the service never loads it (each package costs heap and resident memory for its code).
 */
export type LazyClient<C> = () => Promise<C>;

export interface RegionClients {
  region: string;
  ecs: ECSClient;
  /** For calls that are not idempotent (RegisterTaskDefinition, a restart, a rollback): retries throttling and nothing else. */
  ecsRegistrar: ECSClient;
  /** Created at once: the scaling reconcile imports its package's commands anyway. */
  autoscaling: ApplicationAutoScalingClient;
  /** Only load balancer bindings by target group name need it. */
  elbv2: LazyClient<ElasticLoadBalancingV2Client>;
  /** Only step scaling alarms need it. */
  cloudwatch: LazyClient<CloudWatchClient>;
  /** EventBridge Scheduler and EventBridge: only EcsScheduledTasks need them. */
  scheduler: LazyClient<SchedulerClient>;
  eventbridge: LazyClient<EventBridgeClient>;
}

export interface AwsClients {
  defaultRegion: string;
  calls: AwsCallCounter;
  /** The clients for `region` (the default region when absent), created once per region. */
  forRegion(region?: string): RegionClients;
  /** Closes every client's connections. */
  destroy(): void;
}

/**
 * Refuses a client's requests once the reconcile they belong to may no longer act (work-guard.ts),
 * makes its calls end in classified AwsErrors, counts every request it sends and, given a
 * logger, logs every call (see call-log.ts).
 */
export function instrumentClient<I extends object, O extends object>(stack: MiddlewareStack<I, O>, service: AwsService, calls: AwsCallCounter, logged?: { region: string; log: Logger }, account = DEFAULT_ACCOUNT): void {
  // Not STS: an assumed role's credentials are shared by every reconcile of the account, and a
  // refresh that a stopped reconcile happened to start is awaited by the others too.
  if (service !== 'sts') stack.use(workGuardPlugin<I, O>());
  stack.use(classifyErrorsPlugin<I, O>(service));
  stack.use(calls.plugin<I, O>(service, account));
  if (logged) stack.use(callLogPlugin<I, O>(service, logged.region, logged.log));
}

export function createAwsClients(config: AwsClientsConfig): AwsClients {
  const calls = config.calls ?? new AwsCallCounter();
  const account = config.account ?? DEFAULT_ACCOUNT;
  const byRegion = new Map<string, RegionClients>();
  // The lazily created clients of every region, to close them.
  const lazyClients: Array<{ destroy(): void }> = [];

  function create(region: string): RegionClients {
    const requestTimeout = config.requestTimeoutMs ?? 30_000;
    // No `logger` is passed: the SDK's default is silent, so requests are never logged.
    const common = {
      region,
      maxAttempts: config.maxAttempts ?? 5,
      retryMode: config.retryMode ?? 'standard',
      requestHandler: { requestTimeout, connectionTimeout: Math.min(requestTimeout, 5_000), throwOnRequestTimeout: true },
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
      ...(config.userAgent === undefined ? {} : { customUserAgent: config.userAgent }),
    };
    const logged = { region, log: (config.log ?? silentLogger()).child({ account }) };
    function lazy<C extends { destroy(): void }>(make: () => Promise<C>): LazyClient<C> {
      let client: Promise<C> | undefined;
      return () =>
        (client ??= make().then((c) => {
          lazyClients.push(c);
          return c;
        }));
    }
    const clients: RegionClients = {
      region,
      ecs: new ECSClient(common),
      ecsRegistrar: new ECSClient({ ...common, retryStrategy: new ThrottlingOnlyRetry(common.maxAttempts) }),
      autoscaling: new ApplicationAutoScalingClient(common),
      elbv2: lazy(async () => {
        const c = new (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client(common);
        instrumentClient(c.middlewareStack, 'elasticloadbalancing', calls, logged, account);
        return c;
      }),
      cloudwatch: lazy(async () => {
        const c = new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient(common);
        instrumentClient(c.middlewareStack, 'cloudwatch', calls, logged, account);
        return c;
      }),
      scheduler: lazy(async () => {
        const c = new (await import('@aws-sdk/client-scheduler')).SchedulerClient(common);
        instrumentClient(c.middlewareStack, 'scheduler', calls, undefined, account);
        return c;
      }),
      eventbridge: lazy(async () => {
        const c = new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(common);
        instrumentClient(c.middlewareStack, 'events', calls, undefined, account);
        return c;
      }),
    };
    if (config.paceEcsRequests !== false) {
      const pacer = new EcsRequestPacer();
      clients.ecs.middlewareStack.use(pacer.plugin());
      clients.ecsRegistrar.middlewareStack.use(pacer.plugin());
    }
    instrumentClient(clients.ecs.middlewareStack, 'ecs', calls, logged, account);
    instrumentClient(clients.ecsRegistrar.middlewareStack, 'ecs', calls, logged, account);
    instrumentClient(clients.autoscaling.middlewareStack, 'application-autoscaling', calls, logged, account);
    return clients;
  }

  return {
    defaultRegion: config.region,
    calls,
    forRegion(region = config.region) {
      let clients = byRegion.get(region);
      if (!clients) byRegion.set(region, (clients = create(region)));
      return clients;
    },
    destroy() {
      for (const c of byRegion.values()) {
        c.ecs.destroy();
        c.ecsRegistrar.destroy();
        c.autoscaling.destroy();
      }
      for (const c of lazyClients.splice(0)) c.destroy();
      byRegion.clear();
    },
  };
}
