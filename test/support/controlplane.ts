// A real Kubernetes control plane on loopback, in the spirit of controller-runtime's envtest:
// etcd + kube-apiserver (RBAC on, service-account signing keys, a token-authenticated admin), and
// optionally kube-controller-manager running only the garbage collector and namespace controllers
// (without them a foreground deletion or a namespace deletion never completes).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:https';
import { promisify } from 'node:util';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const ensureScript = join(repoRoot, 'test', 'controlplane', 'ensure.sh');

export interface ControlPlane {
  /** Path of an admin kubeconfig (user `admin` in group system:masters, bearer token). */
  readonly kubeconfig: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** Folder holding etcd, kube-apiserver, kubectl (and kube-controller-manager when built). */
  readonly binDir: string;
  /** Stops kube-apiserver only; etcd keeps the data, so startApiServer() resumes the same cluster. */
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Run kube-controller-manager's garbagecollector and namespace controllers too. */
  controllerManager?: boolean;
}

/** Builds or finds the pinned binaries (see test/controlplane/ensure.sh) and returns their folder. */
export async function ensureControlPlaneBinaries(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [ensureScript], {
    maxBuffer: 1 << 20,
    // The cold build takes minutes; its progress goes to our stderr so a waiting user sees it.
    timeout: 60 * 60 * 1000,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`control plane binaries could not be built: ${err.message}\n${err.stderr ?? ''}`);
  });
  return stdout.trim();
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

function startProcess(name: string, bin: string, args: string[], dir: string): Proc {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  // Each server gets its own process group so that stop() (and the reaper) can end it with every
  // child it may have started.
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return { name, child, logFile, exited };
}

async function stopProcess(proc: Proc | undefined, graceMs = 5000): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const pid = proc.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}

function logTail(proc: Proc, lines = 30): string {
  try {
    return readFileSync(proc.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(what: string, proc: Proc, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with code ${proc.child.exitCode} before ${what}:\n${logTail(proc)}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${logTail(proc)}`);
}

function httpsGetOk(url: string, token: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function httpGetOk(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
}

/**
 * A reaper watches this process and, once it is gone (even killed by SIGKILL, when no exit handler
 * runs), ends the servers' process groups and removes the temporary folder. It is a plain shell
 * loop so that it needs nothing but bash.
 */
function startReaper(pgids: () => number[], dir: string): { update(): void; stop(): void } {
  let reaper: ChildProcess | undefined;
  const launch = () => {
    reaper?.kill('SIGKILL');
    const groups = pgids().map((p) => `-${p}`).join(' ');
    const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -KILL -- ${groups} 2>/dev/null; rm -rf '${dir}'`;
    reaper = spawn('bash', ['-c', script], { stdio: 'ignore', detached: true });
    reaper.unref();
  };
  launch();
  return { update: launch, stop: () => reaper?.kill('SIGKILL') };
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binDir = await ensureControlPlaneBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'ecs-operator-cp-'));
  const token = randomBytes(24).toString('hex');
  const [etcdClientPort, etcdPeerPort, apiPort, kcmPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const server = `https://127.0.0.1:${apiPort}`;

  // One RSA key both signs and verifies service-account tokens, as envtest sets it up.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
  const tokenFile = join(dir, 'tokens.csv');
  writeFileSync(tokenFile, `${token},admin,admin-uid,system:masters\n`);

  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      // The apiserver self-signs its serving certificate at start; tests trust loopback.
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: test',
      '  context: { cluster: test, user: admin, namespace: default }',
      'current-context: test',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  const procs: { etcd?: Proc; apiserver?: Proc; kcm?: Proc } = {};
  const reaper = startReaper(
    () => Object.values(procs).flatMap((p) => (p?.child.pid ? [p.child.pid] : [])),
    dir,
  );

  const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
  procs.etcd = startProcess(
    'etcd',
    join(binDir, 'etcd'),
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
      // Tests never need durability across a machine crash; fsync dominates etcd latency.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    dir,
  );
  reaper.update();

  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--secure-port=${apiPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--authorization-mode=RBAC',
    // No nodes and no token controller: the ServiceAccount admission plugin would reject pods and
    // wait for tokens that never come.
    '--disable-admission-plugins=ServiceAccount',
    '--endpoint-reconciler-type=none',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${saPub}`,
    `--service-account-signing-key-file=${saKey}`,
    `--token-auth-file=${tokenFile}`,
    '--v=1',
  ];

  const startApiServer = async (): Promise<void> => {
    procs.apiserver = startProcess('kube-apiserver', join(binDir, 'kube-apiserver'), apiserverArgs, dir);
    reaper.update();
    await waitFor('kube-apiserver /readyz', procs.apiserver, () => httpsGetOk(`${server}/readyz`, token));
  };
  const stopApiServer = async (): Promise<void> => {
    await stopProcess(procs.apiserver);
    procs.apiserver = undefined;
  };
  const stop = async (): Promise<void> => {
    await stopProcess(procs.kcm);
    await stopProcess(procs.apiserver);
    await stopProcess(procs.etcd);
    reaper.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor('etcd /health', procs.etcd, () => httpGetOk(`${etcdUrl}/health`));
    await startApiServer();
    if (opts.controllerManager) {
      procs.kcm = startProcess(
        'kube-controller-manager',
        join(binDir, 'kube-controller-manager'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          // clusterrole-aggregation: deploy/rbac's aggregated ClusterRoles add to view and edit.
          '--controllers=garbagecollector,namespace,clusterrole-aggregation-controller',
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${kcmPort}`,
          `--cert-dir=${join(dir, 'kcm-certs')}`,
          `--service-account-private-key-file=${saKey}`,
        ],
        dir,
      );
      reaper.update();
      await waitFor('kube-controller-manager /healthz', procs.kcm, () => httpsGetOk(`https://127.0.0.1:${kcmPort}/healthz`, token));
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return { kubeconfig, server, binDir, stopApiServer, startApiServer, stop };
}
