import { describe, expect, it } from 'vitest';
import { loadBalancerTargetErrors, taskDefinitionRequestBytes, taskDefinitionSizeError, type EcsTaskDefinition } from '../../../src/api/index.js';
import { taskDefinition } from './invalid-manifests.js';

const td = (spec: Record<string, unknown> = {}) => taskDefinition(spec) as unknown as EcsTaskDefinition;

/** A task definition whose request is exactly `bytes` long, padded with one environment value. */
function ofRequestSize(bytes: number): EcsTaskDefinition {
  const padded = (n: number) => td({ containerDefinitions: [{ name: 'app', image: 'app:1', environment: [{ name: 'PAD', value: 'x'.repeat(n) }] }] });
  const base = taskDefinitionRequestBytes(padded(0));
  return padded(bytes - base);
}

describe('task definition size (64 KiB, as ECS measures the RegisterTaskDefinition request)', () => {
  it('measures the request the manifest makes: the family and the ECS fields, not the operator fields', () => {
    const plain = td();
    const withOperatorFields = td({ region: 'eu-west-1', revisionHistoryLimit: 3, driftPolicy: 'Report', deletionPolicy: 'Retain' });
    expect(taskDefinitionRequestBytes(withOperatorFields)).toBe(taskDefinitionRequestBytes(plain));
    const request = { family: 'td', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', portMappings: [{ containerPort: 80 }] }] };
    expect(taskDefinitionRequestBytes(plain)).toBe(JSON.stringify(request).length);
  });

  it('counts bytes, not characters: a value in UTF-8 takes what it takes on the wire', () => {
    const ascii = td({ containerDefinitions: [{ name: 'app', image: 'app:1', environment: [{ name: 'A', value: 'e' }] }] });
    const accented = td({ containerDefinitions: [{ name: 'app', image: 'app:1', environment: [{ name: 'A', value: 'é' }] }] });
    expect(taskDefinitionRequestBytes(accented) - taskDefinitionRequestBytes(ascii)).toBe(1);
  });

  it('accepts a request of exactly 64 KiB and refuses one byte more, saying how large it is', () => {
    expect(taskDefinitionSizeError(ofRequestSize(65_536))).toBeUndefined();
    expect(taskDefinitionSizeError(ofRequestSize(65_537))).toEqual({
      path: 'spec',
      message: expect.stringMatching(/^the task definition is 65537 bytes as a RegisterTaskDefinition request, more than the 65536 \(64 KiB\) ECS accepts: /),
    });
  });
});

describe('load balancer container and port against the referenced task definition', () => {
  const lb = (containerName: string, containerPort: number) => ({ targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef', containerName, containerPort });
  const containers = { containerDefinitions: [{ name: 'app', image: 'app:1', portMappings: [{ containerPort: 80 }, { containerPort: 9090 }] }, { name: 'sidecar', image: 'sidecar:1' }] };

  it('accepts a container and a containerPort of its port mappings', () => {
    expect(loadBalancerTargetErrors({ loadBalancers: [lb('app', 80), lb('app', 9090)] }, 'web', containers)).toEqual([]);
    expect(loadBalancerTargetErrors({}, 'web', containers)).toEqual([]);
  });

  it('names the load balancer entry and the containers there are when the container is missing', () => {
    expect(loadBalancerTargetErrors({ loadBalancers: [lb('app', 80), lb('web', 80)] }, 'web', containers)).toEqual([
      { path: 'spec.loadBalancers[1].containerName', message: 'EcsTaskDefinition web has no container "web" (its containers: app, sidecar)' },
    ]);
  });

  it('names the ports the container maps when the containerPort is not one of them', () => {
    expect(loadBalancerTargetErrors({ loadBalancers: [lb('app', 8080)] }, 'web', containers)).toEqual([
      { path: 'spec.loadBalancers[0].containerPort', message: 'container "app" of EcsTaskDefinition web has no port mapping with containerPort 8080 (its container ports: 80, 9090)' },
    ]);
    expect(loadBalancerTargetErrors({ loadBalancers: [lb('sidecar', 80)] }, 'web', containers)).toEqual([
      { path: 'spec.loadBalancers[0].containerPort', message: 'container "sidecar" of EcsTaskDefinition web has no port mapping with containerPort 80 (it has no portMappings)' },
    ]);
  });
});
