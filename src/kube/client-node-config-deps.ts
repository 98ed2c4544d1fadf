// What @kubernetes/client-node's KubeConfig (dist/config.js) imports from the generated index
// (dist/gen/index.js), and nothing else: the index loads every generated API and model. The
// operator's process loads this module in its place (see client-node-hooks.ts).
export { createConfiguration } from '@kubernetes/client-node/dist/gen/configuration.js';
export { ServerConfiguration } from '@kubernetes/client-node/dist/gen/servers.js';
