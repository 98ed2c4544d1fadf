// A real Argo CD beside the test control plane, as issue 12 describes it: Argo CD's own
// argocd-repo-server and argocd-application-controller (one binary built from Go modules by
// test/argocd/ensure.sh, the component chosen by ARGOCD_BINARY_NAME), miniredis as their cache (as in
// Argo CD's own tests; test/argocd/ensure-redis.sh),
// and `git daemon` on loopback serving a bare repository that the test commits to. No API server or
// UI: tests read and drive Applications with kubectl, as `kubectl get application` shows them.
//
// What had to be set for processes on the host (found by trying, see the issue):
// - the test apiserver is registered as a cluster Secret: a host process has no in-cluster config;
// - ARGOCD_GPG_ENABLED=false, and Argo CD's hack/git-verify-wrapper.sh on the repo server's PATH;
// - every listener on 127.0.0.1 (the application controller's metrics server has no address flag
//   and binds all interfaces, on a free port).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { freePort } from './controlplane.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const ensureArgoCd = join(repoRoot, 'test', 'argocd', 'ensure.sh');
const ensureRedis = join(repoRoot, 'test', 'argocd', 'ensure-redis.sh');
const healthChecksDir = join(repoRoot, 'deploy', 'argocd', 'ecs.operator.dev');
const run = promisify(execFile);

export interface ArgoCdOptions {
  kubeconfig: string;
  /** Folder holding the pinned kubectl. */
  binDir: string;
  /** Namespace Argo CD runs in and reads Applications from (default `argocd`, as the examples say). */
  namespace?: string;
  /**
   * Namespaces Argo CD may manage on the registered cluster. The control plane is shared with other
   * test files, so Argo CD watches only these (plus cluster-scoped kinds, for CreateNamespace).
   */
  managedNamespaces: string[];
  /** How often the controller compares every Application with Git without being asked (default 30 s). */
  appResyncSeconds?: number;
}

export interface GitRepo {
  /** git://127.0.0.1:PORT/ecs-operator.git, as an Application's repoURL. */
  readonly url: string;
  /** Writes (string) or deletes (null) files, commits and pushes to the served repository; returns the commit. */
  commit(files: Record<string, string | null>, message: string): Promise<string>;
}

export interface ArgoCd {
  readonly namespace: string;
  /** The cluster as registered in Argo CD: an Application's destination.server. */
  readonly clusterServer: string;
  readonly repo: GitRepo;
  /** Folder of the Argo CD build (argocd, crds/, config/). */
  readonly buildDir: string;
  logs(component: 'redis' | 'git-daemon' | 'repo-server' | 'application-controller'): string;
  /**
   * Stops the application controller and starts it again with the same flags, as
   * `kubectl -n argocd rollout restart statefulset argocd-application-controller` does; resolves
   * once it serves /healthz. Its log file is kept (appended to).
   */
  restartController(): Promise<void>;
  stop(): Promise<void>;
}

interface Proc {
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

function startProcess(name: string, bin: string, args: string[], dir: string, env: NodeJS.ProcessEnv = process.env): Proc {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  // Its own process group, so stop() (and the reaper) end it with every child (git daemon forks one
  // per connection, the repo server runs git).
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, env });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return { child, logFile, exited };
}

async function stopProcess(proc: Proc | undefined): Promise<void> {
  const pid = proc?.child.pid;
  if (!proc || pid === undefined || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await proc.exited;
  clearTimeout(timer);
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntil(what: string, proc: Proc, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what}: the process exited with code ${proc.child.exitCode}:\n${tail(proc.logFile)}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}:\n${tail(proc.logFile)}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      res(true);
    });
    socket.on('error', () => res(false));
  });
}

/** Ends the processes' groups and removes `dir` once this process is gone, even after SIGKILL. */
function startReaper(pgids: () => number[], dir: string): { update(): void; stop(): void } {
  let reaper: ChildProcess | undefined;
  const launch = () => {
    reaper?.kill('SIGKILL');
    const groups = pgids().map((p) => `-${p}`).join(' ');
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${groups ? `kill -KILL -- ${groups} 2>/dev/null;` : ''} rm -rf '${dir}'`;
    reaper = spawn('bash', ['-c', script], { stdio: 'ignore', detached: true });
    reaper.unref();
  };
  launch();
  return { update: launch, stop: () => reaper?.kill('SIGKILL') };
}

/** Builds or finds Argo CD (see test/argocd/ensure.sh); the cold build's time is printed. */
async function ensureBuild(): Promise<string> {
  const t0 = Date.now();
  const { stdout, stderr } = await run('bash', [ensureArgoCd], { maxBuffer: 16 << 20, timeout: 60 * 60 * 1000 }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`Argo CD could not be built: ${err.message}\n${err.stderr ?? ''}`);
  });
  const built = /argocd: built in (\d+)s/.exec(stderr);
  if (built) console.log(`[argocd] cold build of Argo CD took ${built[1]}s (cached for later runs)`);
  else console.log(`[argocd] using the cached build (${((Date.now() - t0) / 1000).toFixed(1)}s to find it)`);
  return stdout.trim();
}

function git(cwd: string, args: string[]): Promise<string> {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 'test@example.com' };
  return run('git', args, { cwd, env }).then((r) => r.stdout.trim());
}

export async function startArgoCd(opts: ArgoCdOptions): Promise<ArgoCd> {
  const [buildDir, redisServer] = await Promise.all([
    ensureBuild(),
    run('bash', [ensureRedis], { timeout: 10 * 60 * 1000 }).then((r) => r.stdout.trim()),
  ]);
  const namespace = opts.namespace ?? 'argocd';
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const child = run(join(opts.binDir, 'kubectl'), [`--kubeconfig=${opts.kubeconfig}`, ...args], { maxBuffer: 64 << 20 });
    if (input !== undefined) child.child.stdin?.end(input);
    const { stdout } = await child.catch((err: Error & { stderr?: string }) => {
      throw new Error(`kubectl ${args.join(' ')} failed: ${(err.stderr ?? err.message).slice(0, 2000)}`);
    });
    return stdout;
  };

  // The cluster to register: the one the kubeconfig names, with its admin token.
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  const cluster = kc.getCurrentCluster();
  const token = kc.getCurrentUser()?.token;
  if (!cluster || !token) throw new Error('the kubeconfig has no current cluster with a token user');

  // Argo CD's CRDs and default config maps, from its module (copied next to the build).
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(buildDir, 'crds')]);
  // `kubectl wait` fails outright on a CRD the apiserver has not yet given any condition.
  const crds = ['applications.argoproj.io', 'appprojects.argoproj.io', 'applicationsets.argoproj.io'];
  for (const deadline = Date.now() + 60_000; ; ) {
    const { items } = JSON.parse(await kubectl(['get', 'crd', ...crds, '-o', 'json'])) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
    const statuses = items.map((crd) => crd.status?.conditions?.find((c) => c.type === 'Established')?.status ?? 'Unknown');
    if (statuses.length === crds.length && statuses.every((s) => s === 'True')) break;
    if (Date.now() > deadline) throw new Error(`Argo CD's CRDs were not established in 60s: ${statuses.join(',')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
  await kubectl(['apply', '-n', namespace, '-f', join(buildDir, 'config')]);

  // The project's health checks, installed the way deploy/argocd/README.md tells users to (a
  // merge patch built from the .lua files), so that path is what the scenarios prove.
  const fromFiles = readdirSync(healthChecksDir).map((kind) => `--from-file=resource.customizations.health.ecs.operator.dev_${kind}=${join(healthChecksDir, kind, 'health.lua')}`);
  const healthPatch = await kubectl(['create', 'configmap', 'argocd-cm', '--dry-run=client', '-o', 'json', ...fromFiles]);
  await kubectl(['patch', 'configmap', 'argocd-cm', '-n', namespace, '--type', 'merge', '-p', healthPatch]);
  // No in-cluster destination: Argo CD runs on the host, so the cluster comes from its Secret.
  await kubectl(['patch', 'configmap', 'argocd-cm', '-n', namespace, '--type', 'merge', '-p', JSON.stringify({ data: { 'cluster.inClusterEnabled': 'false' } })]);

  const clusterServer = cluster.server;
  await kubectl(
    ['apply', '-n', namespace, '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        // argocd-server creates the default project on start; without an API server, we do.
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AppProject',
          metadata: { name: 'default', namespace },
          spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'cluster-test-apiserver', namespace, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
          type: 'Opaque',
          stringData: {
            name: 'test-apiserver',
            server: clusterServer,
            namespaces: opts.managedNamespaces.join(','),
            clusterResources: 'true',
            // The test apiserver self-signs its serving certificate at start.
            config: JSON.stringify({ bearerToken: token, tlsClientConfig: { insecure: cluster.skipTLSVerify === true } }),
          },
        },
      ],
    }),
  );

  const dir = mkdtempSync(join(tmpdir(), 'ecs-operator-argocd-'));
  const procs: Partial<Record<'redis' | 'git-daemon' | 'repo-server' | 'application-controller', Proc>> = {};
  const reaper = startReaper(() => Object.values(procs).flatMap((p) => (p?.child.pid ? [p.child.pid] : [])), dir);
  for (const sub of ['tmp', 'home', 'tls', 'ssh', 'gnupg']) mkdirSync(join(dir, sub));
  // The Git server: a bare repository served read-only by git daemon, written through a clone.
  const gitRoot = join(dir, 'git');
  const bare = join(gitRoot, 'ecs-operator.git');
  const work = join(dir, 'work');
  const [redisPort, gitPort, repoPort, repoMetricsPort, controllerMetricsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const argoEnv = (component: string): NodeJS.ProcessEnv => ({
    ...process.env,
    ARGOCD_BINARY_NAME: component,
    ARGOCD_GPG_ENABLED: 'false',
    // The repo server execs git-verify-wrapper.sh by name; ensure.sh put it beside the binary.
    PATH: `${buildDir}:${process.env.PATH ?? ''}`,
    TMPDIR: join(dir, 'tmp'),
    HOME: join(dir, 'home'),
    ARGOCD_TLS_DATA_PATH: join(dir, 'tls'),
    ARGOCD_SSH_DATA_PATH: join(dir, 'ssh'),
    ARGOCD_GNUPGHOME: join(dir, 'gnupg'),
    GIT_CONFIG_NOSYSTEM: '1',
  });

  const stop = async (): Promise<void> => {
    await stopProcess(procs['application-controller']);
    await Promise.all([stopProcess(procs['repo-server']), stopProcess(procs['git-daemon'])]);
    await stopProcess(procs.redis);
    reaper.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    mkdirSync(bare, { recursive: true });
    mkdirSync(work);
    await git(bare, ['init', '--bare', '--quiet', '--initial-branch=main']);
    await git(work, ['init', '--quiet', '--initial-branch=main']);
    await git(work, ['remote', 'add', 'origin', bare]);
    procs.redis = startProcess('redis', redisServer, ['--bind', '127.0.0.1', '--port', String(redisPort)], dir);
    procs['git-daemon'] = startProcess('git-daemon', 'git', ['daemon', '--reuseaddr', '--export-all', '--informative-errors', '--listen=127.0.0.1', `--port=${gitPort}`, `--base-path=${gitRoot}`, gitRoot], dir);
    procs['repo-server'] = startProcess(
      'repo-server',
      join(buildDir, 'argocd'),
      ['--address', '127.0.0.1', '--port', String(repoPort), '--metrics-address', '127.0.0.1', '--metrics-port', String(repoMetricsPort), '--redis', `127.0.0.1:${redisPort}`, '--disable-tls', '--client-ca-path=', '--logformat', 'text'],
      dir,
      argoEnv('argocd-repo-server'),
    );
    reaper.update();
    await Promise.all([
      waitUntil('redis', procs.redis, () => accepts(redisPort)),
      waitUntil('git daemon', procs['git-daemon'], () => accepts(gitPort)),
      waitUntil('argocd-repo-server', procs['repo-server'], () => accepts(repoPort)),
    ]);
    await startController();
  } catch (err) {
    await stop();
    throw err;
  }

  async function startController(): Promise<void> {
    const resync = String(opts.appResyncSeconds ?? 30);
    procs['application-controller'] = startProcess(
      'application-controller',
      join(buildDir, 'argocd'),
      [
        `--kubeconfig=${opts.kubeconfig}`,
        `--namespace=${namespace}`,
        '--repo-server', `127.0.0.1:${repoPort}`,
        '--repo-server-plaintext',
        '--redis', `127.0.0.1:${redisPort}`,
        '--metrics-port', String(controllerMetricsPort),
        '--app-resync', resync,
        '--app-resync-jitter', '0',
        // Argo CD 3 keeps each resource's health (and its message) only in redis, for its API
        // server; with no API server here, tests read it from the Application, as
        // `controller.resource.health.persist: "true"` in argocd-cmd-params-cm makes it.
        '--persist-resource-health',
        '--logformat', 'text',
      ],
      dir,
      argoEnv('argocd-application-controller'),
    );
    reaper.update();
    await waitUntil('argocd-application-controller /healthz', procs['application-controller'], () =>
      fetch(`http://127.0.0.1:${controllerMetricsPort}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok),
    );
  }

  const repo: GitRepo = {
    url: `git://127.0.0.1:${gitPort}/ecs-operator.git`,
    async commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        const target = join(work, path);
        if (content === null) rmSync(target, { force: true });
        else {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, content);
        }
      }
      await git(work, ['add', '--all']);
      await git(work, ['commit', '--quiet', '--allow-empty', '-m', message]);
      await git(work, ['push', '--quiet', 'origin', 'main']);
      return git(work, ['rev-parse', 'HEAD']);
    },
  };

  return {
    namespace,
    clusterServer,
    repo,
    buildDir,
    async restartController() {
      await stopProcess(procs['application-controller']);
      await startController();
    },
    logs: (component) => {
      const proc = procs[component];
      return proc ? tail(proc.logFile, 200) : '(not started)';
    },
    stop,
  };
}
