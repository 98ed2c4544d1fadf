// EcsTask: tasks run to completion once per spec generation, with what ECS RunTask takes (shared
// with the scheduled kinds, run-task.ts) and the operator's own fields: region, how often a failed
// run is tried again, how long a run may take, and what deleting the object does to running tasks.
import { Type, type Static } from '@sinclair/typebox';
import { Region, StringEnum, Struct } from './common.js';
import { runTaskProperties, runTaskRules } from './run-task.js';
import { Condition } from './status.js';

export const EcsTaskSpec = Struct(
  'ECS task(s) to run to completion. The operator starts them once for each generation of this spec (a changed spec runs them again) and reports how they ended.',
  {
    ...runTaskProperties,
    region: Type.Optional(Region),
    backoffLimit: Type.Optional(
      Type.Integer({ description: 'How many times a failed run is started again (all its tasks), as a Job\'s backoffLimit. Defaults to 0: a failed run is reported Stalled and not retried.', minimum: 0, maximum: 10 }),
    ),
    activeDeadlineSeconds: Type.Optional(
      Type.Integer({ description: 'Seconds a run may take from its start. Past it the operator stops the tasks still running (StopTask) and the object reports Stalled with reason DeadlineExceeded; it is not retried.', minimum: 1, maximum: 2147483647 }),
    ),
    deletionPolicy: Type.Optional(
      StringEnum(['Delete', 'Retain'], 'What deleting this object does to its tasks still running: Delete stops them (StopTask); Retain lets them run to their end. Tasks that ended are left to ECS either way. Defaults to Delete.', { default: 'Delete' }),
    ),
  },
  { rules: runTaskRules },
);

const Timestamp = (description: string) => Type.String({ description: `${description} (RFC 3339).`, format: 'date-time' });

export const TaskContainerStatus = Struct('An essential container of the task, as ECS reports it.', {
  name: Type.String({ description: 'Container name.', maxLength: 255 }),
  lastStatus: Type.Optional(Type.String({ description: 'PENDING, RUNNING or STOPPED.', maxLength: 32 })),
  exitCode: Type.Optional(Type.Integer({ description: 'Exit code of the container, once it stopped.' })),
  reason: Type.Optional(Type.String({ description: 'Why the container stopped, when ECS says (for example CannotPullContainerError: ...).', maxLength: 1024 })),
});

export const TaskRunStatus = Struct('A task of the run, as ECS reports it.', {
  taskArn: Type.String({ description: 'ARN of the task.', maxLength: 2048 }),
  lastStatus: Type.Optional(Type.String({ description: 'PROVISIONING, PENDING, RUNNING, DEPROVISIONING, STOPPED...', maxLength: 32 })),
  stopCode: Type.Optional(Type.String({ description: 'Why it stopped, in one word: EssentialContainerExited, TaskFailedToStart, UserInitiated...', maxLength: 64 })),
  stoppedReason: Type.Optional(Type.String({ description: 'Why it stopped, as ECS words it.', maxLength: 1024 })),
  startedAt: Type.Optional(Timestamp('When it started running')),
  stoppedAt: Type.Optional(Timestamp('When it stopped')),
  containers: Type.Optional(Type.Array(TaskContainerStatus, { description: 'Its essential containers.', maxItems: 10 })),
});

export const EcsTaskStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the operator last reconciled.', minimum: 0 })),
    reconciledGeneration: Type.Optional(Type.Integer({ description: 'The latest metadata.generation whose run was started.', minimum: 0 })),
    conditions: Type.Optional(
      Type.Array(Condition, {
        description: 'Ready (every task stopped with exit code 0), Reconciling (the run is under way), Stalled (the run failed, or cannot start) and Synced (the run of this generation was started).',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    region: Type.Optional(Type.String({ description: 'AWS region of the tasks.', maxLength: 32 })),
    runGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the current run was started for.', minimum: 0 })),
    attempts: Type.Optional(Type.Integer({ description: 'Runs started for that generation (1, plus the retries backoffLimit allows).', minimum: 0 })),
    phase: Type.Optional(StringEnum(['Running', 'Succeeded', 'Failed'], 'How the current run stands.')),
    clusterArn: Type.Optional(Type.String({ description: 'ECS cluster the tasks run in.', maxLength: 2048 })),
    taskDefinitionArn: Type.Optional(Type.String({ description: 'Task definition revision the tasks run.', maxLength: 2048 })),
    taskDefinition: Type.Optional(Type.String({ description: 'The same, as family:revision.', maxLength: 512 })),
    startTime: Type.Optional(Timestamp('When the current run was started')),
    completionTime: Type.Optional(Timestamp('When the current run ended')),
    failureReason: Type.Optional(Type.String({ description: 'Why the run failed, in one word: NonZeroExitCode, TaskFailedToStart, DeadlineExceeded, RunTaskFailed...', maxLength: 64 })),
    failureMessage: Type.Optional(Type.String({ description: 'What failed, in words: which task, which container, which exit code or stop reason.', maxLength: 4096 })),
    tasks: Type.Optional(Type.Array(TaskRunStatus, { description: 'The tasks of the current run.', maxItems: 10 })),
  },
  { description: 'Observed state of the run, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);

export type EcsTaskSpec = Static<typeof EcsTaskSpec>;
export type EcsTaskStatus = Static<typeof EcsTaskStatus>;
export type TaskRunStatus = Static<typeof TaskRunStatus>;
export type TaskContainerStatus = Static<typeof TaskContainerStatus>;
