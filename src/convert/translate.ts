// The compose and ecs-params models to an EcsTaskDefinition and an EcsService, by the rules
// ecs-cli's `compose service up` followed (amazon-ecs-cli: ecs-cli/modules/utils/compose/
// convert_task_definition.go, reconcile_container_def.go, ecs_params_reader.go and
// cli/compose/entity/service/service.go). Where ECS stores the same thing in another form (MiB for
// "2GB", no hostPort for 0) the manifest says it the way DescribeTaskDefinition shows it, so that
// drift compares like with like; each such choice is a note that the writer prints as a comment.
import { API_VERSION, KINDS, type EcsService, type EcsTaskDefinition } from '../api/index.js';
import type { ComposeHealthCheck, ComposeProject, ComposeService } from './compose.js';
import type { EcsParams, ParamsContainer } from './ecs-params.js';
import { composeMemoryMiB, taskCpuUnits, taskMemoryMiB } from './units.js';
import { VolumeTable } from './volumes.js';
import type { Node } from './yaml-file.js';

type TaskDefinitionSpec = EcsTaskDefinition['spec'];
type ContainerDefinition = TaskDefinitionSpec['containerDefinitions'][number];
type ServiceSpec = EcsService['spec'];

export interface ConvertOptions {
  projectName: string;
  cluster: string;
  desiredCount: number;
  launchType?: 'FARGATE' | 'EC2';
  capacityProviders?: Array<{ capacityProvider: string; weight?: number; base?: number }>;
  tags?: Array<{ key: string; value: string }>;
  /** ecs-cli's --create-log-groups, as the awslogs-create-group log option. */
  createLogGroups?: boolean;
  /** Folder of the compose file: relative host paths are resolved against it, as compose does. */
  composeDir: string;
}

export interface Translation {
  taskDefinition: { apiVersion: string; kind: 'EcsTaskDefinition'; metadata: { name: string }; spec: TaskDefinitionSpec };
  service: { apiVersion: string; kind: 'EcsService'; metadata: { name: string }; spec: ServiceSpec };
  /** Comments for each manifest: how a value was translated and why. */
  notes: { taskDefinition: string[]; service: string[] };
  /** Where a part of a manifest came from (longest prefix wins), to locate a validation error. */
  origins: Array<{ kind: 'EcsTaskDefinition' | 'EcsService'; prefix: string; node: Node }>;
}

// reconcile_container_def.go: a container with no memory value, in a task without task-level
// memory, gets a hard limit of 512 MiB (RegisterTaskDefinition needs one of them).
export const ECS_CLI_DEFAULT_CONTAINER_MEMORY_MIB = 512;

const LOG_DRIVERS = new Set(['awslogs', 'awsfirelens', 'splunk', 'fluentd', 'gelf', 'json-file', 'journald', 'syslog']);

/** A Kubernetes object name (RFC 1123 subdomain label) from an ECS name: lower case, `_` to `-`. */
export function kubernetesName(name: string): string {
  const out = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return out || 'converted';
}

export function translate(compose: ComposeProject, params: EcsParams | undefined, opts: ConvertOptions): Translation {
  const tdNotes: string[] = [];
  const svcNotes: string[] = [];
  const origins: Translation['origins'] = [];
  const composeLabel = compose.file.label;
  const root = compose.file.node();
  origins.push({ kind: 'EcsTaskDefinition', prefix: '', node: root }, { kind: 'EcsService', prefix: '', node: root });

  const name = kubernetesName(opts.projectName);
  const spec: TaskDefinitionSpec = { containerDefinitions: [] };
  if (name !== opts.projectName) spec.family = opts.projectName;

  // project.go: the launch type (--launch-type or the cluster config's default) is the task
  // definition's requiresCompatibilities.
  const fargateProviders = opts.capacityProviders?.length && opts.capacityProviders.every((c) => c.capacityProvider === 'FARGATE' || c.capacityProvider === 'FARGATE_SPOT');
  if (opts.launchType) spec.requiresCompatibilities = [opts.launchType];
  else if (fargateProviders) {
    spec.requiresCompatibilities = ['FARGATE'];
    tdNotes.push('requiresCompatibilities: FARGATE, because every capacity provider of the service is FARGATE or FARGATE_SPOT (ecs-cli took it from --launch-type).');
  }

  const taskMemory = taskSize(params, spec, tdNotes, origins);
  if (params?.networkMode) spec.networkMode = params.networkMode.value as TaskDefinitionSpec['networkMode'];
  if (params?.taskRoleArn) spec.taskRoleArn = params.taskRoleArn;
  if (params?.executionRole) spec.executionRoleArn = params.executionRole;
  if (params?.pidMode) spec.pidMode = params.pidMode as TaskDefinitionSpec['pidMode'];
  if (params?.ipcMode) spec.ipcMode = params.ipcMode as TaskDefinitionSpec['ipcMode'];

  const volumes = new VolumeTable(compose, params, opts.composeDir, tdNotes);
  for (const svc of compose.services) {
    const pc = params?.containers.get(svc.name);
    origins.push({ kind: 'EcsTaskDefinition', prefix: `spec.containerDefinitions[${spec.containerDefinitions.length}]`, node: svc.node });
    spec.containerDefinitions.push(container(svc, pc, compose.version, taskMemory, volumes, opts, tdNotes));
  }
  for (const [n, pc] of params?.containers ?? []) {
    if (!compose.services.some((s) => s.name === n)) pc.node.warn(`not converted: no service ${n} in ${composeLabel}`);
  }
  if (spec.containerDefinitions.every((c) => c.essential === false)) {
    (params?.file.node() ?? root).error('Task definition does not have any essential containers (ecs-cli refused this too)');
  }
  const vols = volumes.toSpec();
  if (vols.length > 0) spec.volumes = vols;
  if (params?.taskPlacementConstraints.length) spec.placementConstraints = params.taskPlacementConstraints as TaskDefinitionSpec['placementConstraints'];
  if (opts.tags?.length) {
    spec.tags = opts.tags;
    tdNotes.push('tags: from --tags; ecs-cli put its --tags on the task definition and on the service.');
  }

  const service = serviceSpec(name, opts, params, spec, svcNotes, origins);
  return {
    taskDefinition: { apiVersion: API_VERSION, kind: KINDS.EcsTaskDefinition, metadata: { name }, spec: inReadingOrder(spec) },
    service: { apiVersion: API_VERSION, kind: KINDS.EcsService, metadata: { name }, spec: service },
    notes: { taskDefinition: tdNotes, service: svcNotes },
    origins,
  };
}

// Task-level settings first, then the containers and their volumes, as the examples are written.
const TASK_DEFINITION_ORDER = ['family', 'requiresCompatibilities', 'networkMode', 'cpu', 'memory', 'taskRoleArn', 'executionRoleArn', 'pidMode', 'ipcMode', 'containerDefinitions', 'volumes', 'placementConstraints', 'tags'];

function inReadingOrder(spec: TaskDefinitionSpec): TaskDefinitionSpec {
  const out: Record<string, unknown> = {};
  for (const key of TASK_DEFINITION_ORDER) if (key in spec) out[key] = spec[key as keyof TaskDefinitionSpec];
  return out as TaskDefinitionSpec;
}

function taskSize(params: EcsParams | undefined, spec: TaskDefinitionSpec, notes: string[], origins: Translation['origins']): number | undefined {
  const size = params?.taskSize;
  if (size?.cpu) {
    const cpu = taskCpuUnits(size.cpu.value);
    if (cpu === undefined) size.cpu.node.error('must be CPU units (1024) or vCPUs (1 vCPU)');
    else {
      spec.cpu = String(cpu);
      if (String(cpu) !== size.cpu.value.trim()) notes.push(`cpu: task_size cpu_limit ${JSON.stringify(size.cpu.value)} in CPU units, as ECS stores it.`);
      origins.push({ kind: 'EcsTaskDefinition', prefix: 'spec.cpu', node: size.cpu.node });
    }
  }
  if (size?.memory) {
    const mib = taskMemoryMiB(size.memory.value);
    if (mib === undefined) size.memory.node.error('must be MiB (2048) or GB (2GB)');
    else {
      spec.memory = String(mib);
      if (String(mib) !== size.memory.value.trim()) notes.push(`memory: task_size mem_limit ${JSON.stringify(size.memory.value)} in MiB, as ECS stores it.`);
      origins.push({ kind: 'EcsTaskDefinition', prefix: 'spec.memory', node: size.memory.node });
      return mib;
    }
  }
  return undefined;
}

function container(svc: ComposeService, pc: ParamsContainer | undefined, version: 1 | 2 | 3, taskMemory: number | undefined, volumes: VolumeTable, opts: ConvertOptions, notes: string[]): ContainerDefinition {
  const c: ContainerDefinition = { name: svc.name, image: svc.image ?? '' };
  const at = `containerDefinitions ${svc.name}`;

  // Resources: ecs-params values override the compose file's (resolveIntResourceOverride).
  const cpu = pc?.cpuShares || svc.cpuShares || 0;
  let memory = svc.memLimitMiB ?? 0;
  const reservationFromCompose = svc.memReservationMiB ?? 0;
  // project_parseV1V2.go: a version 1 or 2 service with only mem_reservation gets it as its hard limit too.
  if (version !== 3 && memory === 0 && reservationFromCompose !== 0) {
    memory = reservationFromCompose;
    notes.push(`${at}: memory = mem_reservation (${reservationFromCompose} MiB), as ecs-cli set it for a version ${version} file without mem_limit.`);
  }
  let reservation = reservationFromCompose;
  const paramsMiB = (v: ParamsContainer['memLimit']) => {
    if (!v) return 0;
    const mib = composeMemoryMiB(v.value);
    if (mib === undefined) v.node.error('must be a size in bytes or with a unit (512m, 1g)');
    return mib ?? 0;
  };
  memory = paramsMiB(pc?.memLimit) || memory;
  reservation = paramsMiB(pc?.memReservation) || reservation;
  if (memory === 0 && reservation === 0 && taskMemory === undefined) {
    memory = ECS_CLI_DEFAULT_CONTAINER_MEMORY_MIB;
    notes.push(`${at}: memory ${ECS_CLI_DEFAULT_CONTAINER_MEMORY_MIB} MiB, ecs-cli's default for a container without mem_limit or mem_reservation in a task without task_size.`);
  }
  if (memory !== 0 && memory < reservation) (pc?.memLimit?.node ?? svc.node).error('mem_limit must be greater than mem_reservation');
  if (cpu) c.cpu = cpu;
  if (memory) c.memory = memory;
  if (reservation) c.memoryReservation = reservation;
  // ecs-cli wrote essential: true explicitly; true is ECS's default, so only false is written.
  if (pc?.essential === false) c.essential = false;

  if (svc.command) c.command = svc.command;
  if (svc.entrypoint) c.entryPoint = svc.entrypoint;
  if (svc.environment.length > 0) c.environment = svc.environment;
  if (pc?.secrets?.length) c.secrets = pc.secrets;
  if (svc.ports.length > 0) {
    // ecs-cli sent hostPort 0 for a port without a published one; 0 means "not set" to ECS
    // (dynamic under bridge, the container port under awsvpc), so it is left out.
    c.portMappings = svc.ports.map((p) => ({ containerPort: p.containerPort, ...(p.hostPort ? { hostPort: p.hostPort } : {}), ...(p.protocol === 'udp' ? { protocol: 'udp' as const } : {}) }));
  }
  const log = logConfiguration(svc, pc, opts, notes);
  if (log) c.logConfiguration = log;
  const hc = healthCheck(svc, pc);
  if (hc) c.healthCheck = hc;
  if (svc.ulimits.length > 0) c.ulimits = svc.ulimits as ContainerDefinition['ulimits'];
  if (svc.workingDir) c.workingDirectory = svc.workingDir;
  if (svc.user) c.user = svc.user;
  const mounts = svc.mounts.flatMap((m) => {
    const sourceVolume = volumes.mount(m.source, m.node);
    return sourceVolume ? [{ sourceVolume, containerPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) }] : [];
  });
  if (mounts.length > 0) c.mountPoints = mounts;
  if (svc.volumesFrom.length > 0) c.volumesFrom = svc.volumesFrom.map((v) => ({ sourceContainer: v.sourceContainer, ...(v.readOnly ? { readOnly: true } : {}) }));
  if (svc.labels && Object.keys(svc.labels).length > 0) c.dockerLabels = svc.labels;
  if (svc.privileged) c.privileged = true;
  if (svc.readOnly) c.readonlyRootFilesystem = true;
  if (svc.stopTimeout !== undefined) c.stopTimeout = svc.stopTimeout;
  const linux: NonNullable<ContainerDefinition['linuxParameters']> = {};
  if (svc.capAdd?.length || svc.capDrop?.length) {
    linux.capabilities = {
      ...(svc.capAdd?.length ? { add: svc.capAdd as never } : {}),
      ...(svc.capDrop?.length ? { drop: svc.capDrop as never } : {}),
    };
  }
  if (pc?.initProcessEnabled) linux.initProcessEnabled = true;
  if (svc.shmSizeMiB) linux.sharedMemorySize = svc.shmSizeMiB;
  if (Object.keys(linux).length > 0) c.linuxParameters = linux;
  if (pc?.dependsOn?.length) c.dependsOn = pc.dependsOn as ContainerDefinition['dependsOn'];
  if (pc?.credentialsParameter) c.repositoryCredentials = { credentialsParameter: pc.credentialsParameter };
  if (pc?.firelens?.type) c.firelensConfiguration = pc.firelens as ContainerDefinition['firelensConfiguration'];
  if (svc.restart) notes.push(`${at}: restart: ${svc.restart.policy} is what the ECS service does: it replaces a task whose essential container stops.`);
  return c;
}

function logConfiguration(svc: ComposeService, pc: ParamsContainer | undefined, opts: ConvertOptions, notes: string[]): ContainerDefinition['logConfiguration'] {
  const logging = svc.logging;
  if (!logging) {
    if (pc?.logSecretOptions?.length) pc.node.error('logging.secret_options needs a logging driver on the compose service');
    return undefined;
  }
  if (!LOG_DRIVERS.has(logging.driver)) {
    logging.node.child('driver')?.warn(`not converted: ECS does not take the ${logging.driver} log driver (it takes ${[...LOG_DRIVERS].join(', ')})`);
    return undefined;
  }
  const options = { ...logging.options };
  if (opts.createLogGroups && logging.driver === 'awslogs' && options['awslogs-create-group'] === undefined) {
    options['awslogs-create-group'] = 'true';
    notes.push(`containerDefinitions ${svc.name}: awslogs-create-group "true" stands for ecs-cli's --create-log-groups: ECS creates the log group when the task starts (the execution role needs logs:CreateLogGroup).`);
  }
  return {
    logDriver: logging.driver as NonNullable<ContainerDefinition['logConfiguration']>['logDriver'],
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(pc?.logSecretOptions?.length ? { secretOptions: pc.logSecretOptions } : {}),
  };
}

// convert_task_definition.go resolveHealthCheck: each ecs-params field overrides the compose one.
function healthCheck(svc: ComposeService, pc: ParamsContainer | undefined): ContainerDefinition['healthCheck'] {
  const fromCompose = svc.healthCheck === 'disabled' ? undefined : svc.healthCheck;
  const fromParams = pc?.healthCheck === 'disabled' ? undefined : pc?.healthCheck;
  if (pc?.healthCheck === 'disabled' || (svc.healthCheck === 'disabled' && !fromParams)) return undefined;
  if (!fromCompose && !fromParams) return undefined;
  const merged: ComposeHealthCheck = { ...fromCompose };
  for (const [k, v] of Object.entries(fromParams ?? {})) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  if (!merged.command?.length) {
    (pc?.node ?? svc.node).error('test/command is a required field for container healthcheck');
    return undefined;
  }
  return {
    command: merged.command,
    ...(merged.interval !== undefined ? { interval: merged.interval } : {}),
    ...(merged.timeout !== undefined ? { timeout: merged.timeout } : {}),
    ...(merged.retries !== undefined ? { retries: merged.retries } : {}),
    ...(merged.startPeriod !== undefined ? { startPeriod: merged.startPeriod } : {}),
  };
}

function serviceSpec(name: string, opts: ConvertOptions, params: EcsParams | undefined, td: TaskDefinitionSpec, notes: string[], origins: Translation['origins']): ServiceSpec {
  const spec: ServiceSpec = { cluster: opts.cluster, taskDefinitionRef: { name }, desiredCount: opts.desiredCount };
  if (name !== opts.projectName) spec.serviceName = opts.projectName;
  notes.push(`taskDefinitionRef: the service runs the latest revision of the EcsTaskDefinition ${name} and rolls out each new one; ecs-cli registered a revision and pointed the service at that family:revision.`);
  notes.push(`desiredCount: ${opts.desiredCount}${opts.desiredCount === 1 ? ', the count ecs-cli compose service up started with' : ''}.`);
  if (opts.capacityProviders?.length) {
    spec.capacityProviderStrategy = opts.capacityProviders;
    notes.push('capacityProviderStrategy: from --capacity-provider (ecs-cli compose took only a launch type).');
  } else if (opts.launchType) spec.launchType = opts.launchType;

  const awsvpc = params?.awsvpc;
  if (awsvpc) {
    origins.push({ kind: 'EcsService', prefix: 'spec.networkConfiguration', node: awsvpc.node });
    // ecs_params_reader.go ConvertToECSNetworkConfiguration: only an awsvpc task takes it.
    if (td.networkMode !== 'awsvpc') awsvpc.node.warn('not converted: ecs-cli sent a network configuration only with ecs_network_mode: awsvpc');
    else if (awsvpc.subnets.length < 1) awsvpc.node.error('at least one subnet is required in the network configuration');
    else {
      spec.networkConfiguration = {
        awsvpcConfiguration: {
          subnets: awsvpc.subnets,
          ...(awsvpc.securityGroups.length ? { securityGroups: awsvpc.securityGroups } : {}),
          ...(awsvpc.assignPublicIp ? { assignPublicIp: awsvpc.assignPublicIp as 'ENABLED' | 'DISABLED' } : {}),
        },
      };
    }
  }
  if (params?.placementConstraints.length) spec.placementConstraints = params.placementConstraints as ServiceSpec['placementConstraints'];
  if (params?.placementStrategy.length) spec.placementStrategy = params.placementStrategy as ServiceSpec['placementStrategy'];
  if (params?.serviceDiscovery) {
    params.serviceDiscovery.warn(
      'not converted: ecs-cli created the Cloud Map namespace and service itself; the operator registers tasks in an existing one: add spec.serviceRegistries (registryArn of the Cloud Map service ecs-cli created, and containerName/containerPort under bridge or host)',
    );
  }
  if (td.requiresCompatibilities?.includes('FARGATE') && params?.efsVolumes.length) {
    notes.push('platformVersion: left to LATEST (1.4.0 or later), which EFS volumes need; ecs-cli pinned 1.4.0 for them.');
  }
  // service.go buildCreateServiceInput: with the long ARN format (the default for every account
  // now) ecs-cli propagated the task definition's tags to tasks and turned on ECS managed tags.
  spec.propagateTags = 'TASK_DEFINITION';
  spec.enableECSManagedTags = true;
  notes.push('propagateTags and enableECSManagedTags: what ecs-cli compose service up set on every service it created.');
  if (opts.tags?.length) spec.tags = opts.tags;
  // The service ecs-cli created exists already: the operator takes it over instead of refusing it.
  spec.adoptExisting = true;
  notes.push('adoptExisting: the service ecs-cli created already runs; applying this takes it over (tags it as owned) instead of reporting it as not ours.');
  return spec;
}
