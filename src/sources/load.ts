// The file source: manifests on disk (or standard input) to validated objects, the way
// `kubectl apply -f` reads them, with every problem located to a file, line and field.
import { KINDS, loadBalancerTargetErrors, scheduledTaskErrors, type EcsService } from '../api/index.js';
import { DecodeError, decodeJson, decodeYaml, looksLikeJson, type DecodedDocument } from './decode.js';
import { interpretDocument, type DocumentSink } from './documents.js';
import { listFiles, readFileText, readStreamText, STDIN, type FileProblem } from './files.js';
import { formatLocation } from './format.js';
import { expandToJson } from './plain-json.js';
import { DEFAULT_LIMITS, type EcsObject, type Limits, type LoadOptions, type LoadResult, type SourceError, type SourceLocation } from './types.js';

const STDIN_LABEL = '<stdin>';

const identity = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

interface PendingReference {
  kind: typeof KINDS.EcsTaskDefinition | typeof KINDS.EcsCluster;
  path: string;
  namespace: string;
  name: string;
  object: string;
  /** The referring service, whose load balancers are checked against the task definition. */
  service?: EcsService;
  /** Locates a field of the referring service. */
  at(path: string): SourceLocation;
}

/**
 * Reads manifests from files and folders (`-` is standard input). Never throws for bad input:
 * everything wrong with it is in `errors`, and `objects` holds what was read cleanly. A caller
 * should act only when `errors` is empty.
 */
export async function loadManifests(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const limits: Limits = {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxAliases: opts.maxAliases ?? DEFAULT_LIMITS.maxAliases,
    maxNodes: opts.maxNodes ?? DEFAULT_LIMITS.maxNodes,
    maxDepth: opts.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
  const result: LoadResult = { objects: [], errors: [], notes: [] };
  const defined = new Map<string, EcsObject>();
  const seen = new Set<string>();
  const references: PendingReference[] = [];

  const sink: DocumentSink = {
    object(obj, at) {
      const { namespace = 'default', name } = obj.manifest.metadata;
      const key = identity(obj.kind, namespace, name);
      const first = defined.get(key);
      if (first) {
        result.errors.push({
          ...obj.source,
          code: 'Duplicate',
          object: `${obj.kind} ${name}`,
          message: `defined twice in namespace "${namespace}": first at ${formatLocation(first.source)}`,
        });
        return;
      }
      defined.set(key, obj);
      result.objects.push(obj);
      if (obj.kind === KINDS.EcsScheduledTask) {
        // What CEL cannot check (the pattern's JSON, the time zone...), refused before any AWS call.
        for (const e of scheduledTaskErrors(obj.manifest.spec)) result.errors.push({ ...at(e.path), code: 'Invalid', object: `${obj.kind} ${name}`, path: e.path, message: e.message });
        const { taskDefinitionRef, clusterRef } = obj.manifest.spec.target;
        const from = { namespace, object: `${obj.kind} ${name}`, at };
        if (taskDefinitionRef) references.push({ ...from, kind: KINDS.EcsTaskDefinition, path: 'spec.target.taskDefinitionRef.name', name: taskDefinitionRef.name });
        if (clusterRef) references.push({ ...from, kind: KINDS.EcsCluster, path: 'spec.target.clusterRef.name', name: clusterRef.name });
        return;
      }
      if (obj.kind !== KINDS.EcsService) return;
      const { taskDefinitionRef, clusterRef } = obj.manifest.spec;
      const from = { namespace, object: `${obj.kind} ${name}`, service: obj.manifest, at };
      if (taskDefinitionRef) references.push({ ...from, kind: KINDS.EcsTaskDefinition, path: 'spec.taskDefinitionRef.name', name: taskDefinitionRef.name });
      if (clusterRef) references.push({ ...from, kind: KINDS.EcsCluster, path: 'spec.clusterRef.name', name: clusterRef.name });
    },
    error: (err) => result.errors.push(err),
    note: (note) => result.notes.push(note),
    seen: (kind, namespace, name) => seen.add(identity(kind, namespace, name)),
  };

  const { files, problems } = await listFiles(paths, opts.recursive ?? false);
  result.errors.push(...problems.map(fileError));
  for (const file of files) await loadFile(file, opts, limits, sink);

  // Only the files exist for `apply -f` and `drift -f`: a reference to an object they do not define
  // can never resolve. One that is defined but invalid has its own error already.
  for (const ref of references) {
    if (!seen.has(identity(ref.kind, ref.namespace, ref.name))) {
      result.errors.push({
        ...ref.at(ref.path),
        code: 'UnresolvedReference',
        object: ref.object,
        path: ref.path,
        message: `${ref.kind} ${ref.namespace}/${ref.name} is not defined in any of the files given`,
      });
      continue;
    }
    if (ref.kind !== KINDS.EcsTaskDefinition || !ref.service) continue;
    // The same check the service reconciler makes before any AWS call (InvalidLoadBalancer).
    const td = defined.get(identity(KINDS.EcsTaskDefinition, ref.namespace, ref.name));
    if (td?.kind !== KINDS.EcsTaskDefinition) continue;
    for (const e of loadBalancerTargetErrors(ref.service.spec, ref.name, td.manifest.spec)) {
      result.errors.push({ ...ref.at(e.path), code: 'InvalidReference', object: ref.object, path: e.path, message: e.message });
    }
  }
  if (result.objects.length === 0 && result.errors.length === 0) {
    result.errors.push({ file: paths.join(', ') || '(no paths)', code: 'NoObjects', message: 'no EcsCluster, EcsTaskDefinition or EcsService found' });
  }
  return result;
}

async function loadFile(file: string, opts: LoadOptions, limits: Limits, sink: DocumentSink): Promise<void> {
  const label = file === STDIN ? STDIN_LABEL : file;
  const read = file === STDIN ? await readStreamText(label, opts.stdin ?? process.stdin, limits.maxFileBytes) : await readFileText(file, limits.maxFileBytes);
  if ('code' in read) {
    sink.error(fileError(read));
    return;
  }
  let docs: DecodedDocument[];
  try {
    docs = looksLikeJson(read.text) ? decodeJson(read.text, limits) : decodeYaml(read.text, label, limits);
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    sink.error({ file: label, ...(err.document !== undefined && { document: err.document }), ...err.position, code: err.code, message: err.message });
    return;
  }
  // The value budget is per file: many small documents must not add up to a bomb either.
  let budget = limits.maxNodes;
  for (const doc of docs) {
    const expanded = expandToJson(doc.value, { maxNodes: budget, maxDepth: limits.maxDepth });
    if (!expanded.ok) {
      const error: SourceError = { file: label, document: doc.index, ...doc.locate(expanded.path ?? ''), code: expanded.code, message: expanded.message };
      if (expanded.path) error.path = expanded.path;
      sink.error(error);
      // Past a budget the rest of the file is not worth reading.
      if (expanded.code === 'LimitExceeded') return;
      continue;
    }
    budget -= expanded.nodes;
    interpretDocument(expanded.value, { file: label, doc, namespace: opts.namespace, sink });
  }
}

function fileError(p: FileProblem): SourceError {
  return { file: p.file, ...p.position, code: p.code, message: p.message };
}
