// Validation of manifests read from files (the `apply`/`drift` commands and the demo), with the
// same rules the API server applies to the CRD: the structural schema through ajv, then the CEL
// rules (cel.ts). Defaults from the schema are filled in, as the API server does.
import { Ajv, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { evaluateCelRules, type FieldError, type SchemaNode } from './cel.js';
import { API_VERSION, KINDS, type Kind } from './constants.js';
import { RESOURCE_SCHEMAS, type EcsResource } from './resources.js';

export type { FieldError };

export type ValidationResult<T = EcsResource> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Each kind's validator, compiled on its first use: the CRD schemas are large, and their compiled
 * validators (generated source and code) cost the operator's process several MB of memory it would
 * never use, since it reads objects the API server has already validated.
 */
const validators = new Map<Kind, ValidateFunction>();
let ajv: Ajv | undefined;

function validatorOf(kind: Kind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) validators.set(kind, (validate = (ajv ??= createAjv()).compile(RESOURCE_SCHEMAS[kind])));
  return validate;
}

function createAjv(): Ajv {
  // strictTypes is off because int-or-string nodes carry string keywords (pattern) beside their
  // anyOf, which is the shape Kubernetes expects; unknown keywords are still an error.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, useDefaults: true, verbose: true });
  addFormats.default(ajv, ['date-time']);
  // Kubernetes schema extensions: the CEL rules are evaluated by cel.ts; int-or-string and
  // preserve-unknown-fields only annotate what the plain schema already says.
  for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-map-keys']) {
    ajv.addKeyword({ keyword });
  }
  ajv.addKeyword({ keyword: 'x-kubernetes-list-type', type: 'array', validate: validateListType, errors: true });
  return ajv;
}

// A `set` holds unique values and a `map` unique keys: the API server rejects duplicates in both.
const validateListType: SchemaValidateFunction = (listType: string, data: unknown[], parentSchema, dataCxt) => {
  if (listType === 'atomic') return true;
  const keys: string[] = parentSchema?.['x-kubernetes-list-map-keys'] ?? [];
  const identity = (item: unknown): unknown =>
    listType === 'map' && item !== null && typeof item === 'object' ? Object.fromEntries(keys.map((k) => [k, (item as Record<string, unknown>)[k]])) : item;
  const seen = new Set<string>();
  const errors: Partial<ErrorObject>[] = [];
  data.forEach((item, i) => {
    const id = JSON.stringify(identity(item));
    if (seen.has(id)) errors.push({ instancePath: `${dataCxt?.instancePath ?? ''}/${i}`, message: `Duplicate value: ${id}` });
    seen.add(id);
  });
  validateListType.errors = errors;
  return errors.length === 0;
};

/** ajv's JSON pointer to a Kubernetes field path: /spec/containers/0/name -> spec.containers[0].name */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^[0-9]+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** ajv errors in the words the API server uses for the same problems (so a message reads the same from a file and from kubectl). */
function toFieldErrors(errors: ErrorObject[]): FieldError[] {
  // An int-or-string value that is neither reports once for anyOf, not once per branch.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: FieldError[] = [];
  for (const e of errors) {
    if (e.schemaPath.includes('/anyOf/') && anyOfPaths.has(e.instancePath)) continue;
    const path = fieldPath(e.instancePath);
    const child = (name: string) => (path ? `${path}.${name}` : name);
    switch (e.keyword) {
      case 'required':
        out.push({ path: child(String(e.params.missingProperty)), message: 'Required value' });
        break;
      case 'additionalProperties':
        out.push({ path: child(String(e.params.additionalProperty)), message: `unknown field "${child(String(e.params.additionalProperty))}"` });
        break;
      case 'enum':
        out.push({
          path,
          message: `Unsupported value: ${JSON.stringify(e.data)}: supported values: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'type':
        out.push({ path, message: `must be of type ${String(e.params.type)}` });
        break;
      case 'anyOf':
        out.push({ path, message: 'must be of type integer,string' });
        break;
      case 'format':
        out.push({ path, message: `must be of type ${String(e.params.format)}: ${JSON.stringify(e.data)}` });
        break;
      case 'pattern':
        out.push({ path, message: `should match '${String(e.params.pattern)}'` });
        break;
      case 'minimum':
        out.push({ path, message: `should be greater than or equal to ${String(e.params.limit)}` });
        break;
      case 'maximum':
        out.push({ path, message: `should be less than or equal to ${String(e.params.limit)}` });
        break;
      case 'minLength':
        out.push({ path, message: `should be at least ${String(e.params.limit)} chars long` });
        break;
      case 'maxLength':
        out.push({ path, message: `Too long: may not be more than ${String(e.params.limit)} bytes` });
        break;
      case 'minItems':
        out.push({ path, message: `should have at least ${String(e.params.limit)} items` });
        break;
      case 'maxItems':
        out.push({ path, message: `Too many: ${(e.data as unknown[]).length}: must have at most ${String(e.params.limit)} items` });
        break;
      default:
        out.push({ path, message: e.message ?? `failed ${e.keyword}` });
    }
  }
  return out;
}

function validateAs<T extends EcsResource>(kind: Kind, manifest: Record<string, unknown>): ValidationResult<T> {
  const validate = validatorOf(kind);
  if (!validate(manifest)) return { ok: false, errors: toFieldErrors(validate.errors ?? []) };
  // CEL rules assume a structurally valid object, as they do on the API server.
  const celErrors = evaluateCelRules(RESOURCE_SCHEMAS[kind] as SchemaNode, manifest);
  if (celErrors.length > 0) return { ok: false, errors: celErrors };
  return { ok: true, value: manifest as T };
}

/**
 * Validates one manifest (an EcsCluster, EcsTaskDefinition or EcsService) as the API server would and
 * returns it typed, with schema defaults filled in, or the list of field errors. The input is not
 * modified.
 */
export function validateManifest(obj: unknown): ValidationResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { ok: false, errors: [{ path: '', message: 'a manifest must be an object' }] };
  const manifest = structuredClone(obj) as Record<string, unknown>;
  if (manifest.apiVersion !== API_VERSION) {
    return { ok: false, errors: [{ path: 'apiVersion', message: `Unsupported value: ${JSON.stringify(manifest.apiVersion)}: supported values: "${API_VERSION}"` }] };
  }
  const kind = manifest.kind;
  if (typeof kind === 'string' && Object.hasOwn(KINDS, kind)) return validateAs<EcsResource>(kind as Kind, manifest);
  return {
    ok: false,
    errors: [{ path: 'kind', message: `Unsupported value: ${JSON.stringify(kind)}: supported values: ${Object.values(KINDS).map((k) => `"${k}"`).join(', ')}` }],
  };
}
