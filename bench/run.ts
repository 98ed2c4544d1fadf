// `npm run bench [-- --services 1000] [--runs 3]`: N EcsServices (each with its own
// EcsTaskDefinition) applied to a real kube-apiserver and converged by the operator build, as
// deployed, into the AWS emulator. Prints figures, asserts nothing (see README, "Benchmarks").
//
// With one account, one replica and one shard (issue 23's figures), each size runs these scenarios,
// each from a fresh apiserver and emulator:
//   - throttled: the emulator limits requests as AWS documents, the operator paces as deployed; a
//     resync at --resync measures steady reads; --drift-changes out-of-band changes time drift.
//     Then the operator restarts with --events-queue (and its one-hour default resync) on the
//     converged objects: steady reads over a window, drift latency again. (A second convergence
//     under throttling would take as long again and measure nothing new.)
//   - unthrottled: no limits, no pacing: how fast the operator alone converges.
// With --accounts, --replicas or --shards above 1 (issue 22's figures) it runs one scale-out
// scenario: namespaces mapped to accounts, replicas sharing shards, one replica killed.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { detectFeatures } from './features.js';
import { report } from './print.js';
import { runScenario, type ScenarioFigures, type ScenarioOptions } from './scenario.js';
import { imageNodeVersion } from './stack.js';

type Mode = 'on' | 'off' | 'both';

const opts = new Command()
  .option('--services <n...>', 'service counts, one benchmark each', ['200'])
  .option('--runs <n>', 'repeat every scenario this many times (figures side by side)', '1')
  .option('--accounts <n>', 'AWS accounts, each an EcsAccount mapping its share of the namespaces to a role', '1')
  .option('--namespaces <n>', 'namespaces the services are spread over (default: 1, or enough for every account and two per shard)')
  .option('--replicas <n>', 'operator replicas (leader election on when above 1)', '1')
  .option('--shards <n>', 'operator --shards', '1')
  .addOption(new Option('--throttle <mode>', 'emulator request-rate limits as AWS documents (both: a scenario each; scale-out runs use on for both)').choices(['on', 'off', 'both']).default('both'))
  .addOption(new Option('--events-queue <mode>', 'run a scenario with the operator following an events queue (both: with and without)').choices(['on', 'off', 'both']).default('both'))
  .addOption(new Option('--kill <when>', 'with several replicas, kill the busiest one when all services are Ready or when half are').choices(['converged', 'midway', 'none']).default('converged'))
  .option('--resync <duration>', 'resync period without an events queue (one steady-state resync is measured)', '30s')
  .option('--concurrency <n>', 'operator reconcile concurrency per kind', '16')
  .option('--drift-changes <n>', 'out-of-band changes timed for drift detection latency (0: none)', '50')
  .option('--steady-window <seconds>', 'steady-state window with the events queue', '60')
  .option('--timeout <minutes>', 'give up on a convergence after this long', '30')
  .option('--json <file>', 'also write every figure as JSON to this file')
  .parse(process.argv)
  .opts<{
    services: string[]; runs: string; accounts: string; namespaces?: string; replicas: string; shards: string; throttle: Mode; eventsQueue: Mode;
    kill: 'converged' | 'midway' | 'none'; resync: string; concurrency: string; driftChanges: string; steadyWindow: string; timeout: string; json?: string;
  }>();

const accounts = Number(opts.accounts);
const replicas = Number(opts.replicas);
const shards = Number(opts.shards);
const scaleOut = accounts > 1 || replicas > 1 || shards > 1;
const namespaces = Number(opts.namespaces ?? (scaleOut ? Math.max(accounts, 2 * shards) : 1));
const driftChanges = Number(opts.driftChanges);

function plan(services: number): ScenarioOptions[] {
  const base = {
    services, accounts, namespaces, replicas, shards, resync: opts.resync, concurrency: Number(opts.concurrency),
    timeoutMs: Number(opts.timeout) * 60_000, steadyWindowMs: Number(opts.steadyWindow) * 1000, kill: opts.kill,
  };
  const drift = driftChanges > 0 ? { changes: driftChanges } : undefined;
  if (scaleOut) {
    return [{ ...base, label: 'scale-out', throttle: opts.throttle !== 'off', eventsQueue: opts.eventsQueue === 'on', queuePhase: false, steadyResync: false, drift: undefined }];
  }
  const first = opts.throttle !== 'off';
  const out: ScenarioOptions[] = [
    { ...base, label: first ? 'throttled' : 'unthrottled', throttle: first, eventsQueue: opts.eventsQueue === 'on', queuePhase: opts.eventsQueue === 'both', steadyResync: opts.eventsQueue !== 'on', drift, kill: 'none' },
  ];
  if (opts.throttle === 'both') out.push({ ...base, label: 'unthrottled', throttle: false, eventsQueue: false, queuePhase: false, steadyResync: false, drift: undefined, kill: 'none' });
  return out;
}

const features = await detectFeatures();
const log = (msg: string): void => console.error(`bench ${new Date().toISOString().slice(11, 19)}: ${msg}`);
const imageNode = imageNodeVersion();
// Memory depends on it: the same operator is about 12 MB larger at rest on Node.js 24 than on 20.
if (imageNode !== undefined && `v${imageNode}` !== process.version) log(`the operator runs on Node.js ${process.version}, the image on ${imageNode}: put that version's node first on PATH to measure what ships`);
log(`features of this build: ${JSON.stringify(features)}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const runs: ScenarioFigures[][] = [];
for (let r = 0; r < Number(opts.runs); r++) {
  const figures: ScenarioFigures[] = [];
  for (const services of opts.services.map(Number)) {
    for (const scenario of plan(services)) {
      log(`run ${r + 1}: ${scenario.label}, ${services} services`);
      const done = await runScenario(scenario, features, log);
      figures.push(done);
      // Each scenario's figures as soon as it ends, so a long run that is stopped keeps them.
      console.log(report([[done]]).replace(/^\n== /, `\n== run ${r + 1}: `));
      if (opts.json) writeFileSync(opts.json, JSON.stringify([...runs, figures], null, 2));
    }
  }
  runs.push(figures);
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(runs, null, 2));
else console.log(JSON.stringify(runs, null, 2));
if (runs.length > 1) console.log(`\n==== all runs side by side${report(runs)}`);
