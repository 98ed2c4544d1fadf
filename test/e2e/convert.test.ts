// End to end, as someone leaving ecs-cli does it: `ecs-operator convert` on the shared ecs-cli
// example (docker-compose.yml + ecs-params.yml), `ecs-operator apply -f` of what it wrote to the
// AWS emulator, then ECS read back directly with the AWS SDK: the task definition ECS registered is
// compared field by field with what ecs-cli's rules say ecs-cli registered, and the service with
// the one the example ran.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld, substitute, type DemoWorld } from '../../scripts/demo-world.js';
import { ECS_CLI_SERVICE, ECS_CLI_TASK_DEFINITION } from '../fixtures/convert/ecs-cli-registers.js';
import { runCli, type CliRun } from '../support/cli.js';
import { awsClientConfig, testEnv, uniqueName } from '../support/env.js';

const EXAMPLE = 'test/fixtures/convert/ecs-cli';
const ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', NO_COLOR: '1' };
const clusterId = uniqueName('convert');
// One family and service name per run: the emulator is shared by the files of a run.
const project = uniqueName('your-project');
const cluster = uniqueName('ecscli');

let outDir: string;
let world: DemoWorld;
let ecs: ECSClient;

function cli(args: string[]): Promise<CliRun> {
  return runCli([...args, `--endpoint=${testEnv().awsEndpoint}`, `--cluster-id=${clusterId}`], ENV);
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'convert-e2e-'));
  ecs = new ECSClient(awsClientConfig());
});
afterAll(() => ecs.destroy());

describe('ecs-operator convert, then apply -f, then ECS as AWS holds it', () => {
  it('converts the ecs-cli example without a warning (exit 0) into one file', async () => {
    const res = await runCli(
      [
        'convert',
        '-f',
        `${EXAMPLE}/docker-compose.yml`,
        '--ecs-params',
        `${EXAMPLE}/ecs-params.yml`,
        '--project-name',
        project,
        '--cluster',
        cluster,
        '--capacity-provider',
        'FARGATE:1',
        '--tags',
        ECS_CLI_SERVICE.tags.map((t) => `${t.key}=${t.value}`).join(','),
        '-o',
        outDir,
      ],
      ENV,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe(`wrote ${join(outDir, `${project}.yaml`)}\n`);
    expect(await readFile(join(outDir, `${project}.yaml`), 'utf8')).toContain('kind: EcsService');
    // The subnets, security group and cluster (with FARGATE) the converted service names.
    world = await createDemoWorld(testEnv().awsEndpoint, outDir);
  });

  it('applies what convert wrote (exit 0)', async () => {
    const res = await cli(['apply', '-f', world.manifestsDir]);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    expect(res.stdout).toContain(`Created ECS service ${project}`);
  });

  it('registered the task definition ecs-cli registered, field by field', async () => {
    const { taskDefinition: td } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: project }));
    const want = ECS_CLI_TASK_DEFINITION;
    expect(td?.family).toBe(project);
    expect(td?.requiresCompatibilities).toEqual(want.requiresCompatibilities);
    expect(td?.networkMode).toBe(want.networkMode);
    expect(td?.cpu).toBe(want.cpu);
    expect(td?.memory).toBe(want.memory);
    // ECS may hold the role as written or as its ARN.
    expect(td?.executionRoleArn).toMatch(new RegExp(`(^|:role/)${want.executionRoleName}$`));
    expect(td?.taskRoleArn).toBe(want.taskRoleArn);
    expect(td?.volumes ?? []).toEqual(want.volumes);
    expect(td?.containerDefinitions?.map((c) => c.name)).toEqual(want.containers.map((c) => c.name));
    for (const [i, c] of want.containers.entries()) {
      const got = td?.containerDefinitions?.[i];
      expect(got?.image).toBe(c.image);
      expect(got?.command).toEqual(c.command);
      expect([...(got?.environment ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))).toEqual(c.environment);
      expect(got?.logConfiguration).toEqual(c.logConfiguration);
      expect(got?.essential).toBe(c.essential);
      expect(got?.cpu).toBe(c.cpu);
      expect(got?.memory).toBe(c.memory);
      expect(got?.memoryReservation).toBe(c.memoryReservation);
    }
  });

  it('created the service the example ran: count, capacity provider, network and tags', async () => {
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [project], include: ['TAGS'] }));
    const svc = services?.[0];
    const subnets = ECS_CLI_SERVICE.awsvpcConfiguration.subnets.map((s) => world.substitutions.get(s) ?? s);
    const groups = ECS_CLI_SERVICE.awsvpcConfiguration.securityGroups.map((s) => world.substitutions.get(s) ?? s);
    expect(svc?.status).toBe('ACTIVE');
    expect(svc?.taskDefinition).toMatch(new RegExp(`:task-definition/${project}:1$`));
    expect(svc?.desiredCount).toBe(ECS_CLI_SERVICE.desiredCount);
    expect(svc?.capacityProviderStrategy).toEqual([expect.objectContaining(ECS_CLI_SERVICE.capacityProviderStrategy[0])]);
    expect(svc?.networkConfiguration?.awsvpcConfiguration).toEqual({ subnets, securityGroups: groups, assignPublicIp: 'DISABLED' });
    expect(svc?.propagateTags).toBe('TASK_DEFINITION');
    expect(svc?.enableECSManagedTags).toBe(true);
    expect(svc?.tags).toEqual(expect.arrayContaining(ECS_CLI_SERVICE.tags));
  });

  it('shows no drift right after (exit 0)', async () => {
    const res = await cli(['drift', '-f', world.manifestsDir]);
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
  });
});

describe('taking over the service ecs-cli and the AWS CLI created', () => {
  const legacy = uniqueName('legacy');

  it('adopts it in place: same service, the count it was scaled to, its tags kept, no drift after', async () => {
    // What the example's README did: ecs-cli registered the task definition, the AWS CLI created
    // the service and later scaled it to 4.
    const want = ECS_CLI_TASK_DEFINITION;
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: legacy,
        requiresCompatibilities: want.requiresCompatibilities as never,
        networkMode: 'awsvpc',
        cpu: want.cpu,
        memory: '2.0GB',
        executionRoleArn: want.executionRoleName,
        containerDefinitions: want.containers.map((c) => ({ name: c.name, image: c.image, command: c.command, environment: c.environment, logConfiguration: c.logConfiguration as never, essential: true, cpu: 0 })),
      }),
    );
    const sub = (id: string) => world.substitutions.get(id) ?? id;
    const { service: created } = await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: legacy,
        taskDefinition: legacy,
        desiredCount: 1,
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ECS_CLI_SERVICE.awsvpcConfiguration.subnets.map(sub), securityGroups: ECS_CLI_SERVICE.awsvpcConfiguration.securityGroups.map(sub), assignPublicIp: 'DISABLED' },
        },
        capacityProviderStrategy: ECS_CLI_SERVICE.capacityProviderStrategy,
        tags: ECS_CLI_SERVICE.tags,
      }),
    );
    await ecs.send(new UpdateServiceCommand({ cluster, service: legacy, desiredCount: 4 }));

    const tags = ECS_CLI_SERVICE.tags.map((t) => `${t.key}=${t.value}`).join(',');
    const converted = await runCli(['convert', '-f', `${EXAMPLE}/docker-compose.yml`, '--ecs-params', `${EXAMPLE}/ecs-params.yml`, '-p', legacy, '--cluster', cluster, '--capacity-provider', 'FARGATE:1', '--desired-count', '4', '--tags', tags], ENV);
    expect(converted.code, converted.stderr).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'convert-adopt-'));
    await writeFile(join(dir, `${legacy}.yaml`), substitute(converted.stdout, world.substitutions));

    const applied = await cli(['apply', '-f', dir]);
    expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);
    expect(applied.stdout).toContain(`Adopted ECS service ${legacy}`);
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster, services: [legacy], include: ['TAGS'] }));
    const svc = services?.[0];
    expect(svc?.serviceArn).toBe(created?.serviceArn);
    expect(svc?.desiredCount).toBe(4);
    expect(svc?.tags).toEqual(expect.arrayContaining(ECS_CLI_SERVICE.tags));
    const drift = await cli(['drift', '-f', dir]);
    expect(drift.code, `${drift.stdout}\n${drift.stderr}`).toBe(0);
  });
});

describe('the other compose fixtures, converted and applied', () => {
  const cases = [
    { dir: 'ec2-bridge', args: ['--launch-type', 'EC2'], exit: 2 },
    { dir: 'fargate-sidecar', args: ['--launch-type', 'FARGATE'], exit: 0 },
  ];
  for (const { dir, args, exit } of cases) {
    it(`registers ${dir} as converted: containers, health check, start order, volumes`, async () => {
      const name = uniqueName(dir);
      const out = await mkdtemp(join(tmpdir(), `convert-${dir}-`));
      const converted = await runCli(['convert', '-f', `test/fixtures/convert/${dir}/docker-compose.yml`, '--ecs-params', `test/fixtures/convert/${dir}/ecs-params.yml`, '-p', name, '--cluster', uniqueName(dir), ...args, '-o', out], ENV);
      expect(converted.code, converted.stderr).toBe(exit);
      const fixtureWorld = await createDemoWorld(testEnv().awsEndpoint, out);
      const applied = await cli(['apply', '-f', fixtureWorld.manifestsDir]);
      expect(applied.code, `${applied.stdout}\n${applied.stderr}`).toBe(0);

      const written = load((await readFile(join(out, `${name}.yaml`), 'utf8')).split(/^---$/m)[0] as string) as {
        spec: { containerDefinitions: Array<Record<string, unknown>>; volumes?: unknown[] };
      };
      const { taskDefinition: td } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: name }));
      expect(td?.containerDefinitions?.map((c) => c.name)).toEqual(written.spec.containerDefinitions.map((c) => c.name));
      for (const [i, c] of written.spec.containerDefinitions.entries()) {
        const got = td?.containerDefinitions?.[i] as Record<string, unknown>;
        for (const field of ['image', 'command', 'entryPoint', 'healthCheck', 'dependsOn', 'secrets', 'ulimits', 'mountPoints', 'memory', 'memoryReservation', 'workingDirectory', 'user']) {
          if (c[field] !== undefined) expect(got[field], `${String(c.name)}.${field}`).toEqual(c[field]);
        }
      }
      expect(td?.volumes?.map((v) => v.name)).toEqual((written.spec.volumes ?? []).map((v) => (v as { name: string }).name));
    });
  }
});

describe('ecs-operator convert exit codes', () => {
  it('exits 2 with located warnings when keys are not converted, and still writes the manifests', async () => {
    const res = await runCli(['convert', '-f', 'test/fixtures/convert/unsupported/docker-compose.yml', '--ecs-params', 'test/fixtures/convert/unsupported/ecs-params.yml', '-p', 'unsupported'], ENV);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('test/fixtures/convert/unsupported/docker-compose.yml:13:5: warning: services.worker.deploy: not converted:');
    expect(res.stdout).toContain('kind: EcsTaskDefinition');
  });

  it('exits 1 with the line and column of a YAML error, and writes nothing', async () => {
    const res = await runCli(['convert', '-f', 'test/fixtures/convert/invalid/syntax.yml'], ENV);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('test/fixtures/convert/invalid/syntax.yml:5:11: error: invalid YAML: bad indentation of a mapping entry\n');
    expect(res.stdout).toBe('');
  });
});
