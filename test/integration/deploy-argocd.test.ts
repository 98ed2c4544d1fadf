// The two ways deploy/argocd/README.md installs the health checks into argocd-cm, done with the
// pinned kubectl against the real apiserver: the result holds each health.lua word for word and
// keeps the settings argocd-cm already had.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, kubectl } from '../support/env.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const argocdDir = join(repoRoot, 'deploy', 'argocd');
const kinds = readdirSync(join(argocdDir, 'ecs.operator.dev')).sort();
const key = (kind: string) => `resource.customizations.health.ecs.operator.dev_${kind}`;
const script = (kind: string) => readFileSync(join(argocdDir, 'ecs.operator.dev', kind, 'health.lua'), 'utf8');

/** argocd-cm as Argo CD's install manifests ship it: no namespace of its own, some settings. */
const upstreamArgocdCm = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'argocd-cm', labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } },
  data: { 'timeout.reconciliation': '180s' },
};

interface ConfigMap {
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

async function ok(args: string[], opts: { input?: string; namespace?: string } = {}): Promise<string> {
  const res = await kubectl(args, opts);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

describe('deploy/argocd as a kustomize component of an Argo CD install', () => {
  let work: string;
  let ns: string;

  beforeAll(async () => {
    ns = await createNamespace('argocd');
    work = mkdtempSync(join(tmpdir(), 'argocd-kustomization-'));
    writeFileSync(join(work, 'argocd-cm.yaml'), JSON.stringify(upstreamArgocdCm));
    writeFileSync(join(work, 'kustomization.yaml'), [`namespace: ${ns}`, 'resources: [argocd-cm.yaml]', 'components:', `  - ${relative(work, argocdDir)}`, ''].join('\n'));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('renders argocd-cm with a health check per kind, read from the .lua files', async () => {
    const cm = load(await ok(['kustomize', work])) as ConfigMap;
    expect(cm.metadata).toMatchObject({ name: 'argocd-cm', namespace: ns });
    expect(cm.data['timeout.reconciliation']).toBe('180s');
    for (const kind of kinds) expect(cm.data[key(kind)], kind).toBe(script(kind));
  });

  it('applies to the apiserver', async () => {
    await ok(['apply', '-k', work]);
    const cm = JSON.parse(await ok(['get', 'configmap', 'argocd-cm', '-o', 'json'], { namespace: ns })) as ConfigMap;
    for (const kind of kinds) expect(cm.data[key(kind)], kind).toBe(script(kind));
  });
});

describe('deploy/argocd into a running Argo CD with kubectl', () => {
  it('adds a health check per kind with a merge patch and leaves the other settings alone', async () => {
    const ns = await createNamespace('argocd');
    // Argo CD installed the usual way: client-side apply of its manifests.
    await ok(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(upstreamArgocdCm) });

    // The README's command, in its two halves.
    const fromFiles = kinds.map((kind) => `--from-file=${key(kind)}=${join(argocdDir, 'ecs.operator.dev', kind, 'health.lua')}`);
    const patch = await ok(['create', 'configmap', 'argocd-cm', '--dry-run=client', '-o', 'json', ...fromFiles]);
    await ok(['patch', 'configmap', 'argocd-cm', '--type', 'merge', '-p', patch], { namespace: ns });

    const cm = JSON.parse(await ok(['get', 'configmap', 'argocd-cm', '-o', 'json'], { namespace: ns })) as ConfigMap;
    expect(cm.data['timeout.reconciliation']).toBe('180s');
    for (const kind of kinds) expect(cm.data[key(kind)], kind).toBe(script(kind));
  });
});
