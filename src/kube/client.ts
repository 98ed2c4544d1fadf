// Client setup for @kubernetes/client-node 1.x.
import {
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type PatchStrategy,
} from '@kubernetes/client-node';

/**
 * Loads a kubeconfig: the given file, else $KUBECONFIG / ~/.kube/config, else the in-cluster
 * service account (what `loadFromDefault` tries in that order).
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/** Default per-request timeout: no single API call may stall a reconcile or a lease renewal. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Per-call options for the generated API clients: a request timeout, and the Content-Type of a
 * patch (the generated patch methods default to JSON Patch). The ObjectParam API passes these
 * middlewares through unwrapped, so they must return the library's Observable, not a Promise.
 */
export function callOptions(opts: { timeoutMs?: number; patch?: PatchStrategy } = {}): ConfigurationOptions<ObservableMiddleware> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      if (opts.patch) ctx.setHeaderParam('Content-Type', opts.patch);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
