// `npm run bench:import [-- --services 500]`: a cluster of N hand-made services in the AWS emulator,
// imported with `ecs-operator import`, then checked with `drift -f`. Prints figures, asserts
// nothing: how long the import took and how many AWS calls it made (it must stay a handful of
// paginated, batched reads, not calls per service).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startEmulator } from '../test/aws/emulator.js';
import { runCli } from '../test/support/cli.js';
import { createManyServices, importFigures } from '../test/support/many-services.js';

const opts = new Command().option('--services <n>', 'services in the cluster', '500').parse(process.argv).opts<{ services: string }>();
const count = Number(opts.services);
const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', NO_COLOR: '1' };

const emulator = await startEmulator({ clock: 'realtime' });
try {
  const created = performance.now();
  await createManyServices({ endpoint: emulator.endpoint, cluster: 'bench', count });
  console.log(`created ${count} services in ${((performance.now() - created) / 1000).toFixed(1)}s`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const imported = await runCli(['import', '--cluster', 'bench', '-o', dir, `--endpoint=${emulator.endpoint}`], env);
  if (imported.code !== 0) throw new Error(`import exited ${imported.code}: ${imported.stderr}`);
  const figures = importFigures(imported.stderr);
  console.log(`imported ${figures?.services} services (${readdirSync(dir).length} files) in ${figures?.seconds}s with ${figures?.calls} AWS calls`);
  const started = performance.now();
  const drift = await runCli(['drift', '-f', dir, `--endpoint=${emulator.endpoint}`], env);
  console.log(`drift -f on the imported files: exit ${drift.code} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
} finally {
  await emulator.stop();
}
