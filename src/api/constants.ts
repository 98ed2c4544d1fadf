// Names that identify the custom resources on the API server and in manifests.

export const GROUP = 'ecs.operator.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

export const KINDS = {
  EcsTaskDefinition: 'EcsTaskDefinition',
  EcsService: 'EcsService',
} as const;
export type Kind = (typeof KINDS)[keyof typeof KINDS];

export const PLURALS = {
  EcsTaskDefinition: 'ecstaskdefinitions',
  EcsService: 'ecsservices',
} as const satisfies Record<Kind, string>;

export const SINGULARS = {
  EcsTaskDefinition: 'ecstaskdefinition',
  EcsService: 'ecsservice',
} as const satisfies Record<Kind, string>;

export const SHORT_NAMES = {
  EcsTaskDefinition: ['ecstd'],
  EcsService: ['ecssvc'],
} as const satisfies Record<Kind, readonly string[]>;

/** `kubectl get ecs` lists every kind in this category. */
export const CATEGORY = 'ecs';

/**
 * Condition types the operator writes. Ready, Reconciling and Stalled follow kstatus so that
 * Argo CD, Flux and `kubectl wait` read them; Synced and Drifted say whether ECS matches the manifest.
 */
export const CONDITION_TYPES = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Synced: 'Synced',
  Drifted: 'Drifted',
} as const;
export type ConditionType = (typeof CONDITION_TYPES)[keyof typeof CONDITION_TYPES];
