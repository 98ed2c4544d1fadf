// One decoded document to what it holds for the operator: EcsClusters, EcsTaskDefinitions and EcsServices,
// validated as the API server would; lists flattened; other API groups skipped with a note.
import { GROUP, KINDS, taskDefinitionSizeError, type EcsResource } from '../api/index.js';
import { validateManifest } from '../api/validate.js';
import type { DecodedDocument } from './decode.js';
import { joinPaths, relativePath } from './field-path.js';
import type { JsonValue } from './plain-json.js';
import type { EcsObject, SourceError, SourceLocation, SourceNote } from './types.js';
import type { Yaml11Reading } from './yaml-events.js';

/** Past this many, a document's errors are summarized: 10,000 bad containers need one message, not 10,000. */
const MAX_ERRORS_PER_DOCUMENT = 20;
/** Messages quote values; a 5 MB string must not become a 5 MB message. */
const MAX_MESSAGE_LENGTH = 400;

// Set by the API server, never by a user: kubectl apply ignores them (status is a subresource), so
// a manifest exported with `kubectl get -o yaml` means the same as the one it came from.
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'];

export interface DocumentSink {
  /** `at` locates a field of the object. */
  object(obj: EcsObject, at: (path: string) => SourceLocation): void;
  error(err: SourceError): void;
  note(note: SourceNote): void;
  /** Every kind/namespace/name met, valid or not, so that a reference to an invalid object is not also reported missing. */
  seen(kind: string, namespace: string, name: string): void;
}

export interface DocumentContext {
  file: string;
  doc: DecodedDocument;
  /** The namespace the caller asked for (kubectl -n), if any. */
  namespace: string | undefined;
  sink: DocumentSink;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function interpretDocument(value: JsonValue, ctx: DocumentContext): void {
  interpret(value, ctx, '', undefined);
}

function interpret(value: JsonValue, ctx: DocumentContext, prefix: string, item: number | undefined): void {
  const { sink } = ctx;
  const at = (path: string): SourceLocation => locationOf(ctx, prefix, path, item);
  // An empty document (`---` with nothing after it, or only comments) holds nothing; kubectl skips it too.
  if (value === null) return;
  if (!isObject(value)) {
    sink.error({ ...at(''), code: 'NotAnObject', message: `a ${Array.isArray(value) ? 'list' : typeof value} is not a Kubernetes object: expected a mapping with apiVersion and kind` });
    return;
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    sink.error({ ...at('apiVersion'), code: 'NotAnObject', path: 'apiVersion', message: 'Required value: every Kubernetes object has apiVersion and kind' });
    return;
  }
  if (typeof kind !== 'string' || kind === '') {
    sink.error({ ...at('kind'), code: 'NotAnObject', path: 'kind', message: 'Required value: every Kubernetes object has apiVersion and kind' });
    return;
  }
  // kubectl flattens lists (`kind: List`, or what `kubectl get -o yaml` prints for several objects).
  if (kind.endsWith('List') && 'items' in value) {
    if (!Array.isArray(value.items)) {
      sink.error({ ...at('items'), code: 'NotAnObject', path: 'items', message: `the items of a ${kind} must be a list of objects` });
      return;
    }
    value.items.forEach((it, i) => interpret(it, ctx, joinPaths(prefix, `items[${i}]`), i));
    return;
  }
  const metadata = isObject(value.metadata) ? value.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : undefined;
  const object = `${kind} ${name ?? '(no name)'}`;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group !== GROUP) {
    if (kind !== 'List') sink.note({ ...at(''), code: 'Skipped', object, message: `skipped (${apiVersion}): not an ${GROUP} object` });
    return;
  }
  dropServerFields(value, metadata, (path) => ({ ...at(path), object }), sink);
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : (ctx.namespace ?? 'default');
  if (name !== undefined) sink.seen(kind, namespace, name);
  const readings = readingsUnder(ctx.doc.readings, prefix);
  const result = validateManifest(value);
  if (!result.ok) {
    const used = new Set<Yaml11Reading>();
    const errors: SourceError[] = result.errors.slice(0, MAX_ERRORS_PER_DOCUMENT).map((e) => {
      const reading = readings.find((r) => r.path === e.path);
      if (reading) used.add(reading);
      const hint = reading ? ` (${describeReading(reading)}: quote it if you mean ${JSON.stringify(reading.text)})` : '';
      return { ...at(e.path), code: 'Invalid', object, path: e.path, message: clip(e.message) + hint };
    });
    for (const e of errors) sink.error(e);
    if (result.errors.length > MAX_ERRORS_PER_DOCUMENT) {
      sink.error({ ...at(''), code: 'Invalid', object, message: `${result.errors.length - MAX_ERRORS_PER_DOCUMENT} more errors not shown` });
    }
    noteReadings(readings.filter((r) => !used.has(r)), (path) => ({ ...at(path), object }), sink);
    return;
  }
  noteReadings(readings, (path) => ({ ...at(path), object }), sink);
  const obj = result.value;
  if (ctx.namespace !== undefined && obj.metadata.namespace !== undefined && obj.metadata.namespace !== ctx.namespace) {
    sink.error({
      ...at('metadata.namespace'),
      code: 'NamespaceMismatch',
      object,
      path: 'metadata.namespace',
      message: `the namespace "${obj.metadata.namespace}" is not the requested "${ctx.namespace}" (kubectl refuses this too)`,
    });
    return;
  }
  // Checked here, before any AWS call; the controller reports the same as Stalled.
  const tooLarge = obj.kind === KINDS.EcsTaskDefinition ? taskDefinitionSizeError(obj) : undefined;
  if (tooLarge) {
    sink.error({ ...at(tooLarge.path), code: 'EcsLimitExceeded', object, path: tooLarge.path, message: tooLarge.message });
    return;
  }
  obj.metadata.namespace = namespace;
  sink.object(toEcsObject(obj, at('')), at);
}

function toEcsObject(obj: EcsResource, source: SourceLocation): EcsObject {
  return { kind: obj.kind, manifest: obj, source } as EcsObject;
}

function locationOf(ctx: DocumentContext, prefix: string, path: string, item: number | undefined): SourceLocation {
  const pos = ctx.doc.locate(joinPaths(prefix, path));
  return {
    file: ctx.file,
    document: ctx.doc.index,
    ...(item !== undefined && { item }),
    ...(pos && { line: pos.line, column: pos.column }),
  };
}

function dropServerFields(value: JsonObject, metadata: JsonObject | undefined, at: (path: string) => SourceLocation & { object: string }, sink: DocumentSink): void {
  const dropped: string[] = [];
  if ('status' in value) {
    delete value.status;
    dropped.push('status');
  }
  for (const field of SERVER_METADATA) {
    if (metadata && field in metadata) {
      delete metadata[field];
      dropped.push(`metadata.${field}`);
    }
  }
  if (dropped.length > 0) {
    sink.note({ ...at(''), code: 'ServerFieldsIgnored', message: `ignored ${dropped.join(', ')}: only the API server sets them, and kubectl apply ignores them too` });
  }
}

/** The readings inside the object at `prefix`, with paths relative to it. */
function readingsUnder(readings: readonly Yaml11Reading[], prefix: string): Yaml11Reading[] {
  const out: Yaml11Reading[] = [];
  for (const r of readings) {
    const path = relativePath(prefix, r.path);
    if (path !== undefined) out.push({ ...r, path });
  }
  return out;
}

function describeReading(r: Yaml11Reading): string {
  return `kubectl (YAML 1.1) reads the unquoted ${r.isKey ? 'key ' : ''}${r.text} as ${JSON.stringify(r.kubectl)}, YAML 1.2 as ${JSON.stringify(r.yaml12)}`;
}

function noteReadings(readings: readonly Yaml11Reading[], at: (path: string) => SourceLocation & { object: string }, sink: DocumentSink): void {
  for (const r of readings) {
    sink.note({ ...at(r.path), code: 'Yaml11', path: r.path, message: `${describeReading(r)}; this file is read as kubectl reads it. Quote the value, or write it so that both read the same` });
  }
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 30)}… (${message.length} characters)`;
}
