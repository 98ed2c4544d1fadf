// Names that identify the custom resources on the API server and in manifests.

export const GROUP = 'ecs.operator.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/**
 * The kinds, in the order they are applied: a cluster before the services that run in it, a task
 * definition before the services and tasks that run its revisions. Adding a kind means a row here, its
 * schema in RESOURCE_SCHEMAS and its printer columns; the tables below are derived from this one.
 */
const KIND_NAMES = {
  EcsCluster: { plural: 'ecsclusters', singular: 'ecscluster', shortNames: ['ecscl'] },
  EcsTaskDefinition: { plural: 'ecstaskdefinitions', singular: 'ecstaskdefinition', shortNames: ['ecstd'] },
  EcsService: { plural: 'ecsservices', singular: 'ecsservice', shortNames: ['ecssvc'] },
  EcsTask: { plural: 'ecstasks', singular: 'ecstask', shortNames: ['ecstask'] },
  EcsScheduledTask: { plural: 'ecsscheduledtasks', singular: 'ecsscheduledtask', shortNames: ['ecsst'] },
} as const;
export type Kind = keyof typeof KIND_NAMES;

type Column<C extends 'plural' | 'singular' | 'shortNames'> = { readonly [K in Kind]: (typeof KIND_NAMES)[K][C] };
const column = <C extends 'plural' | 'singular' | 'shortNames'>(c: C) => Object.fromEntries(Object.entries(KIND_NAMES).map(([k, v]) => [k, v[c]])) as Column<C>;

export const KINDS = Object.fromEntries(Object.keys(KIND_NAMES).map((k) => [k, k])) as { readonly [K in Kind]: K };
/** Every kind, in apply order (clusters, task definitions, services); deletion runs the other way. */
export const KIND_ORDER = Object.keys(KIND_NAMES) as Kind[];
export const PLURALS = column('plural');
export const SINGULARS = column('singular');
export const SHORT_NAMES = column('shortNames');

/** `kubectl get ecs` lists every kind in this category. */
export const CATEGORY = 'ecs';

/**
 * Condition types the operator writes. Ready, Reconciling and Stalled follow kstatus so that
 * Argo CD, Flux and `kubectl wait` read them; Synced and Drifted say whether ECS matches the manifest;
 * Paused says that the paused annotation holds every AWS write back.
 */
export const CONDITION_TYPES = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Synced: 'Synced',
  Drifted: 'Drifted',
  Paused: 'Paused',
} as const;
export type ConditionType = (typeof CONDITION_TYPES)[keyof typeof CONDITION_TYPES];
