// The running build names itself: `ecs-operator --version` and the ecs_operator_build_info metric
// both give package.json's version, which the image build sets from the release tag (Dockerfile).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsRegistry } from '../../../src/observability/metrics.js';
import { runCli } from '../../support/cli.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('the build version', () => {
  it('is printed by `ecs-operator --version` and -V, alone on stdout, with exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run, flag).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  }, 60_000); // two CLI processes, each compiling the sources with tsx

  it('is the label of ecs_operator_build_info, a gauge that is always 1', async () => {
    const text = await metricsRegistry.metrics();
    expect(text).toContain('# TYPE ecs_operator_build_info gauge');
    expect(text).toContain(`ecs_operator_build_info{version="${version}",node_version="${process.versions.node}"} 1`);
  });
});
