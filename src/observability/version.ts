// The operator's version: package.json's, which the image build sets from the release tag
// (Dockerfile, build arg VERSION), so `ecs-operator --version` and the ecs_operator_build_info
// metric name the release that is running. Read at run time, next to dist/ in the image and at
// the repository root in development (both two folders up from this module).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION = readVersion();
