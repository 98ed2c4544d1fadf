// Copies crds/*.yaml into deploy/crds/, where the kustomize base can list them (`kubectl apply -k`
// refuses files outside the kustomization's folder), and into charts/ecs-operator/crds/, where
// Helm installs CRDs from (a chart reads no file outside its folder either); and the
// PrometheusRule and Grafana dashboard of deploy/observability/ into charts/ecs-operator/files/,
// which the chart renders when prometheusRule.enabled or grafanaDashboard.enabled. With --check, writes nothing and exits 1
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
// The alerts and the dashboard of deploy/observability/, which the chart renders when asked.
const observability = join(root, 'deploy', 'observability');
const chartFiles = join(root, 'charts', 'ecs-operator', 'files');
const readIf = (path: string | undefined) => (path !== undefined && existsSync(path) ? readFileSync(path, 'utf8') : undefined);
// The PrometheusRule, whatever its file is called.
const ruleFile = existsSync(observability) ? yamlFiles(observability).find((f) => /^kind:\s*PrometheusRule\s*$/m.test(readFileSync(join(observability, f), 'utf8'))) : undefined;
const observabilityCopies: [original: string | undefined, copy: string][] = [
  [ruleFile === undefined ? undefined : join(observability, ruleFile), join(chartFiles, 'prometheus-rule.yaml')],
  [join(observability, 'grafana-dashboard.json'), join(chartFiles, 'grafana-dashboard.json')],
];
for (const [original, copyPath] of observabilityCopies) {
  const content = readIf(original);
  const copied = readIf(copyPath);
  if (content === copied) continue;
  const where = relative(root, copyPath);
  if (check) {
    stale++;
    console.error(content === undefined ? `${where} has no original in deploy/observability/` : `${where} is ${copied === undefined ? 'missing' : 'out of date'}`);
  } else if (content === undefined) {
    rmSync(copyPath);
    console.log(`removed ${where}`);
  } else {
    mkdirSync(dirname(copyPath), { recursive: true });
    writeFileSync(copyPath, content);
    console.log(`wrote ${where}`);
  }
}

if (stale > 0) {
  console.error('the copies of crds/ or of deploy/observability/ differ from their originals: run `npx tsx scripts/sync-deploy-crds.ts` and commit the result.');
  process.exit(1);
}
