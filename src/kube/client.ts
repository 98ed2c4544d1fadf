// Client setup for @kubernetes/client-node 1.x: its KubeConfig only (see rest.ts for why).
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { kubeRest } from './rest.js';

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
    await kubeRest(kc).request({ method: 'GET', path: '/version', timeoutMs });
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'number') return;
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
    throw new KubeConnectError(`cannot reach the Kubernetes API server at ${server} (${cause}): check --kubeconfig, $KUBECONFIG and the current context (kubectl config current-context)`);
  }
}
