// Resolves what an EcsService refers to: its task definition (an EcsTaskDefinition by name, or a
// family, family:revision or ARN) and its target groups (by ARN or by name).
import type { RegionAdapter } from '../../aws/adapter.js';
import { describeFieldErrors, loadBalancerTargetErrors, type EcsServiceSpec, type EcsTaskDefinitionSpec, type ResolvedLoadBalancer } from '../../api/index.js';
import { familyRevisionOf, parseFamilyRevision } from '../task-definition-names.js';
import type { ResolvedTaskDefinition } from './desired.js';

/**
 * What the source (the controller's cache, the CLI's manifests) knows of an EcsTaskDefinition: the
 * latest revision it registered or why there is none, and its spec when the object exists.
 */
export type TaskDefinitionRefResolution = ({ arn: string } | { waiting: string }) & { spec?: Pick<EcsTaskDefinitionSpec, 'containerDefinitions'> };

export type TaskDefinitionResolution =
  | { kind: 'resolved'; taskDefinition: ResolvedTaskDefinition }
  | { kind: 'waiting'; message: string }
  /** The service cannot run what it references, whatever AWS holds: a change of either manifest is needed. */
  | { kind: 'invalid'; reason: string; message: string };

export async function resolveTaskDefinition(
  spec: Pick<EcsServiceSpec, 'taskDefinitionRef' | 'taskDefinition' | 'loadBalancers'>,
  resolveRef: (name: string) => TaskDefinitionRefResolution,
  region: RegionAdapter,
): Promise<TaskDefinitionResolution> {
  if (spec.taskDefinitionRef) {
    const found = resolveRef(spec.taskDefinitionRef.name);
    // Checked on the manifest, before any AWS call and before waiting for a revision: ECS would
    // refuse CreateService/UpdateService with a container or port the task definition lacks.
    const invalid = found.spec ? loadBalancerTargetErrors(spec, spec.taskDefinitionRef.name, found.spec) : [];
    if (invalid.length > 0) return { kind: 'invalid', reason: 'InvalidLoadBalancer', message: describeFieldErrors(invalid) };
    if ('waiting' in found) return { kind: 'waiting', message: found.waiting };
    return { kind: 'resolved', taskDefinition: { ref: found.arn, familyRevision: familyRevisionOf(found.arn) } };
  }
  const literal = spec.taskDefinition ?? '';
  // family:revision and ARNs name one immutable revision: compared as they are, no call needed.
  if (parseFamilyRevision(literal).revision !== undefined) return { kind: 'resolved', taskDefinition: { ref: literal, familyRevision: familyRevisionOf(literal) } };
  // A bare family means its latest ACTIVE revision, which changes as revisions are registered.
  const { taskDefinition } = await region.taskDefinitions.describe(literal);
  const arn = taskDefinition.taskDefinitionArn ?? literal;
  return { kind: 'resolved', taskDefinition: { ref: arn, familyRevision: familyRevisionOf(arn) } };
}

/** Every binding with its target group ARNs; names are looked up (batched and cached by the adapter). */
export async function resolveLoadBalancers(spec: Pick<EcsServiceSpec, 'loadBalancers'>, region: RegionAdapter): Promise<ResolvedLoadBalancer[]> {
  return Promise.all(
    (spec.loadBalancers ?? []).map(async (lb): Promise<ResolvedLoadBalancer> => {
      const binding = { containerName: lb.containerName, containerPort: lb.containerPort };
      const advanced = lb.advancedConfiguration ? { advancedConfiguration: await resolveAdvancedConfiguration(lb.advancedConfiguration, region) } : {};
      if (lb.targetGroupArn) return { targetGroupArn: lb.targetGroupArn, ...binding, ...advanced };
      const group = await region.targetGroups.resolve({ name: lb.targetGroupName ?? '' });
      return {
        targetGroupArn: group.TargetGroupArn ?? '',
        targetGroupName: lb.targetGroupName,
        ...(group.LoadBalancerArns?.length ? { loadBalancerArns: group.LoadBalancerArns } : {}),
        ...binding,
        ...advanced,
      };
    }),
  );
}

type AdvancedConfigurationSpec = NonNullable<NonNullable<EcsServiceSpec['loadBalancers']>[number]['advancedConfiguration']>;

/** The alternate target group is found by name the way the primary one is. */
async function resolveAdvancedConfiguration(spec: AdvancedConfigurationSpec, region: RegionAdapter): Promise<NonNullable<ResolvedLoadBalancer['advancedConfiguration']>> {
  const { alternateTargetGroupArn, alternateTargetGroupName, ...routes } = spec;
  if (alternateTargetGroupArn) return { alternateTargetGroupArn, ...routes };
  const group = await region.targetGroups.resolve({ name: alternateTargetGroupName ?? '' });
  return { alternateTargetGroupArn: group.TargetGroupArn ?? '', alternateTargetGroupName, ...routes };
}
