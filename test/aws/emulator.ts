// Starts the AWS test emulator (moto with this project's patches, see README.md beside this file)
// as a child process and exposes its endpoint and its control API.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const here = import.meta.dirname;

export type ClockMode = 'manual' | 'realtime';

export interface EmulatorOptions {
  /** `manual`: time passes only through control.advance(); `realtime` (default): also on a timer. */
  clock?: ClockMode;
  /** Period of the realtime clock in milliseconds (default 750: a rolling update takes about 3 s). */
  tickMs?: number;
  /** Throttle requests as AWS does, with the token buckets ECS and CloudWatch publish per account,
   * region and action group, on wall time (README.md, "Throttling"). Default: off, or on when
   * ECS_OPERATOR_EMULATOR_THROTTLE=aws (to run any suite against AWS's rates); it can also be
   * switched at run time with control.setThrottling(). */
  throttle?: boolean;
}

/** One token bucket of one account, region and action group, as it stands. */
export interface ThrottleBucket {
  account: string;
  region: string;
  /** Signing name: ecs or monitoring. */
  service: string;
  /** ECS's API action category ("Service read actions") or CloudWatch's action. */
  group: string;
  capacity: number;
  refillPerSecond: number;
  tokens: number;
  /** Calls it let through, and calls it answered with ThrottlingException (ECS) or Throttling (CloudWatch). */
  allowed: number;
  throttled: number;
}

export interface ThrottleState {
  mode: 'off' | 'aws';
  /** Calls throttled since the buckets were last reset. */
  throttled: number;
  buckets: ThrottleBucket[];
}

export interface ClockState {
  mode: ClockMode;
  tickMs: number;
  ticks: number;
}

/** What a fault rule does to a call it hits: `throttle` = 400 ThrottlingException "Rate exceeded";
 * `error` = 500 InternalFailure (503: ServiceUnavailable; status and code can be given); `reset` =
 * the connection is closed without an answer (ECONNRESET); `slow` = the answer comes `delayMs` late. */
export type FaultKind = 'throttle' | 'error' | 'reset' | 'slow';

/** Narrows a fault to some calls: one service's signing name ("ecs", "monitoring", ...), the
 * calls signed with one access key id (tests sharing an emulator use their own key), and/or the
 * calls acting in one account (12 digits: whatever keys sign them, so also an assumed role's
 * sessions, whose keys change at every refresh). */
export interface FaultScope {
  service?: string;
  accessKeyId?: string;
  account?: string;
}

/** How many calls a rule hits: the next `count` (default 1), or each with chance `probability`
 * (at most `count` times if given, else until cleared), drawn from a generator seeded by `seed`
 * (the emulator picks and reports one when absent). */
export interface FaultShare {
  count?: number;
  probability?: number;
  seed?: number;
}

export interface FaultRule extends FaultScope, FaultShare {
  /** An API operation ("UpdateService"), or "*" for every operation (narrow it with `service`). */
  operation: string;
  kind: FaultKind;
  status?: number;
  code?: string;
  message?: string;
  /** `slow` only: how late the answer comes (1 to 120000 ms). */
  delayMs?: number;
  /** The call takes effect; only its answer is lost (error, reset) or late (slow). */
  afterProcessing?: boolean;
}

/** A rule as the emulator holds it, with what it has done so far. */
export interface Fault {
  id: number;
  operation: string;
  kind: FaultKind;
  /** Faults still to cause; null: until cleared. */
  remaining: number | null;
  probability: number;
  seed: number;
  status: number | null;
  code: string | null;
  message: string | null;
  delayMs: number;
  service: string | null;
  accessKeyId: string | null;
  account: string | null;
  afterProcessing: boolean;
  /** Calls the rule saw (every SDK attempt is one). */
  matched: number;
  /** Faults it caused. */
  injected: number;
}

/** A request that broke the AWS service model of its operation (answered with a 400 naming the
 * member), or, in the emulator's own suite, an answer that broke the output shape. */
export interface ModelViolation {
  operation: string;
  /** The member path as the error names it, e.g. `containerDefinitions.1.member.memory`. */
  member: string;
  /** e.g. "Member must have length less than or equal to 255" */
  constraint: string;
  /** The whole error message the request was answered with. */
  message: string;
  /** Signing name: ecs, application-autoscaling, monitoring, elasticloadbalancing, events, scheduler, sts. */
  service: string;
  accessKeyId: string | null;
  direction: 'request' | 'response';
  /** A test declared it (expectModelViolation) before sending it. */
  expected: boolean;
  time: string;
}

/** A test's declaration that it sends a request breaking the model on purpose. */
export interface ModelViolationExpectation {
  /** One API operation, e.g. "RegisterTaskDefinition". */
  operation: string;
  /** One member path exactly as the error names it, e.g. "containerDefinitions.1.member.name". */
  member: string;
  /** Only violations in calls signed with this key (the test's own) are covered. */
  accessKeyId?: string;
  /** How many violations it covers (default 1). */
  count?: number;
}

export interface ModelViolations {
  violations: ModelViolation[];
  /** How many violations no test declared. */
  unexpected: number;
  /** Requests checked against the models so far, by signing name (ecs, monitoring...). */
  checked: Record<string, number>;
  /** Declarations not used up yet. */
  expectations: (Required<Omit<ModelViolationExpectation, 'count' | 'accessKeyId'>> & { id: number; accessKeyId: string | null; remaining: number })[];
}

/** What the lifecycle hooks of BLUE_GREEN, LINEAR and CANARY deployments answer (no Lambda runs). */
export interface LifecycleHookOutcome {
  outcome: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
  /** Limits the rule to one service (name or ARN), hook target and hook stage; the newest matching rule wins. */
  service?: string;
  hookTargetArn?: string;
  stage?: string;
  /** With IN_PROGRESS: answer IN_PROGRESS to this many invocations (one per tick), then `then`. */
  ticks?: number;
  then?: 'SUCCEEDED' | 'FAILED';
}

export interface LifecycleHookInvocation {
  service: string;
  serviceDeploymentArn: string;
  hookTargetArn: string;
  stage: string;
  status: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';
}

/** How standalone tasks (RunTask) end, for the tasks started after the rule whose task definition
 * (family, family:revision or ARN) and, if given, startedBy match; the newest matching rule wins. */
export interface TaskOutcomeRule {
  taskDefinition: string;
  startedBy?: string;
  /** `exit` (default): the task runs `runTicks` ticks (default 3) and its containers exit with
   * `exitCodes[name]` or `exitCode` (default 0). `CannotPullContainerError`: it stops from PENDING
   * with stopCode TaskFailedToStart and no exit codes. */
  outcome?: 'exit' | 'CannotPullContainerError';
  exitCode?: number;
  exitCodes?: Record<string, number>;
  runTicks?: number;
  /** The task runs until StopTask (or a deadline) stops it. */
  runsUntilStopped?: boolean;
  /** How many tasks the rule applies to (default: until cleared). */
  count?: number;
}

/** A rule as the emulator holds it. */
export interface TaskOutcome {
  id: number;
  taskDefinition: string;
  startedBy: string | null;
  outcome: 'exit' | 'CannotPullContainerError';
  exitCode: number;
  exitCodes: Record<string, number>;
  /** null: runs until stopped */
  runTicks: number | null;
  /** Tasks left to apply to; null: until cleared. */
  remaining: number | null;
  applied: number;
}

/** What an ECS target's RunTask did when a schedule fired or an event was delivered. */
export interface TargetInvocation {
  /** The RunTask request EventBridge (Scheduler) sent. */
  request: Record<string, unknown>;
  /** The tasks it started, or (instead) the error RunTask answered. */
  taskArns?: string[];
  error?: string;
}

export interface ScheduleFiring extends TargetInvocation {
  scheduleArn: string;
  /** false when the schedule is DISABLED (nothing started; `reason` says why). */
  fired: boolean;
  reason?: string;
}

/** An event as an AWS service sends it to a bus (the envelope's other fields are filled in). */
export interface BusEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources?: string[];
  time?: string;
  id?: string;
}

export interface EventDelivery {
  /** The event as delivered. */
  event: Record<string, unknown>;
  /** Names of the ENABLED rules whose pattern matched. */
  matchedRules: string[];
  invocations: (TargetInvocation & { rule: string; targetId: string })[];
}

export interface EmulatorState {
  clock: ClockState;
  /** family:revision -> the stoppedReason its failing tasks report */
  taskFailures: Record<string, string>;
  /** family:revision of the task definitions whose tasks stay PENDING */
  pendingTasks: string[];
  taskOutcomes: TaskOutcome[];
  faults: Fault[];
  throttle: ThrottleState;
  modelViolations: ModelViolations;
  lifecycleHooks: { rules: Required<LifecycleHookOutcome>[]; invocations: LifecycleHookInvocation[] };
  /** Ticks that make one minute of a deployment's bake times. */
  ticksPerMinute: number;
}

/** One call, as the request journal (patches/request_journal.py) records it: CloudTrail's fields. */
export interface JournalRecord {
  eventTime: string;
  eventSource: string;
  eventName: string;
  userIdentity: { accessKeyId: string };
  /** The JSON body of a JSON-protocol call (ECS and the like); null for query-protocol calls. */
  requestParameters: Record<string, unknown> | null;
  errorCode?: string;
}

export interface EmulatorControl {
  /** Runs `steps` scheduling steps (default 1) for every ECS service. */
  advance(steps?: number): Promise<ClockState>;
  /** Makes every task of this task definition (ARN or family:revision) fail to start. */
  failTasks(taskDefinition: string, stoppedReason?: string): Promise<void>;
  /** Lets the tasks of this task definition (or of all, when omitted) start again. */
  clearTaskFailures(taskDefinition?: string): Promise<void>;
  /** Keeps every task of this task definition (ARN or family:revision) PENDING: its rollout neither completes nor fails. */
  holdTasksPending(taskDefinition: string): Promise<void>;
  /** Lets the held tasks of this task definition (or of all, when omitted) start. */
  releasePendingTasks(taskDefinition?: string): Promise<void>;
  /** Sets what lifecycle hooks answer from now on (SUCCEEDED when no rule matches). */
  setLifecycleHookOutcome(rule: LifecycleHookOutcome): Promise<void>;
  /** Drops the hook rules (and recorded invocations) of one service (name or ARN as given), or all. */
  clearLifecycleHookOutcomes(service?: string): Promise<void>;
  /** Every hook invocation so far, oldest first. */
  lifecycleHookInvocations(): Promise<LifecycleHookInvocation[]>;
  /** How many ticks make one minute of bakeTimeInMinutes and the linear/canary step bake times (default 1). */
  setTicksPerMinute(ticks: number): Promise<void>;
  /** Sets how the standalone tasks started from now on end (exit codes, CannotPullContainerError,
   * how many ticks they run); without a rule a task runs 3 ticks and exits 0. */
  setTaskOutcome(rule: TaskOutcomeRule): Promise<TaskOutcome>;
  /** Drops one task outcome rule, or (without an id) every rule. */
  clearTaskOutcomes(id?: number): Promise<void>;
  /** The schedule's time has come: an ENABLED schedule's ECS target calls RunTask as EventBridge Scheduler would. */
  fireSchedule(schedule: { scheduleArn: string } | { name: string; groupName?: string; region?: string; accountId?: string }): Promise<ScheduleFiring>;
  /** Delivers an event to a bus now (default bus by default), as an AWS service would send it:
   * the ECS targets of every ENABLED rule it matches call RunTask with the transformed input. */
  deliverEvent(event: BusEvent, opts?: { eventBusName?: string; region?: string; accountId?: string }): Promise<EventDelivery>;
  /** The next `count` calls of `operation` get ThrottlingException (HTTP 400), or `code`. */
  throttle(operation: string, count: number, scope?: FaultScope & { code?: string }): Promise<void>;
  /** The next `count` calls of `operation` fail with a 5xx (default 500 InternalFailure). With
   * afterProcessing the call takes effect and only its answer is lost. */
  failCalls(operation: string, count: number, opts?: FaultScope & { status?: number; code?: string; message?: string; afterProcessing?: boolean }): Promise<void>;
  /** The next `count` calls of `operation` get no answer: the connection is closed (ECONNRESET). */
  dropConnections(operation: string, count: number, opts?: FaultScope & { afterProcessing?: boolean }): Promise<void>;
  /** The next `count` calls of `operation` are answered `delayMs` late; other calls are not held up. */
  slowCalls(operation: string, count: number, delayMs: number, opts?: FaultScope & { afterProcessing?: boolean }): Promise<void>;
  /** Arms any rule, e.g. a share of calls: `{ operation: '*', service: 'ecs', kind: 'throttle', probability: 0.3, seed }`.
   * Returns the rule as held, with its id (for clearFaults) and seed. */
  addFault(rule: FaultRule): Promise<Fault>;
  /** Drops one rule, or (without an id) every rule: never without an id on a shared emulator. */
  clearFaults(id?: number): Promise<void>;
  /** Switches AWS's request throttling on or off (buckets start full again either way). */
  setThrottling(on: boolean): Promise<ThrottleState>;
  /** Declares that the test is about to send a request that breaks the AWS service model in one
   * member, on purpose (e.g. to see the operator report AWS's 400). Without it, the violation fails
   * the run when the emulator stops. Give the test's own accessKeyId on a shared emulator. */
  expectModelViolation(expectation: ModelViolationExpectation): Promise<void>;
  /** Every model violation so far, and the declarations not used up. */
  modelViolations(): Promise<ModelViolations>;
  /** Forgets every violation and declaration. Never on a shared emulator. */
  clearModelViolations(): Promise<void>;
  /** Clears all AWS state and every control (model violations are kept). Never from tests that share an emulator. */
  reset(): Promise<void>;
  state(): Promise<EmulatorState>;
  /** Starts recording the calls signed with access key ids that begin with `accessKeyIdPrefix`. */
  startJournal(accessKeyIdPrefix: string): Promise<void>;
  /** The calls recorded for that prefix, in the order the emulator served them. */
  journal(accessKeyIdPrefix: string): Promise<JournalRecord[]>;
}

export interface Emulator {
  endpoint: string;
  control: EmulatorControl;
  /** Stops the emulator; then throws, naming each one, if any request broke the AWS service model
   * without a test declaring it (expectModelViolation): the operator sent AWS something it rejects. */
  stop(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Credentials that act in `accountId` (12 digits) on the emulator: a fresh access key id of AWS's
 * form (`AKIA`, then base32 of a "new generation" bit, the account number in 40 bits and random
 * bits), which the emulator reads as AWS's key ids are read (README.md, "Accounts"). Keys of any
 * other form act in 123456789012. Each call gives a new key id, so tests can also scope faults and
 * model violations to their own calls.
 */
export function accountCredentials(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`an AWS account id is 12 digits (got "${accountId}")`);
  // 80 bits: 1 (new generation), the account (40 bits), 39 random bits.
  const bits = (1n << 79n) | (BigInt(accountId) << 39n) | (BigInt(randomBytes(5).readUIntBE(0, 5)) >> 1n);
  let key = 'AKIA';
  for (let shift = 75n; shift >= 0n; shift -= 5n) key += BASE32[Number((bits >> shift) & 31n)];
  return { accessKeyId: key, secretAccessKey: 'testing' };
}

/** An IAM trust policy document (the JSON AWS takes as AssumeRolePolicyDocument). */
export type TrustPolicy = { Version?: string; Statement: Record<string, unknown>[] };

/** The trust policy that lets `principalAccount` assume a role, with an external ID when given. */
export function trustPolicy(principalAccount: string, externalId?: string): TrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${principalAccount}:root` },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined ? {} : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  };
}

/** IAM roles of one account, administered as a user of that account would (IAM CreateRole,
 * UpdateAssumeRolePolicy, DeleteRole with that account's credentials). */
export interface RoleAdmin {
  /** Creates the role; returns its ARN. */
  createRole(name: string, trust: TrustPolicy): Promise<string>;
  updateAssumeRolePolicy(name: string, trust: TrustPolicy): Promise<void>;
  deleteRole(name: string): Promise<void>;
}

/**
 * IAM role administration in `accountId` on the emulator at `endpoint`. The AWS SDK for JavaScript
 * this repository depends on has no IAM client, so the calls go through boto3 in the emulator's
 * venv (`iam.py`), signed with credentials of that account; an AWS error rejects with its code and
 * message.
 */
export function roleAdmin(endpoint: string, accountId: string): RoleAdmin {
  const run = async (args: string[]): Promise<{ arn?: string }> => {
    const iam = promisify(execFile)(await venvPython(), [join(here, 'iam.py'), '--endpoint', endpoint, '--account', accountId, ...args], {
      cwd: here,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    const { stdout } = await iam.catch((err: unknown) => {
      const output = (err as { stdout?: string }).stdout ?? '';
      const parsed = output ? (JSON.parse(output) as { error?: string }) : {};
      throw new Error(`IAM ${args[0] ?? ''} in account ${accountId}: ${parsed.error ?? String(err)}`);
    });
    return JSON.parse(stdout) as { arn?: string };
  };
  return {
    createRole: async (name, trust) => {
      const { arn } = await run(['create-role', name, '--trust-policy', JSON.stringify(trust)]);
      if (arn === undefined) throw new Error(`IAM create-role ${name}: no ARN in the answer`);
      return arn;
    },
    updateAssumeRolePolicy: async (name, trust) => void (await run(['update-assume-role-policy', name, '--trust-policy', JSON.stringify(trust)])),
    deleteRole: async (name) => void (await run(['delete-role', name])),
  };
}

let venv: Promise<string> | undefined;

/** The emulator venv's Python (ensure-venv.sh makes the venv on first use), resolved once per process. */
function venvPython(): Promise<string> {
  venv ??= promisify(execFile)('bash', [join(here, 'ensure-venv.sh')], { maxBuffer: 1 << 20 }).then(({ stdout }) => join(stdout.trim(), 'bin', 'python'));
  return venv;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const python = await venvPython();
  const args = [join(here, 'emulator.py'), '--clock', opts.clock ?? 'realtime'];
  if (opts.tickMs !== undefined) args.push('--tick-ms', String(opts.tickMs));
  if (opts.throttle ?? process.env.ECS_OPERATOR_EMULATOR_THROTTLE === 'aws') args.push('--throttle', 'aws');
  // stdin stays an open pipe: the emulator exits when it closes, so a parent that dies (even by
  // SIGKILL) never leaves it running.
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    const endpoint = await readEndpoint(child);
    const control = controlClient(endpoint);
    return {
      endpoint,
      control,
      stop: async () => {
        process.removeListener('exit', killOnExit);
        const found = await control.modelViolations().catch((err: unknown) => err as Error);
        await stopChild(child);
        if (found instanceof Error) throw new Error(`could not read the AWS emulator's model violations: ${found.message}`);
        const unexpected = found.violations.filter((v) => !v.expected);
        if (unexpected.length > 0) throw new Error(describeViolations(unexpected));
      },
    };
  } catch (err) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw err;
  }
}

/** One line per violation, for a failure message that says what was sent and by whom. */
export function describeViolations(violations: ModelViolation[]): string {
  const lines = violations.map((v) => `  ${v.operation} ${v.member}: ${v.constraint} (access key ${v.accessKeyId ?? 'none'}, ${v.time})`);
  return `${violations.length} request(s) to the AWS emulator broke the AWS service model and no test declared them (expectModelViolation):\n${lines.join('\n')}`;
}

function readEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) throw new Error('the AWS emulator has no stdout');
    const lines = createInterface({ input: child.stdout });
    const settle = (settleWith: () => void): void => {
      lines.close();
      child.off('exit', onExit);
      child.off('error', onError);
      settleWith();
    };
    const onExit = (code: number | null): void => settle(() => reject(new Error(`AWS emulator exited with code ${String(code)} before it was ready`)));
    const onError = (err: Error): void => settle(() => reject(new Error(`AWS emulator could not start: ${err.message}`)));
    lines.once('line', (line: string) =>
      settle(() => {
        const endpoint = parseEndpoint(line);
        if (endpoint) resolve(endpoint);
        else reject(new Error(`unexpected first line from the AWS emulator: ${line}`));
      }),
    );
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function parseEndpoint(line: string): string | undefined {
  try {
    const parsed = JSON.parse(line) as { endpoint?: unknown };
    return typeof parsed.endpoint === 'string' ? parsed.endpoint : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function controlClient(endpoint: string): EmulatorControl {
  const call = async <T>(path: string, body?: object): Promise<T> => {
    const res = await fetch(`${endpoint}/moto-api/ecs-operator${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload: unknown = await res.json();
    if (!res.ok) throw new Error(`emulator control ${path} failed (${res.status}): ${JSON.stringify(payload)}`);
    return payload as T;
  };
  return {
    advance: (steps = 1) => call<ClockState>('/clock/advance', { steps }),
    failTasks: async (taskDefinition, stoppedReason) => void (await call('/task-failures', { taskDefinition, stoppedReason })),
    clearTaskFailures: async (taskDefinition) => void (await call('/task-failures/clear', { taskDefinition })),
    holdTasksPending: async (taskDefinition) => void (await call('/pending-tasks', { taskDefinition })),
    releasePendingTasks: async (taskDefinition) => void (await call('/pending-tasks/clear', { taskDefinition })),
    setLifecycleHookOutcome: async (rule) => void (await call('/lifecycle-hooks', rule)),
    clearLifecycleHookOutcomes: async (service) => void (await call('/lifecycle-hooks/clear', service === undefined ? {} : { service })),
    lifecycleHookInvocations: async () => (await call<EmulatorState>('/state')).lifecycleHooks.invocations,
    setTicksPerMinute: async (ticksPerMinute) => void (await call('/deployment-clock', { ticksPerMinute })),
    setTaskOutcome: async (rule) => (await call<EmulatorState & { added: TaskOutcome }>('/task-outcomes', rule)).added,
    clearTaskOutcomes: async (id) => void (await call('/task-outcomes/clear', id === undefined ? {} : { id })),
    fireSchedule: (schedule) => call<ScheduleFiring>('/schedules/fire', schedule),
    deliverEvent: (event, opts = {}) => call<EventDelivery>('/events/deliver', { event, ...opts }),
    throttle: async (operation, count, scope = {}) => void (await call('/faults', { kind: 'throttle', operation, count, ...scope })),
    failCalls: async (operation, count, opts = {}) => void (await call('/faults', { kind: 'error', operation, count, ...opts })),
    dropConnections: async (operation, count, opts = {}) => void (await call('/faults', { kind: 'reset', operation, count, ...opts })),
    slowCalls: async (operation, count, delayMs, opts = {}) => void (await call('/faults', { kind: 'slow', operation, count, delayMs, ...opts })),
    addFault: async (rule) => (await call<EmulatorState & { added: Fault }>('/faults', rule)).added,
    clearFaults: async (id) => void (await call('/faults/clear', id === undefined ? {} : { id })),
    setThrottling: async (on) => (await call<EmulatorState>('/throttle', { mode: on ? 'aws' : 'off' })).throttle,
    expectModelViolation: async (expectation) => void (await call('/model-violations/expect', expectation)),
    modelViolations: () => call<ModelViolations>('/model-violations'),
    clearModelViolations: async () => void (await call('/model-violations/clear', {})),
    reset: async () => void (await call('/reset', {})),
    state: () => call<EmulatorState>('/state'),
    startJournal: async (accessKeyIdPrefix) => void (await call('/journal', { accessKeyIdPrefix })),
    journal: async (accessKeyIdPrefix) => (await call<{ Records: JournalRecord[] }>('/journal/read', { accessKeyIdPrefix })).Records,
  };
}
