// Bad input through the real path: `ecs-operator apply -f <file>` for every hostile or broken
// manifest of the corpus (test/fixtures/hostile), against an AWS emulator of its own. Each must end
// with exit status 1 and a clear error naming the file, and must change nothing in ECS, Application
// Auto Scaling or CloudWatch, even where the file also holds valid objects.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, DescribeServicesCommand, ECSClient, ListClustersCommand, ListServicesCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../aws/emulator.js';
import { HOSTILE_CASES, prepareHostileCorpus } from '../fixtures/hostile/corpus.js';
import { runCli, type CliRun } from '../support/cli.js';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let emulator: Emulator;
let corpus: Awaited<ReturnType<typeof prepareHostileCorpus>>;
let scratch: string;
let before: string;

/** `ecs-operator apply -f` each file; `args` come last, so a repeated flag there wins. */
function runApply(files: string[], args: string[] = []): Promise<CliRun> {
  return runCli(['apply', ...files.flatMap((f) => ['-f', f]), '--endpoint', emulator.endpoint, '--region', REGION, '--cluster-id', 'bad-input', ...args], {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
}

/** Everything the operator could have changed, as one comparable text. */
async function awsState(): Promise<string> {
  const config = { endpoint: emulator.endpoint, region: REGION, credentials };
  const ecs = new ECSClient(config);
  const aas = new ApplicationAutoScalingClient(config);
  const cloudwatch = new CloudWatchClient(config);
  try {
    const clusters = (await ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
    const services = [];
    for (const cluster of clusters.sort()) {
      const arns = (await ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
      if (arns.length === 0) continue;
      const described = (await ecs.send(new DescribeServicesCommand({ cluster, services: arns, include: ['TAGS'] }))).services ?? [];
      services.push(...described.map((s) => ({ arn: s.serviceArn, status: s.status, desiredCount: s.desiredCount, taskDefinition: s.taskDefinition, tags: s.tags })));
    }
    const revisions = async (status: 'ACTIVE' | 'INACTIVE') => ((await ecs.send(new ListTaskDefinitionsCommand({ status }))).taskDefinitionArns ?? []).sort();
    const targets = (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets ?? [];
    const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
    return JSON.stringify(
      { clusters, services, active: await revisions('ACTIVE'), inactive: await revisions('INACTIVE'), targets: targets.map((t) => t.ResourceId), alarms: alarms.map((a) => a.AlarmName) },
      null,
      1,
    );
  } finally {
    ecs.destroy();
    aas.destroy();
    cloudwatch.destroy();
  }
}

/** Runs `work` over `items`, `limit` at a time (each case is a Node process: two at once on 2 cores). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function taskDefinitionYaml(name: string, extraSpec: string): string {
  return `apiVersion: ecs.operator.dev/v1alpha1
kind: EcsTaskDefinition
metadata:
  name: ${name}
spec:
${extraSpec}  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: web
      image: public.ecr.aws/nginx/nginx:1.27
`;
}

beforeAll(async () => {
  [emulator, corpus, scratch] = await Promise.all([startEmulator({ clock: 'manual' }), prepareHostileCorpus(), mkdtemp(join(tmpdir(), 'ecs-operator-bad-input-'))]);
  // What the corpus's manifests name exists, so a manifest that slipped through would take effect:
  // the cluster "demo" and a revision of the family "web" that is not the operator's.
  const ecs = new ECSClient({ endpoint: emulator.endpoint, region: REGION, credentials });
  await ecs.send(new CreateClusterCommand({ clusterName: 'demo', capacityProviders: ['FARGATE'] }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.25', memory: 128 }] }));
  ecs.destroy();
  before = await awsState();
});

afterAll(async () => {
  await Promise.all([emulator?.stop(), corpus?.cleanup(), scratch && rm(scratch, { recursive: true, force: true })]);
});

describe('ecs-operator apply -f <hostile file>', () => {
  it(`refuses each of the ${HOSTILE_CASES.length} corpus files with exit 1 and an error naming the file, and changes nothing in AWS`, async () => {
    const failures: string[] = [];
    await eachLimited(corpus.cases, 2, async (c) => {
      const run = await runApply([c.path]);
      const problems = [];
      if (run.code !== 1) problems.push(`exit ${String(run.code)}`);
      const line = run.stderr.split('\n').find((l) => l.startsWith('error: ') && l.includes(c.file) && l.includes(c.message));
      if (!line) problems.push(`no "error: …${c.file}…${c.message}…" line`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(run.stderr)) problems.push('terminal control characters in the output');
      if (run.stderr.split('\n').some((l) => l.length > 1000)) problems.push('an output line over 1000 characters');
      if (run.stdout !== '') problems.push(`output on stdout: ${run.stdout.slice(0, 200)}`);
      if (problems.length > 0) failures.push(`${c.file}: ${problems.join('; ')}\n    stderr: ${run.stderr.slice(0, 600)}`);
    });
    expect(failures, failures.join('\n')).toEqual([]);
    expect(await awsState()).toBe(before);
  }, 400_000); // 45 CLI runs of ~2 s each on a 2-core machine

  it('refuses a task definition in a well-formed but unknown region (xx-fake-1) before changing anything', async () => {
    const file = join(scratch, 'unknown-region.yaml');
    await writeFile(file, taskDefinitionYaml('web', '  region: xx-fake-1\n'));
    const run = await runApply([file]);
    expect(run.code, run.stderr).toBe(1);
    // Refused by the schema, like any other bad field: file, line, object and field, no AWS call.
    expect(run.stderr).toContain('unknown-region.yaml:6:3: EcsTaskDefinition web: spec.region: must be an AWS region such as us-east-1');
    expect(await awsState()).toBe(before);
  });

  it('refuses a default region (--region) in no AWS partition, changing nothing', async () => {
    const file = join(scratch, 'default-region.yaml');
    await writeFile(file, taskDefinitionYaml('web', ''));
    const run = await runApply([file], ['--region', 'xx-fake-1']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('error: AWS region "xx-fake-1" is not a region of any AWS partition');
    expect(await awsState()).toBe(before);
  });

  // IAM passes no role across partitions: the schema's partition rule refuses it before any call.
  it('refuses a role ARN from another partition (arn:aws-cn) in a us-east-1 task definition, changing nothing', async () => {
    const file = join(scratch, 'other-partition.yaml');
    await writeFile(file, taskDefinitionYaml('web-cn', '  region: us-east-1\n  executionRoleArn: arn:aws-cn:iam::123456789012:role/ecsTaskExecutionRole\n'));
    const run = await runApply([file]);
    expect(await awsState()).toBe(before);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/partition/);
  });

  it('does change ECS for a valid manifest (so the checks above can see a change)', async () => {
    const file = join(scratch, 'valid.yaml');
    await writeFile(file, taskDefinitionYaml('control', ''));
    const run = await runApply([file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Registered control:1');
    expect(await awsState()).not.toBe(before);
  });
});
