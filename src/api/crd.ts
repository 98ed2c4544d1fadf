// Builds the CustomResourceDefinitions from the resource schemas (scripts/gen-crds.ts writes them
// to crds/). The output is deterministic: keys sorted, no timestamps.
import { dump } from 'js-yaml';
import { API_VERSION, CATEGORY, GROUP, PLURALS, SHORT_NAMES, SINGULARS, VERSION, type Kind } from './constants.js';
import { ACCOUNT_KIND, ACCOUNT_NAMES, EcsAccount } from './account.js';
import { RESOURCE_SCHEMAS } from './resources.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// Keywords that a structural schema accepts and that the API's schemas use. Anything else is an
// error here rather than a CRD the API server rejects (or silently ignores).
const COPIED = new Set([
  'description',
  'type',
  'format',
  'enum',
  'default',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'required',
  'x-kubernetes-validations',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
]);

/** Translates one schema node to the structural form the API server wants. */
function structural(node: JsonObject, path: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (COPIED.has(key)) out[key] = value;
    else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, structural(v as JsonObject, `${path}.${k}`)]));
    else if (key === 'items') out.items = structural(value as JsonObject, `${path}[]`);
    else if (key === 'anyOf') out.anyOf = value; // only the int-or-string pair, which is structural as is
    else if (key === 'additionalProperties') {
      // `false` is how the file source rejects unknown fields; the API server prunes or, under
      // strict field validation (kubectl's default), rejects them without being told.
      if (typeof value === 'object' && value !== null) out.additionalProperties = structural(value as JsonObject, `${path}.*`);
    } else throw new Error(`crd: unsupported schema keyword "${key}" at ${path || '<root>'}`);
  }
  if (typeof out.description !== 'string' || out.description === '') throw new Error(`crd: ${path || '<root>'} has no description (kubectl explain needs one)`);
  return out;
}

const conditionColumn = (type: string, name = type) => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
  description: `Status of the ${type} condition.`,
});
const AGE = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
// Every condition carries the health's reason, so Ready's says why the object is (not) Ready:
// the Stalled or Reconciling reason when one of them is True.
const REASON = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  description: 'Reason of the Ready condition: why the object is Ready, in progress (Reconciling) or Stalled.',
};

const PRINTER_COLUMNS: Record<Kind, JsonObject[]> = {
  EcsCluster: [
    { name: 'Cluster Name', type: 'string', jsonPath: '.status.clusterName', description: 'Name of the ECS cluster.' },
    { name: 'Providers', type: 'string', jsonPath: '.status.capacityProviders', description: 'Capacity providers of the cluster.' },
    { name: 'Services', type: 'integer', jsonPath: '.status.activeServicesCount', description: 'Services ACTIVE in the cluster.' },
    { name: 'Running', type: 'integer', jsonPath: '.status.runningTasksCount', description: 'Tasks RUNNING in the cluster.' },
    conditionColumn('Ready'),
    REASON,
    conditionColumn('Synced'),
    conditionColumn('Drifted'),
    AGE,
    { name: 'Cluster ARN', type: 'string', jsonPath: '.status.clusterArn', description: 'ARN of the ECS cluster.', priority: 1 },
  ],
  EcsTaskDefinition: [
    { name: 'Family', type: 'string', jsonPath: '.status.family', description: 'Task definition family.' },
    { name: 'Revision', type: 'integer', jsonPath: '.status.revision', description: 'Latest registered revision.' },
    conditionColumn('Ready'),
    REASON,
    conditionColumn('Synced'),
    AGE,
    { name: 'ARN', type: 'string', jsonPath: '.status.taskDefinitionArn', description: 'ARN of the latest revision.', priority: 1 },
  ],
  EcsService: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.cluster', description: 'ECS cluster.' },
    { name: 'Desired', type: 'integer', jsonPath: '.status.desiredCount', description: 'Desired task count in ECS.' },
    { name: 'Running', type: 'integer', jsonPath: '.status.runningCount', description: 'Running tasks.' },
    { name: 'Task Definition', type: 'string', jsonPath: '.status.taskDefinition', description: 'Task definition family:revision the service runs.' },
    conditionColumn('Ready'),
    REASON,
    conditionColumn('Synced'),
    conditionColumn('Drifted'),
    AGE,
    { name: 'Count Owner', type: 'string', jsonPath: '.status.desiredCountOwner', description: 'Who owns desiredCount: Manifest or Autoscaling.', priority: 1 },
    { name: 'Service ARN', type: 'string', jsonPath: '.status.serviceArn', description: 'ARN of the ECS service.', priority: 1 },
  ],
  EcsTask: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Running, Succeeded or Failed.' },
    { name: 'Task Definition', type: 'string', jsonPath: '.status.taskDefinition', description: 'Task definition family:revision the tasks run.' },
    { name: 'Attempts', type: 'integer', jsonPath: '.status.attempts', description: 'Runs started for this generation.' },
    conditionColumn('Ready'),
    conditionColumn('Stalled'),
    { name: 'Started', type: 'date', jsonPath: '.status.startTime', description: 'When the run started.' },
    AGE,
    { name: 'Reason', type: 'string', jsonPath: '.status.failureReason', description: 'Why the run failed.', priority: 1 },
  ],
  EcsScheduledTask: [
    { name: 'Mode', type: 'string', jsonPath: '.status.mode', description: 'Schedule (EventBridge Scheduler) or Event (EventBridge rule).' },
    { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule.expression', description: 'Schedule expression.' },
    { name: 'State', type: 'string', jsonPath: '.status.state', description: 'ENABLED or DISABLED, as AWS reports it.' },
    { name: 'Task Definition', type: 'string', jsonPath: '.status.targetRevision', description: 'Task definition family:revision the target starts.' },
    { name: 'Next', type: 'string', jsonPath: '.status.nextFireTime', description: 'When the schedule next starts tasks.' },
    conditionColumn('Ready'),
    conditionColumn('Synced'),
    conditionColumn('Drifted'),
    AGE,
    { name: 'ARN', type: 'string', jsonPath: '.status.arn', description: 'ARN of the schedule or rule.', priority: 1 },
  ],
};

export function buildCrd(kind: Kind): JsonObject {
  return crdOf({
    kind,
    names: { plural: PLURALS[kind], singular: SINGULARS[kind], shortNames: [...SHORT_NAMES[kind]], categories: [CATEGORY] },
    scope: 'Namespaced',
    schema: RESOURCE_SCHEMAS[kind],
    columns: PRINTER_COLUMNS[kind],
  });
}

// EcsAccount is cluster-scoped and outside the `ecs` category: `kubectl get ecs` in a namespace
// lists what its users manage, and the account mapping is the cluster administrator's.
const ACCOUNT_COLUMNS: JsonObject[] = [
  { name: 'Account', type: 'string', jsonPath: '.status.accountId', description: 'AWS account of the role.' },
  { name: 'Namespaces', type: 'string', jsonPath: '.status.namespaces', description: 'Namespaces the account serves now.' },
  conditionColumn('Ready'),
  REASON,
  AGE,
  { name: 'Role', type: 'string', jsonPath: '.spec.roleArn', description: 'IAM role the operator assumes.', priority: 1 },
];

/** The CRD of EcsAccount, the cluster-scoped mapping of namespaces to AWS accounts. */
export function buildAccountCrd(): JsonObject {
  return crdOf({ kind: ACCOUNT_KIND, names: { ...ACCOUNT_NAMES, shortNames: [...ACCOUNT_NAMES.shortNames] }, scope: 'Cluster', schema: EcsAccount, columns: ACCOUNT_COLUMNS });
}

interface CrdShape {
  kind: string;
  names: { plural: string; singular: string; shortNames: string[]; categories?: string[] };
  scope: 'Namespaced' | 'Cluster';
  schema: object;
  columns: JsonObject[];
}

function crdOf({ kind, names, scope, schema, columns }: CrdShape): JsonObject {
  // JSON round trip: drops TypeBox's symbol keys and copies, so the schemas are never mutated.
  const openAPIV3Schema = structural(JSON.parse(JSON.stringify(schema)) as JsonObject, '');
  const properties = openAPIV3Schema.properties as JsonObject;
  // The API server owns apiVersion, kind and metadata; a CRD may not constrain them further
  // (metadata must be exactly `type: object`).
  properties.apiVersion = { type: 'string', description: `APIVersion of the object: ${API_VERSION}.` };
  properties.kind = { type: 'string', description: `Kind of the object: ${kind}.` };
  properties.metadata = { type: 'object' };
  openAPIV3Schema.required = ['spec'];

  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${GROUP}`, labels: { 'app.kubernetes.io/name': 'ecs-operator' } },
    spec: {
      group: GROUP,
      names: { kind, listKind: `${kind}List`, ...names },
      scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}

export interface CrdFile {
  /** File name under crds/. */
  file: string;
  content: string;
}

const HEADER = `# Generated from src/api by \`npm run gen:crds\`; do not edit. Version ${API_VERSION}.\n`;

export function renderCrdFiles(): CrdFile[] {
  const render = (plural: string, crd: JsonObject): CrdFile => ({ file: `${GROUP}_${plural}.yaml`, content: HEADER + dump(crd, { sortKeys: true, lineWidth: -1, noRefs: true }) });
  return [...(Object.keys(RESOURCE_SCHEMAS) as Kind[]).map((kind) => render(PLURALS[kind], buildCrd(kind))), render(ACCOUNT_NAMES.plural, buildAccountCrd())];
}
