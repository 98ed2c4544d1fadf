import { describe, expect, it } from 'vitest';
import { validateManifest, type FieldError } from '../../../src/api/validate.js';
import { invalidCases, service, taskDefinition } from './invalid-manifests.js';

function errorsOf(manifest: unknown): FieldError[] {
  const result = validateManifest(manifest);
  return result.ok ? [] : result.errors;
}

describe('validateManifest (the file source) rejects what the API server rejects', () => {
  it.each(invalidCases)('$name', ({ manifest, path, message }) => {
    const errors = errorsOf(manifest);
    expect(errors, JSON.stringify(errors)).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

describe('validateManifest', () => {
  it('accepts the base manifests the invalid cases start from', () => {
    expect(errorsOf(taskDefinition())).toEqual([]);
    expect(errorsOf(service())).toEqual([]);
  });

  it('returns the manifest typed, with the policy defaults filled in, without touching its input', () => {
    const input = service();
    const result = validateManifest(input);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'EcsService') throw new Error('expected an EcsService');
    expect(result.value.spec.driftPolicy).toBe('Correct');
    expect(result.value.spec.deletionPolicy).toBe('Delete');
    expect(result.value.spec.cluster).toBe('demo');
    expect((input.spec as Record<string, unknown>).driftPolicy).toBeUndefined();
  });

  it('keeps a policy the manifest sets', () => {
    const result = validateManifest(service({ driftPolicy: 'Report', deletionPolicy: 'Retain' }));
    expect(result.ok && result.value.kind === 'EcsService' && [result.value.spec.driftPolicy, result.value.spec.deletionPolicy]).toEqual(['Report', 'Retain']);
  });

  it('takes task cpu and memory as numbers or numeric strings', () => {
    expect(errorsOf(taskDefinition({ cpu: 1024, memory: 2048 }))).toEqual([]);
    expect(errorsOf(taskDefinition({ cpu: '1024', memory: '2048' }))).toEqual([]);
    expect(errorsOf(taskDefinition({ cpu: 1024, memory: 2.5 }))).toContainEqual({ path: 'spec.memory', message: 'must be of type integer,string' });
  });

  it.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [1024, 8192],
    [2048, 5120],
    [4096, 30720],
    [8192, 20480],
    [16384, 122880],
  ])('accepts the Fargate size cpu %i / memory %i', (cpu, memory) => {
    expect(errorsOf(taskDefinition({ cpu, memory }))).toEqual([]);
  });

  it.each([
    [256, 3072, 'spec.memory'],
    [512, 512, 'spec.memory'],
    [1024, 9216, 'spec.memory'],
    [4096, 31744, 'spec.memory'],
    [8192, 17408, 'spec.memory'],
    [16384, 36864, 'spec.memory'],
    [128, 512, 'spec.cpu'],
    ['2000', 4096, 'spec.cpu'],
  ])('rejects the Fargate size cpu %s / memory %i at the field that is wrong (%s)', (cpu, memory, path) => {
    expect(errorsOf(taskDefinition({ cpu, memory })).map((e) => e.path)).toEqual([path]);
  });

  it('names the memory sizes that fit the cpu when a Fargate memory does not', () => {
    expect(errorsOf(taskDefinition({ cpu: '8192', memory: 17408 }))).toEqual([
      { path: 'spec.memory', message: 'memory 17408 does not fit cpu 8192 on Fargate: cpu 8192 takes memory 16384 to 61440 in steps of 4096' },
    ]);
  });

  it('accepts containers whose hard limits add up to more than the task memory, each within it (ECS checks them one by one)', () => {
    const containers = [
      { name: 'app', image: 'app:1', memory: 512, memoryReservation: 256 },
      { name: 'sidecar', image: 'sidecar:1', memory: 512, memoryReservation: 128 },
    ];
    expect(errorsOf(taskDefinition({ containerDefinitions: containers }))).toEqual([]);
  });

  it('accepts a container memory equal to the task memory', () => {
    expect(errorsOf(taskDefinition({ containerDefinitions: [{ name: 'app', image: 'app:1', memory: 512, memoryReservation: 512, cpu: 256 }] }))).toEqual([]);
  });

  it('checks container memory against task memory on EC2 too, where Fargate sizes do not apply', () => {
    const errors = errorsOf(taskDefinition({ requiresCompatibilities: ['EC2'], networkMode: 'bridge', cpu: undefined, memory: 700, containerDefinitions: [{ name: 'app', image: 'app:1', memoryReservation: 800 }] }));
    expect(errors).toEqual([{ path: 'spec.containerDefinitions', message: "the containers' memoryReservation values add up to more than the task memory of 700 MiB" }]);
  });

  it('accepts a region of every AWS partition, including ones newer than this list would know by name', () => {
    const regions = ['us-east-1', 'eu-central-2', 'ap-southeast-7', 'mx-central-1', 'il-central-1', 'ca-west-1', 'me-central-1', 'af-south-1', 'sa-east-1', 'cn-northwest-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1', 'eusc-de-east-1', 'ap-newzone-9'];
    for (const region of regions) {
      expect(errorsOf(service({ region })), region).toEqual([]);
      // Role ARNs default to none here, so the partition rule for them has nothing to check.
      expect(errorsOf(taskDefinition({ region })), region).toEqual([]);
    }
  });

  it('allows any cpu and memory for EC2 task definitions', () => {
    expect(errorsOf(taskDefinition({ requiresCompatibilities: ['EC2'], networkMode: 'bridge', cpu: 300, memory: 700 }))).toEqual([]);
  });

  it('needs memory somewhere for an EC2 task definition', () => {
    const errors = errorsOf(taskDefinition({ requiresCompatibilities: ['EC2'], networkMode: 'bridge', cpu: undefined, memory: undefined }));
    expect(errors).toEqual([{ path: 'spec.memory', message: 'set task-level memory, or memory or memoryReservation on every container' }]);
  });

  it('accepts a container that depends on another one that exists', () => {
    const containers = [
      { name: 'app', image: 'app:1', dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
      { name: 'init', image: 'init:1', essential: false },
    ];
    expect(errorsOf(taskDefinition({ containerDefinitions: containers }))).toEqual([]);
  });

  it('rejects a container that depends on itself', () => {
    const errors = errorsOf(taskDefinition({ containerDefinitions: [{ name: 'app', image: 'app:1', dependsOn: [{ containerName: 'app', condition: 'START' }] }] }));
    expect(errors).toEqual([{ path: 'spec.containerDefinitions[0].dependsOn', message: 'a container cannot depend on itself' }]);
  });

  it('accepts ALBRequestCountPerTarget with an explicit resourceLabel and no load balancer', () => {
    const autoscaling = {
      minCapacity: 1,
      maxCapacity: 4,
      targetTracking: [{ name: 'rps', predefinedMetric: 'ALBRequestCountPerTarget', resourceLabel: 'app/web/50dc6c495c0c9188/targetgroup/web/943f017f100becff', targetValue: 100 }],
    };
    expect(errorsOf(service({ autoscaling }))).toEqual([]);
  });

  it('accepts autoscaling without desiredCount (the service starts at minCapacity)', () => {
    expect(errorsOf(service({ desiredCount: undefined, autoscaling: { minCapacity: 2, maxCapacity: 4 } }))).toEqual([]);
  });

  it('accepts a name with a dot when serviceName is given', () => {
    expect(errorsOf(service({ serviceName: 'web-v2' }, 'web.v2'))).toEqual([]);
  });

  it('reports every broken rule at once, with the field each belongs to', () => {
    const errors = errorsOf(service({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }], autoscaling: { minCapacity: 3, maxCapacity: 1 } }));
    expect(errors.map((e) => e.path).sort()).toEqual(['spec.autoscaling.minCapacity', 'spec.capacityProviderStrategy']);
  });

  it('checks structure before rules, as the API server does', () => {
    const errors = errorsOf(service({ launchType: 'fargate', autoscaling: { minCapacity: 3, maxCapacity: 1 } }));
    expect(errors.map((e) => e.path)).toEqual(['spec.launchType']);
  });

  it('names a missing required field by its path', () => {
    expect(errorsOf(service({ clusterRef: {} }))).toEqual([{ path: 'spec.clusterRef.name', message: 'Required value' }]);
  });

  it('takes the cluster as a name or ARN, or as a clusterRef to an EcsCluster, exactly one of them', () => {
    expect(errorsOf(service({ cluster: undefined, clusterRef: { name: 'prod' } }))).toEqual([]);
    const exactlyOne = [{ path: 'spec', message: 'set exactly one of cluster (an ECS cluster name or ARN) and clusterRef (an EcsCluster in this namespace)' }];
    expect(errorsOf(service({ cluster: undefined }))).toEqual(exactlyOne);
    expect(errorsOf(service({ clusterRef: { name: 'prod' } }))).toEqual(exactlyOne);
  });

  it('rejects other kinds and versions', () => {
    expect(errorsOf({ ...service(), kind: 'Deployment' })).toEqual([{ path: 'kind', message: 'Unsupported value: "Deployment": supported values: "EcsCluster", "EcsTaskDefinition", "EcsService", "EcsTask", "EcsScheduledTask"' }]);
    expect(errorsOf({ ...service(), apiVersion: 'ecs.operator.dev/v1' })).toEqual([
      { path: 'apiVersion', message: 'Unsupported value: "ecs.operator.dev/v1": supported values: "ecs.operator.dev/v1alpha1"' },
    ]);
    expect(errorsOf('kind: EcsService')).toEqual([{ path: '', message: 'a manifest must be an object' }]);
  });

  it('accepts a status written by the operator, including fields the schema does not list yet', () => {
    const withStatus = {
      ...service(),
      status: {
        observedGeneration: 2,
        conditions: [{ type: 'Ready', status: 'True', reason: 'RolloutComplete', message: '', lastTransitionTime: '2025-01-01T00:00:00Z', observedGeneration: 2 }],
        drift: { detected: true, differences: [{ path: 'spec.desiredCount', desired: 2, actual: 5 }] },
        somethingNew: { a: 1 },
      },
    };
    expect(errorsOf(withStatus)).toEqual([]);
  });
});
