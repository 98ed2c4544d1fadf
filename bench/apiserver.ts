// Requests the apiserver served, from its own /metrics (apiserver_request_total).
import { measure, of, type Figure } from './figure.js';
import { samples } from './stats.js';

export function apiserverRequests(kubectl: (args: string[]) => Promise<string>): Promise<Figure<number>> {
  return measure('apiserver requests', async () => of(samples(await kubectl(['get', '--raw', '/metrics']), 'apiserver_request_total').reduce((n, s) => n + s.value, 0)));
}
