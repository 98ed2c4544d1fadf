// `ecs-operator convert`: a docker-compose file and an ecs-params file, as ecs-cli read them, to an
// EcsTaskDefinition and an EcsService. Reads, translates, validates; never writes a manifest that
// `apply -f` would refuse.
import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { validateManifest } from '../api/validate.js';
import { enclosingPaths } from '../sources/field-path.js';
import { readFileText } from '../sources/files.js';
import { DEFAULT_LIMITS } from '../sources/types.js';
import { readCompose, type ComposeContext } from './compose.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import { readEcsParams, type EcsParams } from './ecs-params.js';
import { interpolateFile, parseEnvFile, type Lookup } from './interpolate.js';
import { translate, type ConvertOptions, type Translation } from './translate.js';
import { writeManifests } from './writer.js';
import { readYamlFile, type Node } from './yaml-file.js';

export { formatDiagnostic, type Diagnostic } from './diagnostics.js';
export { kubernetesName, ECS_CLI_DEFAULT_CONTAINER_MEMORY_MIB, type ConvertOptions } from './translate.js';

export interface ConvertRequest extends Omit<ConvertOptions, 'composeDir' | 'projectName'> {
  composeFile: string;
  ecsParamsFile?: string;
  /** Defaults to the compose file's folder name, as ecs-cli defaulted to the current folder's. */
  projectName?: string;
  /** The process environment: it overrides `.env`, as in docker compose. */
  environment: Record<string, string | undefined>;
}

export type ConvertResult =
  | { ok: true; name: string; text: string; translation: Translation; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** libcompose's normalizeName: lower case, letters and digits only. */
function projectNameFromFolder(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** By file (in the order first met), then line: the order a reader goes through the files. */
function inFileOrder(items: Diagnostic[]): Diagnostic[] {
  const files = [...new Set(items.map((d) => d.file))];
  return [...items].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export async function convert(req: ConvertRequest): Promise<ConvertResult> {
  const diagnostics = new Diagnostics();
  const fail = (): ConvertResult => ({ ok: false, diagnostics: inFileOrder(diagnostics.items) });
  const composeDir = dirname(resolve(req.composeFile));
  const lookup = await environmentLookup(composeDir, req.environment, diagnostics);

  const composeRaw = await readYamlFile(req.composeFile, req.composeFile, diagnostics);
  if (!composeRaw) return fail();
  const composeFile = interpolateFile(composeRaw, lookup);
  const ctx: ComposeContext = {
    lookup,
    async readEnvFile(path) {
      const full = resolve(composeDir, path);
      const label = relative(process.cwd(), full) || full;
      const read = await readFileText(full, DEFAULT_LIMITS.maxFileBytes);
      return 'code' in read ? { message: `env_file ${read.message}` } : { text: read.text, label };
    },
  };
  const compose = await readCompose(composeFile, ctx);

  let params: EcsParams | undefined;
  if (req.ecsParamsFile) {
    const raw = await readYamlFile(req.ecsParamsFile, req.ecsParamsFile, diagnostics);
    // ecs_params_reader.go: os.ExpandEnv over the file, so the process environment only.
    if (raw) params = readEcsParams(interpolateFile(raw, (n) => req.environment[n]));
  }
  if (!compose || diagnostics.errors.length > 0) return fail();

  const projectName = req.projectName ?? projectNameFromFolder(composeDir);
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(projectName)) {
    diagnostics.add({ severity: 'error', file: req.composeFile, message: `the project name ${JSON.stringify(projectName)} is the task definition family and service name, which take only letters, digits, _ and -: give --project-name` });
    return fail();
  }
  const translation = translate(compose, params, { ...req, projectName, composeDir });
  if (diagnostics.errors.length > 0) return fail();

  for (const manifest of [translation.taskDefinition, translation.service]) {
    const result = validateManifest(manifest);
    if (result.ok) continue;
    for (const e of result.errors) {
      const origin = originOf(translation, manifest.kind, e.path);
      origin.file.report('error', origin.path, `the converted ${manifest.kind} would be refused: ${e.path ? `${e.path}: ` : ''}${e.message}`);
    }
  }
  if (diagnostics.errors.length > 0) return fail();
  const sources = [req.composeFile, ...(req.ecsParamsFile ? [req.ecsParamsFile] : [])];
  return { ok: true, name: translation.taskDefinition.metadata.name, text: writeManifests(translation, { sources }), translation, diagnostics: inFileOrder(diagnostics.items) };
}

/** The compose or ecs-params value a part of a manifest came from; the compose file's root at worst. */
function originOf(t: Translation, kind: string, path: string): Node {
  for (const p of enclosingPaths(path)) {
    const hit = t.origins.filter((o) => o.kind === kind && o.prefix === p).at(-1);
    if (hit) return hit.node;
  }
  return (t.origins[0] as Translation['origins'][number]).node;
}

/** `.env` next to the compose file, overridden by the process environment (docker/cli's getEnvironment). */
async function environmentLookup(composeDir: string, environment: Record<string, string | undefined>, diagnostics: Diagnostics): Promise<Lookup> {
  const dotEnv = new Map<string, string>();
  const file = resolve(composeDir, '.env');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') diagnostics.add({ severity: 'error', file, message: `cannot read .env: ${(err as Error).message}` });
  }
  if (text !== undefined) {
    const parsed = parseEnvFile(text, (n) => environment[n]);
    for (const p of parsed.problems) diagnostics.add({ severity: 'error', file, line: p.line, message: p.message });
    for (const e of parsed.entries) dotEnv.set(e.name, e.value);
  }
  return (name) => environment[name] ?? dotEnv.get(name);
}
