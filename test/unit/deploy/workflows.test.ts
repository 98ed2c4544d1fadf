// The GitHub Actions workflows cannot run here, so this is their check: actionlint (built from its
// Go module, test/tools/actionlint) finds nothing, and the release does what the README promises:
// a multi-arch image with SBOM and provenance in the repository's container registry, the chart
// as an OCI artifact of the same version, and a GitHub release with the rendered install YAML.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTool, runTool } from '../../support/tools.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const workflowsDir = join(repoRoot, '.github', 'workflows');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => load(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

describe('actionlint', () => {
  let actionlint: string;
  beforeAll(async () => {
    actionlint = await ensureTool('actionlint');
  }, 30 * 60_000);

  it('finds no error in any workflow', async () => {
    const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.sort()).toEqual(['ci.yml', 'release.yml']);
    const out = await runTool(actionlint, ['-no-color', ...files.map((f) => join('.github', 'workflows', f))]);
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });

  it('fails on a broken workflow (the check can fail)', async () => {
    const out = await runTool(actionlint, ['-no-color', '-'], { input: 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n' });
    expect(out.code).not.toBe(0);
    expect(out.stdout).toMatch(/nope/);
  });
});

describe('ci.yml', () => {
  it('runs the one test command on every push to main and pull request, within 90 minutes', () => {
    const ci = workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(steps(ci).map((s) => s.run).filter(Boolean)).toEqual(['npm test']);
    expect(ci.jobs.test?.['timeout-minutes']).toBe(90);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const build = steps(release).find((s) => s.uses?.startsWith('docker/build-push-action@'));

  it('runs on a version tag only', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  it('builds the image for linux/amd64 and linux/arm64 with an SBOM and provenance, and pushes it', () => {
    expect(build?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', push: true, sbom: true, provenance: 'mode=max' });
  });

  it("pushes to the repository's GitHub container registry, named from the tag", () => {
    const text = readFileSync(join(workflowsDir, 'release.yml'), 'utf8');
    expect(text).toContain('image=ghcr.io/${REPOSITORY,,}');
    expect(text).toContain('version="${TAG#v}"');
  });

  it('injects the tag version into the image (build arg) and into the chart (version and appVersion)', () => {
    expect(String(build?.with?.['build-args'])).toContain('VERSION=${{ needs.version.outputs.version }}');
    const runs = steps(release).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('package charts/ecs-operator --version "$VERSION" --app-version "$VERSION"');
    expect(runs).toMatch(/push "dist\/ecs-operator-\$\{VERSION\}\.tgz" "\$CHARTS"/);
  });

  it('publishes a GitHub release with the rendered install YAML, pinned to the image digest', () => {
    const runs = steps(release).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('kubectl kustomize release > dist/ecs-operator.yaml');
    expect(runs).toMatch(/gh release create "\$TAG"[^\n]*\\\n\s+dist\/ecs-operator\.yaml/);
    expect(release.jobs['github-release']?.permissions).toEqual({ contents: 'write' });
  });

  it('grants packages: write only to the jobs that push, and nothing by default', () => {
    expect(release.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(release.jobs).filter(([, j]) => j.permissions?.packages === 'write').map(([name]) => name);
    expect(writers.sort()).toEqual(['chart', 'image']);
  });
});
