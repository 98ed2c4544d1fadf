// deploy/crds/ holds copies of crds/ (kustomize reads nothing outside deploy/), and the kustomization
// installs every one of them. scripts/sync-deploy-crds.ts refreshes the copies.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('deploy/crds/', () => {
  const originals = yamlFiles(join(repoRoot, 'crds'));

  it('has a copy of every CRD and nothing else (run `npx tsx scripts/sync-deploy-crds.ts`)', () => {
    expect(yamlFiles(join(repoRoot, 'deploy', 'crds'))).toEqual(originals);
  });

  it.each(originals)('%s is identical to crds/%s (run `npx tsx scripts/sync-deploy-crds.ts`)', (file) => {
    expect(readFileSync(join(repoRoot, 'deploy', 'crds', file), 'utf8')).toBe(readFileSync(join(repoRoot, 'crds', file), 'utf8'));
  });

  it('is installed by the kustomization', () => {
    const kustomization = load(readFileSync(join(repoRoot, 'deploy', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.filter((r) => r.startsWith('crds/')).sort()).toEqual(originals.map((f) => `crds/${f}`));
  });
});
