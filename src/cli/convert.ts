// `ecs-operator convert`: a docker-compose file (and its ecs-params file) to the EcsTaskDefinition
// and EcsService that ecs-cli's `compose service up` would have created. Exit 0: converted; 2:
// converted, but keys were not carried over (listed on stderr); 1: nothing written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { convert, formatDiagnostic } from '../convert/index.js';

interface ConvertCliOptions {
  file: string;
  ecsParams?: string;
  projectName?: string;
  output: string;
  cluster: string;
  desiredCount: number;
  launchType?: 'FARGATE' | 'EC2';
  capacityProvider?: Array<{ capacityProvider: string; weight?: number; base?: number }>;
  tags?: Array<{ key: string; value: string }>;
  createLogGroups?: boolean;
}

function capacityProvider(value: string, previous: ConvertCliOptions['capacityProvider'] = []): NonNullable<ConvertCliOptions['capacityProvider']> {
  const m = /^([a-zA-Z0-9_-]+)(?::(\d+))?(?::(\d+))?$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected NAME[:weight[:base]], for example FARGATE:1 or FARGATE_SPOT:4');
  return [...previous, { capacityProvider: m[1] as string, ...(m[2] !== undefined ? { weight: Number(m[2]) } : {}), ...(m[3] !== undefined ? { base: Number(m[3]) } : {}) }];
}

/** ecs-cli's --tags format: key=value,key2=value2 */
function tags(value: string, previous: ConvertCliOptions['tags'] = []): NonNullable<ConvertCliOptions['tags']> {
  const out = [...previous];
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError('expected key=value[,key=value...]');
    out.push({ key: pair.slice(0, eq), value: pair.slice(eq + 1) });
  }
  return out;
}

function count(value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new InvalidArgumentError('expected a number of tasks');
  return Number(value);
}

export function convertCommand(): Command {
  const cmd = new Command('convert')
    .description('convert a docker-compose file and its ecs-params file (ecs-cli) to an EcsTaskDefinition and an EcsService')
    .requiredOption('-f, --file <docker-compose.yml>', 'the compose file')
    .option('--ecs-params <ecs-params.yml>', 'the ecs-params file (ecs-cli --ecs-params)')
    .option('-p, --project-name <name>', 'ecs-cli project name: the task definition family and service name (default: the compose file\'s folder name)')
    .option('-o, --output <dir|->', 'folder to write <name>.yaml into, or - for standard output', '-')
    .option('--cluster <name>', 'cluster of the service', 'default')
    .option('--desired-count <n>', 'tasks to run', count, 1)
    .addOption(new Option('--launch-type <type>', 'launch type (ecs-cli --launch-type)').choices(['FARGATE', 'EC2']).conflicts('capacityProvider'))
    .option('--capacity-provider <name[:weight[:base]]>', 'a capacity provider of the service strategy (repeatable)', capacityProvider)
    .option('--tags <key=value,...>', 'tags of the task definition and service (ecs-cli --tags)', tags)
    .option('--create-log-groups', 'have ECS create awslogs log groups (ecs-cli --create-log-groups)');
  cmd.action(async (opts: ConvertCliOptions) => {
    process.exitCode = await run(opts);
  });
  return cmd;
}

async function run(opts: ConvertCliOptions): Promise<number> {
  const result = await convert({
    composeFile: opts.file,
    ...(opts.ecsParams !== undefined && { ecsParamsFile: opts.ecsParams }),
    ...(opts.projectName !== undefined && { projectName: opts.projectName }),
    cluster: opts.cluster,
    desiredCount: opts.desiredCount,
    ...(opts.launchType && { launchType: opts.launchType }),
    ...(opts.capacityProvider && { capacityProviders: opts.capacityProvider }),
    ...(opts.tags && { tags: opts.tags }),
    createLogGroups: opts.createLogGroups === true,
    environment: process.env,
  });
  for (const d of result.diagnostics) console.error(formatDiagnostic(d));
  if (!result.ok) return 1;
  if (opts.output === '-') process.stdout.write(result.text);
  else {
    await mkdir(opts.output, { recursive: true });
    const file = join(opts.output, `${result.name}.yaml`);
    await writeFile(file, result.text);
    console.error(`wrote ${file}`);
  }
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
  if (warnings > 0) console.error(`${warnings} setting${warnings === 1 ? ' was' : 's were'} not converted (see the warnings above)`);
  return warnings > 0 ? 2 : 0;
}
