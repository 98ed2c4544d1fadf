// The task reconciler: resolve -> read the run -> plan -> act -> status, for one EcsTask.
// Source-agnostic: it takes the object and returns an outcome.
import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { isPaused, type EcsTask, type EcsTaskStatus, type TaskRunStatus } from '../../api/index.js';
import type { AwsAdapter, RegionAdapter } from '../../aws/adapter.js';
import { EcsTaskApi, type RunTaskResult } from '../../aws/ecs-task-api.js';
import { isAwsError } from '../../aws/errors.js';
import { failureOf } from '../aws-failure.js';
import type { ClusterRefResolution } from '../cluster/ref.js';
import { conditionsFor, IN_SYNC, PAUSED_REASON, rfc3339, unsyncedConditions, type Health, type OperatorEvent, type OwnerIdentity, type ReconcileOptions, type ReconcileOutcome } from '../outcome.js';
import type { PlannedChange } from '../plan-types.js';
import { resolveTaskDefinition, type TaskDefinitionRefResolution } from '../service/resolve.js';
import { familyRevisionOf } from '../task-definition-names.js';
import { runTaskRequest, runTaskToken } from './desired.js';
import { planTaskRun, taskId, type RecordedRun, type RunVerdict, type TaskDecision } from './plan.js';
import { currentTasks, taskRunStatus } from './status.js';

export interface TaskDeps {
  aws: AwsAdapter;
  owner: OwnerIdentity;
  now(): Date;
  resolveTaskDefinitionRef(name: string): TaskDefinitionRefResolution;
  resolveClusterRef(name: string): ClusterRefResolution;
  /** Tells apart runs of the same generation that are meant to be separate (see runTaskToken). */
  runId?: string;
}

export type TaskStatusBody = Omit<EcsTaskStatus, 'conditions' | 'observedGeneration' | 'reconciledGeneration'>;

/** How often a running task is looked at: tasks start and stop within seconds to minutes. */
const RUNNING_POLL_MS = 3_000;
/** How long a run that RunTask could not start waits before its next attempt. */
const RETRY_AFTER_MS = 10_000;

export async function reconcileTask(obj: EcsTask, deps: TaskDeps, opts: ReconcileOptions): Promise<ReconcileOutcome<TaskStatusBody>> {
  const generation = obj.metadata.generation ?? 0;
  const previous = carried(obj.status);
  const run = recordedRun(obj.status);
  const spec = { generation, count: obj.spec.count ?? 1, backoffLimit: obj.spec.backoffLimit ?? 0, ...(obj.spec.activeDeadlineSeconds ? { activeDeadlineSeconds: obj.spec.activeDeadlineSeconds } : {}) };
  const current = run.generation === generation && run.attempts > 0;
  const region = deps.aws.region(current ? (previous.region ?? obj.spec.region) : obj.spec.region);
  const api = new EcsTaskApi(region.clients.ecs);
  const events: OperatorEvent[] = [];
  try {
    let tasks: TaskRunStatus[] = [...run.tasks];
    if (current && run.phase === 'Running' && previous.clusterArn && tasks.length > 0) {
      const described = await api.describeTasks(previous.clusterArn, tasks.map((t) => t.taskArn));
      tasks = currentTasks(tasks, described, await essentialContainers(region, previous.taskDefinitionArn));
    }
    const decision = planTaskRun(spec, run, tasks, deps.now());
    const status: TaskStatusBody = { ...previous, tasks };
    switch (decision.action) {
      case 'Done':
      case 'Wait':
        if (decision.verdict.state === 'succeeded' && previous.phase === 'Running') {
          events.push({ type: 'Normal', reason: 'Succeeded', message: `Every task of ${previous.taskDefinition ?? 'the run'} stopped with exit code 0` });
        }
        return settled(withVerdict(status, decision.verdict, deps.now()), decision.verdict, events, runningMessage(status));
      case 'StopTasks':
        return await stopForDeadline(api, status, decision, events, deps.now(), opts, isPaused(obj));
      case 'RunTask':
        return await startRun(obj, deps, region, api, status, decision.attempt, events, opts);
    }
  } catch (err) {
    const failure = failureOf(err, `running ECS task(s) of ${deps.owner.namespace}/${deps.owner.name}`, { region: region.region });
    if (!failure) throw err;
    return { plan: [], applied: events.length > 0, status: previous, conditions: unsyncedConditions(failure.health), events: [...events, failure.event], backoff: failure.backoff };
  }
}

async function startRun(
  obj: EcsTask,
  deps: TaskDeps,
  region: RegionAdapter,
  api: EcsTaskApi,
  status: TaskStatusBody,
  attempt: number,
  events: OperatorEvent[],
  opts: ReconcileOptions,
): Promise<ReconcileOutcome<TaskStatusBody>> {
  const generation = obj.metadata.generation ?? 0;
  const cluster = obj.spec.clusterRef ? deps.resolveClusterRef(obj.spec.clusterRef.name) : { cluster: obj.spec.cluster ?? '', region: obj.spec.region };
  if ('waiting' in cluster) return waiting(status, 'WaitingForCluster', cluster.waiting);
  const runRegion = cluster.region === undefined || cluster.region === region.region ? region : deps.aws.region(cluster.region);
  const resolved = await resolveTaskDefinition(obj.spec, deps.resolveTaskDefinitionRef, runRegion);
  if (resolved.kind === 'waiting') return waiting(status, 'WaitingForTaskDefinition', resolved.message);
  if (resolved.kind === 'invalid') return { plan: [], applied: false, status, conditions: unsyncedConditions({ kind: 'stalled', reason: resolved.reason, message: resolved.message }), events: [], backoff: 'stalled' };

  const token = runTaskToken(deps.owner, generation, attempt, deps.runId);
  const request = runTaskRequest(obj, { cluster: cluster.cluster, taskDefinitionArn: resolved.taskDefinition.ref }, deps.owner, token);
  const change: PlannedChange = {
    resource: 'Task',
    id: `${deps.owner.namespace}/${deps.owner.name}`,
    action: 'RunTask',
    diffs: [{ path: 'status.tasks', desired: `${request.count ?? 1} task(s) of ${resolved.taskDefinition.familyRevision}${attempt > 1 ? ` (attempt ${attempt})` : ''}` }],
    payload: request,
  };
  if (opts.dryRun || isPaused(obj)) {
    const message = opts.dryRun
      ? `would start ${request.count ?? 1} task(s) of ${resolved.taskDefinition.familyRevision} (dry run)`
      : `${request.count ?? 1} task(s) of ${resolved.taskDefinition.familyRevision} not started: ${PAUSED_REASON}`;
    return { plan: [change], applied: false, status, conditions: conditionsFor({ kind: 'pending', reason: 'ChangesWithheld', message }, { inSync: false, reason: 'ChangesWithheld', message }), events: [] };
  }

  const started = await runOnce(new EcsTaskApi(runRegion.clients.ecs), request);
  // The revision the tasks run: the one asked for, unless an earlier RunTask of this run started them.
  const taskDefinitionArn = started.tasks[0]?.taskDefinitionArn ?? resolved.taskDefinition.ref;
  const familyRevision = familyRevisionOf(taskDefinitionArn);
  const essential = await essentialContainers(runRegion, taskDefinitionArn);
  const tasks = started.tasks.map((t) => taskRunStatus(t, essential));
  const failures = started.failures.map((f) => `${f.arn ? `${f.arn}: ` : ''}${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`);
  const now = deps.now();
  const next: TaskStatusBody = {
    region: runRegion.region,
    runGeneration: generation,
    attempts: attempt,
    phase: 'Running',
    clusterArn: tasks.length > 0 ? (started.tasks[0]?.clusterArn ?? cluster.cluster) : cluster.cluster,
    taskDefinitionArn,
    taskDefinition: familyRevision,
    // The deadline counts from the first attempt of the generation.
    startTime: attempt > 1 && status.runGeneration === generation && status.startTime ? status.startTime : rfc3339(now),
    tasks,
  };
  if (tasks.length > 0) {
    events.push({ type: 'Normal', reason: 'Started', message: `Started ${tasks.length} task(s) of ${familyRevision}${attempt > 1 ? ` (attempt ${attempt})` : ''}: ${tasks.map((t) => taskId(t.taskArn)).join(', ')}` });
  }
  if (failures.length > 0) {
    const message = `RunTask could not start ${failures.length} task(s): ${failures.join('; ')}`;
    events.push({ type: 'Warning', reason: 'RunTaskFailed', message });
    if (tasks.length === 0) {
      const verdict: RunVerdict = { state: 'failed', reason: 'RunTaskFailed', message };
      // With attempts left (backoffLimit), the next look starts the run again.
      const retry = attempt <= (obj.spec.backoffLimit ?? 0) ? { requeueAfterMs: RETRY_AFTER_MS } : {};
      return { ...settled(withVerdict(next, verdict, now), verdict, events, ''), plan: [change], applied: true, ...retry };
    }
  }
  return { ...settled(next, { state: 'running' }, events, runningMessage(next)), plan: [change], applied: true };
}

/**
 * RunTask, or the tasks an earlier RunTask with the same token started. ECS answers a token it has
 * seen with other parameters by ConflictException: that happens when the run's first RunTask took
 * effect but its answer was lost (a crash), and what the request resolves to changed since (a bare
 * family whose latest revision moved). The run exists then, and its tasks carry the token's
 * startedBy.
 */
async function runOnce(api: EcsTaskApi, request: RunTaskCommandInput): Promise<RunTaskResult> {
  try {
    return await api.runTask(request);
  } catch (err) {
    if (!isAwsError(err) || err.code !== 'ConflictException') throw err;
    const tasks = await api.tasksStartedBy(request.cluster ?? '', request.startedBy ?? '');
    if (tasks.length === 0) throw err;
    return { tasks, failures: [] };
  }
}

async function stopForDeadline(api: EcsTaskApi, status: TaskStatusBody, decision: TaskDecision & { action: 'StopTasks' }, events: OperatorEvent[], now: Date, opts: ReconcileOptions, paused: boolean): Promise<ReconcileOutcome<TaskStatusBody>> {
  const cluster = status.clusterArn ?? '';
  const plan: PlannedChange[] = decision.taskArns.map((arn) => ({ resource: 'Task', id: taskId(arn), action: 'StopTask', diffs: [{ path: 'spec.activeDeadlineSeconds', desired: 'stopped', actual: 'running' }], payload: { cluster, task: arn } }));
  if (opts.dryRun) return { plan, applied: false, status, conditions: unsyncedConditions({ kind: 'pending', reason: 'ChangesWithheld', message: `would stop ${plan.length} task(s) past activeDeadlineSeconds (dry run)` }), events: [] };
  if (paused) return { plan, applied: false, status, conditions: unsyncedConditions({ kind: 'pending', reason: 'ChangesWithheld', message: `${plan.length} task(s) past activeDeadlineSeconds not stopped: ${PAUSED_REASON}` }), events: [] };
  for (const arn of decision.taskArns) {
    await api.stopTask(cluster, arn, 'Stopped by ecs-operator: activeDeadlineSeconds exceeded');
    events.push({ type: 'Normal', reason: 'Stopped', message: `Stopped task ${taskId(arn)}: activeDeadlineSeconds exceeded` });
  }
  return { ...settled(withVerdict(status, decision.verdict, now), decision.verdict, events, ''), plan, applied: decision.taskArns.length > 0 };
}

/** The outcome for a run in the state `verdict` says; an ending is announced once. */
function settled(status: TaskStatusBody, verdict: RunVerdict, events: OperatorEvent[], running: string): ReconcileOutcome<TaskStatusBody> {
  const health: Health =
    verdict.state === 'running'
      ? { kind: 'progressing', reason: 'TaskRunning', message: running }
      : verdict.state === 'succeeded'
        ? { kind: 'ready', reason: 'Succeeded', message: `every task of ${status.taskDefinition ?? 'the run'} stopped with exit code 0` }
        : { kind: 'stalled', reason: verdict.reason, message: verdict.message };
  return {
    plan: [],
    applied: events.length > 0,
    status,
    conditions: conditionsFor(health, IN_SYNC),
    events,
    ...(verdict.state === 'running' ? { requeueAfterMs: RUNNING_POLL_MS } : {}),
  };
}

function withVerdict(status: TaskStatusBody, verdict: RunVerdict, now: Date): TaskStatusBody {
  if (verdict.state === 'running') return { ...status, phase: 'Running' };
  const ended = status.phase !== 'Running' && status.completionTime ? status.completionTime : rfc3339(now);
  const { failureReason: _reason, failureMessage: _message, ...rest } = status;
  if (verdict.state === 'succeeded') return { ...rest, phase: 'Succeeded', completionTime: ended };
  return { ...rest, phase: 'Failed', completionTime: ended, failureReason: verdict.reason, failureMessage: verdict.message.slice(0, 4096) };
}

function runningMessage(status: TaskStatusBody): string {
  const tasks = status.tasks ?? [];
  const states = tasks.map((t) => t.lastStatus ?? 'PENDING');
  const counts = [...new Set(states)].map((s) => `${states.filter((x) => x === s).length} ${s}`).join(', ');
  return `${tasks.length} task(s) of ${status.taskDefinition ?? 'the run'} running (${counts || 'starting'})${(status.attempts ?? 1) > 1 ? `, attempt ${status.attempts ?? 1}` : ''}`;
}

/** No poll: the controller's watches on task definitions and clusters wake a waiting task (src/operator/operator.ts). */
function waiting(status: TaskStatusBody, reason: string, message: string): ReconcileOutcome<TaskStatusBody> {
  return { plan: [], applied: false, status, conditions: unsyncedConditions({ kind: 'progressing', reason, message }), events: [] };
}

/** Names of the essential containers of a revision (containers are essential unless they say otherwise). */
async function essentialContainers(region: RegionAdapter, taskDefinitionArn: string | undefined): Promise<Set<string> | undefined> {
  if (!taskDefinitionArn) return undefined;
  const { taskDefinition } = await region.taskDefinitions.describe(taskDefinitionArn);
  return new Set((taskDefinition.containerDefinitions ?? []).filter((c) => c.essential !== false).map((c) => c.name ?? ''));
}

function carried(status: EcsTask['status']): TaskStatusBody {
  const { conditions: _c, observedGeneration: _o, reconciledGeneration: _r, ...rest } = status ?? {};
  return rest;
}

function recordedRun(status: EcsTask['status']): RecordedRun {
  const s: EcsTaskStatus = status ?? {};
  return {
    generation: s.runGeneration,
    attempts: s.attempts ?? 0,
    phase: s.phase,
    ...(s.failureReason ? { failureReason: s.failureReason } : {}),
    ...(s.failureMessage ? { failureMessage: s.failureMessage } : {}),
    tasks: s.tasks ?? [],
    ...(s.startTime ? { startTime: new Date(s.startTime) } : {}),
  };
}

