// Loading @kubernetes/client-node's KubeConfig without the generated API clients.
//
// KubeConfig (dist/config.js) imports two names from the generated index (dist/gen/index.js) for
// makeApiClient, and that index loads every generated API group and model: about 25 MB of heap
// and 35 MB of resident memory at start, the largest single cost of the operator's process. The
// operator makes its few requests itself (rest.ts) and never calls makeApiClient, so its process
// resolves that one import to a module exporting the same two names from their own small modules.
//
// Safe because: only that import, from that file, is redirected; the two names are the library's
// own classes, so makeApiClient still works; and should a later version of the library import
// another name there, loading fails at start with "does not provide an export named ...", in every
// e2e test, rather than misbehaving. Call before anything imports @kubernetes/client-node.
import module from 'node:module';
import { resolve } from './client-node-hooks.js';

type RegisterHooks = (hooks: { resolve: typeof resolve }) => unknown;

let registered = false;

export function loadClientNodeLean(): void {
  if (registered) return;
  registered = true;
  // Node.js >= 22.15 runs synchronous hooks in the same thread; older ones start a hooks thread.
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks === 'function') registerHooks({ resolve });
  else module.register(new URL(`./client-node-hooks${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url));
}
