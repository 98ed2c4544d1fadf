// What the file source hands back: the objects it read, each with where it came from, and every
// problem it found, each with the file, document, line and field it is about.
import type { EcsResourceOf, Kind } from '../api/index.js';

/** Where something was found. Lines and columns are 1-based, as editors count them. */
export interface SourceLocation {
  /** The path as the user gave it (or as found under a folder the user gave); `<stdin>` for `-`. */
  file: string;
  /** 1-based position of the YAML document in the file (`---` separated); JSON files have one. */
  document?: number;
  /** 0-based index in the `items` of a `kind: List` document. */
  item?: number;
  line?: number;
  column?: number;
}

/** A loaded manifest, validated and defaulted as the API server would, with its origin. */
export type EcsObject = { [K in Kind]: { kind: K; manifest: EcsResourceOf<K>; source: SourceLocation } }[Kind];

export type SourceErrorCode =
  /** A path given does not exist. */
  | 'NotFound'
  /** The file could not be read (permissions, I/O). */
  | 'ReadFailed'
  /** Over the per-file size limit. */
  | 'TooLarge'
  /** Not text: NUL bytes, or not UTF-8. */
  | 'NotText'
  /** YAML or JSON syntax. */
  | 'Syntax'
  /** Over a parsing budget: nesting depth, aliases, expanded size (YAML bombs). */
  | 'LimitExceeded'
  /** A document that is not a Kubernetes object (no apiVersion/kind, not a mapping). */
  | 'NotAnObject'
  /** An ecs.operator.dev object that fails the schema or its CEL rules. */
  | 'Invalid'
  /** The same kind/namespace/name defined twice. */
  | 'Duplicate'
  /** metadata.namespace differs from the namespace the caller asked for. */
  | 'NamespaceMismatch'
  /** A taskDefinitionRef or clusterRef to an object that none of the files define. */
  | 'UnresolvedReference'
  /** A service's load balancer names a container or port that its EcsTaskDefinition does not have. */
  | 'InvalidReference'
  /** Over a limit ECS enforces that the API server cannot check (task definition size). */
  | 'EcsLimitExceeded'
  /** Nothing to work on: no EcsCluster, EcsTaskDefinition or EcsService in any of the paths. */
  | 'NoObjects';

export interface SourceError extends SourceLocation {
  code: SourceErrorCode;
  /** The object the error is about, as `Kind name` (EcsService web), when known. */
  object?: string;
  /** Field path in Kubernetes notation (spec.containerDefinitions[0].image), when about one field. */
  path?: string;
  message: string;
}

export type SourceNoteCode =
  /** A document of another API group (a Namespace, an Argo CD Application): not ours, skipped. */
  | 'Skipped'
  /** An unquoted YAML value that YAML 1.1 (kubectl) and YAML 1.2 read differently. */
  | 'Yaml11'
  /** Fields that only the API server sets (status, uid, resourceVersion...) were dropped. */
  | 'ServerFieldsIgnored';

/** Not an error: something the user may want to know about their files. */
export interface SourceNote extends SourceLocation {
  code: SourceNoteCode;
  object?: string;
  path?: string;
  message: string;
}

export interface LoadResult {
  /** In file order (files sorted by path), then document order. */
  objects: EcsObject[];
  errors: SourceError[];
  notes: SourceNote[];
}

export interface LoadOptions {
  /** Read folders recursively, like `kubectl apply -R`; otherwise only the files directly in a folder. */
  recursive?: boolean;
  /**
   * Like `kubectl -n`: objects without metadata.namespace get it, and an object that names another
   * namespace is an error. Without it, objects without a namespace are in "default".
   */
  namespace?: string;
  /** Per-file size limit in bytes (default 10 MiB). */
  maxFileBytes?: number;
  /** Most YAML alias nodes (`*ref`) per document (default 10,000). */
  maxAliases?: number;
  /** Most values per file once aliases are expanded (default 1,000,000): stops YAML bombs. */
  maxNodes?: number;
  /** Deepest nesting of mappings and sequences, aliases expanded (default 100). */
  maxDepth?: number;
  /** What `-` reads (default process.stdin). */
  stdin?: AsyncIterable<Uint8Array | string>;
}

export const DEFAULT_LIMITS = {
  maxFileBytes: 10 * 1024 * 1024,
  maxAliases: 10_000,
  maxNodes: 1_000_000,
  maxDepth: 100,
} as const;

export type Limits = { [K in keyof typeof DEFAULT_LIMITS]: number };
