// deploy/crds/ and charts/ecs-operator/crds/ hold copies of crds/ (neither kustomize nor Helm reads
// files outside its folder), and the kustomization installs every one of them.
// scripts/sync-deploy-crds.ts refreshes the copies.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

const originals = yamlFiles(join(repoRoot, 'crds'));

describe.each([['deploy', 'crds'], ['charts', 'ecs-operator', 'crds']].map((parts) => [parts.join('/'), join(repoRoot, ...parts)] as const))('%s/', (_where, dir) => {
  it('has a copy of every CRD and nothing else (run `npx tsx scripts/sync-deploy-crds.ts`)', () => {
    expect(yamlFiles(dir)).toEqual(originals);
  });

  it.each(originals)('%s is identical to crds/%s (run `npx tsx scripts/sync-deploy-crds.ts`)', (file) => {
    expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(repoRoot, 'crds', file), 'utf8'));
  });
});

describe('deploy/crds/', () => {
  it('is installed by the kustomization', () => {
    const kustomization = load(readFileSync(join(repoRoot, 'deploy', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.filter((r) => r.startsWith('crds/')).sort()).toEqual(originals.map((f) => `crds/${f}`));
  });
});

describe('charts/ecs-operator/files/', () => {
  it("prometheus-rule.yaml is identical to deploy/observability's PrometheusRule, so the chart's alerts are deploy/'s (run `npx tsx scripts/sync-deploy-crds.ts`)", () => {
    const dir = join(repoRoot, 'deploy', 'observability');
    const rules = existsSync(dir) ? yamlFiles(dir).map((f) => readFileSync(join(dir, f), 'utf8')).filter((text) => /^kind:\s*PrometheusRule\s*$/m.test(text)) : [];
    expect(rules.length).toBeLessThanOrEqual(1);
    const copy = join(repoRoot, 'charts', 'ecs-operator', 'files', 'prometheus-rule.yaml');
    expect(existsSync(copy) ? readFileSync(copy, 'utf8') : undefined).toBe(rules[0]);
  });

  it("grafana-dashboard.json is identical to deploy/observability's (run `npx tsx scripts/sync-deploy-crds.ts`)", () => {
    const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    expect(read(join(repoRoot, 'charts', 'ecs-operator', 'files', 'grafana-dashboard.json'))).toBe(read(join(repoRoot, 'deploy', 'observability', 'grafana-dashboard.json')));
  });
});
