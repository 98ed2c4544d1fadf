// Checks that ECS makes and that the API server's CEL rules cannot: the size of a task definition
// (CEL has no way to measure JSON) and a service's load balancers against the containers of the
// EcsTaskDefinition it references (another object). The file source runs them when it loads the
// manifests; the reconcilers run them before any AWS call and report Stalled with the same words.
import { familyOf } from './defaults.js';
import type { FieldError } from './cel.js';
import type { EcsTaskDefinition } from './resources.js';
import type { EcsServiceSpec } from './service.js';
import type { EcsTaskDefinitionSpec } from './taskdefinition.js';

/** "Task definition size: 64 KiB, not adjustable" (Amazon ECS service quotas). */
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;

// Fields of the spec that are the operator's own and never reach RegisterTaskDefinition.
const OPERATOR_FIELDS = new Set(['region', 'revisionHistoryLimit', 'driftPolicy', 'deletionPolicy']);

/**
 * The size ECS limits, measured as the UTF-8 bytes of the RegisterTaskDefinition request the
 * manifest makes, serialized as the AWS SDK sends it (compact JSON): the spec without the
 * operator's own fields, with the family and task cpu/memory as strings, and the manifest's tags.
 * The operator's ownership tags (a few hundred bytes) are not counted: they do not depend on the
 * manifest, and leaving them out keeps the file source and the controller in agreement.
 */
export function taskDefinitionRequestBytes(td: Pick<EcsTaskDefinition, 'metadata' | 'spec'>): number {
  const request: Record<string, unknown> = { family: familyOf(td) };
  for (const [key, value] of Object.entries(td.spec)) {
    if (OPERATOR_FIELDS.has(key) || key === 'family') continue;
    request[key] = (key === 'cpu' || key === 'memory') && value !== undefined ? String(value) : value;
  }
  return Buffer.byteLength(JSON.stringify(request), 'utf8');
}

/** Too large for RegisterTaskDefinition, said at spec; undefined when it fits. */
export function taskDefinitionSizeError(td: Pick<EcsTaskDefinition, 'metadata' | 'spec'>): FieldError | undefined {
  const bytes = taskDefinitionRequestBytes(td);
  if (bytes <= TASK_DEFINITION_MAX_BYTES) return undefined;
  return {
    path: 'spec',
    message:
      `the task definition is ${bytes} bytes as a RegisterTaskDefinition request, more than the ${TASK_DEFINITION_MAX_BYTES} (64 KiB) ECS accepts: ` +
      'move large values (environment, command, docker labels) to environmentFiles or secrets, or split the containers over several task definitions',
  };
}

/**
 * Each load balancer's containerName and containerPort against the containers of the referenced
 * EcsTaskDefinition: "This port must correspond to a containerPort in the task definition the tasks
 * in the service are using" (ECS API reference, LoadBalancer), and CreateService/UpdateService
 * refuse a container the task definition does not have. Paths are the service's.
 */
export function loadBalancerTargetErrors(
  service: Pick<EcsServiceSpec, 'loadBalancers'>,
  taskDefinitionName: string,
  taskDefinition: Pick<EcsTaskDefinitionSpec, 'containerDefinitions'>,
): FieldError[] {
  const errors: FieldError[] = [];
  const containers = taskDefinition.containerDefinitions;
  (service.loadBalancers ?? []).forEach((lb, i) => {
    const container = containers.find((c) => c.name === lb.containerName);
    if (!container) {
      errors.push({
        path: `spec.loadBalancers[${i}].containerName`,
        message: `EcsTaskDefinition ${taskDefinitionName} has no container "${lb.containerName}" (its containers: ${containers.map((c) => c.name).join(', ')})`,
      });
      return;
    }
    const ports = (container.portMappings ?? []).map((p) => p.containerPort);
    if (!ports.includes(lb.containerPort)) {
      errors.push({
        path: `spec.loadBalancers[${i}].containerPort`,
        message: `container "${lb.containerName}" of EcsTaskDefinition ${taskDefinitionName} has no port mapping with containerPort ${lb.containerPort} (${ports.length > 0 ? `its container ports: ${ports.join(', ')}` : 'it has no portMappings'})`,
      });
    }
  });
  return errors;
}

/** Field errors as one line, for a condition message: `spec.x: message; spec.y: message`. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}
