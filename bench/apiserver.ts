// Requests the apiserver served, from its own /metrics (apiserver_request_total), in all and by
// verb and resource: which requests an operator makes most says where its CPU goes.
import { measure, of, type Figure } from './figure.js';
import { samples } from './stats.js';

export interface ApiserverRequests {
  total: number;
  /** By `VERB resource[/subresource]`. */
  byRequest: Map<string, number>;
}

export function apiserverRequests(kubectl: (args: string[]) => Promise<string>): Promise<Figure<ApiserverRequests>> {
  return measure('apiserver requests', async () => {
    const byRequest = new Map<string, number>();
    let total = 0;
    for (const s of samples(await kubectl(['get', '--raw', '/metrics']), 'apiserver_request_total')) {
      const key = `${s.labels.verb ?? '?'} ${s.labels.resource ?? ''}${s.labels.subresource ? `/${s.labels.subresource}` : ''}`;
      byRequest.set(key, (byRequest.get(key) ?? 0) + s.value);
      total += s.value;
    }
    return of({ total, byRequest });
  });
}

/** The requests made between two reads, less `own` (the reader's), with the `top` largest kinds. */
export function requestsBetween(before: ApiserverRequests, after: ApiserverRequests, own: number, top = 6): { total: number; top: Record<string, number> } {
  const delta = [...after.byRequest].map(([k, v]) => [k, v - (before.byRequest.get(k) ?? 0)] as const).filter(([, v]) => v > 0);
  return { total: after.total - before.total - own, top: Object.fromEntries(delta.sort((a, b) => b[1] - a[1]).slice(0, top)) };
}
