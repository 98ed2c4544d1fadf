// Reads the desired objects for `apply` and `drift`: from files (the file source), or from the
// custom resources of the current kube context (`drift --cluster-source`).
import { API_VERSION, KINDS, type EcsCluster, type EcsService, type EcsTaskDefinition } from '../api/index.js';
import type { ResourceClient } from '../kube/resource.js';
import { CLUSTERS, SERVICES, TASK_DEFINITIONS } from '../operator/resources.js';
import { formatSourceIssue, loadManifests, type EcsObject } from '../sources/index.js';

export interface FileSourceOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
}

/** The objects, or undefined after printing every problem (the caller exits 1). */
export async function readManifestFiles(opts: FileSourceOptions): Promise<EcsObject[] | undefined> {
  const loaded = await loadManifests(opts.filename, { recursive: opts.recursive === true, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  for (const note of loaded.notes) console.error(`note: ${formatSourceIssue(note)}`);
  for (const error of loaded.errors) console.error(`error: ${formatSourceIssue(error)}`);
  return loaded.errors.length > 0 ? undefined : loaded.objects;
}

/**
 * Every EcsCluster, EcsTaskDefinition and EcsService the kube context can list (optionally one
 * namespace), or undefined after printing why the kubeconfig or its server cannot be used.
 */
export async function readClusterObjects(opts: { kubeconfig?: string; namespace?: string }): Promise<EcsObject[] | undefined> {
  // Imported here rather than at the top: @kubernetes/client-node takes most of a second to load,
  // and only --cluster-source needs it, not every `apply` and `drift` of files.
  const [{ checkKubeReachable, KubeConnectError, loadKubeConfig }, { ResourceClient }] = await Promise.all([import('../kube/client.js'), import('../kube/resource.js')]);
  let kc;
  try {
    kc = loadKubeConfig(opts.kubeconfig);
    await checkKubeReachable(kc);
  } catch (err) {
    if (!(err instanceof KubeConnectError)) throw err;
    console.error(`error: ${err.message}`);
    return undefined;
  }
  const list = async <T>(client: ResourceClient<T & { metadata: { name: string } }>): Promise<T[]> => {
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await client.listPage({ limit: 500, ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(continueToken ? { continueToken } : {}) });
      items.push(...page.items);
      continueToken = page.continueToken;
    } while (continueToken);
    return items;
  };
  const clusters = await list<EcsCluster>(new ResourceClient(kc, CLUSTERS));
  const tds = await list<EcsTaskDefinition>(new ResourceClient(kc, TASK_DEFINITIONS));
  const svcs = await list<EcsService>(new ResourceClient(kc, SERVICES));
  const where = (kind: string, m: { metadata: { namespace?: string; name: string } }) => ({ file: `${API_VERSION} ${kind} ${m.metadata.namespace}/${m.metadata.name}` });
  return [
    ...clusters.map((m) => ({ kind: KINDS.EcsCluster, manifest: m, source: where(KINDS.EcsCluster, m) }) as const),
    ...tds.map((m) => ({ kind: KINDS.EcsTaskDefinition, manifest: m, source: where(KINDS.EcsTaskDefinition, m) }) as const),
    ...svcs.map((m) => ({ kind: KINDS.EcsService, manifest: m, source: where(KINDS.EcsService, m) }) as const),
  ];
}
