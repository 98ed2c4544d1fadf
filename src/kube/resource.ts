// A typed client for one custom resource (group/version/plural; a cluster-scoped one, EcsAccount,
// is addressed with the namespace ''): the reads a watcher
// needs (paged list, watch) and the writes the runtime makes (JSON patch of metadata, status
// replace). Objects come back as the apiserver's JSON; the cast to T happens here, once.
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import { isNotFound } from './errors.js';
import { assertMayAct } from '../observability/work-context.js';
import { apiPath, DEFAULT_REQUEST_TIMEOUT_MS, kubeRest, PatchStrategy, type KubeRequest, type KubeRest } from './rest.js';

export interface ResourceType {
  group: string;
  version: string;
  /** Lower-case plural, as in the URL: `ecsservices`. */
  plural: string;
  kind: string;
}

/** "widgets.runtime.test.ecs.operator.dev": the name used in metrics and logs. */
export const resourceName = (type: ResourceType): string => (type.group === '' ? type.plural : `${type.plural}.${type.group}`);

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string };

export interface ListPage<T> {
  items: T[];
  resourceVersion: string;
  continueToken: string | undefined;
}

/** A raw watch event as the apiserver sends it (`ERROR` carries a Status object). */
export type RawWatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

/** What a watcher needs from the API: a paged list and a watch stream from a resourceVersion. */
export interface ListWatchSource<T> {
  readonly resource: string;
  listPage(opts: { namespace?: string; limit: number; continueToken?: string; labelSelector?: string }): Promise<ListPage<T>>;
  /**
   * Opens a watch. `onEvent` gets every line; `onClose` is called exactly once when the stream
   * ends (null: closed cleanly, by the server or by `abort`). Resolves once the request is sent.
   */
  watch(
    opts: { namespace?: string; resourceVersion: string; timeoutSeconds: number; labelSelector?: string },
    onEvent: (event: RawWatchEvent) => void,
    onClose: (err: unknown) => void,
  ): Promise<{ abort(): void }>;
}

export class ResourceClient<T extends KubernetesObject> implements ListWatchSource<T> {
  private readonly rest: KubeRest;
  private readonly watcher: Watch;
  readonly resource: string;

  constructor(
    kc: KubeConfig,
    readonly type: ResourceType,
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.rest = kubeRest(kc);
    this.watcher = new Watch(kc);
    this.resource = resourceName(type);
  }

  private path(namespace: string | undefined, name?: string, subresource?: string): string {
    // '' addresses a cluster-scoped object, as undefined addresses every namespace's.
    return apiPath({ group: this.type.group, version: this.type.version, plural: this.type.plural, namespace: namespace === '' ? undefined : namespace, name, subresource });
  }

  /** Reads one object from the apiserver (not the cache); undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<T | undefined> {
    try {
      return await this.rest.request<T>({ method: 'GET', path: this.path(namespace, name), timeoutMs: this.requestTimeoutMs });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listPage(opts: { namespace?: string; limit: number; continueToken?: string; labelSelector?: string }): Promise<ListPage<T>> {
    const list = await this.rest.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>({
      method: 'GET',
      path: this.path(opts.namespace),
      query: { limit: opts.limit, continue: opts.continueToken, labelSelector: opts.labelSelector },
      timeoutMs: this.requestTimeoutMs,
    });
    return {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continueToken: list.metadata?.continue || undefined,
    };
  }

  async watch(
    opts: { namespace?: string; resourceVersion: string; timeoutSeconds: number; labelSelector?: string },
    onEvent: (event: RawWatchEvent) => void,
    onClose: (err: unknown) => void,
  ): Promise<{ abort(): void }> {
    return this.watcher.watch(
      this.path(opts.namespace),
      {
        resourceVersion: opts.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: opts.timeoutSeconds,
        labelSelector: opts.labelSelector,
      },
      (type: string, object: unknown) => onEvent({ type: type as RawWatchEvent['type'], object }),
      onClose,
    );
  }

  /**
   * A write, refused once the reconcile it belongs to may no longer act (its shard moved on:
   * src/observability/work-context.ts), so a stopped reconcile never writes a status over its
   * successor's.
   */
  private write<R>(req: KubeRequest): Promise<R> {
    assertMayAct();
    return this.rest.request<R>(req);
  }

  async create(namespace: string, body: T): Promise<T> {
    return this.write<T>({ method: 'POST', path: this.path(namespace), body, timeoutMs: this.requestTimeoutMs });
  }

  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.write({ method: 'DELETE', path: this.path(namespace, name), timeoutMs: this.requestTimeoutMs });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** RFC 6902 JSON Patch of the object (metadata and spec; the status subresource ignores it). */
  async patch(namespace: string, name: string, ops: JsonPatchOperation[]): Promise<T> {
    return this.write<T>({ method: 'PATCH', path: this.path(namespace, name), body: ops, patch: PatchStrategy.JsonPatch, timeoutMs: this.requestTimeoutMs });
  }

  /** RFC 7386 merge patch of the object. */
  async mergePatch(namespace: string, name: string, body: object): Promise<T> {
    return this.write<T>({ method: 'PATCH', path: this.path(namespace, name), body, patch: PatchStrategy.MergePatch, timeoutMs: this.requestTimeoutMs });
  }

  /**
   * PUT on the status subresource. The body's metadata.resourceVersion makes it conditional: the
   * apiserver answers 409 Conflict when the object changed since that version.
   */
  async replaceStatus(object: T): Promise<T> {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    return this.write<T>({ method: 'PUT', path: this.path(namespace, name, 'status'), body: object, timeoutMs: this.requestTimeoutMs });
  }
}
