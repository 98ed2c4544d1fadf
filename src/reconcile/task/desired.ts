// The RunTask request of one attempt of an EcsTask's run, from its spec and what its references
// resolved to.
import { createHash } from 'node:crypto';
import type { NetworkConfiguration, RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { EcsTask } from '../../api/index.js';
import type { OwnerIdentity } from '../outcome.js';
import { ownerTags } from '../ownership.js';

/**
 * RunTask's idempotency token for one attempt: the same object, generation and attempt always
 * send the same token, so a RunTask repeated after a crash or a lost answer returns the tasks the
 * first one started instead of starting more. ECS takes up to 64 ASCII characters (33-126) and
 * remembers a token for up to 24 hours, per cluster
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/ECS_Idempotency.html).
 * `runId` tells apart runs that share all of these: each `apply` of the same file is a new run.
 */
export function runTaskToken(owner: OwnerIdentity, generation: number, attempt: number, runId = ''): string {
  const identity = [owner.clusterId, owner.kind, owner.namespace, owner.name, owner.uid ?? '', String(generation), String(attempt), runId].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 40);
}

export interface RunTarget {
  cluster: string;
  taskDefinitionArn: string;
}

export function runTaskRequest(obj: Pick<EcsTask, 'spec'>, target: RunTarget, owner: OwnerIdentity, clientToken: string): RunTaskCommandInput {
  const s = obj.spec;
  return {
    cluster: target.cluster,
    taskDefinition: target.taskDefinitionArn,
    count: s.count ?? 1,
    clientToken,
    // Up to 128 letters, digits, -, _ and /: names the run, so its tasks can be found by it.
    startedBy: `ecs-operator/${clientToken.slice(0, 32)}`,
    ...(s.launchType ? { launchType: s.launchType } : {}),
    ...(s.capacityProviderStrategy ? { capacityProviderStrategy: s.capacityProviderStrategy } : {}),
    ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration as NetworkConfiguration } : {}),
    ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
    ...(s.overrides ? { overrides: s.overrides } : {}),
    ...(s.group ? { group: s.group } : {}),
    ...(s.propagateTags ? { propagateTags: s.propagateTags } : {}),
    ...(s.enableECSManagedTags !== undefined ? { enableECSManagedTags: s.enableECSManagedTags } : {}),
    ...(s.enableExecuteCommand !== undefined ? { enableExecuteCommand: s.enableExecuteCommand } : {}),
    tags: [...(s.tags ?? []), ...ownerTags(owner)],
  };
}
