// `ecs-operator import`: what a cluster runs in ECS, as manifests to commit. Exit 0: imported;
// 2: imported, but settings the manifests cannot express were left out (listed on stderr); 1:
// nothing written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { importCluster } from '../import/index.js';
import { awsAdapterFrom } from './aws-options.js';

interface ImportCliOptions {
  cluster: string;
  service?: string[];
  region?: string;
  endpoint?: string;
  output: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function importCommand(): Command {
  const cmd = new Command('import')
    .description('write manifests (EcsCluster, and EcsTaskDefinition + EcsService with its autoscaling) for services that already run in ECS')
    .requiredOption('--cluster <name>', 'ECS cluster (name or ARN) to import from')
    .option('--service <name>', 'a service to import (repeatable; default: every service of the cluster)', collect)
    .option('--region <region>', 'AWS region of the cluster (default: $AWS_REGION)')
    .option('--endpoint <url>', 'AWS endpoint override, e.g. a local emulator (default: $ECS_OPERATOR_AWS_ENDPOINT)')
    .option('-o, --output <dir|->', 'folder to write one <service>.yaml per service into, or - for one stream on standard output', '-');
  cmd.action(async (opts: ImportCliOptions) => {
    process.exitCode = await run(opts);
  });
  return cmd;
}

async function run(opts: ImportCliOptions): Promise<number> {
  const aws = await awsAdapterFrom({ ...opts, clusterId: 'import' });
  if (!aws) return 1;
  const started = performance.now();
  try {
    const region = aws.region();
    const result = await importCluster(region, { cluster: opts.cluster, ...(opts.service ? { services: opts.service } : {}) });
    if (result.services.length === 0) {
      console.error(`error: cluster ${opts.cluster} in ${region.region} has no services to import`);
      return 1;
    }
    if (opts.output === '-') {
      process.stdout.write(result.services.map((s) => s.text).join('---\n'));
    } else {
      await mkdir(opts.output, { recursive: true });
      for (const s of result.services) await writeFile(join(opts.output, `${s.name}.yaml`), s.text);
    }
    const unexpressed = [
      ...(result.cluster?.unexpressed ?? []).map((u) => ({ service: result.cluster?.clusterArn ?? opts.cluster, ...u })),
      ...result.services.flatMap((s) => s.unexpressed.map((u) => ({ service: s.serviceArn, ...u }))),
    ];
    for (const u of unexpressed) console.error(`not imported: ${u.service}: ${u.field}: ${u.reason}`);
    const calls = aws.calls.snapshot();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(`imported ${result.services.length} service${result.services.length === 1 ? '' : 's'} from ${opts.cluster} in ${seconds}s (${calls.total} AWS calls)${opts.output === '-' ? '' : ` into ${opts.output}`}`);
    if (unexpressed.length > 0) console.error(`${unexpressed.length} setting${unexpressed.length === 1 ? ' was' : 's were'} not imported (see above)`);
    return unexpressed.length > 0 ? 2 : 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message.split('\n')[0]}`);
    return 1;
  } finally {
    aws.destroy();
  }
}
