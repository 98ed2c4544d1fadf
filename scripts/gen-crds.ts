// Writes crds/*.yaml from the schemas in src/api. With --check, writes nothing and exits 1 when a
// committed CRD differs from what the schemas generate (CI and `npm test` run it that way).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderCrdFiles } from '../src/api/crd.js';

const crdDir = resolve(import.meta.dirname, '..', 'crds');
const check = process.argv.includes('--check');

let stale = 0;
for (const { file, content } of renderCrdFiles()) {
  const path = join(crdDir, file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === content) continue;
  if (check) {
    stale++;
    console.error(`crds/${file} is ${current === undefined ? 'missing' : 'out of date'}`);
  } else {
    writeFileSync(path, content);
    console.log(`wrote crds/${file}`);
  }
}
if (stale > 0) {
  console.error('The CRDs differ from the schemas in src/api: run `npm run gen:crds` and commit the result (`git diff crds/` shows the change).');
  process.exit(1);
}
