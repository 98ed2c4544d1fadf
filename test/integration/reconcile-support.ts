// A small world for the reconcile integration tests, straight on the AWS emulator (no Kubernetes):
// a VPC with two subnets and a security group, a Fargate cluster, manifests as plain objects, and a
// stand-in for the status binding (status written back onto the object, as the controller does).
import { randomBytes } from 'node:crypto';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, type Service } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { expect } from 'vitest';
import type { EcsService, EcsTaskDefinition } from '../../src/api/index.js';
import { createAwsAdapter, type AwsAdapter } from '../../src/aws/adapter.js';
import type { AwsCallSnapshot } from '../../src/aws/call-counter.js';
import type { OwnerIdentity, ReconcileOutcome } from '../../src/reconcile/index.js';
import type { ServiceDeps } from '../../src/reconcile/service/reconcile.js';
import { testEnv } from '../support/env.js';

export const REGION = 'us-east-1';

export function shortId(): string {
  return randomBytes(4).toString('hex');
}

export interface World {
  aws: AwsAdapter;
  clusterId: string;
  cluster: string;
  vpcId: string;
  subnets: string[];
  securityGroup: string;
  /** Creates an ALB target group (type ip) in the VPC and returns its ARN. */
  targetGroup(name: string, port?: number): Promise<string>;
  destroy(): void;
}

/**
 * An adapter on `endpoint` and fresh AWS resources with unique names (tests share one emulator).
 * `accessKeyId` lets a test arm faults for its own calls only.
 */
export async function createWorld(endpoint: string, opts: { accessKeyId?: string } = {}): Promise<World> {
  const credentials = { accessKeyId: opts.accessKeyId ?? 'testing', secretAccessKey: 'testing' };
  const aws = createAwsAdapter({ region: REGION, endpoint, credentials, batchWindowMs: 1 });
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials });
  try {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const vpcId = Vpc?.VpcId ?? '';
    const subnets: string[] = [];
    for (const cidr of ['10.0.1.0/24', '10.0.2.0/24']) {
      const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }));
      subnets.push(Subnet?.SubnetId ?? '');
    }
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `web-${shortId()}`, Description: 'web tasks' }));
    const cluster = `rec-${shortId()}`;
    await aws.region().clients.ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }));
    return {
      aws,
      clusterId: `it-${shortId()}`,
      cluster,
      vpcId,
      subnets,
      securityGroup: GroupId ?? '',
      async targetGroup(name, port = 80) {
        const out = await (await aws.region().clients.elbv2()).send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: port, VpcId: vpcId, TargetType: 'ip' }));
        return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
      },
      destroy() {
        aws.destroy();
        ec2.destroy();
      },
    };
  } catch (err) {
    aws.destroy();
    ec2.destroy();
    throw err;
  }
}

export function owner(world: World, kind: OwnerIdentity['kind'], name: string, namespace = 'shop'): OwnerIdentity {
  return { clusterId: world.clusterId, kind, namespace, name, uid: `uid-${name}` };
}

export function fargateTaskDefinition(name: string, spec: Partial<EcsTaskDefinition['spec']> = {}): EcsTaskDefinition {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsTaskDefinition',
    metadata: { name, namespace: 'shop', generation: 1 },
    spec: {
      family: name,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: 512,
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx:1.27',
          portMappings: [{ containerPort: 80 }],
          environment: [{ name: 'APP_ENV', value: 'test' }],
          healthCheck: { command: ['CMD-SHELL', 'true'] },
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${name}`, 'awslogs-region': REGION } },
        },
      ],
      volumes: [{ name: 'scratch' }],
      tags: [{ key: 'team', value: 'storefront' }],
      ...spec,
    },
  };
}

export function fargateService(world: World, name: string, spec: Partial<EcsService['spec']> = {}): EcsService {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name, namespace: 'shop', generation: 1 },
    spec: {
      cluster: world.cluster,
      taskDefinitionRef: { name },
      desiredCount: 2,
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 1 }],
      networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      tags: [{ key: 'team', value: 'storefront' }],
      ...spec,
    },
  };
}

/**
 * What the status binding does after a reconcile: status replaced, generation observed, and
 * reconciledGeneration and reconciledSpecDigest moved to it once Synced.
 */
export function writeBack<T extends { metadata: { generation?: number }; status?: { reconciledGeneration?: number; reconciledSpecDigest?: string } }, S extends object>(obj: T, out: ReconcileOutcome<S>): void {
  const synced = out.conditions.some((c) => c.type === 'Synced' && c.status === 'True');
  const reconciledGeneration = synced ? obj.metadata.generation : obj.status?.reconciledGeneration;
  const reconciledSpecDigest = synced && out.specDigest !== undefined ? out.specDigest : obj.status?.reconciledSpecDigest;
  obj.status = {
    ...out.status,
    observedGeneration: obj.metadata.generation,
    ...(reconciledGeneration === undefined ? {} : { reconciledGeneration }),
    ...(reconciledSpecDigest === undefined ? {} : { reconciledSpecDigest }),
  };
}

/** A manifest edit: spec changed, generation bumped. */
export function edit<T extends { metadata: { generation?: number }; spec: object }>(obj: T, spec: Partial<T['spec']>): void {
  obj.spec = { ...obj.spec, ...spec };
  obj.metadata.generation = (obj.metadata.generation ?? 0) + 1;
}

/** Resolves taskDefinitionRef from EcsTaskDefinitions held in memory, as the controller's cache would. */
export function refsFrom(...tds: EcsTaskDefinition[]): ServiceDeps['resolveTaskDefinitionRef'] {
  return (name) => {
    const td = tds.find((t) => t.metadata.name === name);
    const arn = td?.status?.taskDefinitionArn;
    const spec = td ? { spec: td.spec } : {};
    return arn ? { arn, ...spec } : { waiting: `EcsTaskDefinition ${name} has no registered revision yet`, ...spec };
  };
}

/** Arms the emulator's fault injection (test/aws/README.md) for calls signed with one access key. */
export async function injectFault(fault: { operation: string; count: number; kind: 'throttle' | 'error'; service: string; accessKeyId: string; status?: number; code?: string; message?: string; afterProcessing?: boolean }): Promise<void> {
  const res = await fetch(`${testEnv().awsEndpoint}/moto-api/ecs-operator/faults`, { method: 'POST', body: JSON.stringify(fault) });
  expect(res.status).toBe(200);
}

export function condition(out: { conditions: { type: string; status: string; reason: string; message: string }[] }, type: string): { status: string; reason: string; message: string } | undefined {
  return out.conditions.find((c) => c.type === type);
}

/** Calls made since `before`: writes, and the count of each operation. */
export function callsSince(aws: AwsAdapter, before: AwsCallSnapshot): { total: number; writes: number; op(name: string): number } {
  const now = aws.calls.snapshot();
  return {
    total: now.total - before.total,
    writes: now.writes - before.writes,
    op: (name) => (now.operations[name]?.total ?? 0) - (before.operations[name]?.total ?? 0),
  };
}

export async function describe(world: World, name: string): Promise<Service> {
  const observation = await world.aws.region().services.describe(world.cluster, name);
  if (observation.kind !== 'found') throw new Error(`service ${name} not found`);
  return observation.service;
}

/** Runs `step` until `done` says so (the emulator's realtime clock moves deployments every 750 ms). */
export async function until<T>(step: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await step();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      expect.fail(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
