// A typed client for one custom resource (group/version/plural; a cluster-scoped one, EcsAccount,
// is addressed with the namespace ''): the reads a watcher
// needs (paged list, watch) and the writes the runtime makes (JSON patch of metadata, status
// replace). Objects come back as the apiserver's JSON; the cast to T happens here, once.
import { CustomObjectsApi, PatchStrategy, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { callOptions, DEFAULT_REQUEST_TIMEOUT_MS } from './client.js';
import { isNotFound } from './errors.js';

export interface ResourceType {
  group: string;
  version: string;
  /** Lower-case plural, as in the URL: `ecsservices`. */
  plural: string;
  kind: string;
}

/** "widgets.runtime.test.ecs.operator.dev": the name used in metrics and logs. */
export const resourceName = (type: ResourceType): string => `${type.plural}.${type.group}`;

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
  private readonly api: CustomObjectsApi;
  private readonly watcher: Watch;
  readonly resource: string;

  constructor(
    kc: KubeConfig,
    readonly type: ResourceType,
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(kc);
    this.resource = resourceName(type);
  }

  private params(namespace: string) {
    return { group: this.type.group, version: this.type.version, plural: this.type.plural, namespace };
  }

  /** Reads one object from the apiserver (not the cache); undefined when it does not exist. */
  async get(namespace: string, name: string): Promise<T | undefined> {
    try {
      const options = callOptions({ timeoutMs: this.requestTimeoutMs });
      if (namespace === '') return (await this.api.getClusterCustomObject({ group: this.type.group, version: this.type.version, plural: this.type.plural, name }, options)) as T;
      return (await this.api.getNamespacedCustomObject({ ...this.params(namespace), name }, options)) as T;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listPage(opts: { namespace?: string; limit: number; continueToken?: string; labelSelector?: string }): Promise<ListPage<T>> {
    const query = { limit: opts.limit, _continue: opts.continueToken, labelSelector: opts.labelSelector };
    const options = callOptions({ timeoutMs: this.requestTimeoutMs });
    const list = (
      opts.namespace
        ? await this.api.listNamespacedCustomObject({ ...this.params(opts.namespace), ...query }, options)
        : await this.api.listClusterCustomObject({ group: this.type.group, version: this.type.version, plural: this.type.plural, ...query }, options)
    ) as { items?: T[]; metadata?: { resourceVersion?: string; continue?: string } };
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
    const { group, version, plural } = this.type;
    const path = opts.namespace
      ? `/apis/${group}/${version}/namespaces/${opts.namespace}/${plural}`
      : `/apis/${group}/${version}/${plural}`;
    return this.watcher.watch(
      path,
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

  async create(namespace: string, body: T): Promise<T> {
    return (await this.api.createNamespacedCustomObject({ ...this.params(namespace), body }, callOptions({ timeoutMs: this.requestTimeoutMs }))) as T;
  }

  async delete(namespace: string, name: string): Promise<void> {
    try {
      await this.api.deleteNamespacedCustomObject({ ...this.params(namespace), name }, callOptions({ timeoutMs: this.requestTimeoutMs }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** RFC 6902 JSON Patch of the object (metadata and spec; the status subresource ignores it). */
  async patch(namespace: string, name: string, ops: JsonPatchOperation[]): Promise<T> {
    return (await this.api.patchNamespacedCustomObject(
      { ...this.params(namespace), name, body: ops },
      callOptions({ timeoutMs: this.requestTimeoutMs, patch: PatchStrategy.JsonPatch }),
    )) as T;
  }

  /** RFC 7386 merge patch of the object. */
  async mergePatch(namespace: string, name: string, body: object): Promise<T> {
    return (await this.api.patchNamespacedCustomObject(
      { ...this.params(namespace), name, body },
      callOptions({ timeoutMs: this.requestTimeoutMs, patch: PatchStrategy.MergePatch }),
    )) as T;
  }

  /**
   * PUT on the status subresource. The body's metadata.resourceVersion makes it conditional: the
   * apiserver answers 409 Conflict when the object changed since that version.
   */
  async replaceStatus(object: T): Promise<T> {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    if (namespace === '') {
      const { group, version, plural } = this.type;
      return (await this.api.replaceClusterCustomObjectStatus({ group, version, plural, name, body: object }, callOptions({ timeoutMs: this.requestTimeoutMs }))) as T;
    }
    return (await this.api.replaceNamespacedCustomObjectStatus(
      { ...this.params(namespace), name, body: object },
      callOptions({ timeoutMs: this.requestTimeoutMs }),
    )) as T;
  }
}
