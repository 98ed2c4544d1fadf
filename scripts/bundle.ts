// `npm run bundle`: the operator as the image runs it, dist/bundle/main.mjs, built by esbuild from
// src/cli/main.ts with the dependencies it imports, tree-shaken (the AWS SDK's ES module builds).
//
// Why a bundle: loading the operator's modules from dist/ and node_modules/ (about 1,900 files)
// took Node.js 20 from 43 MB resident to 98-102 MB (11 MB of it the module-hook thread of
// lean-client-node.ts); loading the bundle takes it to 84 MB. Converging 1,000 services
// (`npm run bench`, unthrottled) peaked at 112 MB instead of 129 MB, for 22.4 CPU seconds instead
// of 26.3. Lazy imports stay lazy: each `import()` is a chunk of its own (splitting), loaded when
// first run.
//
// Two things the unbundled build does at run time are done here at build time instead:
// - @kubernetes/client-node's config.js gets client-node-config-deps.ts for its import of the
//   generated API index (src/kube/lean-client-node.ts says why), so the bundle's
//   loadClientNodeLean has nothing left to do and registers no module hook.
// - Node.js built-ins stay imports, and a `require` is provided for the CommonJS code the bundle
//   carries (esbuild's ES module output has none of its own).
// - node-fetch 2 (client-node's HTTP) imports whatwg-url for the URL class of Node.js versions
//   that had none, and uses Node's own `URL` wherever there is one (`Url.URL || whatwgUrl.URL`).
//   Loading it parses tr46's Unicode tables: 4-7 MB resident for nothing. It gets a module whose
//   URL is Node's.
// - `node:http` is required, never imported: on Node.js 22 and later, importing it as an ES module
//   reads every export to build the module namespace, including the lazy WebSocket ones, which
//   loads Node's bundled undici (fetch), which nothing here uses: 6 MB of the operator at rest on
//   Node 24 (14 MB in a bare process).
// Packages a module loads with createRequire (cron-parser) are not bundled and load from
// node_modules, which the image keeps.
import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = join(repoRoot, 'dist', 'bundle');

const leanClientNode: Plugin = {
  name: 'lean-client-node',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('/@kubernetes/client-node/dist/config.js') ? { path: join(repoRoot, 'src', 'kube', 'client-node-config-deps.ts') } : undefined,
    );
    b.onResolve({ filter: /\/lean-client-node\.js$/ }, () => ({ path: 'lean-client-node', namespace: 'bundled' }));
    b.onLoad({ filter: /.*/, namespace: 'bundled' }, () => ({ contents: 'export function loadClientNodeLean() {}', loader: 'js' }));
  },
};

const httpByRequire: Plugin = {
  name: 'http-by-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (args) => (args.namespace === 'http-by-require' ? { path: 'node:http', external: true } : { path: 'node:http', namespace: 'http-by-require' }));
    b.onLoad({ filter: /.*/, namespace: 'http-by-require' }, () => ({ contents: "module.exports = require('node:http');", loader: 'js' }));
  },
};

const nodeUrl: Plugin = {
  name: 'node-url',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, (args) => (args.importer.replaceAll('\\', '/').includes('/node-fetch/') ? { path: 'whatwg-url', namespace: 'node-url' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'node-url' }, () => ({ contents: 'export const URL = globalThis.URL; export default { URL: globalThis.URL };', loader: 'js' }));
  },
};

export async function bundle(outdir = BUNDLE_DIR): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { main: join(repoRoot, 'src', 'cli', 'main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The AWS SDK's and smithy's ES module builds, which tree-shake; CommonJS where a package has no other.
    mainFields: ['module', 'main'],
    minify: true,
    // Error classes are matched by name (the AWS SDK's `name`, not the constructor's), but logs and
    // stack traces read better with the names kept.
    keepNames: true,
    legalComments: 'linked',
    external: ['cron-parser'],
    plugins: [leanClientNode, nodeUrl, httpByRequire],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(process.argv[2]);
