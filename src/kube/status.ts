// Status writes through the status subresource with optimistic concurrency. The caller gives a
// mutation, not a finished status: on 409 Conflict (someone else wrote in between) the writer
// re-reads the object and applies the mutation again to the fresh status, so neither its change
// nor the other writer's is lost. A mutation that changes nothing sends nothing, which keeps a
// no-op reconcile free of API writes.
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../observability/logger.js';
import { recordStatusConflict } from '../observability/metrics.js';
import { isConflict, isNotFound } from './errors.js';

export type WithStatus<S> = KubernetesObject & { status?: S };

/** Computes the desired status from the current one. It gets a private copy and may modify it. */
export type StatusMutation<S, T> = (status: S | undefined, object: T) => S;

/** What a status write did. */
export type StatusUpdateResult<T> =
  | { kind: 'unchanged'; object: T }
  | { kind: 'updated'; object: T; attempts: number }
  | { kind: 'gone' };

/** The API calls a StatusWriter makes; ResourceClient provides them. */
export interface StatusClient<T> {
  readonly resource: string;
  get(namespace: string, name: string): Promise<T | undefined>;
  replaceStatus(object: T): Promise<T>;
}

export class StatusWriter<S, T extends WithStatus<S>> {
  constructor(
    private readonly client: StatusClient<T>,
    private readonly log: Logger,
    private readonly maxAttempts = 5,
  ) {}

  /**
   * Applies `mutate` to `current` (usually the cached object) and writes the result if it differs.
   * Throws after maxAttempts conflicts in a row, or on any other API error.
   */
  async update(current: T, mutate: StatusMutation<S, T>): Promise<StatusUpdateResult<T>> {
    let object = current;
    for (let attempt = 1; ; attempt++) {
      const before = normalize(object.status);
      const after = normalize(mutate(structuredClone(object.status), object));
      if (isDeepStrictEqual(before, after)) return { kind: 'unchanged', object };
      try {
        const updated = await this.client.replaceStatus({ ...object, status: after as S });
        return { kind: 'updated', object: updated, attempts: attempt };
      } catch (err) {
        if (isNotFound(err)) return { kind: 'gone' };
        if (!isConflict(err) || attempt >= this.maxAttempts) throw err;
        recordStatusConflict(this.client.resource);
        const { namespace = '', name = '' } = object.metadata ?? {};
        this.log.debug({ attempt }, 'status write conflicted; re-reading and re-applying');
        const fresh = await this.client.get(namespace, name);
        if (!fresh) return { kind: 'gone' };
        object = fresh;
      }
    }
  }
}

/** Compares as the apiserver stores it: JSON, where undefined fields do not exist. */
function normalize(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
