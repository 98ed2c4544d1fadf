// Client setup for @kubernetes/client-node 1.x.
import { existsSync } from 'node:fs';
import {
  KubeConfig,
  Observable,
  VersionApi,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type PatchStrategy,
} from '@kubernetes/client-node';

/** The kubeconfig cannot be read or its API server cannot be reached; the message says what to do. */
export class KubeConnectError extends Error {
  override readonly name = 'KubeConnectError';
}

/**
 * Loads a kubeconfig: the given file, else $KUBECONFIG / ~/.kube/config, else the in-cluster
 * service account (what `loadFromDefault` tries in that order). A file that is missing or not a
 * kubeconfig is a KubeConnectError, not a stack trace from the YAML parser.
 */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path && !existsSync(path)) throw new KubeConnectError(`kubeconfig ${path} does not exist: pass --kubeconfig with an existing file, or leave it out to use $KUBECONFIG, ~/.kube/config or the in-cluster service account`);
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    const source = path ?? process.env.KUBECONFIG ?? '~/.kube/config';
    throw new KubeConnectError(`kubeconfig ${source} cannot be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): check the file, or pass another with --kubeconfig`);
  }
  return kc;
}

/**
 * Asks the API server for its version, so that a wrong context or an unreachable server is one
 * clear line at start instead of watches retrying in the background. Any HTTP answer counts as
 * reachable: /version is readable by every authenticated and unauthenticated user.
 */
export async function checkKubeReachable(kc: KubeConfig, timeoutMs = 10_000): Promise<void> {
  const server = kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
  try {
    await kc.makeApiClient(VersionApi).getCode(callOptions({ timeoutMs }));
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'number') return;
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
    throw new KubeConnectError(`cannot reach the Kubernetes API server at ${server} (${cause}): check --kubeconfig, $KUBECONFIG and the current context (kubectl config current-context)`);
  }
}

/** Default per-request timeout: no single API call may stall a reconcile or a lease renewal. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The field manager every write names, so that managedFields (and `kubectl get --show-managed-fields`)
 * say which fields the operator owns; without it the apiserver records the HTTP client's user agent.
 */
export const FIELD_MANAGER = 'ecs-operator';

/** Methods whose requests take a fieldManager (create, update and patch; never reads or deletes). */
const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Per-call options for the generated API clients: a request timeout, the Content-Type of a patch
 * (the generated patch methods default to JSON Patch), and the field manager of every write. The
 * ObjectParam API passes these middlewares through unwrapped, so they must return the library's
 * Observable, not a Promise.
 */
export function callOptions(opts: { timeoutMs?: number; patch?: PatchStrategy } = {}): ConfigurationOptions<ObservableMiddleware> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      if (opts.patch) ctx.setHeaderParam('Content-Type', opts.patch);
      if (WRITES.has(ctx.getHttpMethod())) ctx.setQueryParam('fieldManager', FIELD_MANAGER);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
