// Variables as docker compose (and so ecs-cli, through docker/cli's loader) substitutes them in a
// compose file: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset),
// `${VAR:?message}` / `${VAR?message}` (an error), `$$` for a literal `$`. Values come from the
// `.env` file next to the compose file, overridden by the process environment. Env files
// (`env_file`, `.env`) are read as docker/cli's ParseEnvFile reads them: KEY=VALUE lines, `#`
// comments, a bare KEY taken from the environment, values kept as written (quotes included).
import { childPath } from '../sources/field-path.js';
import type { JsonValue } from '../sources/plain-json.js';
import type { YamlFile } from './yaml-file.js';

export type Lookup = (name: string) => string | undefined;

const NAME = '[_a-zA-Z][_a-zA-Z0-9]*';
const TOKEN = new RegExp(`\\$(?:(\\$)|(${NAME})|\\{(${NAME})(?:(:?[-?])([^}]*))?\\}|(\\{[^}]*\\}?))`, 'g');

export interface EnvLine {
  name: string;
  value: string;
  line: number;
}

/** KEY=VALUE lines; a bare KEY is looked up in `lookup` and left out when unset. */
export function parseEnvFile(text: string, lookup: Lookup): { entries: EnvLine[]; problems: Array<{ line: number; message: string }> } {
  const entries: EnvLine[] = [];
  const problems: Array<{ line: number; message: string }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line.trimEnd() : line.slice(0, eq);
    if (/\s/.test(name) || name === '') {
      problems.push({ line: i + 1, message: `variable name ${JSON.stringify(name)} has white spaces or is empty` });
      return;
    }
    if (eq >= 0) entries.push({ name, value: line.slice(eq + 1), line: i + 1 });
    else {
      const value = lookup(name);
      if (value !== undefined) entries.push({ name, value, line: i + 1 });
    }
  });
  return { entries, problems };
}

/** Substitutes variables in every string value of the file (keys are left as written). */
export function interpolateFile(file: YamlFile, lookup: Lookup): YamlFile {
  const walk = (value: JsonValue, path: string): JsonValue => {
    if (typeof value === 'string') return interpolate(value, lookup, (severity, message) => file.report(severity, path, message));
    if (Array.isArray(value)) return value.map((v, i) => walk(v, childPath(path, i)));
    if (value !== null && typeof value === 'object') {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: walk(v, childPath(path, k)), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value;
  };
  return file.withRoot(walk(file.root, ''));
}

export function interpolate(text: string, lookup: Lookup, report: (severity: 'error' | 'warning', message: string) => void): string {
  if (!text.includes('$')) return text;
  return text.replace(TOKEN, (whole, dollar: string | undefined, bare: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, invalid: string | undefined) => {
    if (dollar) return '$';
    if (invalid !== undefined) {
      report('error', `invalid interpolation format ${JSON.stringify(whole)}: write \${NAME}, \${NAME:-default} or $$ for a literal $`);
      return whole;
    }
    const name = (bare ?? braced) as string;
    const value = lookup(name);
    switch (op) {
      case ':-':
        return value === undefined || value === '' ? (arg ?? '') : value;
      case '-':
        return value === undefined ? (arg ?? '') : value;
      case ':?':
      case '?':
        if (value === undefined || (op === ':?' && value === '')) {
          report('error', `required variable ${name} is ${value === undefined ? 'not set' : 'empty'}${arg ? `: ${arg}` : ''}`);
          return '';
        }
        return value;
      default:
        if (value === undefined) {
          report('warning', `the variable ${name} is not set: substituted with a blank string (as docker compose does)`);
          return '';
        }
        return value;
    }
  });
}
