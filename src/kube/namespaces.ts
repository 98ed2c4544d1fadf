// Namespaces as a list-watch source, for the informer that matches an EcsAccount's
// namespaceSelector to namespaces' labels. Only names and labels are kept in the cache.
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
import { ResourceClient } from './resource.js';

/** A namespace as the cache holds it. */
export type NamespaceObject = KubernetesObject & { metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string } };

/** Keeps what the account mapping reads: the name, the labels, and the version the informer compares. */
export function trimNamespace(ns: NamespaceObject): NamespaceObject {
  const { name, labels, resourceVersion, deletionTimestamp } = ns.metadata as NamespaceObject['metadata'] & { deletionTimestamp?: unknown };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, resourceVersion, ...(deletionTimestamp === undefined ? {} : { deletionTimestamp }) } } as NamespaceObject;
}

/** The core group's namespaces, read (list and watch) like any other resource. */
export class NamespaceSource extends ResourceClient<NamespaceObject> {
  constructor(kc: KubeConfig) {
    super(kc, { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' });
  }
}
