// Two operator processes with leader election against the real apiserver: only the leader
// reconciles; SIGKILL of the leader hands over within the lease duration; SIGTERM finishes the
// reconcile in flight, releases the lease and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceClient } from '../../src/kube/resource.js';
import { createNamespace, kubeConfig, testEnv } from '../support/env.js';
import { eventually, installWidgetCrd, newWidget, WIDGET, type Widget } from './fixtures/runtime/widgets.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/runtime/operator.ts');
const LEASE = { duration: 6_000, renewDeadline: 4_000, retryPeriod: 1_000 };

interface LogLine {
  msg?: string;
  key?: string;
  identity?: string;
  [field: string]: unknown;
}

class OperatorProcess {
  readonly lines: LogLine[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr = '';

  constructor(
    readonly identity: string,
    namespace: string,
  ) {
    const args = [
      '--import',
      'tsx',
      FIXTURE,
      `--kubeconfig=${testEnv().kubeconfig}`,
      `--namespaces=${namespace}`,
      `--lease-namespace=${namespace}`,
      '--lease-name=runtime-test',
      `--identity=${identity}`,
      `--lease-duration=${LEASE.duration}ms`,
      `--renew-deadline=${LEASE.renewDeadline}ms`,
      `--retry-period=${LEASE.retryPeriod}ms`,
      '--http-address=127.0.0.1:0',
      '--shutdown-timeout=20s',
    ];
    this.child = spawn(process.execPath, args, { cwd: resolve(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ msg: line });
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((res) => this.child.once('exit', (code) => res(code)));
  }

  logged(msg: string, key?: string): boolean {
    return this.lines.some((l) => l.msg === msg && (key === undefined || l.key === key));
  }

  reconciledKeys(): string[] {
    return this.lines.filter((l) => l.msg === 'reconciled').map((l) => l.key ?? '');
  }

  /** The last log lines and stderr, for a failure message. */
  tail(n = 20): string {
    return [...this.lines.slice(-n).map((l) => JSON.stringify(l)), this.stderr].join('\n');
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

let client: ResourceClient<Widget>;
const processes: OperatorProcess[] = [];

beforeAll(async () => {
  const env = testEnv();
  await installWidgetCrd(env.binDir, env.kubeconfig);
  client = new ResourceClient<Widget>(kubeConfig(), WIDGET);
});

afterAll(async () => {
  for (const p of processes) p.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
});

async function reconciledBy(ns: string, name: string): Promise<string | undefined> {
  return (await client.get(ns, name))?.status?.reconciledBy;
}

describe('leader election between two operator processes', () => {
  it('only the leader reconciles; SIGKILL hands over within the lease duration; SIGTERM drains and releases', async () => {
    const ns = await createNamespace('rt-leader');
    const a = new OperatorProcess('replica-a', ns);
    processes.push(a);
    await eventually('replica-a to lead', () => a.logged('became leader'), 60_000).catch((err) => {
      throw new Error(`${(err as Error).message}\nreplica-a's last log lines:\n${a.tail()}`);
    });
    const b = new OperatorProcess('replica-b', ns);
    processes.push(b);
    await eventually('replica-b to wait for the lease', () => b.logged('waiting to become leader'), 60_000);

    for (const name of ['one', 'two', 'three']) await client.create(ns, newWidget(ns, name, { size: 1 }));
    for (const name of ['one', 'two', 'three']) {
      await eventually(`${name} reconciled`, async () => (await reconciledBy(ns, name)) === 'replica-a');
    }
    // The status write comes before the "reconciled" log line reaches this process's pipe.
    await eventually('replica-a to log its three reconciles', () => a.reconciledKeys().length >= 3);
    expect(a.reconciledKeys().sort()).toEqual([`${ns}/one`, `${ns}/three`, `${ns}/two`]);
    expect(b.reconciledKeys()).toEqual([]);
    expect(b.logged('became leader')).toBe(false);

    // The leader dies without a chance to release the lease.
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await client.create(ns, newWidget(ns, 'four', { size: 1 }));
    await eventually('replica-b to take over and reconcile', async () => (await reconciledBy(ns, 'four')) === 'replica-b', 30_000).catch((err) => {
      throw new Error(`${(err as Error).message}\nreplica-b's last log lines:\n${b.tail()}`);
    });
    const handoverMs = Date.now() - killedAt;
    console.log(`[leader election] handover after SIGKILL: ${handoverMs} ms (lease ${LEASE.duration} ms, retry ${LEASE.retryPeriod} ms)`);
    // A standby may take over once it has seen no renewal for the lease duration; it notices on
    // its next retry, and the reconcile (100 ms) and the status write follow.
    expect(handoverMs).toBeLessThan(LEASE.duration + 2 * LEASE.retryPeriod + 1_500);
    expect(b.logged('became leader')).toBe(true);

    // SIGTERM in the middle of a 3 s reconcile: it finishes, then the lease is released.
    await client.create(ns, newWidget(ns, 'slow', { size: 30 }));
    await eventually('the slow reconcile to start', () => b.logged('reconcile started', `${ns}/slow`));
    b.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(b.logged('reconciled', `${ns}/slow`)).toBe(true);
    expect(await reconciledBy(ns, 'slow')).toBe('replica-b');
    const lease = await kubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: ns, name: 'runtime-test' });
    expect(lease.spec?.holderIdentity ?? '').toBe('');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });
});
