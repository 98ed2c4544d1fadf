// The normalized form of a task definition: what a manifest asks for and what DescribeTaskDefinition
// returns, reduced to one shape so that an unchanged manifest compares equal to the revision it was
// registered as. ECS fills in defaults (cpu 0, essential true, protocol tcp, hostPort under awsvpc,
// EFS rootDirectory "/", health check timings), answers with empty lists, keeps role names or
// ARNs, and adds read-only members (revision, status, compatibilities...); none of that is a change.
import type { ContainerDefinition, PortMapping, RuntimePlatform, TaskDefinition, Volume } from '@aws-sdk/client-ecs';
import { ContainerDefinition as ContainerDefinitionSchema, EcsTaskDefinitionSpec, Volume as VolumeSchema } from '../../api/index.js';
import { pruneObject, sortedBy, sortedSet, type JsonObject } from '../canonical.js';

/** The members of a revision that a manifest sets (RegisterTaskDefinition's input without tags). */
export type TaskDefinitionFields = Pick<
  TaskDefinition,
  | 'family'
  | 'taskRoleArn'
  | 'executionRoleArn'
  | 'networkMode'
  | 'containerDefinitions'
  | 'volumes'
  | 'placementConstraints'
  | 'requiresCompatibilities'
  | 'cpu'
  | 'memory'
  | 'pidMode'
  | 'ipcMode'
  | 'runtimePlatform'
  | 'ephemeralStorage'
>;

// Only what the API lets a manifest say is compared: members ECS adds or that the API does not
// model (restartPolicy, versionConsistency...) can never look like a change. Taken from the schema,
// so a field added to the API is compared from then on.
const OPERATOR_FIELDS = new Set(['region', 'revisionHistoryLimit', 'driftPolicy', 'deletionPolicy', 'adoptExisting', 'tags']);
const TASK_FIELDS = new Set(Object.keys(EcsTaskDefinitionSpec.properties).filter((k) => !OPERATOR_FIELDS.has(k)));
const CONTAINER_FIELDS = new Set(Object.keys(ContainerDefinitionSchema.properties));
const VOLUME_FIELDS = new Set(Object.keys(VolumeSchema.properties));

function pick(value: object, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => keys.has(k)));
}

// ECS's documented defaults for members a manifest may leave out.
const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };
const RUNTIME_PLATFORM_DEFAULTS: RuntimePlatform = { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' };

/** Role given as a name or as an ARN: ECS accepts both for the same role. */
function roleName(role: string | undefined): string | undefined {
  const marker = ':role/';
  return role?.includes(marker) ? role.slice(role.indexOf(marker) + marker.length) : role;
}

/** `false` for a flag whose absence means false, so that both read the same. */
const flag = (value: boolean | undefined): true | undefined => (value ? true : undefined);

function portMapping(p: PortMapping, networkMode: string): Record<string, unknown> {
  // Under awsvpc and host networking the host port is the container port; under bridge an absent
  // host port is a dynamic one, which ECS reports as 0.
  const hostPort = p.hostPort ?? (networkMode === 'awsvpc' || networkMode === 'host' ? p.containerPort : 0);
  return { ...p, protocol: p.protocol ?? 'tcp', hostPort };
}

function container(c: ContainerDefinition, networkMode: string): Record<string, unknown> {
  const byName = <T extends { name?: string }>(items: T[] | undefined) => sortedBy(items ?? [], (i) => i.name ?? '');
  const lp = c.linuxParameters;
  return {
    ...pick(c, CONTAINER_FIELDS),
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings: sortedBy((c.portMappings ?? []).map((p) => portMapping(p, networkMode)), (p) => `${String(p.containerPort).padStart(5, '0')}/${String(p.protocol)}`),
    environment: byName(c.environment),
    secrets: byName(c.secrets),
    ulimits: byName(c.ulimits),
    dependsOn: sortedBy(c.dependsOn ?? [], (d) => d.containerName ?? ''),
    mountPoints: sortedBy(c.mountPoints ?? [], (m) => m.containerPath ?? '').map((m) => ({ ...m, readOnly: flag(m.readOnly) })),
    volumesFrom: sortedBy(c.volumesFrom ?? [], (v) => v.sourceContainer ?? '').map((v) => ({ ...v, readOnly: flag(v.readOnly) })),
    healthCheck: c.healthCheck && { ...HEALTH_CHECK_DEFAULTS, ...pruneObject(c.healthCheck) },
    logConfiguration: c.logConfiguration && { ...c.logConfiguration, secretOptions: byName(c.logConfiguration.secretOptions) },
    linuxParameters: lp && {
      ...lp,
      capabilities: lp.capabilities && { add: sortedSet(lp.capabilities.add ?? []), drop: sortedSet(lp.capabilities.drop ?? []) },
      initProcessEnabled: flag(lp.initProcessEnabled),
      tmpfs: sortedBy(lp.tmpfs ?? [], (t) => t.containerPath ?? ''),
    },
    readonlyRootFilesystem: flag(c.readonlyRootFilesystem),
    privileged: flag(c.privileged),
  };
}

function volume(v: Volume): Record<string, unknown> {
  const efs = v.efsVolumeConfiguration;
  const docker = v.dockerVolumeConfiguration;
  return {
    ...pick(v, VOLUME_FIELDS),
    efsVolumeConfiguration: efs && { ...efs, rootDirectory: efs.rootDirectory ?? '/', transitEncryption: efs.transitEncryption ?? 'DISABLED' },
    dockerVolumeConfiguration: docker && { ...docker, scope: docker.scope ?? 'task', autoprovision: flag(docker.autoprovision) },
  };
}

function runtimePlatform(p: RuntimePlatform | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  return {
    cpuArchitecture: p.cpuArchitecture === RUNTIME_PLATFORM_DEFAULTS.cpuArchitecture ? undefined : p.cpuArchitecture,
    operatingSystemFamily: p.operatingSystemFamily === RUNTIME_PLATFORM_DEFAULTS.operatingSystemFamily ? undefined : p.operatingSystemFamily,
  };
}

/**
 * The canonical JSON of a task definition's content. Lists whose order means nothing (containers,
 * volumes, variables, compatibilities) are sorted. Tags are left out: they change in place.
 */
export function canonicalTaskDefinition(td: TaskDefinitionFields): JsonObject {
  // ECS defaults networkMode to bridge on Linux.
  const networkMode = td.networkMode ?? 'bridge';
  return pruneObject({
    ...pick(td, TASK_FIELDS),
    networkMode,
    taskRoleArn: roleName(td.taskRoleArn),
    executionRoleArn: roleName(td.executionRoleArn),
    requiresCompatibilities: sortedSet(td.requiresCompatibilities ?? []),
    runtimePlatform: runtimePlatform(td.runtimePlatform),
    placementConstraints: sortedBy(td.placementConstraints ?? [], (c) => `${c.type ?? ''} ${c.expression ?? ''}`),
    volumes: sortedBy(td.volumes ?? [], (v) => v.name ?? '').map(volume),
    containerDefinitions: sortedBy(td.containerDefinitions ?? [], (c) => c.name ?? '').map((c) => container(c, networkMode)),
  });
}
