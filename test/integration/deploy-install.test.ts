// `kubectl apply -k deploy/` against the real apiserver: everything in the kustomize base is
// accepted by a server-side dry run (schemas, admission, Pod Security), as a user's install would be.
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl } from '../support/env.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const deployDir = join(repoRoot, 'deploy');

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: { securityContext?: Record<string, unknown> }[] } } };
}

async function ok(args: string[], opts: { input?: string } = {}): Promise<string> {
  const res = await kubectl(args, opts);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

describe('kubectl apply -k deploy/', () => {
  let rendered: K8sObject[];

  beforeAll(async () => {
    rendered = loadAll(await ok(['kustomize', deployDir])) as K8sObject[];
    // A real apply creates the Namespace before the objects in it; a dry run creates nothing, so
    // the namespace must exist for the namespaced objects to be checked at all. It is deploy/'s
    // own Namespace, applied for real, with its Pod Security label.
    await ok(['apply', '-f', join(deployDir, 'namespace.yaml')]);
  });

  afterAll(async () => {
    await kubectl(['delete', '-f', join(deployDir, 'namespace.yaml'), '--ignore-not-found', '--wait=false']);
  });

  it('passes a server-side dry run, every object accepted and none violating Pod Security', async () => {
    const res = await kubectl(['apply', '-k', deployDir, '--dry-run=server']);
    expect(res.stderr).not.toMatch(/Error|would violate PodSecurity/);
    expect(res.code).toBe(0);
    for (const o of rendered) {
      expect(res.stdout, `${o.kind}/${o.metadata.name}`).toMatch(new RegExp(`^\\S+/${o.metadata.name.replace(/\./g, '\\.')} \\S+ \\(server dry run\\)$`, 'm'));
    }
    expect(res.stdout.trim().split('\n')).toHaveLength(rendered.length);
  });

  it('would be told if its pod broke the restricted Pod Security Standard (the check above can fail)', async () => {
    const deployment = rendered.find((o) => o.kind === 'Deployment');
    const weakened = structuredClone(deployment) as K8sObject;
    const container = weakened.spec?.template?.spec?.containers?.[0];
    if (!container) throw new Error('deploy/ renders a Deployment without a container');
    container.securityContext = { ...container.securityContext, allowPrivilegeEscalation: true };
    const res = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: JSON.stringify(weakened) });
    expect(res.stderr).toMatch(/would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  });
});
