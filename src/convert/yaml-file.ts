// A compose or ecs-params file read the way the file source reads manifests (same size limits,
// UTF-8 check, YAML bomb budgets and located syntax errors), and a small typed view of its values
// that reports every wrong type at the line and column where it was written.
import { DecodeError, decodeYaml } from '../sources/decode.js';
import { childPath } from '../sources/field-path.js';
import { readFileText } from '../sources/files.js';
import { expandToJson, type JsonValue } from '../sources/plain-json.js';
import type { Position } from '../sources/text-position.js';
import { DEFAULT_LIMITS } from '../sources/types.js';
import type { Diagnostic, Diagnostics } from './diagnostics.js';

export class YamlFile {
  constructor(
    /** The path as the user gave it (or as resolved from the compose file's folder). */
    readonly label: string,
    readonly root: JsonValue,
    private readonly locate: (path: string) => Position | undefined,
    private readonly diagnostics: Diagnostics,
  ) {}

  node(): Node {
    return new Node(this, '', this.root);
  }

  /** The same file with other values (after variable interpolation); positions are unchanged. */
  withRoot(root: JsonValue): YamlFile {
    return new YamlFile(this.label, root, this.locate, this.diagnostics);
  }

  report(severity: Diagnostic['severity'], path: string, message: string): void {
    const pos = this.locate(path);
    this.diagnostics.add({ severity, file: this.label, ...pos, ...(path && { key: path }), message });
  }

  /** `file:line:column` of a key, for notes in the output. */
  where(path: string): string {
    const pos = this.locate(path);
    return pos ? `${this.label}:${pos.line}:${pos.column}` : this.label;
  }
}

/** Reads and decodes one YAML file; undefined (with an error in `diagnostics`) when it cannot be read. */
export async function readYamlFile(file: string, label: string, diagnostics: Diagnostics): Promise<YamlFile | undefined> {
  const read = await readFileText(file, DEFAULT_LIMITS.maxFileBytes);
  if ('code' in read) {
    diagnostics.add({ severity: 'error', file: label, ...read.position, message: read.message });
    return undefined;
  }
  try {
    const docs = decodeYaml(read.text, label, DEFAULT_LIMITS);
    if (docs.length > 1) {
      diagnostics.add({ severity: 'error', file: label, message: `holds ${docs.length} YAML documents; a compose or ecs-params file has one` });
      return undefined;
    }
    const doc = docs[0];
    const expanded = expandToJson(doc?.value ?? null, DEFAULT_LIMITS);
    if (!expanded.ok) {
      diagnostics.add({ severity: 'error', file: label, ...doc?.locate(expanded.path ?? ''), message: expanded.message });
      return undefined;
    }
    return new YamlFile(label, expanded.value, (path) => doc?.locate(path), diagnostics);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    diagnostics.add({ severity: 'error', file: label, ...err.position, message: err.message });
    return undefined;
  }
}

type JsonObject = { [key: string]: JsonValue };

/** One value of a file, with its path there; every accessor reports a wrong type as an error at the value. */
export class Node {
  constructor(
    readonly file: YamlFile,
    readonly path: string,
    readonly value: JsonValue,
  ) {}

  get isMap(): boolean {
    return this.value !== null && typeof this.value === 'object' && !Array.isArray(this.value);
  }

  get isList(): boolean {
    return Array.isArray(this.value);
  }

  get isNull(): boolean {
    return this.value === null;
  }

  child(key: string): Node | undefined {
    if (!this.isMap) return undefined;
    const obj = this.value as JsonObject;
    return Object.hasOwn(obj, key) ? new Node(this.file, childPath(this.path, key), obj[key] as JsonValue) : undefined;
  }

  /** The entries of a mapping (an error when it is something else; null is an empty mapping). */
  entries(what = 'a mapping'): Array<[string, Node]> {
    if (this.isNull) return [];
    if (!this.isMap) {
      this.error(`must be ${what}`);
      return [];
    }
    return Object.entries(this.value as JsonObject).map(([k, v]) => [k, new Node(this.file, childPath(this.path, k), v)]);
  }

  items(): Node[] {
    if (this.isNull) return [];
    if (!Array.isArray(this.value)) {
      this.error('must be a list');
      return [];
    }
    return this.value.map((v, i) => new Node(this.file, childPath(this.path, i), v));
  }

  /** A scalar as text (numbers and booleans as YAML writes them), as compose reads most values. */
  string(): string | undefined {
    const v = this.value;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v !== null) this.error('must be a string');
    return undefined;
  }

  integer(): number | undefined {
    const v = this.value;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
    if (v !== null) this.error('must be an integer');
    return undefined;
  }

  boolean(): boolean | undefined {
    const v = this.value;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    if (v !== null) this.error('must be true or false');
    return undefined;
  }

  /** A string or a list of strings (compose's "string or list" keys). */
  stringOrList(): { text: string } | { list: string[] } | undefined {
    if (Array.isArray(this.value)) return { list: this.items().map((n) => n.string() ?? '') };
    const text = this.string();
    return text === undefined ? undefined : { text };
  }

  /** A mapping of strings, or a list of `KEY=value` (compose's "map or equal-slice" keys). */
  stringMap(): Array<{ name: string; value: string | undefined; node: Node }> {
    if (Array.isArray(this.value)) {
      return this.items().flatMap((n) => {
        const s = n.string();
        if (s === undefined) return [];
        const eq = s.indexOf('=');
        return [{ name: eq < 0 ? s : s.slice(0, eq), value: eq < 0 ? undefined : s.slice(eq + 1), node: n }];
      });
    }
    return this.entries('a mapping or a list of KEY=value').map(([name, n]) => ({ name, value: n.isNull ? undefined : n.string(), node: n }));
  }

  error(message: string): void {
    this.file.report('error', this.path, message);
  }

  warn(message: string): void {
    this.file.report('warning', this.path, message);
  }

  get where(): string {
    return this.file.where(this.path);
  }
}
