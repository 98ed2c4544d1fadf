// `ecs-operator drift`: what would change in AWS to match the manifests, without changing
// anything. Exit codes follow `terraform plan -detailed-exitcode`: 0 in sync, 2 drift, 1 error.
import { Command, Option } from 'commander';
import { buildDriftReport, colorEnabled, driftExitCode, renderDriftReport, type DriftReportFormat } from '../drift/index.js';
import { DesiredState } from '../sources/index.js';
import { addAwsOptions, awsAdapterFrom, type AwsOptions } from './aws-options.js';
import { readClusterObjects, readManifestFiles } from './manifests.js';
import { FileReconciler } from './reconcile-files.js';

interface DriftOptions extends AwsOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  clusterSource?: boolean;
  kubeconfig?: string;
  output: DriftReportFormat;
}

export function driftCommand(): Command {
  const cmd = new Command('drift')
    .description('report where AWS differs from the manifests (exit 0: in sync, 2: drift, 1: error)')
    .option('-f, --filename <paths...>', 'manifest files or folders (- for stdin)')
    .option('-R, --recursive', 'read folders recursively')
    .option('-n, --namespace <ns>', 'namespace for manifests that name none (and the only one --cluster-source reads)')
    .option('--cluster-source', 'read the EcsClusters, EcsTaskDefinitions and EcsServices of the current kube context instead of files')
    .option('--kubeconfig <path>', 'kubeconfig for --cluster-source')
    .addOption(new Option('-o, --output <format>', 'report format').choices(['table', 'json', 'markdown']).default('table'));
  addAwsOptions(cmd);
  cmd.action(async (opts: DriftOptions) => {
    process.exitCode = await drift(opts);
  });
  return cmd;
}

async function drift(opts: DriftOptions): Promise<number> {
  if (!opts.clusterSource === !opts.filename) {
    console.error('error: give either -f <files or folders> or --cluster-source');
    return 1;
  }
  const objects = opts.clusterSource
    ? await readClusterObjects({ ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.namespace ? { namespace: opts.namespace } : {}) })
    : await readManifestFiles({ filename: opts.filename ?? [], recursive: opts.recursive === true, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  if (!objects) return 1;
  const aws = await awsAdapterFrom(opts);
  if (!aws) return 1;
  try {
    const { results } = await new FileReconciler(objects, new DesiredState(objects), { aws, clusterId: opts.clusterId, dryRun: true }).pass();
    const report = buildDriftReport(results, new Date());
    process.stdout.write(renderDriftReport(report, opts.output, { color: opts.output === 'table' && colorEnabled(process.stdout, process.env) }));
    return driftExitCode(report);
  } finally {
    aws.destroy();
  }
}
