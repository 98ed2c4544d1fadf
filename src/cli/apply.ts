// `ecs-operator apply`: reconciles manifests straight into ECS, without a cluster, with the same
// reconcilers the controller runs. --wait keeps reconciling until every service's rollout has
// completed (or failed) and every EcsTask's run has ended (exit code 1 when one failed, as
// `ecspresso run` does), printing progress: a live line on a terminal, plain lines otherwise.
import { Command } from 'commander';
import { buildDriftReport, renderDriftReport } from '../drift/index.js';
import { DesiredState } from '../sources/index.js';
import { parseDuration } from '../config/duration.js';
import { addAwsOptions, awsAdapterFrom, type AwsOptions } from './aws-options.js';
import { readManifestFiles } from './manifests.js';
import { FileReconciler, objectKey, type FileRunResult } from './reconcile-files.js';

interface ApplyOptions extends AwsOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
  showAwsCalls?: boolean;
}

export function applyCommand(): Command {
  const cmd = new Command('apply')
    .description('reconcile manifests straight into ECS (no cluster needed)')
    .requiredOption('-f, --filename <paths...>', 'manifest files or folders (- for stdin)')
    .option('-R, --recursive', 'read folders recursively')
    .option('-n, --namespace <ns>', 'namespace for manifests that name none')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--wait', 'wait until every service is Ready (or a rollout fails) and every task has ended; exits 1 when one did not end Ready (a task that failed)')
    .option('--timeout <duration>', 'give up waiting after this long', '10m')
    .option('--show-aws-calls', 'print the AWS calls made, by operation, on stderr when done');
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
  if (!aws) return 1;
  const reconciler = new FileReconciler(objects, new DesiredState(objects), { aws, clusterId: opts.clusterId, dryRun: opts.dryRun === true });
  try {
    return await applyWith(reconciler, opts, timeoutMs);
  } finally {
    if (opts.showAwsCalls) {
      const calls = Object.entries(aws.calls.snapshot().operations).map(([op, c]) => `${op}=${c.total}`);
      console.error(`aws calls: ${calls.sort().join(' ')}`);
    }
    aws.destroy();
  }
}

async function applyWith(reconciler: FileReconciler, opts: ApplyOptions, timeoutMs: number): Promise<number> {
  const first = await reconciler.pass();
  if (opts.dryRun) {
    process.stdout.write(renderDriftReport(buildDriftReport(first.results, new Date()), 'table'));
    return first.results.some((r) => 'error' in r) ? 1 : 0;
  }
  printEvents(first);
  const failed = first.results.filter((r) => 'error' in r);
  for (const r of failed) if ('error' in r) console.error(`error: ${r.identity.kind}/${r.identity.namespace}/${r.identity.name}: ${r.error.message}`);
  if (!opts.wait || failed.length > 0) return failed.length > 0 ? 1 : 0;
  const notReady = await waitForReady(reconciler, timeoutMs);
  return notReady.length > 0 ? 1 : 0;
}

/** What each pass did in AWS, one line per change (the Events the controller would record). */
function printEvents(run: FileRunResult, clearLine = false): void {
  for (const [key, outcome] of run.outcomes) {
    for (const e of outcome.events) console.log(`${clearLine ? '\r\x1b[2K' : ''}${key}: ${e.message}`);
  }
}

/** Reconciles again until every object is Ready or Stalled; returns the ones that are not Ready. */
async function waitForReady(reconciler: FileReconciler, timeoutMs: number) {
  const tty = process.stdout.isTTY === true;
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const run = await reconciler.pass();
    // Changes made while waiting (scaling registered once its service exists, a rollout corrected).
    printEvents(run, tty);
    const rows = run.results.map((result) => {
      const { kind, namespace, name } = result.identity;
      const key = objectKey(kind, namespace, name);
      const conditions = run.outcomes.get(key)?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      const stalled = conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
      // A pass that failed for this object without a verdict (a crash, an unchecked dependency) is
      // not a settled state: the next pass may succeed.
      const message = stalled?.message ?? ('error' in result ? result.error.message : (ready?.message ?? ''));
      return { key, ready: ready?.status === 'True', stalled, message };
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
