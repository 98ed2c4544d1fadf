// Argo CD syncs examples/ (examples/argocd/application.yaml): every EcsService must come in a later
// sync wave than the EcsTaskDefinitions, so a service is never created before its task definition,
// and the EcsClusters in an earlier one than both, so nothing waits for its cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const dir = resolve(import.meta.dirname, '../../../examples');
type Doc = { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } };
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => (loadAll(readFileSync(join(dir, f), 'utf8')) as Doc[]).map((doc) => ({ file: f, doc })));
const wave = (d: Doc) => Number(d.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? '0');

describe('examples sync order under Argo CD', () => {
  it('puts every EcsService in a later wave than every EcsTaskDefinition', () => {
    const tdWaves = docs.filter((d) => d.doc.kind === 'EcsTaskDefinition').map((d) => wave(d.doc));
    const services = docs.filter((d) => d.doc.kind === 'EcsService');
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) expect(wave(s.doc), `${s.file}: ${s.doc.metadata?.name}`).toBeGreaterThan(Math.max(...tdWaves));
  });

  it('puts every EcsCluster in an earlier wave than every EcsTaskDefinition and EcsService', () => {
    const others = docs.filter((d) => d.doc.kind === 'EcsTaskDefinition' || d.doc.kind === 'EcsService').map((d) => wave(d.doc));
    const clusters = docs.filter((d) => d.doc.kind === 'EcsCluster');
    expect(clusters.length).toBeGreaterThan(0);
    for (const c of clusters) expect(wave(c.doc), `${c.file}: ${c.doc.metadata?.name}`).toBeLessThan(Math.min(...others));
  });
});
