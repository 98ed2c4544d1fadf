import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert, formatDiagnostic, type ConvertRequest } from '../../../src/convert/index.js';
import { loadManifests } from '../../../src/sources/index.js';

const FIXTURES = 'test/fixtures/convert';

function request(dir: string, extra: Partial<ConvertRequest> = {}): ConvertRequest {
  return {
    composeFile: `${FIXTURES}/${dir}/docker-compose.yml`,
    ecsParamsFile: `${FIXTURES}/${dir}/ecs-params.yml`,
    projectName: dir,
    cluster: 'default',
    desiredCount: 1,
    // The process environment of the test run must not leak into the output.
    environment: {},
    ...extra,
  };
}

const CASES: Array<{ dir: string; extra: Partial<ConvertRequest> }> = [
  { dir: 'ecs-cli', extra: { projectName: 'your-project', capacityProviders: [{ capacityProvider: 'FARGATE', weight: 1 }], tags: [{ key: 'Owner', value: 'OWNER' }] } },
  { dir: 'ec2-bridge', extra: { launchType: 'EC2', cluster: 'demo-ec2', environment: { APP_TAG: '2.4.2' } } },
  { dir: 'fargate-sidecar', extra: { launchType: 'FARGATE', createLogGroups: true } },
  { dir: 'unsupported', extra: {} },
];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'convert-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('ecs-operator convert', () => {
  for (const { dir, extra } of CASES) {
    it(`converts ${dir} into the manifests in its snapshot, and apply -f reads them without an error`, async () => {
      const result = await convert(request(dir, extra));
      if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
      await expect(result.text).toMatchFileSnapshot(`__snapshots__/${dir}.yaml`);
      // The same reader `apply -f` and `drift -f` use: schema, CEL rules, references.
      const file = join(scratch, `${dir}.yaml`);
      await writeFile(file, result.text);
      const loaded = await loadManifests([file]);
      expect(loaded.errors).toEqual([]);
      expect(loaded.objects.map((o) => o.kind)).toEqual(['EcsTaskDefinition', 'EcsService']);
      // What is written reads back as exactly what was translated (no YAML 1.1 surprises).
      const docs = result.text.split(/^---$/m).map((d) => load(d));
      expect(docs).toEqual([result.translation.taskDefinition, result.translation.service]);
    });
  }

  it('converts the ecs-cli example without a warning', async () => {
    const result = await convert(request('ecs-cli', { projectName: 'your-project' }));
    expect(result.diagnostics).toEqual([]);
  });

  it('names each key it does not carry over, with its file, line and column', async () => {
    const result = await convert(request('unsupported'));
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map(formatDiagnostic)).toMatchSnapshot();
    expect(result.diagnostics.every((d) => d.severity === 'warning' && d.line !== undefined)).toBe(true);
  });

  it('warns about links, which the EcsTaskDefinition schema has no field for', async () => {
    const result = await convert(request('ec2-bridge', { environment: { APP_TAG: '1' } }));
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      `${FIXTURES}/ec2-bridge/docker-compose.yml:10:5: warning: services.web.links: not converted: the EcsTaskDefinition schema has no links field (bridge-mode container links); containers of an awsvpc task reach each other on localhost`,
    ]);
  });

  it('takes variables from .env next to the compose file, the process environment winning', async () => {
    const fromDotEnv = await convert(request('ec2-bridge'));
    const fromProcess = await convert(request('ec2-bridge', { environment: { APP_TAG: '9.9.9', REGISTRY: 'registry.example' } }));
    if (!fromDotEnv.ok || !fromProcess.ok) throw new Error('conversion failed');
    const image = (r: typeof fromDotEnv) => r.translation.taskDefinition.spec.containerDefinitions.find((c) => c.name === 'app')?.image;
    expect(image(fromDotEnv)).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:2.4.1');
    expect(image(fromProcess)).toBe('registry.example/app:9.9.9');
  });

  it('reads env_file relative to the compose file and lets environment override it', async () => {
    const result = await convert(request('ec2-bridge'));
    if (!result.ok) throw new Error('conversion failed');
    const app = result.translation.taskDefinition.spec.containerDefinitions.find((c) => c.name === 'app');
    expect(app?.environment).toEqual([
      { name: 'DATABASE_HOST', value: 'db.internal' },
      { name: 'DATABASE_PORT', value: '5432' },
      { name: 'NODE_ENV', value: 'production' },
      { name: 'CACHE_SIZE', value: '64' },
      { name: 'EMPTY_BY_DEFAULT', value: '' },
    ]);
  });

  it('defaults the project name to the compose file\'s folder, as ecs-cli defaulted to the current one', async () => {
    const { projectName: _unused, ...req } = request('ecs-cli');
    const result = await convert(req);
    expect(result.ok && result.translation.taskDefinition.metadata.name).toBe('ecscli');
  });

  it('keeps a project name that is not a Kubernetes name as family and serviceName', async () => {
    const result = await convert(request('ecs-cli', { projectName: 'My_Project' }));
    if (!result.ok) throw new Error('conversion failed');
    expect(result.translation.taskDefinition.metadata.name).toBe('my-project');
    expect(result.translation.taskDefinition.spec.family).toBe('My_Project');
    expect(result.translation.service.spec.serviceName).toBe('My_Project');
    expect(result.translation.service.spec.taskDefinitionRef).toEqual({ name: 'my-project' });
  });
});

describe('ecs-operator convert refuses an invalid file (nothing written)', () => {
  it('locates a YAML syntax error at its line and column', async () => {
    const result = await convert({ ...request('invalid'), composeFile: `${FIXTURES}/invalid/syntax.yml`, ecsParamsFile: undefined });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([`${FIXTURES}/invalid/syntax.yml:5:11: error: invalid YAML: bad indentation of a mapping entry`]);
  });

  it('locates values of the wrong form at the key they were written under', async () => {
    const result = await convert({ ...request('invalid'), composeFile: `${FIXTURES}/invalid/bad-values.yml`, ecsParamsFile: undefined });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      `${FIXTURES}/invalid/bad-values.yml:6:9: error: services.web.ports[0]: expected [[ip:]hostPort:]containerPort[/tcp|udp], got "eighty"`,
      `${FIXTURES}/invalid/bad-values.yml:7:5: error: services.web.mem_limit: must be a size in bytes or with a unit (512m, 1g)`,
    ]);
  });

  it('refuses a task definition apply -f would refuse, at the ecs-params key it came from', async () => {
    const result = await convert({
      ...request('invalid'),
      composeFile: `${FIXTURES}/invalid/fargate-too-small.yml`,
      ecsParamsFile: `${FIXTURES}/invalid/fargate-too-small.ecs-params.yml`,
      launchType: 'FARGATE',
    });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(result.diagnostics[0] as never)).toMatch(
      /^test\/fixtures\/convert\/invalid\/fargate-too-small\.ecs-params\.yml:6:5: error: task_definition\.task_size\.mem_limit: the converted EcsTaskDefinition would be refused: spec\.memory: memory 4096 does not fit cpu 256 on Fargate/,
    );
  });

  it('refuses a named volume that nothing declares, as ecs-cli did', async () => {
    const dir = await mkdtemp(join(scratch, 'vol-'));
    await writeFile(join(dir, 'docker-compose.yml'), "version: '3'\nservices:\n  web:\n    image: nginx\n    volumes:\n      - data:/data\n");
    const result = await convert({ ...request('x'), composeFile: join(dir, 'docker-compose.yml'), ecsParamsFile: undefined });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [6, 9, 'named volume [data] is used but no declaration was found in the volumes section (or in ecs-params docker_volumes or efs_volumes)'],
    ]);
  });

  it('refuses an ecs-params file of another version', async () => {
    const dir = await mkdtemp(join(scratch, 'params-'));
    await writeFile(join(dir, 'ecs-params.yml'), 'version: 2\ntask_definition: {}\n');
    const result = await convert({ ...request('ecs-cli'), ecsParamsFile: join(dir, 'ecs-params.yml') });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, 'ecs-params version must be 1 (the only version ecs-cli read)']]);
  });
});

describe('ecs-operator convert reads compose file format 1', () => {
  it('takes the top-level keys as services and log_driver/log_opt as their logging', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convert-v1-'));
    try {
      await writeFile(join(dir, 'docker-compose.yml'), 'web:\n  image: nginx\n  mem_limit: 268435456\n  log_driver: syslog\n  log_opt:\n    tag: web\n');
      const result = await convert({ composeFile: join(dir, 'docker-compose.yml'), projectName: 'v1', cluster: 'default', desiredCount: 1, environment: {} });
      if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
      expect(result.diagnostics).toEqual([]);
      expect(result.translation.taskDefinition.spec.containerDefinitions).toEqual([
        { name: 'web', image: 'nginx', memory: 256, logConfiguration: { logDriver: 'syslog', options: { tag: 'web' } } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ecs-params over compose (ecs-cli README, "Using ECS parameters")', () => {
  async function convertText(compose: string, params: string) {
    const dir = await mkdtemp(join(tmpdir(), 'convert-params-'));
    await writeFile(join(dir, 'docker-compose.yml'), compose);
    await writeFile(join(dir, 'ecs-params.yml'), params);
    try {
      return await convert({ composeFile: join(dir, 'docker-compose.yml'), ecsParamsFile: join(dir, 'ecs-params.yml'), projectName: 'p', cluster: 'default', desiredCount: 1, environment: {} });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('takes cpu_shares, mem_limit and mem_reservation from ecs-params over the compose file\'s', async () => {
    const result = await convertText(
      "version: '2'\nservices:\n  web:\n    image: nginx\n    cpu_shares: 256\n    mem_limit: 512m\n    mem_reservation: 256m\n",
      'version: 1\ntask_definition:\n  services:\n    web:\n      cpu_shares: 512\n      mem_limit: 1g\n',
    );
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    expect(result.translation.taskDefinition.spec.containerDefinitions[0]).toMatchObject({ cpu: 512, memory: 1024, memoryReservation: 256 });
  });

  it('gives a container 512 MiB when nothing sizes it, and says so in the output', async () => {
    const result = await convertText("version: '3'\nservices:\n  web:\n    image: nginx\n", 'version: 1\ntask_definition:\n  ecs_network_mode: bridge\n');
    if (!result.ok) throw new Error('conversion failed');
    expect(result.translation.taskDefinition.spec.containerDefinitions[0]?.memory).toBe(512);
    expect(result.text).toContain("# - containerDefinitions web: memory 512 MiB, ecs-cli's default for a container without mem_limit or mem_reservation in a task without task_size.");
  });

  it('warns that an awsvpc configuration without ecs_network_mode awsvpc is not sent, as ecs-cli did not send it', async () => {
    const result = await convertText(
      "version: '3'\nservices:\n  web:\n    image: nginx\n",
      'version: 1\nrun_params:\n  network_configuration:\n    awsvpc_configuration:\n      subnets: [subnet-0a1b2c3d4e5f60001]\n',
    );
    if (!result.ok) throw new Error('conversion failed');
    expect(result.translation.service.spec.networkConfiguration).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.severity, d.line, d.key])).toEqual([['warning', 4, 'run_params.network_configuration.awsvpc_configuration']]);
  });

  it('refuses a task whose containers ecs-params all make non-essential, as ecs-cli did', async () => {
    const result = await convertText("version: '3'\nservices:\n  web:\n    image: nginx\n", 'version: 1\ntask_definition:\n  services:\n    web:\n      essential: false\n');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.message)).toEqual(['Task definition does not have any essential containers (ecs-cli refused this too)']);
  });
});
