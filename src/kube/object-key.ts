// The identity the runtime schedules by: "namespace/name" (cluster-scoped objects: "name"), the
// same string controller-runtime and client-go use as a cache key.
import type { KubernetesObject } from '@kubernetes/client-node';

export type ObjectKey = string;

export function objectKey(obj: KubernetesObject): ObjectKey {
  return keyOf(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

export function keyOf(namespace: string | undefined, name: string): ObjectKey {
  return namespace ? `${namespace}/${name}` : name;
}

export function parseObjectKey(key: ObjectKey): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
