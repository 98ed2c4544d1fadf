// What the operator build and the emulator in this checkout can do. Features land from separate
// branches; the benchmark asks once and prints "n/a: <why>" for a figure whose feature is missing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

export interface Features {
  /** `--events-queue URL`: the operator follows ECS and CloudTrail events from an SQS queue. */
  eventsQueue: boolean;
  /** `--shards N` with a Lease per shard. */
  shards: boolean;
  /** The cluster-scoped EcsAccount kind (namespaces mapped to assumed roles). */
  accounts: boolean;
}

/** Reads the flags of `ecs-operator run --help` from the build the benchmark runs. */
export async function detectFeatures(): Promise<Features> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist', 'bundle', 'main.mjs'), 'run', '--help'], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return {
    eventsQueue: stdout.includes('--events-queue'),
    shards: stdout.includes('--shards'),
    accounts: existsSync(join(repoRoot, 'crds', 'ecs.operator.dev_ecsaccounts.yaml')),
  };
}
