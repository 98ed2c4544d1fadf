// Annotations a user (kubectl, Argo CD) sets to act on a running object without editing its spec.
// Each new value of rollback or restart is one request; the value last carried out is recorded in
// status.actions, so a value already carried out is never carried out again.
import { GROUP } from './constants.js';

export const ANNOTATIONS = {
  /** Stops the EcsService's in-progress service deployment with a rollback. Any new value requests it. */
  rollback: `${GROUP}/rollback`,
  /** Starts one new deployment of the EcsService with the same task definition. Any new value requests it. */
  restart: `${GROUP}/restart`,
  /** "true": no AWS writes for the object (reads for status continue) until it is removed or changed. */
  paused: `${GROUP}/paused`,
} as const;

/** The actions an annotation requests on an EcsService. */
export type ServiceAction = 'rollback' | 'restart';

type Annotated = { metadata?: { annotations?: Record<string, string> | undefined } };

export function isPaused(obj: Annotated): boolean {
  return obj.metadata?.annotations?.[ANNOTATIONS.paused] === 'true';
}

/** The value the object's annotation gives for `action`, or undefined when it has none. */
export function requestedAction(obj: Annotated, action: ServiceAction): string | undefined {
  const value = obj.metadata?.annotations?.[ANNOTATIONS[action]];
  return value === undefined || value === '' ? undefined : value;
}
