import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../../src/api/index.js';
import { buildCrd, renderCrdFiles } from '../../../src/api/crd.js';

const crdDir = resolve(import.meta.dirname, '..', '..', '..', 'crds');

type Node = { [key: string]: unknown };

function* schemaNodes(node: Node, path: string): Generator<[string, Node]> {
  yield [path, node];
  for (const [name, child] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) yield* schemaNodes(child, `${path}.${name}`);
  if (node.items) yield* schemaNodes(node.items as Node, `${path}[]`);
}

describe('CRDs', () => {
  it.each(renderCrdFiles())('committed crds/$file equals what the schema generates (run `npm run gen:crds`)', ({ file, content }) => {
    expect(readFileSync(join(crdDir, file), 'utf8')).toBe(content);
  });

  it('generates the same output every time', () => {
    expect(renderCrdFiles()).toEqual(renderCrdFiles());
  });

  it.each(Object.values(KINDS))('%s: every field has a description for kubectl explain', (kind) => {
    const crd = buildCrd(kind) as { spec: { versions: { schema: { openAPIV3Schema: Node } }[] } };
    const root = crd.spec.versions[0]!.schema.openAPIV3Schema;
    const undescribed = [...schemaNodes(root, '')].filter(([path, node]) => path !== '.metadata' && typeof node.description !== 'string').map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it.each(Object.values(KINDS))('%s: namespaced, with status subresource, short name and the ecs category', (kind) => {
    const crd = buildCrd(kind) as { spec: { scope: string; names: { shortNames: string[]; categories: string[] }; versions: { subresources: unknown }[] } };
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.categories).toEqual(['ecs']);
    expect(crd.spec.names.shortNames).toEqual([{ EcsCluster: 'ecscl', EcsTaskDefinition: 'ecstd', EcsService: 'ecssvc', EcsTask: 'ecstask', EcsScheduledTask: 'ecsst' }[kind]]);
    expect(crd.spec.versions[0]!.subresources).toEqual({ status: {} });
  });
});
