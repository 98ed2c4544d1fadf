// `ecs-operator apply`: reconciles manifests straight into ECS, without a cluster, with the same
// reconcilers the controller runs. --wait keeps reconciling until every service's rollout has
// completed (or failed), printing progress: a live line on a terminal, plain lines otherwise.
import { Command } from 'commander';
import { buildDriftReport, renderDriftReport } from '../drift/index.js';
import type { EcsObject } from '../sources/index.js';
import { DesiredState } from '../sources/index.js';
import { parseDuration } from '../config/duration.js';
import { addAwsOptions, awsAdapterFrom, type AwsOptions } from './aws-options.js';
import { readManifestFiles } from './manifests.js';
import { reconcileFiles } from './reconcile-files.js';

interface ApplyOptions extends AwsOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
}

export function applyCommand(): Command {
  const cmd = new Command('apply')
    .description('reconcile manifests straight into ECS (no cluster needed)')
    .requiredOption('-f, --filename <paths...>', 'manifest files or folders (- for stdin)')
    .option('-R, --recursive', 'read folders recursively')
    .option('-n, --namespace <ns>', 'namespace for manifests that name none')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--wait', 'wait until every service is Ready (or a rollout fails)')
    .option('--timeout <duration>', 'give up waiting after this long', '10m');
  addAwsOptions(cmd);
  cmd.action(async (opts: ApplyOptions) => {
    process.exitCode = await apply(opts);
  });
  return cmd;
}

async function apply(opts: ApplyOptions): Promise<number> {
  const objects = await readManifestFiles(opts);
  if (!objects) return 1;
  const timeoutMs = parseDuration(opts.timeout);
  if (timeoutMs === undefined) {
    console.error(`error: --timeout must be a duration like 90s or 10m (got "${opts.timeout}")`);
    return 1;
  }
  const aws = awsAdapterFrom(opts);
  const state = new DesiredState(objects);
  try {
    const first = await reconcileFiles(objects, state, { aws, clusterId: opts.clusterId, dryRun: opts.dryRun === true });
    if (opts.dryRun) {
      process.stdout.write(renderDriftReport(buildDriftReport(first.results, new Date()), 'table'));
      return first.results.some((r) => 'error' in r) ? 1 : 0;
    }
    for (const [key, outcome] of first.outcomes) {
      for (const e of outcome.events) console.log(`${key}: ${e.message}`);
    }
    const failed = first.results.filter((r) => 'error' in r);
    for (const r of failed) if ('error' in r) console.error(`error: ${r.identity.kind}/${r.identity.namespace}/${r.identity.name}: ${r.error.message}`);
    if (!opts.wait || failed.length > 0) return failed.length > 0 ? 1 : 0;
    const notReady = await waitForReady(objects, state, opts, aws, timeoutMs);
    return notReady.length > 0 ? 1 : 0;
  } finally {
    aws.destroy();
  }
}

/** Reconciles again until every object is Ready or Stalled; returns the ones that are not Ready. */
async function waitForReady(objects: EcsObject[], state: DesiredState, opts: ApplyOptions, aws: ReturnType<typeof awsAdapterFrom>, timeoutMs: number) {
  const tty = process.stdout.isTTY === true;
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const run = await reconcileFiles(objects, state, { aws, clusterId: opts.clusterId, dryRun: false });
    const rows = [...run.outcomes].map(([key, o]) => {
      const ready = o.conditions.find((c) => c.type === 'Ready');
      const stalled = o.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      return { key, ready: ready?.status === 'True', stalled, message: stalled?.message ?? ready?.message ?? '' };
    });
    const pending = rows.filter((r) => !r.ready && !r.stalled);
    const line = `${rows.length - pending.length}/${rows.length} settled${pending.length > 0 ? `; waiting for ${pending.map((r) => `${r.key} (${r.message})`).join(', ')}` : ''}`;
    if (tty) process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns ?? 120) - 1)}`);
    else if (line !== lastLine) console.log(line);
    lastLine = line;
    if (pending.length === 0 || Date.now() > deadline) {
      if (tty) process.stdout.write('\n');
      const notReady = rows.filter((r) => !r.ready);
      for (const r of notReady) console.error(`not ready: ${r.key}: ${r.message}${pending.includes(r) ? ' (timed out)' : ''}`);
      if (notReady.length === 0) console.log('all objects Ready');
      return notReady;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
