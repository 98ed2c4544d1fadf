// The same N task definitions + N services as bench/manifests.ts (Fargate, awsvpc, desired 1), in
// ACK's ecs.services.k8s.aws kinds: each Service names its TaskDefinition by reference, as an
// EcsService names its EcsTaskDefinition, so both controllers resolve the ARN themselves.
import type { AccountWorld } from '../world.js';

const API = 'ecs.services.k8s.aws/v1alpha1';

export function ackServiceObjects(i: number, namespace: string, world: AccountWorld): object[] {
  const name = `svc-${i}`;
  return [
    {
      apiVersion: API, kind: 'TaskDefinition', metadata: { name, namespace },
      spec: { family: name, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }] }] },
    },
    {
      apiVersion: API, kind: 'Service', metadata: { name, namespace },
      spec: {
        name, cluster: world.cluster, taskDefinitionRef: { from: { name } }, desiredCount: 1, launchType: 'FARGATE',
        networkConfiguration: { awsVPCConfiguration: { subnets: world.subnets, securityGroups: [world.securityGroup] } },
      },
    },
  ];
}
