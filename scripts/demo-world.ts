// The "demo world": what the manifests in examples/ expect to exist in the account before the
// operator runs (subnets, security groups, target groups behind a load balancer, and any ECS
// cluster a service names without an EcsCluster manifest),
// created in an AWS emulator. `npm run demo` and the end-to-end tests that apply examples/ both
// start from it. What is needed is read from the manifests themselves, through the file source, so
// an example added or edited later gets its world without a change here.
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Kind } from '../src/api/index.js';
import { formatSourceIssue, loadManifests, type EcsObject } from '../src/sources/index.js';

export const EXAMPLES_DIR = resolve(import.meta.dirname, '..', 'examples');

const REGION = 'us-east-1';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
// The tag by which moto and LocalStack let a caller choose the id of the resource it creates.
const CUSTOM_ID_TAG = '_custom_id_';
const TARGET_GROUP_ARN = /^arn:aws[\w-]*:elasticloadbalancing:[^:]+:\d{12}:targetgroup\/([^/]+)\/([0-9a-f]+)$/;

/** What the manifests refer to and expect to exist. */
export interface WorldNeeds {
  clusters: string[];
  /** Capacity providers named by services, per cluster. */
  capacityProviders: Map<string, Set<string>>;
  subnets: string[];
  securityGroups: string[];
  /** Target groups, by name, with the ARN a manifest names (when it names one) and what they route to. */
  targetGroups: Map<string, { arn?: string; port: number; targetType: 'ip' | 'instance' }>;
  /**
   * Blue/green, linear and canary traffic shifting: a production listener rule (the ARN a manifest
   * names) that forwards to a target group and its alternate, by name.
   */
  listenerRules: Map<string, { targetGroup: string; alternate: string }>;
}

export interface DemoWorld {
  /**
   * The folder to apply: examples/ itself, or a copy with the ids the emulator gave in place of the
   * ones the examples name, when it cannot create resources with a chosen id.
   */
  manifestsDir: string;
  /** Id (or ARN) in the examples -> id the emulator gave; empty when every id could be chosen. */
  substitutions: ReadonlyMap<string, string>;
  needs: WorldNeeds;
}

/** Reads the manifests of a folder and lists the AWS resources they expect. */
export async function worldNeeds(dir: string): Promise<WorldNeeds> {
  const loaded = await loadManifests([dir]);
  if (loaded.errors.length > 0) throw new Error(`cannot read ${dir}:\n${loaded.errors.map(formatSourceIssue).join('\n')}`);
  return needsOf(loaded.objects);
}

export function needsOf(objects: readonly EcsObject[]): WorldNeeds {
  const needs: WorldNeeds = { clusters: [], capacityProviders: new Map(), subnets: [], securityGroups: [], targetGroups: new Map(), listenerRules: new Map() };
  const add = (list: string[], value: string) => void (list.includes(value) ? undefined : list.push(value));
  const networkModes = new Map(objects.filter((o) => o.kind === 'EcsTaskDefinition').map((o) => [o.manifest.metadata.name, o.manifest.spec.networkMode ?? 'bridge']));
  for (const obj of objects) {
    if (obj.kind !== 'EcsService') continue;
    const spec = obj.manifest.spec;
    // A service with a clusterRef runs in a cluster that an EcsCluster manifest creates.
    if (spec.cluster !== undefined) {
      add(needs.clusters, spec.cluster);
      const providers = needs.capacityProviders.get(spec.cluster) ?? new Set<string>();
      for (const item of spec.capacityProviderStrategy ?? []) providers.add(item.capacityProvider);
      needs.capacityProviders.set(spec.cluster, providers);
    }
    const vpc = spec.networkConfiguration?.awsvpcConfiguration;
    for (const subnet of vpc?.subnets ?? []) add(needs.subnets, String(subnet));
    for (const group of vpc?.securityGroups ?? []) add(needs.securityGroups, String(group));
    // Tasks in awsvpc mode register by IP; bridge and host tasks by instance and port.
    const mode = spec.taskDefinitionRef ? networkModes.get(spec.taskDefinitionRef.name) : undefined;
    const targetType = mode === 'awsvpc' || vpc ? 'ip' : 'instance';
    for (const lb of spec.loadBalancers ?? []) {
      const fromArn = lb.targetGroupArn ? TARGET_GROUP_ARN.exec(lb.targetGroupArn) : undefined;
      const name = fromArn?.[1] ?? lb.targetGroupName;
      if (!name) continue;
      needs.targetGroups.set(name, { ...(lb.targetGroupArn ? { arn: lb.targetGroupArn } : {}), port: lb.containerPort, targetType });
      const advanced = lb.advancedConfiguration;
      const alternateArn = advanced?.alternateTargetGroupArn ? TARGET_GROUP_ARN.exec(advanced.alternateTargetGroupArn) : undefined;
      const alternate = alternateArn?.[1] ?? advanced?.alternateTargetGroupName;
      if (!advanced || !alternate) continue;
      needs.targetGroups.set(alternate, { ...(advanced.alternateTargetGroupArn ? { arn: advanced.alternateTargetGroupArn } : {}), port: lb.containerPort, targetType });
      needs.listenerRules.set(advanced.productionListenerRule, { targetGroup: name, alternate });
    }
  }
  return needs;
}

/**
 * Creates what the manifests in `dir` (default examples/) need on the emulator at `endpoint`: a VPC
 * with their subnets (one per zone) and security groups, their clusters with the capacity providers
 * they use, and their target groups, each forwarded to by a listener of one Application Load
 * Balancer (ALBRequestCountPerTarget scaling needs the target group attached to one). Call it once
 * per emulator: clusters are shared by name.
 */
export async function createDemoWorld(endpoint: string, dir = EXAMPLES_DIR): Promise<DemoWorld> {
  const needs = await worldNeeds(dir);
  const config = { endpoint, region: REGION, credentials: CREDENTIALS };
  const ec2 = new EC2Client(config);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const substitutions = new Map<string, string>();
  const chosen = (wanted: string, got: string | undefined): string => {
    if (!got) throw new Error(`the emulator returned no id for ${wanted}`);
    if (got !== wanted) substitutions.set(wanted, got);
    return got;
  };
  const customId = (resourceType: 'vpc' | 'subnet' | 'security-group', id: string) => [{ ResourceType: resourceType, Tags: [{ Key: CUSTOM_ID_TAG, Value: id }, { Key: 'Name', Value: id }] satisfies Tag[] }];
  try {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'demo' }] }] }));
    const vpcId = Vpc?.VpcId ?? '';
    // An Application Load Balancer needs subnets in two zones at least, whatever the manifests use.
    const subnetIds = needs.subnets.length >= 2 ? needs.subnets : [...needs.subnets, ...['subnet-0de0000000000000a', 'subnet-0de0000000000000b'].slice(needs.subnets.length)];
    const subnets: string[] = [];
    for (const [i, id] of subnetIds.entries()) {
      const { Subnet } = await ec2.send(
        new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i + 1}.0/24`, AvailabilityZone: ZONES[i % ZONES.length], TagSpecifications: customId('subnet', id) }),
      );
      subnets.push(chosen(id, Subnet?.SubnetId));
    }
    for (const id of needs.securityGroups) {
      const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: id, Description: `demo ${id}`, TagSpecifications: customId('security-group', id) }));
      chosen(id, GroupId);
    }
    for (const cluster of needs.clusters) {
      const providers = [...(needs.capacityProviders.get(cluster) ?? [])];
      await ecs.send(new CreateClusterCommand({ clusterName: cluster, ...(providers.length > 0 ? { capacityProviders: providers } : {}) }));
    }
    if (needs.targetGroups.size > 0) {
      const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'demo', Type: 'application', Scheme: 'internal', Subnets: subnets }));
      const loadBalancerArn = LoadBalancers?.[0]?.LoadBalancerArn;
      let listenerPort = 8000;
      const arns = new Map<string, string>();
      for (const [name, tg] of needs.targetGroups) {
        const suffix = tg.arn ? TARGET_GROUP_ARN.exec(tg.arn)?.[2] : undefined;
        const { TargetGroups } = await elbv2.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: tg.port,
            VpcId: vpcId,
            TargetType: tg.targetType,
            ...(suffix ? { Tags: [{ Key: CUSTOM_ID_TAG, Value: suffix }] } : {}),
          }),
        );
        const arn = TargetGroups?.[0]?.TargetGroupArn;
        if (tg.arn) chosen(tg.arn, arn);
        arns.set(name, arn ?? '');
        // An alternate target group gets its traffic through its production listener rule only.
        if ([...needs.listenerRules.values()].some((r) => r.alternate === name)) continue;
        await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: listenerPort++, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] }));
      }
      // Each production listener rule forwards all traffic to its target group and none to the alternate, on a listener of its own.
      for (const [ruleArn, { targetGroup, alternate }] of needs.listenerRules) {
        const { Listeners } = await elbv2.send(
          new CreateListenerCommand({ LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: listenerPort++, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] }),
        );
        const { Rules } = await elbv2.send(
          new CreateRuleCommand({
            ListenerArn: Listeners?.[0]?.ListenerArn,
            Priority: 1,
            Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
            Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: arns.get(targetGroup), Weight: 100 }, { TargetGroupArn: arns.get(alternate), Weight: 0 }] } }],
          }),
        );
        chosen(ruleArn, Rules?.[0]?.RuleArn);
      }
    }
  } finally {
    ec2.destroy();
    ecs.destroy();
    elbv2.destroy();
  }
  return { manifestsDir: substitutions.size === 0 ? dir : await rewrittenCopy(dir, substitutions), substitutions, needs };
}

/** The manifest files directly in `dir` (what `-f dir` reads), copied with every id replaced. */
async function rewrittenCopy(dir: string, substitutions: ReadonlyMap<string, string>): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'ecs-operator-examples-'));
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = join(dir, entry.name);
    if (!/\.(ya?ml|json)$/.test(entry.name)) {
      await copyFile(from, join(out, entry.name));
      continue;
    }
    await writeFile(join(out, entry.name), substitute(await readFile(from, 'utf8'), substitutions));
  }
  return out;
}

/** Replaces whole ids only: `subnet-01` must not rewrite part of `subnet-012`. */
export function substitute(text: string, substitutions: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of substitutions) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'g'), to);
  }
  return out;
}

/**
 * The YAML documents of one kind from the manifest files directly in `dir`, for applying in the
 * order of the examples' Argo CD sync waves: clusters (wave -1), task definitions (wave 0), services (wave 1).
 */
export async function documentsOfKind(dir: string, kind: Kind): Promise<string> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const docs = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).flatMap((text) => text.split(/^---[ \t]*$/m));
  return docs.filter((doc) => new RegExp(`^kind:[ \\t]*${kind}[ \\t]*$`, 'm').test(doc)).join('\n---\n');
}
