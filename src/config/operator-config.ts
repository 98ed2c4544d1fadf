// The operator's configuration, from flags first, then environment variables, then defaults;
// validated as a whole (every problem reported at once) and printable without secrets.
//
// The CLI either calls parseOperatorConfig(args, env), or adds the options to its own command with
// addOperatorOptions(cmd) and, once commander has parsed, calls resolveOperatorConfig(cmd, env).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { isAwsRegion } from '../api/common.js';
import { LOG_LEVELS, type LogLevel } from '../observability/logger.js';
import { formatDuration, parseDuration } from './duration.js';

export interface OperatorConfig {
  /** Path of a kubeconfig; undefined = $KUBECONFIG, ~/.kube/config, or in-cluster. */
  kubeconfig: string | undefined;
  /** Namespaces to watch; empty = all namespaces. */
  namespaces: string[];
  /** Reconciles running at once, per controller. */
  concurrency: number;
  /** Every object is reconciled (and so checked for drift) at least this often. */
  resyncPeriodMs: number;
  /** Overall limit on reconcile starts, per controller. */
  rateLimit: { qps: number; burst: number };
  leaderElection: {
    enabled: boolean;
    namespace: string;
    name: string;
    identity: string;
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  /**
   * Shards the work is split into (by namespace), each with its own Lease: 1 = one leader does
   * everything (the leader-election Lease), more = replicas share the shards evenly.
   */
  shards: number;
  /**
   * Names this operator installation in the ownership tags it writes on AWS resources, so two
   * clusters sharing an AWS account never take each other's services.
   */
  clusterId: string;
  aws: {
    /** Default region for objects that do not name one. */
    region: string | undefined;
    /** Endpoint override for every AWS client (an emulator, a VPC endpoint). */
    endpoint: string | undefined;
    /** Pace ECS requests to ECS's documented throttling limits (off only for benchmarks on an emulator). */
    paceRequests: boolean;
  };
  /**
   * Objects of a namespace no EcsAccount maps are refused (Stalled, NoAccountMapping) instead of
   * acting with the operator's own identity.
   */
  requireAccountMapping: boolean;
  /** Where /metrics, /healthz and /readyz are served. */
  httpAddress: { host: string; port: number };
  logLevel: LogLevel;
  /** How long running reconciles get to finish after SIGTERM. */
  shutdownTimeoutMs: number;
  /**
   * An SQS queue that an EventBridge rule fills with ECS's events and CloudTrail's API calls
   * (deploy/events-queue/): the objects they concern are reconciled at once, so resyncs can be
   * rare. `fallbackResyncPeriodMs` applies while the queue cannot be read.
   */
  eventsQueue: { url: string; fallbackResyncPeriodMs: number } | undefined;
}

/**
 * Reconciles run concurrently per kind. Most of a reconcile is waiting on AWS, and concurrent
 * reads of one cluster's services are batched into DescribeServices calls of 10, so a multiple of
 * 10 keeps a resync at 0.1 reads per service.
 */
export const DEFAULT_CONCURRENCY = 20;

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

interface Setting {
  /** commander's attribute name for the option. */
  key: string;
  flags: string;
  description: string;
  /** Environment variables read when the flag is absent, first set one wins. */
  env: string[];
  /** Older flag names still accepted, hidden from --help (commander attribute name, flags). */
  aliases?: { key: string; flags: string }[];
}

const SETTINGS: readonly Setting[] = [
  { key: 'kubeconfig', flags: '--kubeconfig <path>', description: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)', env: [] },
  { key: 'namespaces', flags: '--namespaces <list>', description: 'comma-separated namespaces to watch (default: all)', env: ['ECS_OPERATOR_NAMESPACES', 'WATCH_NAMESPACE'] },
  { key: 'concurrency', flags: '--concurrency <n>', description: 'reconciles running at once per kind (default: 20)', env: ['ECS_OPERATOR_CONCURRENCY'] },
  { key: 'resyncPeriod', flags: '--resync-period <duration>', description: 'reconcile (and check for drift) every object this often (default: 5m)', env: ['ECS_OPERATOR_RESYNC_PERIOD'] },
  { key: 'reconcileQps', flags: '--reconcile-qps <n>', description: 'reconcile starts per second per kind, sustained (default: 50)', env: ['ECS_OPERATOR_RECONCILE_QPS'] },
  { key: 'reconcileBurst', flags: '--reconcile-burst <n>', description: 'reconcile starts per kind allowed at once (default: 200)', env: ['ECS_OPERATOR_RECONCILE_BURST'] },
  { key: 'leaderElect', flags: '--no-leader-elect', description: 'run without leader election (only for a single replica)', env: ['ECS_OPERATOR_LEADER_ELECT'] },
  { key: 'leaseName', flags: '--lease-name <name>', description: 'leader-election Lease name (default: ecs-operator)', env: ['ECS_OPERATOR_LEASE_NAME'] },
  { key: 'leaseNamespace', flags: '--lease-namespace <ns>', description: 'leader-election Lease namespace (default: $POD_NAMESPACE, else default)', env: ['ECS_OPERATOR_LEASE_NAMESPACE', 'POD_NAMESPACE'] },
  { key: 'leaseDuration', flags: '--lease-duration <duration>', description: 'how long a standby waits for an unrenewed lease (default: 15s)', env: ['ECS_OPERATOR_LEASE_DURATION'] },
  { key: 'renewDeadline', flags: '--renew-deadline <duration>', description: 'the leader gives up leading if it cannot renew for this long (default: 10s)', env: ['ECS_OPERATOR_RENEW_DEADLINE'] },
  { key: 'retryPeriod', flags: '--retry-period <duration>', description: 'interval between lease attempts and renewals (default: 2s)', env: ['ECS_OPERATOR_RETRY_PERIOD'] },
  { key: 'shards', flags: '--shards <n>', description: 'split the work by namespace into this many shards, each held by one replica through its own Lease; replicas share them evenly (default: 1, one leader)', env: ['ECS_OPERATOR_SHARDS'] },
  { key: 'identity', flags: '--identity <id>', description: 'this replica in the Lease (default: $POD_NAME, else host and a random suffix)', env: ['ECS_OPERATOR_IDENTITY', 'POD_NAME'] },
  { key: 'clusterId', flags: '--cluster-id <id>', description: 'names this installation in the ownership tags on AWS resources; give each cluster sharing an AWS account its own (default: default)', env: ['ECS_OPERATOR_CLUSTER_ID'] },
  // --region and --endpoint, as `apply`, `drift` and `import` name them; --aws-* was the controller's own spelling.
  { key: 'region', flags: '--region <region>', description: 'default AWS region for objects that name none (default: $AWS_REGION, else us-east-1)', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], aliases: [{ key: 'awsRegion', flags: '--aws-region <region>' }] },
  { key: 'endpoint', flags: '--endpoint <url>', description: 'AWS endpoint override, e.g. an emulator', env: ['ECS_OPERATOR_AWS_ENDPOINT', 'AWS_ENDPOINT_URL'], aliases: [{ key: 'awsEndpoint', flags: '--aws-endpoint <url>' }] },
  { key: 'awsPaceRequests', flags: '--no-aws-pace-requests', description: "do not pace ECS requests to ECS's documented throttling limits (only for benchmarks against an emulator)", env: ['ECS_OPERATOR_AWS_PACE_REQUESTS'] },
  { key: 'requireAccountMapping', flags: '--require-account-mapping', description: "refuse the objects of namespaces no EcsAccount maps to an AWS account, instead of acting with the operator's own identity", env: ['ECS_OPERATOR_REQUIRE_ACCOUNT_MAPPING'] },
  { key: 'httpAddress', flags: '--http-address <host:port>', description: 'serve /metrics, /healthz and /readyz here (default: 0.0.0.0:8080)', env: ['ECS_OPERATOR_HTTP_ADDRESS'] },
  { key: 'logLevel', flags: '--log-level <level>', description: `log level: ${LOG_LEVELS.join(', ')} (default: info)`, env: ['ECS_OPERATOR_LOG_LEVEL', 'LOG_LEVEL'] },
  { key: 'eventsQueue', flags: '--events-queue <url>', description: "SQS queue URL of ECS's events and CloudTrail's API calls (deploy/events-queue/); with it the resync period defaults to 1h", env: ['ECS_OPERATOR_EVENTS_QUEUE'] },
  { key: 'eventsFallbackResyncPeriod', flags: '--events-fallback-resync-period <duration>', description: 'resync period while the events queue cannot be read (default: 5m)', env: ['ECS_OPERATOR_EVENTS_FALLBACK_RESYNC_PERIOD'] },
  { key: 'shutdownTimeout', flags: '--shutdown-timeout <duration>', description: 'time running reconciles get to finish on SIGTERM (default: 30s)', env: ['ECS_OPERATOR_SHUTDOWN_TIMEOUT'] },
];

/** Adds the operator's options to a commander command (the CLI's `run`). */
export function addOperatorOptions(cmd: Command): Command {
  for (const s of SETTINGS) {
    const envNote = s.env.length > 0 ? ` [env: ${s.env.join(', ')}]` : '';
    cmd.option(s.flags, `${s.description}${envNote}`);
    for (const alias of s.aliases ?? []) cmd.addOption(new Option(alias.flags).hideHelp());
  }
  return cmd;
}

/** Builds the config from a command that addOperatorOptions() prepared and commander parsed. */
export function resolveOperatorConfig(cmd: Command, env: Env): OperatorConfig {
  const opts = cmd.opts<Record<string, unknown>>();
  const raw: Record<string, string | undefined> = {};
  for (const s of SETTINGS) {
    const key = [s.key, ...(s.aliases ?? []).map((a) => a.key)].find((k) => cmd.getOptionValueSource(k) === 'cli');
    const value = key === undefined ? undefined : opts[key];
    if (key !== undefined) raw[s.key] = typeof value === 'boolean' ? String(value) : (value as string);
    else raw[s.key] = s.env.map((name) => env[name]).find((v) => v !== undefined && v !== '');
  }
  return buildConfig(raw);
}

/** Parses operator arguments (without `node script`) and the environment into a config. */
export function parseOperatorConfig(args: readonly string[], env: Env): OperatorConfig {
  const cmd = addOperatorOptions(new Command('ecs-operator'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  try {
    cmd.parse(args, { from: 'user' });
  } catch (err) {
    throw new ConfigError([err instanceof Error ? err.message : String(err)]);
  }
  return resolveOperatorConfig(cmd, env);
}

function buildConfig(raw: Record<string, string | undefined>): OperatorConfig {
  const problems: string[] = [];

  const int = (key: string, label: string, fallback: number, min: number, max: number): number => {
    const text = raw[key];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${label} must be a whole number from ${min} to ${max} (got "${text}")`);
      return fallback;
    }
    return n;
  };
  const num = (key: string, label: string, fallback: number, min: number): number => {
    const text = raw[key];
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) {
      problems.push(`${label} must be a number of at least ${min} (got "${text}")`);
      return fallback;
    }
    return n;
  };
  const duration = (key: string, label: string, fallback: number, minMs: number): number => {
    const text = raw[key];
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms < minMs) {
      problems.push(`${label} must be a duration of at least ${formatDuration(minMs)}, like 30s or 5m (got "${text}")`);
      return fallback;
    }
    return ms;
  };

  const namespaces = (raw.namespaces ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const ns of namespaces) if (!isDnsLabel(ns)) problems.push(`namespace "${ns}" is not a valid namespace name`);

  const leaderElect = raw.leaderElect === undefined ? true : parseBool(raw.leaderElect);
  if (leaderElect === undefined) problems.push(`leader election must be true or false (got "${raw.leaderElect}")`);

  const leaseDurationMs = duration('leaseDuration', 'lease duration', 15_000, 1000);
  const renewDeadlineMs = duration('renewDeadline', 'renew deadline', 10_000, 500);
  const retryPeriodMs = duration('retryPeriod', 'retry period', 2_000, 100);
  if (leaderElect !== false) {
    if (renewDeadlineMs >= leaseDurationMs) problems.push('renew deadline must be shorter than the lease duration');
    if (retryPeriodMs >= renewDeadlineMs) problems.push('retry period must be shorter than the renew deadline');
  }
  const shards = int('shards', 'shards', 1, 1, 256);
  if (shards > 1 && leaderElect === false) problems.push('--shards over 1 needs leader election (the shard Leases are how replicas share the work)');
  const leaseName = raw.leaseName ?? 'ecs-operator';
  const leaseNamespace = raw.leaseNamespace ?? 'default';
  if (!isDnsSubdomain(leaseName)) problems.push(`lease name "${leaseName}" is not a valid object name`);
  if (!isDnsLabel(leaseNamespace)) problems.push(`lease namespace "${leaseNamespace}" is not a valid namespace name`);

  const clusterId = raw.clusterId ?? 'default';
  if (!/^[A-Za-z0-9_.:/=+@-]{1,128}$/.test(clusterId)) problems.push(`cluster id "${clusterId}" must be 1-128 letters, digits or _ . : / = + @ - (it becomes an AWS tag value)`);

  const endpoint = raw.endpoint;
  if (endpoint !== undefined && !isHttpUrl(endpoint)) problems.push(`AWS endpoint must be an http(s) URL (got "${redactUrl(endpoint)}")`);
  const region = raw.region;
  if (region !== undefined && !isAwsRegion(region)) problems.push(`AWS region "${region}" is not a region of any AWS partition (e.g. us-east-1)`);

  const requireAccountMapping = raw.requireAccountMapping === undefined ? false : parseBool(raw.requireAccountMapping);
  if (requireAccountMapping === undefined) problems.push(`require account mapping must be true or false (got "${raw.requireAccountMapping}")`);

  const httpAddress = parseHostPort(raw.httpAddress ?? '0.0.0.0:8080');
  if (!httpAddress) problems.push(`HTTP address must be host:port or :port (got "${raw.httpAddress}")`);

  const eventsQueueUrl = raw.eventsQueue;
  if (eventsQueueUrl !== undefined && !isHttpUrl(eventsQueueUrl)) problems.push(`events queue must be an SQS queue URL (got "${redactUrl(eventsQueueUrl)}")`);
  const fallbackResyncPeriodMs = duration('eventsFallbackResyncPeriod', 'events fallback resync period', 5 * 60_000, 10_000);

  const logLevel = (raw.logLevel ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`log level must be one of ${LOG_LEVELS.join(', ')} (got "${raw.logLevel}")`);

  const config: OperatorConfig = {
    kubeconfig: raw.kubeconfig,
    namespaces: [...new Set(namespaces)],
    concurrency: int('concurrency', 'concurrency', DEFAULT_CONCURRENCY, 1, 256),
    // With the events queue, drift made by others arrives as events: a resync is only the safety net.
    resyncPeriodMs: duration('resyncPeriod', 'resync period', eventsQueueUrl === undefined ? 5 * 60_000 : 60 * 60_000, 10_000),
    rateLimit: { qps: num('reconcileQps', 'reconcile QPS', 50, 0.01), burst: int('reconcileBurst', 'reconcile burst', 200, 1, 100_000) },
    leaderElection: {
      enabled: leaderElect !== false,
      namespace: leaseNamespace,
      name: leaseName,
      identity: raw.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
    },
    shards,
    clusterId,
    aws: { region, endpoint, paceRequests: raw.awsPaceRequests === undefined ? true : parseBool(raw.awsPaceRequests) !== false },
    requireAccountMapping: requireAccountMapping === true,
    httpAddress: httpAddress ?? { host: '0.0.0.0', port: 8080 },
    logLevel,
    shutdownTimeoutMs: duration('shutdownTimeout', 'shutdown timeout', 30_000, 0),
    eventsQueue: eventsQueueUrl === undefined ? undefined : { url: eventsQueueUrl, fallbackResyncPeriodMs },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The config as it is logged at start: durations readable, no credentials (URL user info). */
export function describeConfig(config: OperatorConfig): Record<string, unknown> {
  const le = config.leaderElection;
  return {
    kubeconfig: config.kubeconfig ?? '(default)',
    namespaces: config.namespaces.length > 0 ? config.namespaces : '(all)',
    concurrency: config.concurrency,
    resyncPeriod: formatDuration(config.resyncPeriodMs),
    rateLimit: config.rateLimit,
    leaderElection: le.enabled
      ? {
          lease: `${le.namespace}/${le.name}`,
          identity: le.identity,
          leaseDuration: formatDuration(le.leaseDurationMs),
          renewDeadline: formatDuration(le.renewDeadlineMs),
          retryPeriod: formatDuration(le.retryPeriodMs),
        }
      : 'disabled',
    shards: config.shards,
    clusterId: config.clusterId,
    aws: { region: config.aws.region ?? '(per object or SDK default)', endpoint: config.aws.endpoint ? redactUrl(config.aws.endpoint) : '(AWS)' },
    requireAccountMapping: config.requireAccountMapping,
    httpAddress: `${config.httpAddress.host}:${config.httpAddress.port}`,
    logLevel: config.logLevel,
    shutdownTimeout: formatDuration(config.shutdownTimeoutMs),
    eventsQueue: config.eventsQueue ? { url: redactUrl(config.eventsQueue.url), fallbackResyncPeriod: formatDuration(config.eventsQueue.fallbackResyncPeriodMs) } : '(none)',
  };
}

function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  return undefined;
}

function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const isDnsLabel = (s: string): boolean => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s);
const isDnsSubdomain = (s: string): boolean => s.length <= 253 && s.split('.').every(isDnsLabel);

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (u.username || u.password) {
      u.username = 'REDACTED';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}
