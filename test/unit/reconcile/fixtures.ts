// Plain objects for the reconcile unit tests: manifests as a user writes them and ECS answers as
// DescribeTaskDefinition and DescribeServices return them (defaults filled in, ARNs, own order).
import type { Service, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsService, EcsTaskDefinition } from '../../../src/api/index.js';
import type { OwnerIdentity } from '../../../src/reconcile/outcome.js';
import { ownerTags } from '../../../src/reconcile/ownership.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const tdOwner: OwnerIdentity = { clusterId: 'prod-eu', kind: 'EcsTaskDefinition', namespace: 'shop', name: 'web', uid: '4f1c0a7e-0000-4000-8000-000000000001' };
export const svcOwner: OwnerIdentity = { clusterId: 'prod-eu', kind: 'EcsService', namespace: 'shop', name: 'web', uid: '4f1c0a7e-0000-4000-8000-000000000002' };

export function taskDefinitionManifest(spec: Partial<EcsTaskDefinition['spec']> = {}): EcsTaskDefinition {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsTaskDefinition',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: {
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: 256,
      memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx:1.27',
          portMappings: [{ containerPort: 80 }],
          environment: [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
          healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' } },
        },
        { name: 'sidecar', image: 'busybox', essential: false, command: ['sleep', 'infinity'] },
      ],
      volumes: [{ name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123' } }, { name: 'scratch' }],
      tags: [{ key: 'team', value: 'storefront' }],
      ...spec,
    },
  };
}

/** The revision ECS registers for taskDefinitionManifest(): what DescribeTaskDefinition returns. */
export function registeredRevision(revision = 1): TaskDefinition {
  return {
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:${revision}`,
    family: 'web',
    revision,
    status: 'ACTIVE',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    compatibilities: ['EC2', 'FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'ecsTaskExecutionRole',
    registeredAt: new Date('2026-11-20T10:00:00Z'),
    placementConstraints: [],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    volumes: [
      { name: 'scratch', host: {} },
      { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123', rootDirectory: '/', transitEncryption: 'DISABLED' } },
    ],
    containerDefinitions: [
      {
        name: 'sidecar',
        image: 'busybox',
        cpu: 0,
        essential: false,
        command: ['sleep', 'infinity'],
        portMappings: [],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
        systemControls: [],
      },
      {
        name: 'web',
        image: 'nginx:1.27',
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        mountPoints: [],
        volumesFrom: [],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], interval: 30, timeout: 5, retries: 3 },
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-region': 'us-east-1', 'awslogs-group': '/ecs/web' }, secretOptions: [] },
        versionConsistency: 'enabled',
      },
    ],
  };
}

export const SUBNETS = ['subnet-0bbb', 'subnet-0aaa'];
export const TG_ARN = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/web/0123456789abcdef`;
export const TD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:3`;

export function serviceManifest(spec: Partial<EcsService['spec']> = {}): EcsService {
  return {
    apiVersion: 'ecs.operator.dev/v1alpha1',
    kind: 'EcsService',
    metadata: { name: 'web', namespace: 'shop', generation: 1 },
    spec: {
      cluster: 'demo',
      taskDefinitionRef: { name: 'web' },
      desiredCount: 2,
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', weight: 1, base: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: ['sg-0aaa'] } },
      loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80 }],
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      tags: [{ key: 'team', value: 'storefront' }],
      ...spec,
    },
  };
}

/** What DescribeServices returns for serviceManifest() once created by the operator. */
export function runningService(overrides: Partial<Service> = {}): Service {
  return {
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/demo/web`,
    serviceName: 'web',
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/demo`,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    taskDefinition: TD_ARN,
    capacityProviderStrategy: [
      { capacityProvider: 'FARGATE_SPOT', weight: 4, base: 0 },
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
    ],
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    networkConfiguration: { awsvpcConfiguration: { subnets: [...SUBNETS].reverse(), securityGroups: ['sg-0aaa'], assignPublicIp: 'DISABLED' } },
    loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'web', containerPort: 80 }],
    serviceRegistries: [],
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
    deploymentController: { type: 'ECS' },
    schedulingStrategy: 'REPLICA',
    placementConstraints: [],
    placementStrategy: [],
    enableECSManagedTags: false,
    enableExecuteCommand: false,
    propagateTags: 'NONE',
    createdAt: new Date('2026-11-20T10:00:00Z'),
    tags: [{ key: 'aws:cloudformation:stack-name', value: 'x' }, { key: 'team', value: 'storefront' }, ...ownerTags(svcOwner)],
    deployments: [
      {
        id: 'ecs-svc/1111',
        status: 'PRIMARY',
        taskDefinition: TD_ARN,
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        failedTasks: 0,
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/1111 completed.',
      },
    ],
    ...overrides,
  };
}
