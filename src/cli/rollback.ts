// `ecs-operator rollback -f FILE`: for the file workflow, what ecspresso users know as `rollback`.
// Each EcsService in the files goes back to the task definition revision of its family that
// precedes the one it runs: the highest ACTIVE revision below the current one, found in AWS
// (DescribeServices, then ListTaskDefinitions of the family). The manifests are not changed, so
// the next `apply` rolls forward again; fix the manifest (or its image) before that.
import { Command } from 'commander';
import { clusterNameOf, serviceNameOf, type EcsService } from '../api/index.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { isAwsError } from '../aws/errors.js';
import { ownershipOf } from '../reconcile/ownership.js';
import { familyRevisionOf, parseFamilyRevision } from '../reconcile/task-definition-names.js';
import { DesiredState } from '../sources/index.js';
import { addAwsOptions, awsAdapterFrom, type AwsOptions } from './aws-options.js';
import { readManifestFiles } from './manifests.js';

interface RollbackOptions extends AwsOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
  dryRun?: boolean;
}

/** Exit codes: 0 every service rolled back; 1 bad input or an AWS failure; 3 a service has no earlier revision. */
export const NO_EARLIER_REVISION_EXIT = 3;

export function rollbackCommand(): Command {
  const cmd = new Command('rollback')
    .description('roll each EcsService in the files back to the task definition revision before the one it runs (the previous ACTIVE revision of its family)')
    .requiredOption('-f, --filename <paths...>', 'manifest files or folders (- for stdin)')
    .option('-R, --recursive', 'read folders recursively')
    .option('-n, --namespace <ns>', 'namespace for manifests that name none')
    .option('--dry-run', 'print the revision each service would go back to and change nothing');
  addAwsOptions(cmd);
  cmd.action(async (opts: RollbackOptions) => {
    process.exitCode = await rollback(opts);
  });
  return cmd;
}

/**
 * The revision to go back to: the highest ACTIVE revision of the family below `current`, or
 * undefined when there is none. `active` are ARNs of one family, in any order.
 */
export function previousRevision(current: string, active: readonly string[]): string | undefined {
  const { revision } = parseFamilyRevision(current);
  if (revision === undefined) return undefined;
  let best: { arn: string; revision: number } | undefined;
  for (const arn of active) {
    const r = parseFamilyRevision(arn).revision;
    if (r !== undefined && r < revision && (best === undefined || r > best.revision)) best = { arn, revision: r };
  }
  return best?.arn;
}

type Result = { ok: true; line: string } | { ok: false; line: string; exitCode: number };

async function rollback(opts: RollbackOptions): Promise<number> {
  const objects = await readManifestFiles(opts);
  if (!objects) return 1;
  const services = objects.flatMap((o) => (o.kind === 'EcsService' ? [o.manifest] : []));
  if (services.length === 0) {
    console.error('error: the files hold no EcsService to roll back');
    return 1;
  }
  const aws = await awsAdapterFrom(opts);
  if (!aws) return 1;
  const state = new DesiredState(objects);
  let exitCode = 0;
  try {
    for (const svc of services) {
      const key = `EcsService/${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
      const result = await rollbackService(svc, aws, state, opts).catch((err: unknown): Result => {
        if (!isAwsError(err)) throw err;
        return { ok: false, line: `${err.operation} failed: ${err.code}: ${err.info.message}`, exitCode: 1 };
      });
      if (result.ok) console.log(`${key}: ${result.line}`);
      else {
        console.error(`error: ${key}: ${result.line}`);
        exitCode = Math.max(exitCode, result.exitCode);
      }
    }
  } finally {
    aws.destroy();
  }
  return exitCode;
}

async function rollbackService(svc: EcsService, aws: AwsAdapter, state: DesiredState, opts: RollbackOptions): Promise<Result> {
  const namespace = svc.metadata.namespace ?? 'default';
  const refName = svc.spec.clusterRef?.name;
  const refCluster = refName === undefined ? undefined : state.cluster(namespace, refName);
  const cluster = svc.spec.cluster ?? (refCluster ? clusterNameOf(refCluster) : refName);
  if (cluster === undefined) return { ok: false, line: 'names no cluster', exitCode: 1 };
  const region = aws.region(svc.spec.region ?? refCluster?.spec.region);
  const name = serviceNameOf(svc);
  const observed = await region.services.describe(cluster, name);
  if (observed.kind === 'notFound') return { ok: false, line: `ECS service ${name} was not found in cluster ${cluster} (${region.region})`, exitCode: 1 };
  const service = observed.service;
  const owner = { clusterId: opts.clusterId, kind: 'EcsService' as const, namespace, name: svc.metadata.name };
  const ownership = ownershipOf(service.tags, owner);
  // The same rule as apply: a service another object or installation owns is not touched.
  if (ownership.kind === 'other') return { ok: false, line: `ECS service ${name} is owned by ${ownership.owner}, not by this object: not rolled back`, exitCode: 1 };
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') return { ok: false, line: `ECS service ${name} uses the ${controller} deployment controller, which deploys task definitions itself: not rolled back`, exitCode: 1 };
  const current = service.taskDefinition;
  if (current === undefined) return { ok: false, line: `ECS service ${name} reports no task definition`, exitCode: 1 };
  const { family } = parseFamilyRevision(current);
  const previous = previousRevision(current, await region.ecs.listTaskDefinitionArns(family, 'ACTIVE'));
  if (previous === undefined) {
    return { ok: false, line: `ECS service ${name} runs ${familyRevisionOf(current)}, and family ${family} has no earlier ACTIVE revision to roll back to`, exitCode: NO_EARLIER_REVISION_EXIT };
  }
  const from = familyRevisionOf(current);
  const to = familyRevisionOf(previous);
  if (opts.dryRun) return { ok: true, line: `would roll ECS service ${name} back from ${from} to ${to} (dry run)` };
  const after = await region.ecs.updateService({ cluster, service: name, taskDefinition: previous });
  const deployment = after.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  return { ok: true, line: `rolled ECS service ${name} back from ${from} to ${to}${deployment ? ` (deployment ${deployment})` : ''}; the next apply of these files rolls forward again` };
}
