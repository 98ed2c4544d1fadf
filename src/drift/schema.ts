// The drift report's JSON form: the one schema that both the TypeScript types and the published
// docs/drift-report.schema.json come from. Within drift.ecs.operator.dev/v1 fields are only ever
// added (consumers must ignore fields they do not know); a removal or a change of meaning is a v2.
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../api/common.js';

export const DRIFT_REPORT_API_VERSION = 'drift.ecs.operator.dev/v1';
export const DRIFT_REPORT_KIND = 'DriftReport';

export const OBJECT_STATUSES = ['InSync', 'Drifted', 'Missing', 'Error'] as const;

const Count = (description: string) => Type.Integer({ minimum: 0, description });

export const DriftDifferenceSchema = Type.Object(
  {
    resource: Type.String({ description: 'Kind of AWS resource: TaskDefinition, Service, ScalableTarget, ScalingPolicy, ScheduledAction, Alarm, Cluster, CapacityProvider, Task, Schedule, Rule or RuleTarget.' }),
    id: Type.String({ description: 'Readable id of the AWS resource: a service name, a task definition family (or family:revision), a scaling policy name.' }),
    action: Type.String({ description: 'What reconciling would do about it, in the reconciler\'s words (for example create, update, delete, Register, Deregister).' }),
    path: Type.Optional(Type.String({ description: 'Field path in the manifest, for example spec.desiredCount or spec.autoscaling.targetTracking[cpu]. Absent when the change is not about one field.' })),
    desired: Type.Optional(Type.Unknown({ description: 'What the manifest asks for, as JSON. Absent when the manifest does not ask for the thing (it exists only in AWS).' })),
    actual: Type.Optional(Type.Unknown({ description: 'What AWS has, as JSON. Absent when AWS does not have it (deleted, never created, unbound).' })),
  },
  { description: 'One field whose value in AWS differs from the manifest, with the change that would put it back.' },
);

export const ObjectReportSchema = Type.Object(
  {
    kind: StringEnum(['EcsCluster', 'EcsTaskDefinition', 'EcsService', 'EcsTask', 'EcsScheduledTask'], 'Kind of the manifest.'),
    namespace: Type.String({ description: 'Namespace of the manifest ("default" when it names none).' }),
    name: Type.String({ description: 'metadata.name of the manifest.' }),
    region: Type.Optional(Type.String({ description: 'AWS region of its resources.' })),
    cluster: Type.Optional(Type.String({ description: 'ECS cluster (clusters and services).' })),
    source: Type.Optional(Type.String({ description: 'Where the manifest was read from, for example examples/web.yaml:42 (file source only).' })),
    status: StringEnum(
      OBJECT_STATUSES,
      'InSync: AWS matches the manifest. Drifted: AWS differs from it. Missing: the object\'s own AWS resource (its cluster, its service, or any revision of its task definition family) does not exist. Error: it could not be checked (see error).',
    ),
    differences: Type.Array(DriftDifferenceSchema, { description: 'The differences, in the order reconciling would address them; empty when InSync or Error.' }),
    error: Type.Optional(
      Type.Object(
        {
          message: Type.String({ description: 'What went wrong, for a person.' }),
          reason: Type.Optional(Type.String({ description: 'A CamelCase word a program can switch on, for example AccessDenied.' })),
        },
        { description: 'Why the object could not be checked (status Error only).' },
      ),
    ),
  },
  { description: 'One EcsCluster, EcsTaskDefinition or EcsService compared with AWS.' },
);

export const DriftReportSchema = Type.Object(
  {
    apiVersion: Type.Literal(DRIFT_REPORT_API_VERSION, { description: 'Version of this format.' }),
    kind: Type.Literal(DRIFT_REPORT_KIND),
    generatedAt: Type.String({ format: 'date-time', description: 'When the comparison finished (RFC 3339).' }),
    summary: Type.Object(
      {
        objects: Count('Objects compared.'),
        inSync: Count('Objects whose AWS resources match their manifests.'),
        drifted: Count('Objects with status Drifted.'),
        missing: Count('Objects with status Missing.'),
        errors: Count('Objects that could not be checked.'),
        differences: Count('Differences over all objects.'),
      },
      { description: 'Counts by status. The exit code of `ecs-operator drift` follows from them: 1 when errors > 0, else 2 when drifted + missing > 0, else 0.' },
    ),
    objects: Type.Array(ObjectReportSchema, { description: 'Every object compared, sorted by namespace, name and kind.' }),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'ecs-operator drift report',
    description: 'Output of `ecs-operator drift --output json`: how AWS differs from the EcsCluster, EcsTaskDefinition and EcsService manifests, computed by the same plan that reconciles them.',
  },
);

export type DriftDifference = Static<typeof DriftDifferenceSchema>;
export type ObjectReport = Static<typeof ObjectReportSchema>;
export type ObjectStatus = ObjectReport['status'];
export type DriftReport = Static<typeof DriftReportSchema>;
