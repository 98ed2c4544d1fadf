// What a person sees when the CLI cannot start: a kubeconfig that is missing or points nowhere, an
// endpoint that is no URL or does not answer, no AWS credentials, no region. Each is one line on
// stderr that says what to do, exit code 1, and no stack trace.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';
import { testEnv } from '../support/env.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-errors-'));
// A cluster of its own: examples/ belongs to the CLI suite on the shared emulator.
const example = join(dir, 'cluster.yaml');
writeFileSync(example, `apiVersion: ecs.operator.dev/v1alpha1\nkind: EcsCluster\nmetadata:\n  name: cli-errors-${randomBytes(4).toString('hex')}\nspec:\n  capacityProviders:\n    - name: FARGATE\n`);

/** Credentials for the emulator, and nothing the SDK could find on this machine instead. */
const EMULATOR_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: join(dir, 'no-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
};

function expectOneLineError(run: CliRun, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

function kubeconfigFor(server: string): string {
  const file = join(dir, `kubeconfig-${server.replace(/\W/g, '_')}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "' + server + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
  return file;
}

describe.concurrent('a kubeconfig the CLI cannot use', () => {
  it('run: a kubeconfig file that does not exist', async () => {
    expectOneLineError(await runCli(['run', '--kubeconfig', join(dir, 'missing'), '--no-leader-elect'], EMULATOR_CREDENTIALS), /kubeconfig .*missing does not exist: pass --kubeconfig with an existing file/);
  });

  it('run: a kubeconfig whose API server does not answer', async () => {
    const run = await runCli(['run', '--kubeconfig', kubeconfigFor('https://127.0.0.1:1'), '--no-leader-elect', '--http-address', '127.0.0.1:0'], EMULATOR_CREDENTIALS);
    expectOneLineError(run, /cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check --kubeconfig, \$KUBECONFIG and the current context/);
  });

  it('drift --cluster-source: a kubeconfig whose API server does not answer', async () => {
    const run = await runCli(['drift', '--cluster-source', '--kubeconfig', kubeconfigFor('https://127.0.0.1:1'), '--endpoint', testEnv().awsEndpoint], EMULATOR_CREDENTIALS);
    expectOneLineError(run, /cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:1/);
  });
});

describe.concurrent('AWS settings the CLI cannot use', () => {
  it('an --endpoint that is not a URL', async () => {
    expectOneLineError(await runCli(['drift', '-f', example, '--endpoint', 'localhost:5000'], EMULATOR_CREDENTIALS), /--endpoint must be an http\(s\) URL such as http:\/\/localhost:5000 \(got "localhost:5000"\)/);
  });

  it('an --endpoint where nothing listens', async () => {
    expectOneLineError(await runCli(['apply', '-f', example, '--endpoint', 'http://127.0.0.1:1'], EMULATOR_CREDENTIALS), /cannot reach the AWS endpoint http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): is it running\? Check --endpoint/);
  });

  it('no credentials anywhere in the SDK chain', async () => {
    const run = await runCli(['drift', '-f', example, '--endpoint', testEnv().awsEndpoint], NO_CREDENTIALS);
    expectOneLineError(run, /no AWS credentials \(.*\): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('a region that is no AWS region', async () => {
    expectOneLineError(await runCli(['drift', '-f', example, '--endpoint', testEnv().awsEndpoint, '--region', 'moon-1'], EMULATOR_CREDENTIALS), /AWS region "moon-1" is not a region of any AWS partition/);
  });

  it('no region at all: says once that us-east-1 is used, and goes on', async () => {
    const run = await runCli(['drift', '-f', example, '--endpoint', testEnv().awsEndpoint], { ...EMULATOR_CREDENTIALS, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
    expect(run.stderr.match(/no AWS region given/g)).toHaveLength(1);
    expect(run.stderr).toContain('note: no AWS region given (--region, $AWS_REGION or $AWS_DEFAULT_REGION): manifests that name none use us-east-1');
    // The cluster does not exist in the emulator: drift says so (exit 2), it does not fail.
    expect(run.code, run.stderr).toBe(2);
  });
});
