// Namespaces as a list-watch source, for the informer that matches an EcsAccount's
// namespaceSelector to namespaces' labels. Only names and labels are kept in the cache.
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { ListPage, ListWatchSource, RawWatchEvent } from './resource.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, kubeRest, type KubeRest } from './rest.js';

/** A namespace as the cache holds it. */
export type NamespaceObject = KubernetesObject & { metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string } };

/** Keeps what the account mapping reads: the name, the labels, and the version the informer compares. */
export function trimNamespace(ns: NamespaceObject): NamespaceObject {
  const { name, labels, resourceVersion, deletionTimestamp } = ns.metadata as NamespaceObject['metadata'] & { deletionTimestamp?: unknown };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, resourceVersion, ...(deletionTimestamp === undefined ? {} : { deletionTimestamp }) } } as NamespaceObject;
}

export class NamespaceSource implements ListWatchSource<NamespaceObject> {
  readonly resource = 'namespaces';
  private readonly rest: KubeRest;
  private readonly watcher: Watch;

  constructor(
    kc: KubeConfig,
    private readonly requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.rest = kubeRest(kc);
    this.watcher = new Watch(kc);
  }

  async listPage(opts: { limit: number; continueToken?: string; labelSelector?: string }): Promise<ListPage<NamespaceObject>> {
    const list = await this.rest.request<{ items?: NamespaceObject[]; metadata?: { resourceVersion?: string; continue?: string } }>({
      method: 'GET',
      path: '/api/v1/namespaces',
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
    opts: { resourceVersion: string; timeoutSeconds: number; labelSelector?: string },
    onEvent: (event: RawWatchEvent) => void,
    onClose: (err: unknown) => void,
  ): Promise<{ abort(): void }> {
    return this.watcher.watch(
      '/api/v1/namespaces',
      { resourceVersion: opts.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: opts.timeoutSeconds, labelSelector: opts.labelSelector },
      (type: string, object: unknown) => onEvent({ type: type as RawWatchEvent['type'], object }),
      onClose,
    );
  }
}
