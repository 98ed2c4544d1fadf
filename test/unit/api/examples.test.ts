import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { EcsResource } from '../../../src/api/index.js';
import { validateManifest } from '../../../src/api/validate.js';

const examplesDir = resolve(import.meta.dirname, '..', '..', '..', 'examples');
const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

function load(file: string): EcsResource[] {
  return loadAll(readFileSync(join(examplesDir, file), 'utf8')).map((doc) => {
    const result = validateManifest(doc);
    if (!result.ok) throw new Error(`${file}: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return result.value;
  });
}

describe('examples/', () => {
  it('holds the cases users bring', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s validates through the file source', (file) => {
    expect(load(file).length).toBeGreaterThan(0);
  });

  it('uses each name once per kind, so the folder applies into one namespace', () => {
    const keys = files.flatMap(load).map((r) => `${r.kind}/${r.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refers only to task definitions the examples define', () => {
    const all = files.flatMap(load);
    const tds = new Set(all.filter((r) => r.kind === 'EcsTaskDefinition').map((r) => r.metadata.name));
    const refs = all.flatMap((r) => (r.kind === 'EcsService' && r.spec.taskDefinitionRef ? [r.spec.taskDefinitionRef.name] : []));
    expect(refs.filter((name) => !tds.has(name))).toEqual([]);
  });
});
