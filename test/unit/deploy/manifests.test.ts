// What deploy/ installs, read from the manifests themselves: a least-privilege identity, two
// replicas with leader election whose flags the operator's own config parser accepts, probes on
// the endpoints the operator serves, and a pod that meets the "restricted" Pod Security Standard.
// (test/integration/deploy-*.test.ts applies the same files to a real apiserver.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../../src/api/index.js';
import { parseOperatorConfig } from '../../../src/config/operator-config.js';
import { OPERATOR_API_ACCESS } from '../../support/rbac.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const deployDir = join(repoRoot, 'deploy');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

/** The objects a kustomization lists, following directories; no transformers applied. */
function kustomizationObjects(dir: string): K8sObject[] {
  const k = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  return (k.resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return kustomizationObjects(path);
    return loadAll(readFileSync(path, 'utf8')) as K8sObject[];
  });
}

const kustomization = load(readFileSync(join(deployDir, 'kustomization.yaml'), 'utf8')) as Kustomization;
const objects = kustomizationObjects(deployDir);
/** The aggregated ClusterRoles for namespace users (aggregate-roles.yaml), apart from the operator's own. */
const isAggregated = (o: K8sObject) => Object.keys(o.metadata.labels ?? {}).some((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-'));
const one = <T = K8sObject>(kind: string): T => {
  const found = objects.filter((o) => o.kind === kind && !isAggregated(o));
  expect(found.map((o) => o.metadata.name), kind).toHaveLength(1);
  return found[0] as T;
};

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Binding {
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args: string[];
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  volumes: { name: string; emptyDir?: object; hostPath?: object }[];
}
interface Deployment extends K8sObject {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const deployment = one<Deployment>('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0] as Container;
const podEnv = (name: string) => container.env.find((e) => e.name === name);

/** The container's args as the kubelet expands them ($(VAR) from the pod's env), without `run`. */
function expandedArgs(podName: string): string[] {
  const values: Record<string, string> = {
    POD_NAME: podName,
    POD_NAMESPACE: kustomization.namespace ?? 'default',
  };
  return container.args.slice(1).map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_m, v: string) => values[v] ?? ''));
}

describe('deploy/kustomization.yaml', () => {
  it('installs into the ecs-operator namespace, which it creates', () => {
    expect(kustomization.namespace).toBe('ecs-operator');
    expect(one('Namespace').metadata.name).toBe('ecs-operator');
  });

  it('installs the CRD of every kind (and of EcsAccount), the RBAC, the Deployment, its metrics Service and a disruption budget', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRole', 'ClusterRole', 'ClusterRoleBinding', ...[...Object.keys(KINDS), 'EcsAccount'].map(() => 'CustomResourceDefinition'), 'Deployment', 'Namespace', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'].sort(),
    );
  });

  it('runs the image named in `images`, so `kustomize edit set image` retargets it', () => {
    expect(kustomization.images?.map((i) => i.name)).toEqual([container.image]);
    expect(kustomization.images?.[0]?.newTag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lets the namespace setting fill in the bindings subjects (an explicit one would not follow an overlay)', () => {
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      for (const subject of one<Binding & K8sObject>(kind).subjects) expect(subject.namespace, kind).toBeUndefined();
    }
  });
});

describe('the operator Deployment', () => {
  it('runs two replicas, with leader election on', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.args[0]).toBe('run');
    expect(container.args).not.toContain('--no-leader-elect');
    expect(podEnv('ECS_OPERATOR_LEADER_ELECT')?.value).toBe('true');
  });

  it('passes flags the operator accepts: the Lease the Role allows, in its own namespace, one identity per pod', () => {
    const env = Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    const config = parseOperatorConfig(expandedArgs('ecs-operator-7d4b9c-x2x9q'), env);
    expect(config.leaderElection).toMatchObject({ enabled: true, namespace: 'ecs-operator', name: OPERATOR_API_ACCESS.leaderElection.leaseName, identity: 'ecs-operator-7d4b9c-x2x9q' });
    expect(podEnv('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(podEnv('POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    const leaseRule = one<{ rules: Rule[] } & K8sObject>('Role').rules.find((r) => r.resourceNames);
    expect(leaseRule?.resourceNames).toEqual([config.leaderElection.name]);
  });

  it('probes /healthz for liveness and /readyz for readiness on the port the operator serves', () => {
    const config = parseOperatorConfig(expandedArgs('p'), {});
    const port = container.ports.find((p) => p.containerPort === config.httpAddress.port);
    expect(port).toBeDefined();
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: port?.name });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: port?.name });
  });

  it('gives running reconciles their shutdown timeout before Kubernetes kills the pod', () => {
    const config = parseOperatorConfig(expandedArgs('p'), {});
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.shutdownTimeoutMs);
  });

  it('requests and limits CPU and memory', () => {
    for (const kind of ['requests', 'limits'] as const) {
      expect(Object.keys(container.resources[kind] ?? {}).sort(), kind).toEqual(['cpu', 'memory']);
    }
  });

  it('runs as the ServiceAccount that the bindings name', () => {
    const serviceAccount = one('ServiceAccount').metadata.name;
    expect(pod.serviceAccountName).toBe(serviceAccount);
    for (const kind of ['ClusterRoleBinding', 'RoleBinding']) {
      expect(one<Binding & K8sObject>(kind).subjects, kind).toEqual([{ kind: 'ServiceAccount', name: serviceAccount }]);
    }
  });

  it('meets the restricted Pod Security Standard, with a read-only root filesystem', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.hostNetwork ?? false).toBe(false);
    expect(pod.hostPID ?? false).toBe(false);
    expect(pod.hostIPC ?? false).toBe(false);
    expect(pod.volumes.filter((v) => v.hostPath)).toEqual([]);
    for (const c of pod.containers) {
      expect(c.securityContext, c.name).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext.capabilities?.add ?? [], c.name).toEqual([]);
      expect(c.securityContext.privileged ?? false, c.name).toBe(false);
    }
    expect(one('Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('runs as the user the image declares', () => {
    const dockerUser = /^USER\s+(\d+)/m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))?.[1];
    expect(pod.securityContext.runAsUser).toBe(Number(dockerUser));
  });

  it('mounts a writable /tmp, the only writable path', () => {
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    expect(container.volumeMounts).toHaveLength(1);
  });
});

describe('the metrics Service and the disruption budget', () => {
  const podLabels = deployment.spec.template.metadata.labels;
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);

  it('select the operator pods', () => {
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    expect(selects(one<{ spec: { selector: Record<string, string> } } & K8sObject>('Service').spec.selector)).toBe(true);
    expect(selects(one<{ spec: { selector: { matchLabels: Record<string, string> } } } & K8sObject>('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
  });

  it('serves the container port that answers /metrics', () => {
    const service = one<{ spec: { ports: { targetPort: string }[] } } & K8sObject>('Service');
    expect(container.ports.map((p) => p.name)).toContain(service.spec.ports[0]?.targetPort);
  });
});

describe('RBAC', () => {
  const triples = (rules: Rule[]) =>
    rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}${r.resourceNames ? `@${r.resourceNames.join(',')}` : ''}`)))).sort();
  const clusterRole = one<{ rules: Rule[] } & K8sObject>('ClusterRole');
  const role = one<{ rules: Rule[] } & K8sObject>('Role');

  it('grants cluster-wide exactly what the operator calls', () => {
    const expected = OPERATOR_API_ACCESS.cluster.flatMap((a) => a.verbs.map((v) => `${a.group}/${a.resource}:${v}`)).sort();
    expect(triples(clusterRole.rules)).toEqual(expected);
  });

  it('grants Leases only in its own namespace, and only the one it elects with by name', () => {
    const le = OPERATOR_API_ACCESS.leaderElection;
    const expected = [...le.createVerbs.map((v) => `${le.group}/${le.resource}:${v}`), ...le.namedVerbs.map((v) => `${le.group}/${le.resource}:${v}@${le.leaseName}`)].sort();
    expect(triples(role.rules)).toEqual(expected);
  });

  it('uses no wildcards, no non-resource URLs and nothing that reads secrets or escalates', () => {
    for (const rule of [...clusterRole.rules, ...role.rules]) {
      for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.resources.filter((r) => ['secrets', 'configmaps', 'pods', 'serviceaccounts/token'].includes(r))).toEqual([]);
      expect(rule.verbs.filter((v) => ['delete', 'deletecollection', 'escalate', 'bind', 'impersonate'].includes(v))).toEqual([]);
    }
  });

  it('adds read access to the built-in view role and write access to edit, for the three kinds only and never their status', () => {
    const aggregated = objects.filter(isAggregated);
    const byLabel = (label: string) => aggregated.filter((o) => o.metadata.labels?.[`rbac.authorization.k8s.io/${label}`] === 'true') as ({ rules: Rule[] } & K8sObject)[];
    // EcsAccount (cluster-scoped, the cluster admin's) is in neither.
    const kinds = OPERATOR_API_ACCESS.cluster.filter((a) => a.group === 'ecs.operator.dev' && !a.resource.includes('/') && a.resource !== 'ecsaccounts').map((a) => a.resource);
    const [view] = byLabel('aggregate-to-view');
    const [edit] = byLabel('aggregate-to-edit');
    expect(aggregated.map((o) => o.metadata.name).sort()).toEqual(['ecs-operator-edit', 'ecs-operator-view']);
    expect(triples(view?.rules ?? [])).toEqual([...kinds, ...kinds.map((k) => `${k}/status`)].flatMap((r) => ['get', 'list', 'watch'].map((v) => `ecs.operator.dev/${r}:${v}`)).sort());
    expect(triples(edit?.rules ?? [])).toEqual(kinds.flatMap((r) => ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'].map((v) => `ecs.operator.dev/${r}:${v}`)).sort());
  });

  it('binds the roles it defines', () => {
    expect(one<Binding & K8sObject>('ClusterRoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata.name });
    expect(one<Binding & K8sObject>('RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  });
});

describe('deploy/argocd', () => {
  const component = load(readFileSync(join(deployDir, 'argocd', 'kustomization.yaml'), 'utf8')) as {
    kind: string;
    configMapGenerator: { name: string; behavior: string; files: string[] }[];
  };

  it('merges one health check per kind into argocd-cm, read from the .lua files', () => {
    expect(component.kind).toBe('Component');
    const [generator] = component.configMapGenerator;
    expect(generator).toMatchObject({ name: 'argocd-cm', behavior: 'merge' });
    const kinds = readdirSync(join(deployDir, 'argocd', 'ecs.operator.dev')).sort();
    expect(generator?.files.sort()).toEqual(kinds.map((k) => `resource.customizations.health.ecs.operator.dev_${k}=ecs.operator.dev/${k}/health.lua`));
    for (const k of kinds) expect(existsSync(join(deployDir, 'argocd', 'ecs.operator.dev', k, 'health.lua'))).toBe(true);
  });
});

describe('examples/argocd/application.yaml', () => {
  const app = load(readFileSync(join(repoRoot, 'examples', 'argocd', 'application.yaml'), 'utf8')) as {
    kind: string;
    spec: {
      source: { path: string; directory?: { recurse?: boolean } };
      destination: { namespace?: string };
      syncPolicy: { automated?: { prune?: boolean; selfHeal?: boolean }; syncOptions?: string[] };
      ignoreDifferences?: unknown[];
    };
  };

  it('syncs examples/ without itself, into a namespace it creates', () => {
    expect(app.kind).toBe('Application');
    expect(app.spec.source.path).toBe('examples');
    expect(app.spec.source.directory?.recurse ?? false).toBe(false);
    expect(app.spec.destination.namespace).toBeTruthy();
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('prunes and self-heals, and ignores no differences: the operator never writes spec', () => {
    expect(app.spec.syncPolicy.automated).toMatchObject({ prune: true, selfHeal: true });
    expect(app.spec.ignoreDifferences).toBeUndefined();
  });
});
