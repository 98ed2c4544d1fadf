// The ecs-params file model (version 1, as ecs-cli's README documents it): what the compose file
// cannot say about the task definition and the service.
import { readHealthCheck, type ComposeHealthCheck } from './compose.js';
import type { Node, YamlFile } from './yaml-file.js';

export interface ParamsContainer {
  node: Node;
  essential?: boolean;
  initProcessEnabled?: boolean;
  credentialsParameter?: string;
  cpuShares?: number;
  /** Sizes here are bytes without a unit, as in docker run (not MiB). */
  memLimit?: { value: string | number; node: Node };
  memReservation?: { value: string | number; node: Node };
  healthCheck?: ComposeHealthCheck | 'disabled';
  logSecretOptions?: Array<{ name: string; valueFrom: string }>;
  secrets?: Array<{ name: string; valueFrom: string }>;
  dependsOn?: Array<{ containerName: string; condition: string }>;
  firelens?: { type: string; options?: Record<string, string> };
}

export interface ParamsDockerVolume {
  name: string;
  scope?: string;
  autoprovision?: boolean;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface ParamsEfsVolume {
  name: string;
  fileSystemId: string;
  rootDirectory?: string;
  transitEncryption?: string;
  transitEncryptionPort?: number;
  accessPoint?: string;
  iam?: string;
}

export interface EcsParams {
  file: YamlFile;
  networkMode?: { value: string; node: Node };
  taskRoleArn?: string;
  executionRole?: string;
  taskSize?: { cpu?: { value: string; node: Node }; memory?: { value: string; node: Node } };
  pidMode?: string;
  ipcMode?: string;
  containers: Map<string, ParamsContainer>;
  dockerVolumes: ParamsDockerVolume[];
  efsVolumes: ParamsEfsVolume[];
  taskPlacementConstraints: Array<{ type: string; expression?: string }>;
  awsvpc?: { subnets: string[]; securityGroups: string[]; assignPublicIp?: string; node: Node };
  placementStrategy: Array<{ type: string; field?: string }>;
  placementConstraints: Array<{ type: string; expression?: string }>;
  serviceDiscovery?: Node;
}

type Handlers = Record<string, (n: Node) => void>;

/** Calls the handler of each key; any other key is a warning, as an unknown key ecs-cli ignored. */
function eachKey(node: Node, handlers: Handlers, where: string): void {
  for (const [key, value] of node.entries()) {
    const handle = handlers[key];
    if (handle) handle(value);
    else value.warn(`not converted: ${where} takes ${Object.keys(handlers).join(', ')}`);
  }
}

function stringMap(node: Node): Record<string, string> {
  return Object.fromEntries(node.entries().map(([k, n]) => [k, n.string() ?? '']));
}

function secretList(node: Node): Array<{ name: string; valueFrom: string }> {
  return node.items().flatMap((n) => {
    const name = n.child('name')?.string();
    const valueFrom = n.child('value_from')?.string();
    if (!name || !valueFrom) {
      n.error('a secret needs name and value_from');
      return [];
    }
    return [{ name, valueFrom }];
  });
}

function sizeOf(n: Node): { value: string | number; node: Node } | undefined {
  return typeof n.value === 'string' || typeof n.value === 'number' ? { value: n.value, node: n } : (n.error('must be a size'), undefined);
}

export function readEcsParams(file: YamlFile): EcsParams {
  const params: EcsParams = { file, containers: new Map(), dockerVolumes: [], efsVolumes: [], taskPlacementConstraints: [], placementStrategy: [], placementConstraints: [] };
  const root = file.node();
  if (!root.isMap) {
    root.error('an ecs-params file must be a mapping with version, task_definition and run_params');
    return params;
  }
  const version = root.child('version');
  if (!version || version.string() !== '1') (version ?? root).error('ecs-params version must be 1 (the only version ecs-cli read)');
  eachKey(
    root,
    {
      version: () => undefined,
      task_definition: (td) => readTaskDefinition(td, params),
      run_params: (rp) => readRunParams(rp, params),
    },
    'an ecs-params file',
  );
  return params;
}

function readTaskDefinition(td: Node, params: EcsParams): void {
  eachKey(
    td,
    {
      ecs_network_mode: (n) => {
        const value = n.string();
        if (value) params.networkMode = { value, node: n };
      },
      task_role_arn: (n) => (params.taskRoleArn = n.string()),
      task_execution_role: (n) => (params.executionRole = n.string()),
      pid_mode: (n) => (params.pidMode = n.string()),
      ipc_mode: (n) => (params.ipcMode = n.string()),
      task_size: (n) => {
        params.taskSize = {};
        const size = params.taskSize;
        eachKey(
          n,
          {
            cpu_limit: (c) => {
              const value = c.string();
              if (value) size.cpu = { value, node: c };
            },
            mem_limit: (m) => {
              const value = m.string();
              if (value) size.memory = { value, node: m };
            },
          },
          'task_size',
        );
      },
      services: (n) => {
        for (const [name, c] of n.entries()) params.containers.set(name, readContainer(c));
      },
      docker_volumes: (n) => {
        params.dockerVolumes = n.items().flatMap((v) => {
          const vol: ParamsDockerVolume = { name: '' };
          eachKey(
            v,
            {
              name: (x) => (vol.name = x.string() ?? ''),
              scope: (x) => (vol.scope = x.string()),
              autoprovision: (x) => (vol.autoprovision = x.boolean()),
              driver: (x) => (vol.driver = x.string()),
              driver_opts: (x) => (vol.driverOpts = stringMap(x)),
              labels: (x) => (vol.labels = stringMap(x)),
            },
            'a docker volume',
          );
          if (!vol.name) v.error('a docker volume needs a name');
          return vol.name ? [vol] : [];
        });
      },
      efs_volumes: (n) => {
        params.efsVolumes = n.items().flatMap((v) => {
          const vol: ParamsEfsVolume = { name: '', fileSystemId: '' };
          eachKey(
            v,
            {
              name: (x) => (vol.name = x.string() ?? ''),
              filesystem_id: (x) => (vol.fileSystemId = x.string() ?? ''),
              root_directory: (x) => (vol.rootDirectory = x.string()),
              transit_encryption: (x) => (vol.transitEncryption = x.string()),
              transit_encryption_port: (x) => (vol.transitEncryptionPort = x.integer()),
              access_point: (x) => (vol.accessPoint = x.string()),
              iam: (x) => (vol.iam = x.string()),
            },
            'an EFS volume',
          );
          if (!vol.name || !vol.fileSystemId) v.error('an EFS volume needs name and filesystem_id');
          return vol.name && vol.fileSystemId ? [vol] : [];
        });
      },
      placement_constraints: (n) => (params.taskPlacementConstraints = constraints(n)),
    },
    'task_definition',
  );
}

function constraints(n: Node): Array<{ type: string; expression?: string }> {
  return n.items().map((c) => {
    const expression = c.child('expression')?.string();
    return { type: c.child('type')?.string() ?? '', ...(expression ? { expression } : {}) };
  });
}

function readContainer(c: Node): ParamsContainer {
  const out: ParamsContainer = { node: c };
  eachKey(
    c,
    {
      essential: (n) => (out.essential = n.boolean()),
      init_process_enabled: (n) => (out.initProcessEnabled = n.boolean()),
      repository_credentials: (n) => (out.credentialsParameter = n.child('credentials_parameter')?.string()),
      cpu_shares: (n) => (out.cpuShares = n.integer()),
      mem_limit: (n) => (out.memLimit = sizeOf(n)),
      mem_reservation: (n) => (out.memReservation = sizeOf(n)),
      healthcheck: (n) => (out.healthCheck = readHealthCheck(n, 'ecs-params')),
      logging: (n) =>
        eachKey(n, { secret_options: (s) => (out.logSecretOptions = secretList(s)) }, 'logging'),
      secrets: (n) => (out.secrets = secretList(n)),
      depends_on: (n) =>
        (out.dependsOn = n.items().map((d) => ({ containerName: d.child('container_name')?.string() ?? '', condition: d.child('condition')?.string() ?? '' }))),
      firelens_configuration: (n) => {
        const options = n.child('options');
        out.firelens = { type: n.child('type')?.string() ?? '', ...(options ? { options: stringMap(options) } : {}) };
      },
      gpu: (n) => n.warn('not converted: the EcsTaskDefinition schema has no resourceRequirements field (GPUs)'),
    },
    'a container in task_definition.services',
  );
  return out;
}

function readRunParams(rp: Node, params: EcsParams): void {
  eachKey(
    rp,
    {
      network_configuration: (n) =>
        eachKey(
          n,
          {
            awsvpc_configuration: (a) => {
              const assign = a.child('assign_public_ip')?.string();
              params.awsvpc = {
                subnets: (a.child('subnets')?.items() ?? []).map((s) => s.string() ?? ''),
                securityGroups: (a.child('security_groups')?.items() ?? []).map((s) => s.string() ?? ''),
                ...(assign ? { assignPublicIp: assign } : {}),
                node: a,
              };
              for (const [key, x] of a.entries()) if (!['subnets', 'security_groups', 'assign_public_ip'].includes(key)) x.warn('not converted: awsvpc_configuration takes subnets, security_groups and assign_public_ip');
            },
          },
          'network_configuration',
        ),
      task_placement: (n) =>
        eachKey(
          n,
          {
            strategy: (s) =>
              (params.placementStrategy = s.items().map((x) => {
                const field = x.child('field')?.string();
                return { type: x.child('type')?.string() ?? '', ...(field ? { field } : {}) };
              })),
            constraints: (s) => (params.placementConstraints = constraints(s)),
          },
          'task_placement',
        ),
      service_discovery: (n) => (params.serviceDiscovery = n),
    },
    'run_params',
  );
}
