// The resources as whole objects (apiVersion, kind, metadata, spec, status), which is what a
// manifest file holds and what the API server returns.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum, StringMap, Struct, type CelRule } from './common.js';
import { EcsClusterSpec, EcsClusterStatus } from './cluster.js';
import { API_VERSION, KINDS, type Kind } from './constants.js';
import { EcsScheduledTaskSpec, EcsScheduledTaskStatus } from './scheduled-task.js';
import { EcsServiceSpec } from './service.js';
import { EcsServiceStatus, EcsTaskDefinitionStatus } from './status.js';
import { EcsTaskSpec, EcsTaskStatus } from './task.js';
import { EcsTaskDefinitionSpec } from './taskdefinition.js';

// The API server owns metadata and validates it itself; the CRD generator replaces this schema
// with `type: object`. It is spelled out here for the file source and for the TypeScript type.
export const ObjectMeta = Type.Object(
  {
    name: Type.String({
      description: 'Name of the object, unique in its namespace (a DNS-1123 subdomain).',
      minLength: 1,
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    }),
    namespace: Type.Optional(Type.String({ description: 'Namespace of the object.', maxLength: 63 })),
    labels: Type.Optional(StringMap('Labels.', { maxProperties: 256 })),
    annotations: Type.Optional(StringMap('Annotations.', { maxProperties: 256, valueMaxLength: 262144 })),
    uid: Type.Optional(Type.String({ description: 'Unique id assigned by the API server.' })),
    generation: Type.Optional(Type.Integer({ description: 'Incremented by the API server on every spec change.' })),
    resourceVersion: Type.Optional(Type.String({ description: 'Opaque version for optimistic concurrency.' })),
    // creationTimestamp and deletionTimestamp are left to additionalProperties: @kubernetes/client-node
    // types them as Date while the wire carries strings, and only the runtime (src/kube) reads them.
    finalizers: Type.Optional(Type.Array(Type.String({ description: 'A finalizer.' }), { description: 'Finalizers that must finish before the object goes away.' })),
  },
  { description: 'Standard object metadata.', additionalProperties: true },
);
export type ObjectMeta = Static<typeof ObjectMeta>;

// ECS names allow no dots, Kubernetes names do; a name used as a default must therefore be checked.
function nameDefaultRule(field: 'serviceName' | 'family' | 'clusterName', what: string): CelRule {
  return {
    rule: `has(self.spec.${field}) || !self.metadata.name.contains('.')`,
    message: `metadata.name contains a dot, which ECS ${what} names cannot: set spec.${field}`,
    fieldPath: `.spec.${field}`,
    reason: 'FieldValueRequired',
  };
}

function resource<K extends Kind, S extends TSchema, T extends TSchema>(kind: K, description: string, spec: S, status: T, rules: CelRule[]) {
  return Struct(
    description,
    {
      apiVersion: StringEnum([API_VERSION], `Always ${API_VERSION}.`),
      kind: StringEnum([kind], `Always ${kind}.`),
      metadata: ObjectMeta,
      spec,
      status: Type.Optional(status),
    },
    { rules },
  );
}

export const EcsTaskDefinition = resource(
  KINDS.EcsTaskDefinition,
  'An Amazon ECS task definition family managed by the operator: each change to spec registers one new revision.',
  EcsTaskDefinitionSpec,
  EcsTaskDefinitionStatus,
  [nameDefaultRule('family', 'task definition family')],
);
export type EcsTaskDefinition = Static<typeof EcsTaskDefinition>;

export const EcsService = resource(
  KINDS.EcsService,
  'An Amazon ECS service managed by the operator, with its load balancers, capacity providers and autoscaling.',
  EcsServiceSpec,
  EcsServiceStatus,
  [nameDefaultRule('serviceName', 'service')],
);
export type EcsService = Static<typeof EcsService>;

export const EcsCluster = resource(
  KINDS.EcsCluster,
  'An Amazon ECS cluster managed by the operator, with its capacity providers (FARGATE, FARGATE_SPOT, Auto Scaling groups) and its default capacity provider strategy.',
  EcsClusterSpec,
  EcsClusterStatus,
  [nameDefaultRule('clusterName', 'cluster')],
);
export type EcsCluster = Static<typeof EcsCluster>;

export const EcsTask = resource(
  KINDS.EcsTask,
  'Amazon ECS task(s) run to completion by the operator, once per generation of the spec (a database migration, a batch job).',
  EcsTaskSpec,
  EcsTaskStatus,
  [],
);
export type EcsTask = Static<typeof EcsTask>;

export const EcsScheduledTask = resource(
  KINDS.EcsScheduledTask,
  'Amazon ECS tasks that EventBridge starts on a schedule (EventBridge Scheduler) or when an event matches a pattern (an EventBridge rule), managed by the operator.',
  EcsScheduledTaskSpec,
  EcsScheduledTaskStatus,
  [
    {
      // Schedule and rule names hold at most 64 characters, Kubernetes names 253.
      rule: "has(self.spec.name) || self.metadata.name.matches('^[0-9a-zA-Z-_.]{1,64}$')",
      message: 'metadata.name is longer than the 64 characters a schedule or rule name holds: set spec.name',
      fieldPath: '.spec.name',
      reason: 'FieldValueRequired',
    },
  ],
);
export type EcsScheduledTask = Static<typeof EcsScheduledTask>;

export type EcsResource = EcsCluster | EcsTaskDefinition | EcsService | EcsTask | EcsScheduledTask;
/** The object type of one kind. */
export type EcsResourceOf<K extends Kind> = Extract<EcsResource, { kind: K }>;

export const RESOURCE_SCHEMAS = {
  EcsCluster,
  EcsTaskDefinition,
  EcsService,
  EcsTask,
  EcsScheduledTask,
} as const;
