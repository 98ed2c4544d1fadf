// The image cannot be built here (no container engine), and hadolint is not packaged in Debian, so
// this test is the Dockerfile's lint: it checks the properties the deployment relies on.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  return logical.map((l) => {
    const [keyword = '', ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const instructions = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const stages = instructions.reduce<Instruction[][]>((acc, ins) => {
  if (ins.keyword === 'FROM') acc.push([]);
  acc.at(-1)?.push(ins);
  return acc;
}, []);
const runtime = stages.at(-1) ?? [];
/** A FROM line's image, after any --platform flag. */
const imageOf = (from: string) => from.split(/\s+/).find((w) => !w.startsWith('--')) ?? '';
const all = (keyword: string, within = instructions) => within.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in stages, so compilers and dev dependencies stay out of the image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(all('COPY', runtime).filter((a) => !a.includes('--from='))).toEqual([]);
  });

  it('uses a Node.js LTS image pinned by exact version (22.x or 24.x) and by digest, never latest', () => {
    for (const from of all('FROM')) expect(imageOf(from), from).toMatch(/^node:(22|24)\.\d+\.\d+-[a-z]+(-slim)?@sha256:[0-9a-f]{64}$/);
    expect(new Set(all('FROM').map(imageOf)).size).toBe(1);
  });

  it('builds on a current Debian release (13 "trixie"), not one past its regular security support', () => {
    // Debian 12 "bookworm" left regular security support on 2026-06-10 (https://www.debian.org/security/faq).
    const codename = /^node:[\d.]+-([a-z]+)/.exec(imageOf(all('FROM')[0] ?? ''))?.[1];
    expect(['trixie']).toContain(codename);
  });

  it('takes its version from the VERSION build argument and carries it to run time in package.json', () => {
    const build = stages.find((s) => / AS build$/i.test(s[0]?.args ?? '')) ?? [];
    expect(all('ARG', build)).toContain('VERSION=""');
    expect(all('RUN', build).join('\n')).toMatch(/npm pkg set version="\$VERSION"/);
    // --version and the build_info metric read the package.json next to dist/ (src/observability/version.ts).
    expect(all('COPY', runtime)).toContain('--from=build /src/package.json ./');
    expect(all('LABEL', runtime).join(' ')).toContain('org.opencontainers.image.version="${VERSION}"');
  });

  it('runs only the runtime stage per target platform (a multi-arch build compiles once)', () => {
    for (const stage of stages.slice(0, -1)) expect(stage[0]?.args, stage[0]?.args).toMatch(/^--platform=\$BUILDPLATFORM /);
    expect(stages.at(-1)?.[0]?.args).not.toMatch(/--platform/);
  });

  it('installs production dependencies only for the image, from the lock file', () => {
    // npm ci installs exactly the lock file; npm install may resolve other versions.
    expect(all('RUN').filter((r) => /\bnpm (install|i|add)\b/.test(r))).toEqual([]);
    const runtimeDeps = all('COPY', runtime).find((a) => a.includes('node_modules')) ?? '';
    const depsStage = stages.find((s) => s[0]?.args.endsWith(` AS ${/--from=(\S+)/.exec(runtimeDeps)?.[1]}`)) ?? [];
    expect(all('RUN', depsStage).join('\n')).toMatch(/npm ci --omit=dev/);
  });

  it('runs the bundle the e2e suites run (scripts/bundle.ts), with V8 set to keep the process small', () => {
    const build = stages.find((s) => / AS build$/i.test(s[0]?.args ?? '')) ?? [];
    expect(all('RUN', build).join('\n')).toMatch(/npm run bundle/);
    expect(all('COPY', runtime)).toContain('--from=build /src/dist/bundle ./dist/bundle');
    expect((JSON.parse(all('ENTRYPOINT', runtime)[0] ?? '[]') as string[]).slice(3)).toEqual(['--optimize-for-size', '--disable-warning=DEP0169', 'dist/bundle/main.mjs']);
  });

  it('runs as a non-root numeric user', () => {
    const users = all('USER', runtime);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it('starts node under tini, which forwards SIGTERM and reaps zombies', () => {
    const entrypoint = JSON.parse(all('ENTRYPOINT', runtime)[0] ?? '[]') as string[];
    expect(entrypoint.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(all('RUN', runtime).join('\n')).toMatch(/apt-get install .*\btini\b/);
    expect(JSON.parse(all('CMD', runtime)[0] ?? '[]')).toEqual(['run']);
  });

  it('bakes in no credentials', () => {
    const settings = [...all('ENV'), ...all('ARG')].join('\n');
    expect(all('ARG')).toEqual(['VERSION=""', 'VERSION=""']);
    expect(settings).not.toMatch(/AWS_|SECRET|TOKEN|PASSWORD|KEY/i);
    expect(all('COPY').join('\n')).not.toMatch(/\.aws|kubeconfig|\.env\b|\.npmrc/);
  });

  it('writes nothing at run time outside /tmp (the root filesystem is read-only)', () => {
    expect(all('VOLUME', runtime)).toEqual([]);
    expect(all('WORKDIR', runtime)).toEqual(['/app']);
  });
});
