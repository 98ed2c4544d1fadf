// The set-up an end-to-end file needs to watch the operator work: an AWS emulator (one of the
// file's own, whose control endpoint the file may arm without disturbing other files, or the shared
// one), a world in it (VPC, subnets, security group, cluster), a namespace of the file's own, and
// the operator as its own process serving that namespace; then what a user reads back with kubectl.
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { createWorld, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl, testEnv } from './env.js';
import { startOperator, type OperatorOptions, type OperatorProcess } from './operator-process.js';
import { waiter, type WaitFor } from './wait.js';

/** The operator signs with this key (operator-process.ts); the suite's own calls with another, so faults armed for it spare them. */
export const OPERATOR_KEY = 'testing';
const OBSERVER_KEY = 'observer';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** What every kind's object shows of how the operator judged it. */
export interface Reconciled {
  metadata: { generation: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

export interface OperatorSuiteOptions {
  /** Prefix of the file's namespace (made unique). */
  namespace: string;
  /** An emulator of the file's own (the default), or the one every file shares. */
  emulator?: 'own' | 'shared';
  /**
   * Set-up the operator's arguments depend on (an events queue, say), run once the world and the
   * namespace exist and before the operator starts.
   */
  beforeOperator?: () => Promise<void>;
  /**
   * The operator's options beyond its namespace and endpoint (log level info unless given);
   * `extraArgs` come after `--cluster-id` (the world's unless `clusterId` is given). Read at each start.
   */
  operator?: () => Omit<OperatorOptions, 'namespaces' | 'awsEndpoint'> & { clusterId?: string };
}

export interface OperatorSuite {
  /** The file's own emulator (only with `emulator: 'own'`). */
  readonly emulator: Emulator;
  readonly world: World;
  readonly ns: string;
  /** The operator process running now (a restart replaces it). */
  readonly operator: OperatorProcess;
  /** Stops the operator, gracefully or as a crash (SIGKILL), and starts a new one. */
  restartOperator(how: 'stop' | 'kill'): Promise<void>;
  /** Polls until `check` holds (90 s by default); a timeout shows the operator's log tail. */
  waitFor: WaitFor;
  /** Waits until `check` gives a value, and returns it. */
  eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T>;
  /** `kubectl apply` of the objects into the namespace. */
  apply(...objects: object[]): Promise<void>;
  /** `kubectl get <kind> <name> -o json`, or undefined when it is not there. */
  get<T extends Reconciled = Reconciled>(kind: string, name: string): Promise<T | undefined>;
  /** The condition of `type` once the operator has reconciled the object's current generation. */
  condition(kind: string, name: string, type: string): Promise<Condition | undefined>;
  isTrue(kind: string, name: string, type: string): Promise<boolean>;
}

/** The condition of `type` in an object's status, whichever generation it was written for. */
export function conditionOf(obj: Reconciled | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** Registers the file's beforeAll (emulator, world, namespace, operator) and afterAll, and returns the handle on them. */
export function operatorSuite(opts: OperatorSuiteOptions): OperatorSuite {
  let emulator: Emulator | undefined;
  let world: World | undefined;
  let ns: string | undefined;
  let operator: OperatorProcess | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is set up in beforeAll: read it inside a hook or a test`);
    return value;
  };
  const endpoint = () => (opts.emulator === 'shared' ? testEnv().awsEndpoint : ready(emulator, 'the emulator').endpoint);

  const start = () => {
    const { clusterId, extraArgs = [], ...rest } = opts.operator?.() ?? {};
    return startOperator({
      logLevel: 'info',
      ...rest,
      namespaces: [suite.ns],
      awsEndpoint: endpoint(),
      extraArgs: [`--cluster-id=${clusterId ?? suite.world.clusterId}`, ...extraArgs],
    });
  };

  const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator?.logs() ?? '' });

  const suite: OperatorSuite = {
    get emulator() {
      if (opts.emulator === 'shared') throw new Error('this suite uses the shared emulator, whose control endpoint it must not arm');
      return ready(emulator, 'the emulator');
    },
    get world() {
      return ready(world, 'the world');
    },
    get ns() {
      return ready(ns, 'the namespace');
    },
    get operator() {
      return ready(operator, 'the operator');
    },
    async restartOperator(how) {
      const running = ready(operator, 'the operator');
      operator = undefined;
      if (how === 'kill') await running.kill();
      else await running.stop();
      operator = await start();
    },
    waitFor,
    async eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
      let value: T | undefined;
      await waitFor(what, async () => (value = await check()) !== undefined);
      return value as T;
    },
    async apply(...objects) {
      const res = await kubectl(['apply', '-f', '-'], { namespace: suite.ns, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
      expect(res.code, res.stderr).toBe(0);
    },
    async get<T extends Reconciled>(kind: string, name: string) {
      const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: suite.ns });
      return res.code === 0 ? (JSON.parse(res.stdout) as T) : undefined;
    },
    async condition(kind, name, type) {
      const obj = await suite.get(kind, name);
      if (obj?.status?.observedGeneration !== obj?.metadata.generation) return undefined;
      return conditionOf(obj, type);
    },
    async isTrue(kind, name, type) {
      return (await suite.condition(kind, name, type))?.status === 'True';
    },
  };

  beforeAll(async () => {
    if (opts.emulator !== 'shared') emulator = await startEmulator();
    world = await createWorld(endpoint(), { accessKeyId: OBSERVER_KEY });
    ns = await createNamespace(opts.namespace);
    await opts.beforeOperator?.();
    operator = await start();
  });

  afterAll(async () => {
    await operator?.stop();
    world?.destroy();
    await emulator?.stop();
  });

  return suite;
}
