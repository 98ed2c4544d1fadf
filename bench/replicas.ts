// The operator as deployed: `node dist/bundle/main.mjs run` with the image's environment, one process
// per replica. Several replicas (or shards) run with leader election, each with its own identity.
import { startOperator, type OperatorProcess } from '../test/support/operator-process.js';
import { deployedProcess } from './stack.js';

export const LEASE_NAMESPACE = 'ecs-operator-system';

export interface Replica {
  identity: string;
  process: OperatorProcess;
  /** Set once the replica has been killed. */
  killed: boolean;
}

export interface ReplicaOptions {
  kubeconfig: string;
  awsEndpoint: string;
  namespaces: string[];
  replicas: number;
  /** Passed as --shards when above 1 (the caller checked the build has the flag). */
  shards: number;
  resync: string;
  concurrency: number;
  clusterId: string;
  /** ECS request pacing: on as deployed against a throttling emulator, off against one without limits. */
  pace: boolean;
  eventsQueueUrl?: string;
}

export function replicaArgs(o: ReplicaOptions, identity: string): string[] {
  return [
    `--cluster-id=${o.clusterId}`,
    `--concurrency=${o.concurrency}`,
    '--reconcile-qps=500',
    '--reconcile-burst=1000',
    ...(o.pace ? [] : ['--no-aws-pace-requests']),
    ...(o.replicas > 1 || o.shards > 1 ? [`--lease-namespace=${LEASE_NAMESPACE}`, `--identity=${identity}`] : []),
    ...(o.shards > 1 ? [`--shards=${o.shards}`] : []),
    ...(o.eventsQueueUrl ? [`--events-queue=${o.eventsQueueUrl}`] : []),
  ];
}

export async function startReplicas(o: ReplicaOptions): Promise<Replica[]> {
  return Promise.all(
    Array.from({ length: o.replicas }, async (_, i) => {
      const identity = `bench-replica-${i}`;
      const process = await startOperator({
        namespaces: o.namespaces,
        kubeconfig: o.kubeconfig,
        awsEndpoint: o.awsEndpoint,
        resyncPeriod: o.resync,
        logLevel: 'warn',
        entry: 'bundle',
        ...deployedProcess(),
        leaderElection: o.replicas > 1 || o.shards > 1,
        extraArgs: replicaArgs(o, identity),
      });
      return { identity, process, killed: false };
    }),
  );
}

export async function stopReplicas(replicas: readonly Replica[]): Promise<void> {
  await Promise.all(replicas.filter((r) => !r.killed).map((r) => r.process.stop()));
}
