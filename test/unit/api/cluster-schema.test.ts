// The EcsCluster schema and its CEL rules, through the same two checks the file source applies
// (ajv for the structural schema, then the CEL rules), so each rule is proven to accept what it
// should and to refuse what ECS would refuse.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { compileCelRule, evaluateCelRules, type FieldError, type SchemaNode } from '../../../src/api/cel.js';
import { EcsCluster } from '../../../src/api/index.js';
import type { CelRule } from '../../../src/api/common.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, useDefaults: true });
addFormats.default(ajv, ['date-time']);
for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type']) {
  ajv.addKeyword({ keyword });
}
const validateStructure = ajv.compile(EcsCluster);

function errorsOf(spec: Record<string, unknown>, name = 'demo'): FieldError[] {
  const manifest = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsCluster', metadata: { name }, spec };
  if (!validateStructure(manifest)) return (validateStructure.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? '' }));
  return evaluateCelRules(EcsCluster as unknown as SchemaNode, manifest);
}

const fargate = [{ name: 'FARGATE' }, { name: 'FARGATE_SPOT' }];
const workflowStrategy = [
  { capacityProvider: 'FARGATE', base: 1, weight: 1 },
  { capacityProvider: 'FARGATE_SPOT', weight: 4 },
];
const asg = { name: 'ec2-capacity', autoScalingGroup: 'ecs-asg', managedScaling: { status: 'ENABLED', targetCapacity: 100 } };

function* rulesOf(node: unknown): Generator<CelRule> {
  if (Array.isArray(node)) for (const n of node) yield* rulesOf(n);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-kubernetes-validations') yield* value as CelRule[];
      else yield* rulesOf(value);
    }
  }
}

describe('EcsCluster schema', () => {
  it.each([...rulesOf(EcsCluster)].map((r) => [r.rule, r] as const))('the file source can parse and type-check %s', (_rule, r) => {
    expect(() => compileCelRule(r.rule)).not.toThrow();
  });

  it('accepts the workflow: FARGATE + FARGATE_SPOT with FARGATE base 1 weight 1 and FARGATE_SPOT weight 4', () => {
    expect(errorsOf({ capacityProviders: fargate, defaultCapacityProviderStrategy: workflowStrategy, settings: { containerInsights: 'enhanced' } })).toEqual([]);
  });

  it('accepts an Auto Scaling group provider with managed scaling, termination protection and draining', () => {
    const provider = { ...asg, managedTerminationProtection: 'ENABLED', managedDraining: 'DISABLED' };
    expect(errorsOf({ capacityProviders: [provider], defaultCapacityProviderStrategy: [{ capacityProvider: 'ec2-capacity', weight: 1 }] })).toEqual([]);
  });

  it('accepts an empty spec (a cluster with ECS defaults)', () => {
    expect(errorsOf({})).toEqual([]);
  });

  it.each([
    ['a strategy naming a provider the cluster does not list', { capacityProviders: [{ name: 'FARGATE' }], defaultCapacityProviderStrategy: workflowStrategy }, 'must be listed in capacityProviders'],
    ['a strategy without capacityProviders', { defaultCapacityProviderStrategy: workflowStrategy }, 'must be listed in capacityProviders'],
    ['two bases', { capacityProviders: fargate, defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', base: 2, weight: 1 }] }, 'only one capacity provider'],
    ['several providers without a weight', { capacityProviders: fargate, defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', base: 1 }, { capacityProvider: 'FARGATE_SPOT' }] }, 'needs a weight greater than 0'],
    ['a provider twice in a strategy', { capacityProviders: fargate, defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE', weight: 2 }] }, 'must be unique'],
    ['Fargate and Auto Scaling group providers in one strategy', { capacityProviders: [...fargate, asg], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'ec2-capacity', weight: 1 }] }, 'not both'],
    ['a provider listed twice', { capacityProviders: [{ name: 'FARGATE' }, { name: 'FARGATE' }] }, 'must be unique'],
    ['FARGATE with an Auto Scaling group', { capacityProviders: [{ name: 'FARGATE', autoScalingGroup: 'g' }] }, 'take no autoScalingGroup'],
    ['a reserved prefix on a provider the operator creates', { capacityProviders: [{ name: 'ECS-mine', autoScalingGroup: 'g' }] }, 'cannot start with aws, ecs or fargate'],
    ['managed scaling without a group', { capacityProviders: [{ name: 'existing', managedScaling: { status: 'ENABLED' } }] }, 'set autoScalingGroup too'],
    ['termination protection without managed scaling', { capacityProviders: [{ name: 'ec2', autoScalingGroup: 'g', managedTerminationProtection: 'ENABLED' }] }, 'needs managedScaling.status ENABLED'],
    ['step sizes the wrong way round', { capacityProviders: [{ name: 'ec2', autoScalingGroup: 'g', managedScaling: { minimumScalingStepSize: 5, maximumScalingStepSize: 2 } }] }, 'must not exceed'],
    ['logConfiguration without logging OVERRIDE', { configuration: { executeCommandConfiguration: { logging: 'DEFAULT', logConfiguration: { s3BucketName: 'logs' } } } }, 'logging OVERRIDE'],
    ['logging OVERRIDE without logConfiguration', { configuration: { executeCommandConfiguration: { logging: 'OVERRIDE' } } }, 'logging OVERRIDE'],
  ])('refuses %s', (_what, spec, message) => {
    const errors = errorsOf(spec);
    expect(errors, JSON.stringify(errors)).toContainEqual(expect.objectContaining({ message: expect.stringContaining(message) }));
  });

  it('refuses a containerInsights value ECS does not know', () => {
    expect(errorsOf({ settings: { containerInsights: 'on' } })).not.toEqual([]);
  });

  it('needs spec.clusterName when metadata.name has a dot', () => {
    expect(errorsOf({}, 'prod.web')).toContainEqual(expect.objectContaining({ path: 'spec.clusterName' }));
    expect(errorsOf({ clusterName: 'prod-web' }, 'prod.web')).toEqual([]);
  });
});
