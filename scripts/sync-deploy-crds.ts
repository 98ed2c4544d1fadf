// Copies crds/*.yaml into deploy/crds/, where the kustomize base can list them (`kubectl apply -k`
// refuses files outside the kustomization's folder), and into charts/ecs-operator/crds/, where
// Helm installs CRDs from (a chart reads no file outside its folder either); and the
// PrometheusRule of deploy/observability/ into charts/ecs-operator/files/prometheus-rule.yaml,
// which the chart renders when prometheusRule.enabled. With --check, writes nothing and exits 1
// when a copy is missing, differs or has no original (the unit test
// test/unit/deploy/crds-sync.test.ts fails the same way).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const source = join(root, 'crds');
const CRD_COPIES = [join(root, 'deploy', 'crds'), join(root, 'charts', 'ecs-operator', 'crds')];
const check = process.argv.includes('--check');

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const originals = yamlFiles(source);

let stale = 0;
for (const target of CRD_COPIES) {
  const where = relative(root, target);
  const copies = yamlFiles(target);
  for (const file of originals) {
    const content = readFileSync(join(source, file), 'utf8');
    const copy = copies.includes(file) ? readFileSync(join(target, file), 'utf8') : undefined;
    if (copy === content) continue;
    if (check) {
      stale++;
      console.error(`${where}/${file} is ${copy === undefined ? 'missing' : 'out of date'}`);
    } else {
      writeFileSync(join(target, file), content);
      console.log(`wrote ${where}/${file}`);
    }
  }
  for (const file of copies.filter((f) => !originals.includes(f))) {
    if (check) {
      stale++;
      console.error(`${where}/${file} has no original in crds/`);
    } else {
      rmSync(join(target, file));
      console.log(`removed ${where}/${file}`);
    }
  }
}
// The alerts: one PrometheusRule in deploy/observability/ (whatever its file is called).
const observability = join(root, 'deploy', 'observability');
const ruleCopy = join(root, 'charts', 'ecs-operator', 'files', 'prometheus-rule.yaml');
const ruleFile = existsSync(observability) ? yamlFiles(observability).find((f) => /^kind:\s*PrometheusRule\s*$/m.test(readFileSync(join(observability, f), 'utf8'))) : undefined;
const rule = ruleFile === undefined ? undefined : readFileSync(join(observability, ruleFile), 'utf8');
const copiedRule = existsSync(ruleCopy) ? readFileSync(ruleCopy, 'utf8') : undefined;
if (rule !== copiedRule) {
  const where = relative(root, ruleCopy);
  if (check) {
    stale++;
    console.error(rule === undefined ? `${where} has no original in deploy/observability/` : `${where} is ${copiedRule === undefined ? 'missing' : 'out of date'}`);
  } else if (rule === undefined) {
    rmSync(ruleCopy);
    console.log(`removed ${where}`);
  } else {
    mkdirSync(dirname(ruleCopy), { recursive: true });
    writeFileSync(ruleCopy, rule);
    console.log(`wrote ${where}`);
  }
}

if (stale > 0) {
  console.error('the copies of crds/ or of the PrometheusRule differ from their originals: run `npx tsx scripts/sync-deploy-crds.ts` and commit the result.');
  process.exit(1);
}
