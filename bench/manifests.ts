// What the benchmark applies: per service an EcsTaskDefinition and an EcsService (Fargate, awsvpc,
// desired 1), spread over namespaces; and, with several accounts, the EcsAccount mappings.
import type { AccountWorld } from './world.js';

const API = 'ecs.operator.dev/v1alpha1';

export interface Placement {
  namespace: string;
  /** Index into the accounts of the run. */
  account: number;
}

/**
 * `namespaces` names, given to the accounts round robin. With shards, names are picked (bench-0,
 * bench-1, ... skipping some) so that every shard gets its even share of namespaces: a hash can put
 * three of eight in one shard, and the figures would then measure the hash, not the replicas.
 */
export function placements(namespaces: number, accounts: number, shards = 1, shardOf: (ns: string) => number = () => 0): Placement[] {
  const perShard = Math.ceil(namespaces / shards);
  const taken = new Map<number, number>();
  const names: string[] = [];
  for (let i = 0; names.length < namespaces; i++) {
    const name = `bench-${i}`;
    const shard = shards > 1 ? shardOf(name) : 0;
    if ((taken.get(shard) ?? 0) >= perShard) continue;
    taken.set(shard, (taken.get(shard) ?? 0) + 1);
    names.push(name);
  }
  return names.map((namespace, i) => ({ namespace, account: i % accounts }));
}

/** The namespace of service i: services are dealt round robin, so every namespace gets its share. */
export function namespaceOf(i: number, spread: readonly Placement[]): Placement {
  const p = spread[i % spread.length];
  if (!p) throw new Error('no namespaces');
  return p;
}

export function serviceObjects(i: number, namespace: string, world: AccountWorld): object[] {
  const name = `svc-${i}`;
  return [
    {
      apiVersion: API, kind: 'EcsTaskDefinition', metadata: { name, namespace },
      spec: { networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }] }] },
    },
    {
      apiVersion: API, kind: 'EcsService', metadata: { name, namespace },
      spec: { cluster: world.cluster, taskDefinitionRef: { name }, desiredCount: 1, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } } },
    },
  ];
}

export function namespaceObject(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** The mapping of an account's namespaces to its role. */
export function accountObject(index: number, world: AccountWorld, namespaces: readonly string[]): object {
  return {
    apiVersion: API, kind: 'EcsAccount', metadata: { name: `bench-account-${index}` },
    spec: { roleArn: world.roleArn, namespaces },
  };
}
