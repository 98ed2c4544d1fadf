// Copies crds/*.yaml into deploy/crds/, where the kustomize base can list them: `kubectl apply -k`
// refuses files outside the kustomization's folder, and deploy/ must install the CRDs too. With
// --check, writes nothing and exits 1 when a copy is missing, differs or has no original (the
// unit test test/unit/deploy/crds-sync.test.ts fails the same way).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const source = join(root, 'crds');
const target = join(root, 'deploy', 'crds');
const check = process.argv.includes('--check');

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const originals = yamlFiles(source);
const copies = yamlFiles(target);

let stale = 0;
for (const file of originals) {
  const content = readFileSync(join(source, file), 'utf8');
  const copy = copies.includes(file) ? readFileSync(join(target, file), 'utf8') : undefined;
  if (copy === content) continue;
  if (check) {
    stale++;
    console.error(`deploy/crds/${file} is ${copy === undefined ? 'missing' : 'out of date'}`);
  } else {
    writeFileSync(join(target, file), content);
    console.log(`wrote deploy/crds/${file}`);
  }
}
for (const file of copies.filter((f) => !originals.includes(f))) {
  if (check) {
    stale++;
    console.error(`deploy/crds/${file} has no original in crds/`);
  } else {
    rmSync(join(target, file));
    console.log(`removed deploy/crds/${file}`);
  }
}
if (stale > 0) {
  console.error('deploy/crds/ differs from crds/: run `npx tsx scripts/sync-deploy-crds.ts` and commit the result.');
  process.exit(1);
}
