// A module resolution hook for the operator's process (see lean-client-node.ts): when
// @kubernetes/client-node's config.js imports the generated index, it gets client-node-config-deps
// instead, which exports the same two names from their own small modules.

const CONFIG = '/@kubernetes/client-node/dist/config.js';

interface ResolveContext {
  parentURL?: string;
}
interface ResolveResult {
  url: string;
  shortCircuit?: boolean;
}

/** A `resolve` hook for both module.register (asynchronous chain) and module.registerHooks (synchronous). */
export function resolve<R extends ResolveResult | Promise<ResolveResult>>(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context: ResolveContext) => R,
): R {
  // Resolved by the rest of the chain, so that a TypeScript loader (tsx, in tests) finds the .ts.
  if (specifier === './gen/index.js' && context.parentURL?.endsWith(CONFIG)) return nextResolve('./client-node-config-deps.js', { ...context, parentURL: import.meta.url });
  return nextResolve(specifier, context);
}
