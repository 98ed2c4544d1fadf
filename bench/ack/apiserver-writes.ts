// The Kubernetes API writes a controller made, from the apiserver's own count
// (apiserver_request_total), read before and after: status updates, finalizers, Events. Only the
// controller's API group and Events are counted, so the control plane's own writes (leases,
// service accounts) are not. Every write costs the controller a request and the apiserver an etcd write.
import { samples } from '../stats.js';

const WRITE_VERBS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE']);

/** Writes by `resource[/subresource] VERB` in the groups given (and Events in any group). */
export async function apiserverWrites(kubectl: (args: string[]) => Promise<string>, groups: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of samples(await kubectl(['get', '--raw', '/metrics']), 'apiserver_request_total')) {
    const { verb = '', group = '', resource = '', subresource = '' } = s.labels;
    if (!WRITE_VERBS.has(verb) || !(groups.includes(group) || resource === 'events')) continue;
    const key = `${resource}${subresource ? `/${subresource}` : ''} ${verb}`;
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

export function minus(after: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).filter(([, v]) => v > 0));
}
