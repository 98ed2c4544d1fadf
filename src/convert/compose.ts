// The compose file model: the keys ecs-cli translated, read from compose file formats 1, 2 and 3
// into plain values, each with where it was written. A key the conversion does not carry over is
// a warning at its line; a value of the wrong shape is an error.
import { durationSeconds, composeMemoryMiB, shellWords } from './units.js';
import { parseEnvFile, type Lookup } from './interpolate.js';
import type { Node, YamlFile } from './yaml-file.js';

export type MountSource = { kind: 'anonymous' } | { kind: 'named'; name: string } | { kind: 'host'; path: string };

export interface ComposeMount {
  source: MountSource;
  target: string;
  readOnly: boolean;
  node: Node;
}

export interface ComposeHealthCheck {
  command?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface ComposeService {
  name: string;
  node: Node;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  /** env_file entries in file order, then `environment` (which overrides a file's value in place). */
  environment: Array<{ name: string; value: string }>;
  ports: Array<{ containerPort: number; hostPort?: number; protocol: 'tcp' | 'udp' }>;
  logging?: { driver: string; options: Record<string, string>; node: Node };
  memLimitMiB?: number;
  memReservationMiB?: number;
  cpuShares?: number;
  /** 'disabled' for `disable: true` or test NONE. */
  healthCheck?: ComposeHealthCheck | 'disabled';
  ulimits: Array<{ name: string; softLimit: number; hardLimit: number }>;
  workingDir?: string;
  user?: string;
  mounts: ComposeMount[];
  volumesFrom: Array<{ sourceContainer: string; readOnly: boolean }>;
  labels?: Record<string, string>;
  privileged?: boolean;
  readOnly?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  shmSizeMiB?: number;
  stopTimeout?: number;
  restart?: { policy: string; node: Node };
}

export interface ComposeProject {
  file: YamlFile;
  /** Major version of the compose file format (1 when it has no `version` and no `services`). */
  version: 1 | 2 | 3;
  services: ComposeService[];
  /** Named volumes declared under the top-level `volumes`, in order. */
  volumes: Array<{ name: string; node: Node }>;
}

export interface ComposeContext {
  /** Variables for a bare KEY in `environment` or an env file (.env, then the process environment). */
  lookup: Lookup;
  /** An env file named by `env_file`, relative to the compose file's folder. */
  readEnvFile(path: string): Promise<{ text: string; label: string } | { message: string }>;
}

// Keys ecs-cli never carried into the task definition, with what to do instead.
const NOT_CONVERTED: Record<string, string> = {
  build: 'ECS runs images: build and push it, and name it in image',
  container_name: 'ECS names containers after the compose service',
  depends_on: 'ecs-cli ignored it; give the order in ecs-params task_definition.services.<name>.depends_on (container_name, condition)',
  deploy: 'ecs-cli ignored it; give sizes in ecs-params (task_size, services.<name>.mem_limit/cpu_shares) and the count with --desired-count',
  expose: 'ports are published with ports',
  network_mode: 'the network mode is ecs-params task_definition.ecs_network_mode',
  networks: 'an ECS task has one network (ecs_network_mode); awsvpc subnets and security groups come from ecs-params run_params',
  secrets: 'give secrets in ecs-params task_definition.services.<name>.secrets (name, value_from)',
  configs: 'ECS has no compose configs',
  init: 'give ecs-params task_definition.services.<name>.init_process_enabled',
  tmpfs: 'write linuxParameters.tmpfs in the EcsTaskDefinition (ecs-cli converted tmpfs only with a size= option)',
  links: 'the EcsTaskDefinition schema has no links field (bridge-mode container links); containers of an awsvpc task reach each other on localhost',
  hostname: 'the EcsTaskDefinition schema has no hostname field',
  dns: 'the EcsTaskDefinition schema has no dnsServers field',
  dns_search: 'the EcsTaskDefinition schema has no dnsSearchDomains field',
  extra_hosts: 'the EcsTaskDefinition schema has no extraHosts field',
  security_opt: 'the EcsTaskDefinition schema has no dockerSecurityOptions field',
  tty: 'the EcsTaskDefinition schema has no pseudoTerminal field',
  devices: 'the EcsTaskDefinition schema has no linuxParameters.devices field',
};

// `restart` values an ECS service already carries out: its scheduler replaces a task that stops.
const RESTART_BY_SERVICE = new Set(['always', 'unless-stopped']);

export async function readCompose(file: YamlFile, ctx: ComposeContext): Promise<ComposeProject | undefined> {
  const root = file.node();
  if (!root.isMap) {
    root.error('a compose file must be a mapping with services');
    return undefined;
  }
  const versionNode = root.child('version');
  const versionText = versionNode?.string();
  let version: 1 | 2 | 3;
  if (versionText === undefined) version = root.child('services') ? 3 : 1;
  else if (/^[23](\.[0-9]+)?$/.test(versionText)) version = Number(versionText[0]) as 2 | 3;
  else if (versionText === '1') version = 1;
  else {
    versionNode?.error(`unsupported compose file version ${JSON.stringify(versionText)}: ecs-cli read versions 1, 2 and 3`);
    return undefined;
  }

  const volumes: ComposeProject['volumes'] = [];
  let serviceEntries: Array<[string, Node]>;
  if (version === 1) serviceEntries = root.entries();
  else {
    for (const [key, node] of root.entries()) {
      if (key === 'version' || key === 'services' || key.startsWith('x-')) continue;
      if (key === 'volumes') {
        for (const [name, vol] of node.entries()) {
          volumes.push({ name, node: vol });
          for (const [opt, optNode] of vol.entries()) {
            if (opt.startsWith('x-')) continue;
            optNode.warn(`not converted: ecs-cli refused volume ${opt}; declare the volume in ecs-params task_definition.docker_volumes (driver, driver_opts, labels, scope) or efs_volumes`);
          }
        }
        continue;
      }
      node.warn(`not converted: ${NOT_CONVERTED[key] ?? 'not a key ecs-cli read'}`);
    }
    const servicesNode = root.child('services');
    if (!servicesNode || !servicesNode.isMap) {
      (servicesNode ?? root).error('a compose file needs services: a mapping of service names to their settings');
      return undefined;
    }
    serviceEntries = servicesNode.entries();
  }
  if (serviceEntries.length === 0) {
    root.error('no services: a task definition needs at least one container');
    return undefined;
  }
  const services: ComposeService[] = [];
  for (const [name, node] of serviceEntries) services.push(await readService(name, node, version, ctx));
  return { file, version, services, volumes };
}

async function readService(name: string, node: Node, version: 1 | 2 | 3, ctx: ComposeContext): Promise<ComposeService> {
  const svc: ComposeService = { name, node, environment: [], ports: [], ulimits: [], mounts: [], volumesFrom: [] };
  if (!node.isMap) {
    node.error('a service must be a mapping of its settings');
    return svc;
  }
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) node.error(`the service name becomes the ECS container name, which takes only letters, digits, _ and - (1-255)`);
  let envFile: Node | undefined;
  let environment: Node | undefined;
  for (const [key, value] of node.entries()) {
    switch (key) {
      case 'image':
        svc.image = value.string();
        break;
      case 'command':
        svc.command = commandOf(value);
        break;
      case 'entrypoint':
        svc.entrypoint = commandOf(value);
        break;
      case 'env_file':
        envFile = value;
        break;
      case 'environment':
        environment = value;
        break;
      case 'ports':
        svc.ports = value.items().flatMap(readPort);
        break;
      case 'logging':
        svc.logging = readLogging(value);
        break;
      case 'log_driver':
      case 'log_opt':
        if (version !== 1) value.warn(`not converted: ${key} is a compose version 1 key; write logging (driver, options)`);
        else if (key === 'log_driver') {
          const driver = value.string();
          if (driver) svc.logging = { driver, options: svc.logging?.options ?? {}, node: value };
        } else {
          const options = Object.fromEntries(value.entries().map(([k, n]) => [k, n.string() ?? '']));
          svc.logging = { driver: svc.logging?.driver ?? '', options, node: svc.logging?.node ?? value };
        }
        break;
      case 'mem_limit':
      case 'mem_reservation':
      case 'shm_size': {
        const raw = value.value;
        const mib = typeof raw === 'string' || typeof raw === 'number' ? composeMemoryMiB(raw) : undefined;
        if (mib === undefined) value.error('must be a size in bytes or with a unit (512m, 1g)');
        else if (key === 'mem_limit') svc.memLimitMiB = mib;
        else if (key === 'mem_reservation') svc.memReservationMiB = mib;
        else svc.shmSizeMiB = mib;
        break;
      }
      case 'cpu_shares':
        svc.cpuShares = value.integer();
        break;
      case 'healthcheck':
        svc.healthCheck = readHealthCheck(value, 'compose');
        break;
      case 'ulimits':
        svc.ulimits = readUlimits(value);
        break;
      case 'working_dir':
        svc.workingDir = value.string();
        break;
      case 'user':
        svc.user = value.string();
        break;
      case 'volumes':
        svc.mounts = value.items().flatMap(readMount);
        break;
      case 'volumes_from':
        svc.volumesFrom = value.items().flatMap(readVolumeFrom);
        break;
      case 'labels':
        svc.labels = Object.fromEntries(value.stringMap().map((e) => [e.name, e.value ?? '']));
        break;
      case 'privileged':
        svc.privileged = value.boolean();
        break;
      case 'read_only':
        svc.readOnly = value.boolean();
        break;
      case 'cap_add':
        svc.capAdd = value.items().map((n) => (n.string() ?? '').replace(/^CAP_/, ''));
        break;
      case 'cap_drop':
        svc.capDrop = value.items().map((n) => (n.string() ?? '').replace(/^CAP_/, ''));
        break;
      case 'stop_grace_period': {
        const raw = value.value;
        const s = typeof raw === 'string' || typeof raw === 'number' ? durationSeconds(raw) : undefined;
        if (s === undefined) value.error('must be a duration such as 30s or 1m30s');
        svc.stopTimeout = s;
        break;
      }
      case 'restart': {
        // Unquoted, `restart: no` is the boolean false in YAML 1.1 (compose's YAML).
        const policy = value.value === false ? 'no' : (value.string() ?? '');
        if (RESTART_BY_SERVICE.has(policy)) svc.restart = { policy, node: value };
        else value.warn(`not converted: restart ${JSON.stringify(policy)}; an ECS service always replaces a task that stops (restart: always)`);
        break;
      }
      default:
        if (key.startsWith('x-')) break;
        value.warn(`not converted: ${NOT_CONVERTED[key] ?? 'not a key ecs-cli read'}`);
    }
  }
  if (svc.logging?.driver === '') {
    svc.logging.node.error('log_opt needs log_driver');
    svc.logging = undefined;
  }
  if (svc.image === undefined) node.error('needs an image: ECS runs images, it does not build them');
  svc.environment = await readEnvironment(envFile, environment, ctx);
  return svc;
}

function commandOf(node: Node): string[] | undefined {
  const v = node.stringOrList();
  if (!v) return undefined;
  if ('list' in v) return v.list;
  const words = shellWords(v.text);
  if (!words) node.error('has an unterminated quote');
  return words;
}

async function readEnvironment(envFile: Node | undefined, environment: Node | undefined, ctx: ComposeContext): Promise<Array<{ name: string; value: string }>> {
  const out: Array<{ name: string; value: string }> = [];
  const set = (name: string, value: string) => {
    const existing = out.find((e) => e.name === name);
    if (existing) existing.value = value;
    else out.push({ name, value });
  };
  if (envFile) {
    const paths = envFile.stringOrList();
    const list = paths ? ('list' in paths ? paths.list : [paths.text]) : [];
    for (const [i, path] of list.entries()) {
      const at = envFile.isList ? envFile.items()[i] ?? envFile : envFile;
      const read = await ctx.readEnvFile(path);
      if ('message' in read) {
        at.error(read.message);
        continue;
      }
      const parsed = parseEnvFile(read.text, ctx.lookup);
      for (const p of parsed.problems) at.error(`${read.label}:${p.line}: ${p.message}`);
      for (const e of parsed.entries) set(e.name, e.value);
    }
  }
  if (environment) {
    for (const e of environment.stringMap()) {
      if (e.value !== undefined) set(e.name, e.value);
      else {
        const value = ctx.lookup(e.name);
        if (value === undefined) e.node.warn(`the variable ${e.name} is not set in .env or the environment: set to a blank value, as ecs-cli did`);
        set(e.name, value ?? '');
      }
    }
  }
  return out;
}

const PORT = /^(?:(?:\[?[0-9a-fA-F.:]+\]?):)??(?:(\d+)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/;

function readPort(node: Node): ComposeService['ports'] {
  if (node.isMap) {
    const target = node.child('target')?.integer();
    const published = node.child('published')?.integer();
    const protocol = node.child('protocol')?.string() ?? 'tcp';
    for (const [key, n] of node.entries()) if (!['target', 'published', 'protocol', 'mode'].includes(key)) n.warn('not converted: ECS port mappings take target, published and protocol');
    if (target === undefined) {
      node.error('a port needs target (the container port)');
      return [];
    }
    if (protocol !== 'tcp' && protocol !== 'udp') {
      node.child('protocol')?.error('must be tcp or udp');
      return [];
    }
    return [{ containerPort: target, ...(published ? { hostPort: published } : {}), protocol }];
  }
  const text = node.string();
  if (text === undefined) return [];
  const m = PORT.exec(text.trim());
  if (!m) {
    node.error(`expected [[ip:]hostPort:]containerPort[/tcp|udp], got ${JSON.stringify(text)}`);
    return [];
  }
  const [, hostFrom, hostTo, containerFrom, containerTo, proto] = m;
  const protocol = (proto ?? 'tcp') as 'tcp' | 'udp';
  const c0 = Number(containerFrom);
  const c1 = containerTo ? Number(containerTo) : c0;
  const h0 = hostFrom ? Number(hostFrom) : undefined;
  const h1 = hostTo ? Number(hostTo) : h0;
  if (c1 < c0 || (h0 !== undefined && h1 !== undefined && h1 - h0 !== c1 - c0)) {
    node.error('a port range must be ascending and the host range as long as the container range');
    return [];
  }
  const out: ComposeService['ports'] = [];
  // A range is expanded into one mapping per port, as docker/cli's loader does.
  for (let i = 0; i <= c1 - c0; i++) out.push({ containerPort: c0 + i, ...(h0 ? { hostPort: h0 + i } : {}), protocol });
  return out;
}

function readLogging(node: Node): ComposeService['logging'] {
  const driver = node.child('driver')?.string();
  for (const [key, n] of node.entries()) if (key !== 'driver' && key !== 'options') n.warn('not converted: logging takes driver and options');
  const options = Object.fromEntries((node.child('options')?.entries() ?? []).map(([k, n]) => [k, n.string() ?? '']));
  if (!driver) {
    node.error('logging needs a driver');
    return undefined;
  }
  return { driver, options, node };
}

/** A healthcheck from compose or from ecs-params (which also takes `command` for `test`). */
export function readHealthCheck(node: Node, from: 'compose' | 'ecs-params'): ComposeHealthCheck | 'disabled' | undefined {
  const hc: ComposeHealthCheck = {};
  let test: Node | undefined;
  for (const [key, n] of node.entries()) {
    switch (key) {
      case 'test':
        test = n;
        break;
      case 'command':
        if (from === 'compose') n.warn('not converted: a compose healthcheck names its command test');
        else if (test) n.error('healthcheck.test and healthcheck.command cannot both be given');
        else test = n;
        break;
      case 'interval':
      case 'timeout':
      case 'start_period': {
        const raw = n.value;
        const s = typeof raw === 'string' || typeof raw === 'number' ? durationSeconds(raw) : undefined;
        if (s === undefined) n.error('must be a duration such as 30s or 1m30s');
        else if (key === 'start_period') hc.startPeriod = s;
        else hc[key] = s;
        break;
      }
      case 'retries':
        hc.retries = n.integer();
        break;
      case 'disable':
        if (n.boolean()) return 'disabled';
        break;
      default:
        n.warn('not converted: a healthcheck takes test, interval, timeout, retries and start_period');
    }
  }
  if (test) {
    const v = test.stringOrList();
    if (v && 'list' in v) {
      if (v.list[0] === 'NONE') return 'disabled';
      // ecs-params: a one-element list is a shell command too (ecs-cli's getHealthCheckCommand).
      hc.command = from === 'ecs-params' && v.list.length === 1 ? ['CMD-SHELL', ...v.list] : v.list;
    } else if (v) hc.command = ['CMD-SHELL', v.text];
  }
  return hc;
}

function readUlimits(node: Node): ComposeService['ulimits'] {
  return node.entries().flatMap(([name, n]) => {
    if (n.isMap) {
      const soft = n.child('soft')?.integer();
      const hard = n.child('hard')?.integer();
      if (soft === undefined || hard === undefined) {
        n.error('a ulimit takes a number, or soft and hard');
        return [];
      }
      return [{ name, softLimit: soft, hardLimit: hard }];
    }
    const single = n.integer();
    return single === undefined ? [] : [{ name, softLimit: single, hardLimit: single }];
  });
}

function sourceOf(source: string | undefined): MountSource {
  if (!source) return { kind: 'anonymous' };
  // docker's rule for a named volume: not a path (absolute, relative or home-relative).
  if (/^[./~]/.test(source)) return { kind: 'host', path: source };
  return { kind: 'named', name: source };
}

function readMount(node: Node): ComposeMount[] {
  if (node.isMap) {
    const type = node.child('type')?.string() ?? 'volume';
    if (type !== 'volume' && type !== 'bind') {
      node.warn(`not converted: a ${type} mount (ecs-cli converted volume and bind mounts)`);
      return [];
    }
    const target = node.child('target')?.string();
    if (!target) {
      node.error('a mount needs target');
      return [];
    }
    for (const [key, n] of node.entries()) if (!['type', 'source', 'target', 'read_only'].includes(key)) n.warn('not converted: ECS mount points take source, target and read_only');
    return [{ source: sourceOf(node.child('source')?.string()), target, readOnly: node.child('read_only')?.boolean() ?? false, node }];
  }
  const text = node.string();
  if (text === undefined) return [];
  const parts = text.split(':');
  let mode: string | undefined;
  let source: string | undefined;
  let target: string;
  if (parts.length === 1) target = parts[0] as string;
  else if (parts.length === 2) [source, target] = parts as [string, string];
  else if (parts.length === 3) [source, target, mode] = parts as [string, string, string];
  else {
    node.error('expected [source:]target[:ro|rw]');
    return [];
  }
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    node.error(`expected [source:]target[:ro|rw]: the access mode ${JSON.stringify(mode)} is neither ro nor rw`);
    return [];
  }
  return [{ source: sourceOf(source), target, readOnly: mode === 'ro', node }];
}

function readVolumeFrom(node: Node): ComposeService['volumesFrom'] {
  const text = node.string();
  if (text === undefined) return [];
  let parts = text.split(':');
  if (parts[0] === 'container') parts = parts.slice(1);
  const [name, mode] = parts;
  if (!name || parts.length > 2 || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) {
    node.error('expected [container:]name[:ro|rw]');
    return [];
  }
  return [{ sourceContainer: name, readOnly: mode === 'ro' }];
}
