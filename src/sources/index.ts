// The file source: manifests on disk for `ecs-operator apply -f`, `ecs-operator drift -f` and the demo.
export { loadManifests } from './load.js';
export { DesiredState, type DesiredStateLookup } from './desired-state.js';
export { formatLocation, formatSourceIssue } from './format.js';
export {
  DEFAULT_LIMITS,
  type EcsObject,
  type LoadOptions,
  type LoadResult,
  type SourceError,
  type SourceErrorCode,
  type SourceLocation,
  type SourceNote,
  type SourceNoteCode,
} from './types.js';
