// `ecs-operator apply`: reconciles manifests straight into ECS, without a cluster, with the same
// reconcilers the controller runs. --wait keeps reconciling until every object settles (Ready, or
// Stalled; an EcsTask settles when its run has ended, and one that failed exits 1, as `ecspresso
// run` does), printing progress: a live line on a terminal, one line per object that changed
// otherwise. -o json prints one document for scripts, and moves everything else to stderr.
import { Command, Option } from 'commander';
import { buildDriftReport, renderDriftReport } from '../drift/index.js';
import { DesiredState } from '../sources/index.js';
import { parseDuration } from '../config/duration.js';
import { applyReport, fitToTerminal, settledState, type ApplyReport, type ObjectProgress, type WaitUntil } from './apply-report.js';
import { addAwsOptions, awsAdapterFrom, type AwsOptions } from './aws-options.js';
import { readManifestFiles } from './manifests.js';
import { FileReconciler, objectKey, type FileRunResult } from './reconcile-files.js';

interface ApplyOptions extends AwsOptions {
  filename: string[];
  recursive?: boolean;
  namespace?: string;
  dryRun?: boolean;
  wait?: boolean;
  waitUntil?: WaitUntil;
  timeout: string;
  output: 'text' | 'json';
  showAwsCalls?: boolean;
}

export function applyCommand(): Command {
  const cmd = new Command('apply')
    .description('reconcile manifests straight into ECS (no cluster needed)')
    .requiredOption('-f, --filename <paths...>', 'manifest files or folders (- for stdin)')
    .option('-R, --recursive', 'read folders recursively')
    .option('-n, --namespace <ns>', 'namespace for manifests that name none')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--wait', 'wait until every object is Ready (or Stalled) and every task has ended; exits 1 when one did not end Ready (a task that failed); the same as --wait-until stable')
    .addOption(
      new Option('--wait-until <state>', 'wait until every service is deployed (its new deployment completed; old tasks may still drain) or stable (only the new tasks run: Ready)').choices(['deployed', 'stable']),
    )
    .option('--timeout <duration>', 'give up waiting after this long', '10m')
    .addOption(new Option('-o, --output <format>', 'text, or json: one document per run on stdout (per object: action, changed fields, outcome)').choices(['text', 'json']).default('text'))
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
  const aws = await awsAdapterFrom(opts);
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
  const json = opts.output === 'json';
  // With -o json, stdout holds the document alone; what a person reads goes to stderr.
  const say = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const started = Date.now();
  const first = await reconciler.pass();
  if (opts.dryRun) {
    if (json) process.stdout.write(`${JSON.stringify(applyReport([first], undefined, { dryRun: true, elapsedMs: Date.now() - started }), null, 2)}\n`);
    else process.stdout.write(renderDriftReport(buildDriftReport(first.results, new Date()), 'table'));
    return first.results.some((r) => 'error' in r) ? 1 : 0;
  }
  printEvents(first, say);
  const failed = first.results.filter((r) => 'error' in r);
  for (const r of failed) if ('error' in r) console.error(`error: ${r.identity.kind}/${r.identity.namespace}/${r.identity.name}: ${r.error.message}`);
  const waitUntil: WaitUntil | undefined = opts.waitUntil ?? (opts.wait ? 'stable' : undefined);
  const runs = [first];
  let report: ApplyReport;
  if (!waitUntil || failed.length > 0) {
    report = applyReport(runs, undefined, { dryRun: false, elapsedMs: Date.now() - started });
  } else {
    const progress = await waitForSettled(reconciler, runs, waitUntil, started, timeoutMs, say, json);
    report = applyReport(runs, progress, { dryRun: false, elapsedMs: Date.now() - started, waitUntil });
  }
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.objects.some((o) => o.outcome === 'Failed' || o.outcome === 'Stalled' || o.outcome === 'TimedOut') ? 1 : 0;
}

/** What each pass did in AWS, one line per change (the Events the controller would record). */
function printEvents(run: FileRunResult, say: (line: string) => void): void {
  for (const [key, outcome] of run.outcomes) {
    for (const e of outcome.events) say(`${key}: ${e.message}`);
  }
}

/**
 * Reconciles again until every object is settled (per `waitUntil`) or Stalled, or the time is up;
 * returns each object's last state. On a terminal: one live line, never cut when the terminal
 * reports no width. Otherwise (CI logs): one line per object whose state changed, with the time.
 */
async function waitForSettled(
  reconciler: FileReconciler,
  runs: FileRunResult[],
  waitUntil: WaitUntil,
  started: number,
  timeoutMs: number,
  say: (line: string) => void,
  json: boolean,
): Promise<Map<string, ObjectProgress>> {
  const out = json ? process.stderr : process.stdout;
  const live = out.isTTY === true;
  const deadline = started + timeoutMs;
  const shown = new Map<string, string>();
  for (;;) {
    const run = await reconciler.pass();
    runs.push(run);
    const elapsed = `[${Math.round((Date.now() - started) / 1000)}s]`;
    // Changes made while waiting (scaling registered once its service exists, a rollout corrected).
    printEvents(run, (line) => say(`${live ? '\r\x1b[2K' : ''}${line}`));
    const progress = new Map<string, ObjectProgress>();
    for (const result of run.results) {
      const { kind, namespace, name } = result.identity;
      const key = objectKey(kind, namespace, name);
      progress.set(key, settledState(result, run.outcomes.get(key), waitUntil));
    }
    const pending = [...progress].filter(([, p]) => p.state === 'waiting');
    if (live) {
      const line = `${elapsed} ${progress.size - pending.length}/${progress.size} settled${pending.length > 0 ? `; waiting for ${pending.map(([key, p]) => `${key} (${p.message})`).join(', ')}` : ''}`;
      out.write(`\r\x1b[2K${fitToTerminal(line, out.columns)}`);
    } else {
      for (const [key, p] of progress) {
        const text = `${p.state === 'waiting' ? 'waiting' : p.state}: ${p.message}`;
        if (shown.get(key) !== text) say(`${elapsed} ${key}: ${text}`);
        shown.set(key, text);
      }
    }
    const timedOut = Date.now() > deadline;
    if (pending.length === 0 || timedOut) {
      if (live) out.write('\n');
      for (const [key, p] of progress) {
        if (p.state === 'waiting') progress.set(key, { ...p, state: 'timedOut' });
        const last = progress.get(key)!;
        if (last.state !== 'settled') console.error(`not ready: ${key}: ${last.message}${last.state === 'timedOut' ? ' (timed out)' : ''}`);
      }
      if ([...progress.values()].every((p) => p.state === 'settled')) say(`all objects ${waitUntil === 'deployed' ? 'deployed' : 'Ready'} after ${Math.round((Date.now() - started) / 1000)}s`);
      return progress;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
