// Helm and actionlint, built from Go modules and cached outside the clone (test/tools/*/ensure.sh),
// run as a user would run them. Helm gets its own config, cache and data folders so that a test run
// never reads or writes the user's (~/.config/helm and friends), and the test apiserver's
// kubeconfig unless a test passes another.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { testEnv, type KubectlResult } from './env.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

const built = new Map<string, Promise<string>>();

/** Builds or finds a tool of test/tools/ and returns its binary's path (the cold build's time is printed). */
export function ensureTool(name: 'helm' | 'actionlint'): Promise<string> {
  let found = built.get(name);
  if (!found) {
    found = run('bash', [join(repoRoot, 'test', 'tools', name, 'ensure.sh')], { maxBuffer: 16 << 20, timeout: 30 * 60 * 1000 }).then(
      ({ stdout, stderr }) => {
        const cold = new RegExp(`${name}: built in (\\d+)s`).exec(stderr);
        if (cold) console.log(`[${name}] cold build took ${cold[1]}s (cached for later runs)`);
        return stdout.trim();
      },
      (err: Error & { stderr?: string }) => {
        throw new Error(`${name} could not be built: ${err.message}\n${err.stderr ?? ''}`);
      },
    );
    built.set(name, found);
  }
  return found;
}

/** Runs a tool; never throws on a non-zero exit. */
export async function runTool(bin: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<KubectlResult> {
  return new Promise((done) => {
    execFile(bin, args, { maxBuffer: 64 << 20, env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? repoRoot }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    }).stdin?.end(opts.input);
  });
}

let helmHome: string | undefined;

/** Runs the pinned Helm against the shared test apiserver (or `kubeconfig`); never throws on a non-zero exit. */
export async function helm(args: string[], opts: { kubeconfig?: string } = {}): Promise<KubectlResult> {
  const bin = await ensureTool('helm');
  if (helmHome === undefined) {
    const home = mkdtempSync(join(tmpdir(), 'ecs-op-helm-'));
    process.once('exit', () => rmSync(home, { recursive: true, force: true }));
    helmHome = home;
  }
  return runTool(bin, args, {
    env: {
      KUBECONFIG: opts.kubeconfig ?? testEnv().kubeconfig,
      HELM_CONFIG_HOME: join(helmHome, 'config'),
      HELM_CACHE_HOME: join(helmHome, 'cache'),
      HELM_DATA_HOME: join(helmHome, 'data'),
    },
  });
}

export const CHART_DIR = join(repoRoot, 'charts', 'ecs-operator');
