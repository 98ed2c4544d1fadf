// The demo world is read from the manifests: what examples/ names must exist in the emulator.
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, substitute, worldNeeds } from '../../../scripts/demo-world.js';

describe('worldNeeds', () => {
  it('lists the subnets, security groups and target groups examples/ refers to, and no cluster: EcsCluster manifests create them', async () => {
    const needs = await worldNeeds(EXAMPLES_DIR);
    expect(needs.clusters).toEqual([]);
    expect(needs.subnets.sort()).toEqual(['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003']);
    expect(needs.securityGroups).toHaveLength(6);
    // By name (api-ec2, bridge networking: instance targets) and by ARN (awsvpc: ip targets).
    expect(needs.targetGroups.get('api-ec2')).toEqual({ port: 8080, targetType: 'instance' });
    expect(needs.targetGroups.get('checkout')).toEqual({ arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/checkout/fedcba9876543210', port: 8080, targetType: 'ip' });
  });
});

describe('substitute', () => {
  it('replaces whole ids only', () => {
    const text = 'subnets: [subnet-01, subnet-012]\nsg: sg-01 # not sg-01x';
    expect(substitute(text, new Map([['subnet-01', 'subnet-aa'], ['sg-01', 'sg-bb']]))).toBe('subnets: [subnet-aa, subnet-012]\nsg: sg-bb # not sg-01x');
  });

  it('replaces ARNs, whose characters are not taken for patterns', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
    expect(substitute(`targetGroupArn: ${arn}\n`, new Map([[arn, 'arn:new']]))).toBe('targetGroupArn: arn:new\n');
  });
});
