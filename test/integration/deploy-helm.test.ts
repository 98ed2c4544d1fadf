// The Helm chart (charts/ecs-operator), with Helm v4 built from Go modules (test/tools/helm), as a
// user runs it: lint, render, install, upgrade and uninstall on the real apiserver. The chart and
// the kustomize base in deploy/ are two ways to install one thing: for the default values they
// render the same objects. (deploy-rbac.test.ts and e2e/rbac-operator.test.ts run the RBAC suites
// under the chart's rendered ServiceAccount and roles.)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOperatorConfig } from '../../src/config/operator-config.js';
import { createNamespace, kubectl, uniqueName } from '../support/env.js';
import { CHART_DIR, helm } from '../support/tools.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}
interface Container {
  image: string;
  args: string[];
  env: { name: string; value?: string }[];
  resources: unknown;
}
interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; nodeSelector?: unknown; tolerations?: unknown; affinity?: unknown; serviceAccountName: string } };
  };
}

const docs = (yaml: string) => (loadAll(yaml) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);

/** `helm template` of the chart; throws with Helm's message when it fails. */
async function render(release: string, namespace: string, args: string[] = []): Promise<K8sObject[]> {
  const out = await helm(['template', release, CHART_DIR, `--namespace=${namespace}`, ...args]);
  if (out.code !== 0) throw new Error(`helm template failed: ${out.stderr}`);
  return docs(out.stdout);
}
const deploymentOf = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment') as Deployment;
const containerOf = (objects: K8sObject[]) => deploymentOf(objects).spec.template.spec.containers[0] as Container;

describe('helm lint', () => {
  it('finds nothing to fix in the chart, even with --strict', async () => {
    const out = await helm(['lint', '--strict', CHART_DIR]);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(out.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});

describe('the chart and deploy/ install the same objects', () => {
  // Labels Helm adds for its own bookkeeping (release, chart version); everything else must match.
  const HELM_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version', 'helm.sh/chart'];
  // RBAC rules list resources as a set (the chart lists them in the order of crds/).
  function normalize(value: unknown, key = ''): unknown {
    if (key === 'resources' && Array.isArray(value)) return [...(value as string[])].sort();
    if (Array.isArray(value)) return value.map((v) => normalize(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !HELM_LABELS.includes(k))
        .map(([k, v]) => [k, normalize(v, k)]),
    );
  }
  const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const byKey = (objects: K8sObject[]) => Object.fromEntries(objects.map((o) => [key(o), normalize(o)]));

  let kustomized: K8sObject[];
  let charted: K8sObject[];
  beforeAll(async () => {
    const k = await kubectl(['kustomize', join(repoRoot, 'deploy')]);
    if (k.code !== 0) throw new Error(k.stderr);
    // The Namespace is the one object Helm does not own: `helm install --create-namespace` makes it,
    // and the README labels it for the restricted Pod Security Standard as deploy/namespace.yaml does.
    kustomized = docs(k.stdout).filter((o) => o.kind !== 'Namespace');
    charted = await render('ecs-operator', 'ecs-operator', ['--include-crds']);
    // deploy/'s kustomization adds its part-of label to the CRDs too; Helm installs crds/ verbatim.
    for (const o of kustomized.filter((c) => c.kind === 'CustomResourceDefinition')) delete o.metadata.labels?.['app.kubernetes.io/part-of'];
  });

  it('renders every object deploy/ installs, and no other, for a release named ecs-operator', () => {
    expect(charted.map(key).sort()).toEqual(kustomized.map(key).sort());
  });

  it('renders each of them with the same fields, labels and names', () => {
    const fromChart = byKey(charted);
    for (const [k, object] of Object.entries(byKey(kustomized))) expect(fromChart[k], k).toEqual(object);
  });

  it('carries one version: the chart, its appVersion, package.json and the kustomization image tag', () => {
    const chart = load(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const kustomization = load(readFileSync(join(repoRoot, 'deploy', 'kustomization.yaml'), 'utf8')) as { images: { newTag: string }[] };
    expect([chart.version, chart.appVersion, kustomization.images[0]?.newTag]).toEqual([pkg.version, pkg.version, pkg.version]);
  });
});

describe('values', () => {
  it("turn into flags the operator's own config parser accepts, and into the pod's scheduling", async () => {
    const objects = await render('ecs-operator', 'platform', [
      '--set=region=eu-west-1,clusterId=prod-eu,resyncPeriod=10m,logLevel=debug,replicaCount=3',
      '--set=watchNamespaces={team-a,team-b}',
      '--set=extraArgs={--concurrency=40}',
      '--set=nodeSelector.kubernetes\\.io/os=linux',
      '--set=tolerations[0].key=dedicated,tolerations[0].operator=Exists',
      '--set=image.repository=ghcr.io/example/ecs-operator,image.tag=1.2.3',
      '--set=serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=arn:aws:iam::123456789012:role/ecs-operator',
      '--set=eventsQueue.url=https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-operator-events',
    ]);
    const deployment = deploymentOf(objects);
    const container = containerOf(objects);
    expect(deployment.spec.replicas).toBe(3);
    expect(container.image).toBe('ghcr.io/example/ecs-operator:1.2.3');
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(deployment.spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists' }]);
    const sa = objects.find((o) => o.kind === 'ServiceAccount');
    expect(sa?.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ecs-operator' });

    expect(container.args[0]).toBe('run');
    const env = { POD_NAME: 'ecs-operator-5d8f7-abcde', POD_NAMESPACE: 'platform' } as Record<string, string>;
    const args = container.args.slice(1).map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_m, v: string) => env[v] ?? ''));
    const config = parseOperatorConfig(args, { ...env, ECS_OPERATOR_LEADER_ELECT: 'true' });
    expect(config).toMatchObject({
      namespaces: ['team-a', 'team-b'],
      resyncPeriodMs: 600_000,
      clusterId: 'prod-eu',
      logLevel: 'debug',
      concurrency: 40,
      aws: { region: 'eu-west-1' },
      leaderElection: { enabled: true, name: 'ecs-operator', namespace: 'platform', identity: env.POD_NAME },
      eventsQueue: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-operator-events' },
    });
  });

  it('shards: passes --shards, and swaps the leader Lease in the Role for the shard and membership Leases', async () => {
    const objects = await render('ecs-operator', 'platform', ['--set=shards=4,replicaCount=3']);
    const env = { POD_NAME: 'p', POD_NAMESPACE: 'platform' } as Record<string, string>;
    const args = containerOf(objects).args.slice(1).map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_m, v: string) => env[v] ?? ''));
    expect(parseOperatorConfig(args, { ...env, ECS_OPERATOR_LEADER_ELECT: 'true' }).shards).toBe(4);
    expect(deploymentOf(objects).spec.replicas).toBe(3);
    const role = objects.find((o) => o.kind === 'Role') as K8sObject & { rules: { verbs: string[]; resourceNames?: string[] }[] };
    const names = ['shard', 'member'].flatMap((kind) => [0, 1, 2, 3].map((i) => `ecs-operator-${kind}-${i}`));
    expect(role.rules.map((r) => [r.verbs, r.resourceNames])).toEqual([[['create'], undefined], [['list'], undefined], [['update'], names]]);
    const single = (await render('ecs-operator', 'platform')).find((o) => o.kind === 'Role') as typeof role;
    expect(single.rules.map((r) => [r.verbs, r.resourceNames])).toEqual([[['create'], undefined], [['get', 'update'], ['ecs-operator']]]);
  });

  it('replace the default spread of replicas over nodes when an affinity is given', async () => {
    const spread = deploymentOf(await render('ecs-operator', 'x')).spec.template.spec.affinity;
    expect(spread).toHaveProperty('podAntiAffinity');
    const given = deploymentOf(await render('ecs-operator', 'x', ['--set=affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key=pool', '--set=affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator=Exists'])).spec.template.spec.affinity;
    expect(Object.keys(given as object)).toEqual(['nodeAffinity']);
  });

  it('are checked against values.schema.json before anything renders', async () => {
    for (const bad of ['shards=0', 'logLevel=loud', 'region=Europe', 'eventsQueue.url=ecs-operator-events', 'replicaCount=two', 'extraArgs={concurrency=40}', 'image.digest=latest', 'unknownValue=1']) {
      const out = await helm(['template', 'ecs-operator', CHART_DIR, `--set=${bad}`]);
      expect(out.code, bad).not.toBe(0);
      expect(out.stderr, bad).toMatch(/schema/i);
    }
  });

  it('render a ServiceMonitor or a PodMonitor that selects the operator pods, when switched on', async () => {
    const objects = await render('ecs-operator', 'monitoring', ['--set=metrics.serviceMonitor.enabled=true,metrics.podMonitor.enabled=true,metrics.serviceMonitor.labels.release=prometheus']);
    const service = objects.find((o) => o.kind === 'Service') as K8sObject & { spec: { selector: Record<string, string>; ports: { name: string }[] } };
    const serviceMonitor = objects.find((o) => o.kind === 'ServiceMonitor') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] } };
    const podMonitor = objects.find((o) => o.kind === 'PodMonitor') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; podMetricsEndpoints: { port: string }[] } };
    expect(serviceMonitor.metadata.labels?.release).toBe('prometheus');
    expect(service.metadata.labels).toMatchObject(serviceMonitor.spec.selector.matchLabels);
    expect(serviceMonitor.spec.endpoints[0]?.port).toBe(service.spec.ports[0]?.name);
    expect(deploymentOf(objects).spec.template.metadata.labels).toMatchObject(podMonitor.spec.selector.matchLabels);
    expect(podMonitor.spec.podMetricsEndpoints[0]?.port).toBe('http');
    expect((await render('ecs-operator', 'monitoring')).map((o) => o.kind)).not.toContain('ServiceMonitor');
  });
});

describe('prometheusRule.enabled', () => {
  // files/prometheus-rule.yaml is the copy of deploy/observability's PrometheusRule that
  // scripts/sync-deploy-crds.ts keeps (test/unit/deploy/crds-sync.test.ts checks it is current).
  const copy = join(CHART_DIR, 'files', 'prometheus-rule.yaml');

  it("renders deploy/observability's alerts under the release's name and labels, or says the chart has none", async () => {
    const out = await helm(['template', 'ecs-operator', CHART_DIR, '--namespace=monitoring', '--set=prometheusRule.enabled=true,prometheusRule.labels.release=prometheus']);
    if (!existsSync(copy)) {
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('the chart has no files/prometheus-rule.yaml');
      return;
    }
    expect(out.code, out.stderr).toBe(0);
    const rule = docs(out.stdout).find((o) => o.kind === 'PrometheusRule');
    expect(rule?.metadata).toMatchObject({ name: 'ecs-operator', namespace: 'monitoring', labels: { release: 'prometheus', 'app.kubernetes.io/instance': 'ecs-operator' } });
    expect(rule?.spec).toEqual((load(readFileSync(copy, 'utf8')) as K8sObject).spec);
    expect((await render('ecs-operator', 'monitoring')).map((o) => o.kind)).not.toContain('PrometheusRule');
  });
});

describe('grafanaDashboard.enabled', () => {
  it("renders deploy/observability's dashboard as a ConfigMap Grafana's sidecar loads", async () => {
    const objects = await render('ecs-operator', 'ecs-operator', ['--set=grafanaDashboard.enabled=true,grafanaDashboard.namespace=grafana']);
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as (K8sObject & { data: Record<string, string> }) | undefined;
    expect(configMap?.metadata).toMatchObject({ name: 'ecs-operator-grafana-dashboard', namespace: 'grafana', labels: { grafana_dashboard: '1' } });
    const original = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'observability', 'grafana-dashboard.json'), 'utf8')) as unknown;
    expect(JSON.parse(configMap?.data['ecs-operator.json'] ?? 'null')).toEqual(original);
    expect((await render('ecs-operator', 'ecs-operator')).map((o) => o.kind)).not.toContain('ConfigMap');
  });
});

describe('helm template | kubectl apply --dry-run=server', () => {
  it('is accepted by the apiserver: every object, CRDs included, passes its validation and admission', async () => {
    const namespace = await createNamespace('helm-dry-run');
    try {
      const out = await helm(['template', 'ecs-operator', CHART_DIR, `--namespace=${namespace}`, '--include-crds', '--set=region=us-east-1,clusterId=dry-run,watchNamespaces={a,b},grafanaDashboard.enabled=true']);
      expect(out.code, out.stderr).toBe(0);
      const applied = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=helm-dry-run', '-f', '-'], { input: out.stdout });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/deployment\.apps\/ecs-operator serverside-applied \(server dry run\)/);
      expect(applied.stdout).toMatch(/configmap\/ecs-operator-grafana-dashboard serverside-applied \(server dry run\)/);
      expect(applied.stdout).toMatch(/customresourcedefinition\.apiextensions\.k8s\.io\/ecsservices\.ecs\.operator\.dev serverside-applied \(server dry run\)/);
    } finally {
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    }
  });
});

describe('helm install, upgrade and uninstall', () => {
  let namespace: string;
  let release: string;
  const get = async <T>(args: string[]): Promise<T> => {
    const res = await kubectl(['get', ...args, '-o', 'json'], { namespace });
    if (res.code !== 0) throw new Error(`kubectl get ${args.join(' ')}: ${res.stderr}`);
    return JSON.parse(res.stdout) as T;
  };

  beforeAll(async () => {
    namespace = uniqueName('helm-install');
    release = `ecs-operator-${namespace.slice(namespace.lastIndexOf('-') + 1)}`;
  });
  afterAll(async () => {
    await helm(['uninstall', release, `--namespace=${namespace}`]);
    await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('installs the release into a namespace it creates, and prints the notes with the CRD caveat', async () => {
    const out = await helm(['install', release, CHART_DIR, `--namespace=${namespace}`, '--create-namespace', '--set=region=us-east-1']);
    console.log(`[helm install]\n${out.stdout}${out.stderr}`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/STATUS: deployed/);
    expect(out.stdout).toMatch(/REVISION: 1/);
    expect(out.stdout).toMatch(/helm uninstall` does NOT delete them/);
    // The notes name every CRD the chart installs, for the delete command they print.
    for (const file of readdirSync(join(CHART_DIR, 'crds'))) {
      const crd = load(readFileSync(join(CHART_DIR, 'crds', file), 'utf8')) as { metadata: { name: string }; spec: { names: { kind: string } } };
      expect(out.stdout).toContain(crd.metadata.name);
      expect(out.stdout).toContain(crd.spec.names.kind);
    }

    const deployment = await get<Deployment>(['deployment', release]);
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': release });
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe(release);
    for (const [kind, name] of [['serviceaccount', release], ['role', `${release}-leader-election`], ['service', `${release}-metrics`], ['poddisruptionbudget', release]]) {
      expect((await kubectl(['get', `${kind}/${name}`, '-o', 'name'], { namespace })).code, `${kind}/${name}`).toBe(0);
    }
    for (const name of [release, `${release}-view`, `${release}-edit`]) expect((await kubectl(['get', 'clusterrole', name, '-o', 'name'])).code, name).toBe(0);
    const binding = await get<{ subjects: { name: string; namespace: string }[] }>(['clusterrolebinding', release]);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: release, namespace }]);
  });

  it('upgrades to a changed value: the Deployment changes and the release counts a second revision', async () => {
    const out = await helm(['upgrade', release, CHART_DIR, `--namespace=${namespace}`, '--reuse-values', '--set=logLevel=debug,replicaCount=1']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/REVISION: 2/);
    const deployment = await get<Deployment>(['deployment', release]);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0]?.args).toEqual(expect.arrayContaining(['--log-level=debug', '--aws-region=us-east-1']));
    const history = await helm(['history', release, `--namespace=${namespace}`, '-o', 'json']);
    expect((JSON.parse(history.stdout) as { revision: number; status: string }[]).map((r) => [r.revision, r.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('uninstalls everything it installed but the CRDs (and the objects of those kinds)', async () => {
    const out = await helm(['uninstall', release, `--namespace=${namespace}`]);
    expect(out.code, out.stderr).toBe(0);
    await expect.poll(async () => (await kubectl(['get', 'deployment,serviceaccount,role,rolebinding,service,poddisruptionbudget', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name'], { namespace })).stdout.trim(), { timeout: 30_000 }).toBe('');
    expect((await kubectl(['get', 'clusterrole,clusterrolebinding', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name'])).stdout.trim()).toBe('');
    for (const crd of ['ecsservices', 'ecstaskdefinitions', 'ecsclusters']) expect((await kubectl(['get', 'crd', `${crd}.ecs.operator.dev`, '-o', 'name'])).code, crd).toBe(0);
  });
});
