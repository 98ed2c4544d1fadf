// `ecs-operator rollback -f FILE` as a user of the file workflow runs it after a bad release: the
// service goes back to the task definition revision before the one it runs (the previous ACTIVE
// revision of its family, as ecspresso's rollback does), read back from the AWS emulator; with no
// earlier revision it refuses, says why, and exits 3.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { runCli, type CliRun } from '../support/cli.js';
import { testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';

let world: World;
let file: string;
const name = `rb-${shortId()}`;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, `--endpoint=${testEnv().awsEndpoint}`, `--cluster-id=${world.clusterId}`], { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', NO_COLOR: '1' });
}

/** The manifests, as a user keeps them in a file: the task definition with `image`, and its service. */
async function writeManifests(image: string): Promise<void> {
  const docs = [taskDefinitionManifest(name, { image }), serviceManifest(world, name, { desiredCount: 1, launchType: 'FARGATE' })];
  await writeFile(file, docs.map((d) => dump({ ...d, metadata: { ...d.metadata, namespace: 'shop' } })).join('---\n'));
}

async function applyOk(): Promise<void> {
  const res = await cli(['apply', '-f', file, '--wait', '--timeout', '2m']);
  expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
}

async function runningRevision(): Promise<string | undefined> {
  const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
  const arn = out.services?.find((s) => s.status === 'ACTIVE')?.taskDefinition;
  return arn?.slice(arn.lastIndexOf('/') + 1);
}

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  file = join(await mkdtemp(join(tmpdir(), 'cli-rollback-')), 'app.yaml');
});

afterAll(() => world?.destroy());

describe('ecs-operator rollback -f', () => {
  it('refuses a service whose family has no revision before the one it runs (exit 3), and changes nothing', async () => {
    await writeManifests('nginx:1.27');
    await applyOk();
    expect(await runningRevision()).toBe(`${name}:1`);

    const res = await cli(['rollback', '-f', file]);
    expect(res.code, res.stdout).toBe(3);
    expect(res.stderr).toContain(`error: EcsService/shop/${name}: ECS service ${name} runs ${name}:1, and family ${name} has no earlier ACTIVE revision to roll back to`);
    expect(await runningRevision()).toBe(`${name}:1`);
  });

  it('with --dry-run names the revision it would go back to and changes nothing', async () => {
    await writeManifests('nginx:1.28');
    await applyOk();
    expect(await runningRevision()).toBe(`${name}:2`);

    const res = await cli(['rollback', '-f', file, '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`EcsService/shop/${name}: would roll ECS service ${name} back from ${name}:2 to ${name}:1 (dry run)`);
    expect(await runningRevision()).toBe(`${name}:2`);
  });

  it('rolls the service back to the revision it ran before (exit 0), and from there refuses to go further back', async () => {
    const res = await cli(['rollback', '-f', file]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`EcsService/shop/${name}: rolled ECS service ${name} back from ${name}:2 to ${name}:1`);
    expect(await runningRevision()).toBe(`${name}:1`);

    const again = await cli(['rollback', '-f', file]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`runs ${name}:1, and family ${name} has no earlier ACTIVE revision`);
  });
});
