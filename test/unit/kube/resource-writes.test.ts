// A reconcile whose shard moved on writes no status, finalizer or object any more: the replica
// that took the shard over writes them now. Reads still go out (they change nothing).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceClient } from '../../../src/kube/resource.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { withWork, WorkStoppedError } from '../../../src/observability/work-context.js';

const received: string[] = [];
const server = createServer((req: IncomingMessage, res) => {
  received.push(`${req.method} ${req.url?.split('?')[0]}`);
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' } }));
  });
});

let client: ResourceClient<{ metadata: { name: string; namespace: string } }>;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  client = new ResourceClient(kc, { group: 'example.dev', version: 'v1', plural: 'widgets', kind: 'Widget' });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('object writes of a reconcile that may no longer act', () => {
  it('are refused before they are sent; reads go out', async () => {
    const stop = new AbortController();
    stop.abort(new Error('shard 3 lost'));
    const work = { log: silentLogger(), signal: stop.signal };
    const object = { metadata: { name: 'w', namespace: 'ns' } };
    received.length = 0;
    await withWork(work, () => client.get('ns', 'w'));
    const writes: (() => Promise<unknown>)[] = [() => client.replaceStatus(object), () => client.patch('ns', 'w', [{ op: 'remove', path: '/metadata/finalizers/0' }]), () => client.mergePatch('ns', 'w', {}), () => client.create('ns', object), () => client.delete('ns', 'w')];
    for (const write of writes) {
      await expect(withWork(work, write)).rejects.toBeInstanceOf(WorkStoppedError);
    }
    expect(received).toEqual(['GET /apis/example.dev/v1/namespaces/ns/widgets/w']);
  });

  it('outside a stopped reconcile are sent', async () => {
    received.length = 0;
    await client.replaceStatus({ metadata: { name: 'w', namespace: 'ns' } });
    expect(received).toEqual(['PUT /apis/example.dev/v1/namespaces/ns/widgets/w/status']);
  });
});
