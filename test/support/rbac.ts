// The operator's RBAC from deploy/rbac/ (kustomize) or from the Helm chart (`helm template`),
// applied to the shared test apiserver as a user would apply it, but isolated: every fixture gets
// its own namespace (for the ServiceAccount, the Role and the leader-election Lease) and its own
// names for the cluster-scoped ClusterRoles and ClusterRoleBinding (a kustomize name suffix, or
// the Helm release name), so test files running in parallel never share or race on them.
//
// The fixture also hands out a kubeconfig that authenticates as the ServiceAccount with a token
// from the TokenRequest API, exactly what the operator gets in a pod: run `kubectl` or the
// operator process itself with it, and the apiserver authorizes every call with deploy/'s RBAC.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { createNamespace, kubeConfig, kubectl } from './env.js';
import { CHART_DIR, helm } from './tools.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
export const DEPLOY_RBAC_DIR = join(repoRoot, 'deploy', 'rbac');
const FIXTURE_LABEL = 'ecs-operator.test/fixture';

/**
 * What the operator's code calls on the apiserver (src/kube), as RBAC sees it. deploy/rbac must
 * grant exactly this: the unit test compares the manifests with it, and the integration test
 * proves each entry is allowed (and more is not) for the real ServiceAccount.
 */
export const OPERATOR_API_ACCESS = {
  /** Granted in every namespace (ClusterRole + ClusterRoleBinding). */
  cluster: [
    { group: 'ecs.operator.dev', resource: 'ecsclusters', verbs: ['get', 'list', 'watch', 'patch'] },
    { group: 'ecs.operator.dev', resource: 'ecstaskdefinitions', verbs: ['get', 'list', 'watch', 'patch'] },
    { group: 'ecs.operator.dev', resource: 'ecsservices', verbs: ['get', 'list', 'watch', 'patch'] },
    { group: 'ecs.operator.dev', resource: 'ecstasks', verbs: ['get', 'list', 'watch', 'patch'] },
    { group: 'ecs.operator.dev', resource: 'ecsscheduledtasks', verbs: ['get', 'list', 'watch', 'patch'] },
    { group: 'ecs.operator.dev', resource: 'ecsclusters/status', verbs: ['update'] },
    { group: 'ecs.operator.dev', resource: 'ecstaskdefinitions/status', verbs: ['update'] },
    { group: 'ecs.operator.dev', resource: 'ecsservices/status', verbs: ['update'] },
    { group: 'ecs.operator.dev', resource: 'ecstasks/status', verbs: ['update'] },
    { group: 'ecs.operator.dev', resource: 'ecsscheduledtasks/status', verbs: ['update'] },
    { group: 'events.k8s.io', resource: 'events', verbs: ['create', 'patch'] },
    // The account mapping: read, and its status written; cluster-scoped, so granted cluster-wide.
    { group: 'ecs.operator.dev', resource: 'ecsaccounts', verbs: ['get', 'list', 'watch'] },
    { group: 'ecs.operator.dev', resource: 'ecsaccounts/status', verbs: ['update'] },
    // Namespaces' labels, for an EcsAccount's namespaceSelector.
    { group: '', resource: 'namespaces', verbs: ['get', 'list', 'watch'] },
  ],
  /** Granted in the operator's own namespace only (Role + RoleBinding), for leader election. */
  leaderElection: {
    group: 'coordination.k8s.io',
    resource: 'leases',
    /** The Lease name the Role allows, which the Deployment passes as --lease-name. */
    leaseName: 'ecs-operator',
    createVerbs: ['create'],
    namedVerbs: ['get', 'update'],
  },
  /**
   * With shards over 1 (the chart's `shards` value), instead of the named leader Lease: one list
   * of the namespace's Leases, and update on each shard's and membership slot's Lease by name.
   */
  sharded: {
    listVerbs: ['list'],
    namedVerbs: ['update'],
    leaseNames: (name: string, shards: number): string[] => [...Array.from({ length: shards }, (_, i) => `${name}-shard-${i}`), ...Array.from({ length: shards }, (_, i) => `${name}-member-${i}`)],
  },
} as const;

export interface OperatorIdentity {
  /** The fixture's own namespace: ServiceAccount, Role, RoleBinding and the Lease live here. */
  namespace: string;
  serviceAccount: string;
  /** The ServiceAccount as a username, for `kubectl --as` and impersonation. */
  user: string;
  clusterRole: string;
  clusterRoleBinding: string;
  /** The Lease the leader-election Role allows (the chart names it after the release). */
  leaseName: string;
  /** A kubeconfig file that authenticates as the ServiceAccount (a TokenRequest token). */
  kubeconfig: string;
  /** Deletes everything the fixture created. */
  cleanup(): Promise<void>;
}

interface RenderedObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  roleRef?: { name: string };
  rules?: { resourceNames?: string[] }[];
}

/** Where the RBAC comes from: deploy/rbac through kustomize, or the chart through `helm template`. */
export type RbacSource = 'kustomize' | 'helm';

const RBAC_KINDS = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

/** deploy/rbac as an overlay renders it: its namespace, a name suffix and the fixture label. */
async function renderKustomize(work: string, namespace: string): Promise<string> {
  const suffix = namespace.slice(namespace.lastIndexOf('-'));
  // An overlay of deploy/rbac, as a user's overlay would be: namespace moves the ServiceAccount and
  // the bindings' subjects, nameSuffix keeps the cluster-scoped names apart from other fixtures,
  // and the label lets cleanup find the cluster-scoped objects.
  writeFileSync(
    join(work, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      `nameSuffix: ${JSON.stringify(suffix)}`, // quoted: a suffix of digits alone would be read as a number
      'labels:',
      '  - pairs:',
      `      ${FIXTURE_LABEL}: ${namespace}`,
      'resources:',
      // kustomize takes a base outside the overlay's folder only as a relative path.
      `  - ${relative(work, DEPLOY_RBAC_DIR)}`,
      '',
    ].join('\n'),
  );
  const rendered = await kubectl(['kustomize', work]);
  if (rendered.code !== 0) throw new Error(`kubectl kustomize of deploy/rbac failed: ${rendered.stderr}`);
  return rendered.stdout;
}

/**
 * The chart's RBAC objects, as `helm template` renders them for a release named after the
 * namespace (so the cluster-scoped names are the fixture's own), with the fixture label added.
 */
async function renderChart(namespace: string, args: string[] = []): Promise<string> {
  const release = `ecs-operator${namespace.slice(namespace.lastIndexOf('-'))}`;
  const rendered = await helm(['template', release, CHART_DIR, `--namespace=${namespace}`, ...args]);
  if (rendered.code !== 0) throw new Error(`helm template failed: ${rendered.stderr}`);
  const objects = (loadAll(rendered.stdout) as (RenderedObject | null)[]).filter((o): o is RenderedObject => o !== null && RBAC_KINDS.includes(o.kind));
  for (const o of objects) o.metadata.labels = { ...o.metadata.labels, [FIXTURE_LABEL]: namespace };
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

/** Applies the operator's RBAC (deploy/rbac or the chart's) into a fresh namespace and returns the identity it grants. */
export async function applyOperatorRbac(opts: { tokenSeconds?: number; source?: RbacSource; helmArgs?: string[] } = {}): Promise<OperatorIdentity> {
  const namespace = await createNamespace('ecs-op-rbac');
  const work = mkdtempSync(join(tmpdir(), 'ecs-op-rbac-'));
  const cleanup = async () => {
    rmSync(work, { recursive: true, force: true });
    await kubectl(['delete', 'clusterrolebinding,clusterrole', '-l', `${FIXTURE_LABEL}=${namespace}`, '--ignore-not-found', '--wait=false']);
    await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  };
  try {
    const source = opts.source ?? 'kustomize';
    const rendered = source === 'helm' ? await renderChart(namespace, opts.helmArgs) : await renderKustomize(work, namespace);
    const objects = loadAll(rendered) as RenderedObject[];
    const find = (kind: string) => {
      const found = objects.find((o) => o.kind === kind);
      if (!found) throw new Error(`the ${source} RBAC renders no ${kind}`);
      return found;
    };
    const nameOf = (kind: string) => find(kind).metadata.name;
    const applied = await kubectl(['apply', '-f', '-'], { input: rendered });
    if (applied.code !== 0) throw new Error(`applying the ${source} RBAC failed: ${applied.stderr}`);

    const serviceAccount = nameOf('ServiceAccount');
    const token = await kubectl(['create', 'token', serviceAccount, `--duration=${opts.tokenSeconds ?? 3600}s`], { namespace });
    if (token.code !== 0) throw new Error(`requesting a token for ${serviceAccount} failed: ${token.stderr}`);
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(kubeconfig, serviceAccountKubeconfig(namespace, serviceAccount, token.stdout.trim()), { mode: 0o600 });

    return {
      namespace,
      serviceAccount,
      user: `system:serviceaccount:${namespace}:${serviceAccount}`,
      // The ClusterRole the binding grants (the aggregated view/edit roles are not the operator's).
      clusterRole: find('ClusterRoleBinding').roleRef?.name ?? '',
      clusterRoleBinding: nameOf('ClusterRoleBinding'),
      leaseName: find('Role').rules?.find((r) => r.resourceNames)?.resourceNames?.[0] ?? OPERATOR_API_ACCESS.leaderElection.leaseName,
      kubeconfig,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The admin kubeconfig's cluster, with the ServiceAccount's token as the only user. */
function serviceAccountKubeconfig(namespace: string, serviceAccount: string, token: string): string {
  const admin = kubeConfig();
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const clusterEntry: Record<string, unknown> = { server: cluster.server };
  if (cluster.caData) clusterEntry['certificate-authority-data'] = cluster.caData;
  if (cluster.caFile) clusterEntry['certificate-authority'] = cluster.caFile;
  if (cluster.skipTLSVerify) clusterEntry['insecure-skip-tls-verify'] = true;
  const user = `${namespace}:${serviceAccount}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: clusterEntry }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'test', user, namespace } }],
    'current-context': user,
  });
}
