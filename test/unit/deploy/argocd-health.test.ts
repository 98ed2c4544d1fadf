// The Argo CD health checks in deploy/argocd/, run the way Argo CD runs them: every case of each
// kind's health_test.yaml (Argo CD's testdata layout) goes through gopher-lua with the standard
// libraries closed, as for an argocd-cm customization (test/lua/: built from Go modules and
// cached; the first build takes about 20 s).
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateCelRules, type SchemaNode } from '../../../src/api/cel.js';
import { ACCOUNT_KIND, ANNOTATIONS, EcsAccount, KINDS } from '../../../src/api/index.js';
import { validateManifest, type FieldError } from '../../../src/api/validate.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const groupDir = join(repoRoot, 'deploy', 'argocd', 'ecs.operator.dev');

interface HealthStatus {
  status: string;
  message?: string;
}
interface HealthTest {
  inputPath: string;
  healthStatus: HealthStatus;
}
interface Condition {
  type: string;
  status: string;
  message?: string;
}
interface Fixture {
  kind: string;
  metadata?: { annotations?: Record<string, string> };
  status?: { conditions?: Condition[] };
}

let runner: string;

beforeAll(() => {
  runner = execFileSync('bash', [join(repoRoot, 'test', 'lua', 'ensure.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}, 300_000);

function runHealth(script: string, input: string, opts: { openLibs?: boolean } = {}): Promise<HealthStatus | null> {
  return new Promise((resolvePromise, reject) => {
    execFile(runner, [...(opts.openLibs ? ['--open-libs'] : []), script, input], { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`lua-runner failed on ${input}: ${stderr || err.message}`));
      else resolvePromise(JSON.parse(stdout) as HealthStatus | null);
    });
  });
}

const kinds = readdirSync(groupDir).sort();

/**
 * Kinds the paused annotation means nothing for, so their checks have no Suspended case: the
 * annotation holds back AWS writes, and an EcsAccount makes none (it only assumes its role).
 */
const NOT_PAUSABLE: readonly string[] = [ACCOUNT_KIND];

it('has a health check for every kind, and for EcsAccount', () => {
  expect(kinds).toEqual([...Object.keys(KINDS), ACCOUNT_KIND].sort());
});

// validateManifest reads the namespaced kinds of files; an EcsAccount is checked the same way
// (structure through ajv, then the CEL rules) against its own schema.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, useDefaults: true });
addFormats.default(ajv, ['date-time']);
for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type']) {
  ajv.addKeyword({ keyword });
}
const validateAccount = ajv.compile(EcsAccount);

function fieldErrors(doc: Fixture): FieldError[] {
  if (doc.kind !== ACCOUNT_KIND) {
    const result = validateManifest(doc);
    return result.ok ? [] : result.errors;
  }
  if (!validateAccount(doc)) return (validateAccount.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? '' }));
  return evaluateCelRules(EcsAccount as unknown as SchemaNode, doc as unknown as Record<string, unknown>);
}

describe.each(kinds)('%s health.lua', (kind) => {
  const dir = join(groupDir, kind);
  const script = join(dir, 'health.lua');
  const tests = (load(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as { tests: HealthTest[] }).tests;
  const fixture = (t: HealthTest) => load(readFileSync(join(dir, t.inputPath), 'utf8')) as Fixture;

  it.each(tests.map((t) => [t.inputPath, t] as const))('%s', async (_name, t) => {
    const got = await runHealth(script, join(dir, t.inputPath));
    // Argo CD compares the whole HealthStatus; an absent message is the empty string.
    expect(got).toEqual({ status: t.healthStatus.status, ...(t.healthStatus.message ? { message: t.healthStatus.message } : {}) });
  });

  const pausable = !NOT_PAUSABLE.includes(kind);

  it(`covers Healthy, Progressing, Degraded${pausable ? ' and Suspended (the kind can be paused)' : ', and never Suspended (the kind cannot be paused)'}`, () => {
    const statuses = new Set(tests.map((t) => t.healthStatus.status));
    expect([...statuses].sort()).toEqual(['Degraded', 'Healthy', 'Progressing', ...(pausable ? ['Suspended'] : [])]);
  });

  if (pausable) {
    it('is Suspended while the paused annotation holds writes back, with the Paused message, word for word', () => {
      const paused = tests.filter((t) => t.inputPath === 'testdata/suspended_paused.yaml');
      expect(paused).toHaveLength(1);
      for (const t of paused) {
        const condition = fixture(t).status?.conditions?.find((c) => c.type === 'Paused');
        expect(condition?.status, t.inputPath).toBe('True');
        expect(t.healthStatus).toEqual({ status: 'Suspended', message: condition?.message });
      }
    });
  } else {
    it('is not Suspended by the paused annotation, for which the operator writes no Paused condition', () => {
      const annotated = tests.filter((t) => fixture(t).metadata?.annotations?.[ANNOTATIONS.paused] === 'true');
      expect(annotated.length).toBeGreaterThan(0);
      for (const t of annotated) {
        expect(fixture(t).status?.conditions?.find((c) => c.type === 'Paused'), t.inputPath).toBeUndefined();
        expect(t.healthStatus.status, t.inputPath).not.toBe('Suspended');
      }
    });
  }

  it('uses every testdata file and only existing ones', () => {
    const files = readdirSync(join(dir, 'testdata')).map((f) => `testdata/${f}`).sort();
    expect(tests.map((t) => t.inputPath).sort()).toEqual(files);
  });

  it('gives Degraded the message of the Stalled condition, word for word', () => {
    const degraded = tests.filter((t) => t.healthStatus.status === 'Degraded');
    expect(degraded.length).toBeGreaterThan(0);
    for (const t of degraded) {
      const stalled = fixture(t).status?.conditions?.find((c) => c.type === 'Stalled');
      expect(stalled?.status, t.inputPath).toBe('True');
      expect(t.healthStatus.message, t.inputPath).toBe(stalled?.message);
    }
  });

  it('judges fixtures that are valid objects of the kind, as the API server would store them', () => {
    for (const t of tests) {
      const doc = fixture(t);
      expect(doc.kind, t.inputPath).toBe(kind);
      expect(fieldErrors(doc), t.inputPath).toEqual([]);
    }
  });
});

describe('the runner is as strict as Argo CD', () => {
  // Argo CD opens only base, table, package and a clock-only os for argocd-cm customizations. A
  // script that uses string.* works in Argo CD's own test harness (all libraries open) but fails
  // for users; the project's runner must fail it as well, or the tests above prove nothing.
  const input = join(groupDir, 'EcsService', 'testdata', 'healthy.yaml');

  it('rejects a script that needs the string library, which only useOpenLibs would open', async () => {
    const script = join(repoRoot, 'test', 'unit', 'deploy', 'fixtures', 'uses-string-library.lua');
    await expect(runHealth(script, input)).rejects.toThrow(/attempt to index a non-table object\(nil\) with key 'format'/);
    await expect(runHealth(script, input, { openLibs: true })).resolves.toEqual({ status: 'Healthy', message: '2 tasks' });
  });

  it('reports a status outside Argo CD set as Unknown, as Argo CD does', async () => {
    const script = join(repoRoot, 'test', 'unit', 'deploy', 'fixtures', 'invalid-status.lua');
    await expect(runHealth(script, input)).resolves.toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
  });
});
