import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSourceIssue, loadManifests, type LoadResult } from '../../../src/sources/index.js';
import { NAMESPACE_YAML, scratchFolder, serviceYaml, taskDefinitionYaml } from './manifests.js';

let folder: Awaited<ReturnType<typeof scratchFolder>>;
beforeEach(async () => {
  folder = await scratchFolder();
});
afterEach(async () => {
  await folder.remove();
});

const names = (r: LoadResult) => r.objects.map((o) => `${o.kind} ${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`);
const messages = (r: LoadResult) => r.errors.map((e) => formatSourceIssue(e).replace(`${folder.dir}/`, ''));

describe('loadManifests: what it reads', () => {
  it('reads every document of a multi-document YAML file, in order, with where each starts', async () => {
    const file = await folder.write('app.yaml', `# the web app\n${taskDefinitionYaml('web')}---\n${serviceYaml('web')}`);
    const result = await loadManifests([file]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web', 'EcsService default/web']);
    expect(result.objects.map((o) => o.source)).toEqual([
      { file, document: 1, line: 2, column: 1 },
      { file, document: 2, line: 17, column: 1 },
    ]);
  });

  it('returns objects validated and defaulted as the API server would', async () => {
    const result = await loadManifests([await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${serviceYaml('web')}`)]);
    const svc = result.objects[1];
    expect(svc?.kind === 'EcsService' && [svc.manifest.spec.driftPolicy, svc.manifest.spec.deletionPolicy, svc.manifest.spec.desiredCount]).toEqual(['Correct', 'Delete', 2]);
  });

  it('reads JSON, and the items of a List one by one', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTaskDefinition', metadata: { name: 'api' }, spec: { cpu: '256', memory: '512', containerDefinitions: [{ name: 'a', image: 'nginx' }] } }],
    };
    const file = await folder.write('list.json', JSON.stringify(list, null, 2));
    const result = await loadManifests([file]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/api']);
    expect(result.objects[0]?.source).toMatchObject({ file, document: 1, item: 1 });
    expect(result.notes).toEqual([expect.objectContaining({ code: 'Skipped', item: 0, object: 'ConfigMap c' })]);
  });

  it('reads what `kubectl get -o yaml` prints for several objects (a List, with status and server metadata)', async () => {
    const exported = `apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
  - apiVersion: ecs.operator.dev/v1alpha1
    kind: EcsTaskDefinition
    metadata:
      name: web
      namespace: shop
      resourceVersion: "12345"
      uid: 0b7c2f1e-0000-4000-8000-000000000001
      generation: 3
    spec:
      cpu: "256"
      memory: "512"
      containerDefinitions:
        - name: web
          image: nginx
    status:
      revision: 7
`;
    const result = await loadManifests([await folder.write('export.yaml', exported)]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition shop/web']);
    expect(result.objects[0]?.manifest).not.toHaveProperty('status');
    expect(result.objects[0]?.manifest.metadata).toEqual({ name: 'web', namespace: 'shop' });
    expect(result.notes).toEqual([
      expect.objectContaining({ code: 'ServerFieldsIgnored', item: 0, line: 6, message: 'ignored status, metadata.uid, metadata.resourceVersion, metadata.generation: only the API server sets them, and kubectl apply ignores them too' }),
    ]);
  });

  it('reads standard input for "-"', async () => {
    const result = await loadManifests(['-'], { stdin: Readable.from([taskDefinitionYaml('piped')]) });
    expect(names(result)).toEqual(['EcsTaskDefinition default/piped']);
    expect(result.objects[0]?.source.file).toBe('<stdin>');
  });

  it('skips documents of other API groups with a note instead of failing', async () => {
    const argo = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\nspec: {}\n';
    const result = await loadManifests([await folder.write('all.yaml', `${NAMESPACE_YAML}---\n${argo}---\n${taskDefinitionYaml('web')}`)]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web']);
    expect(result.notes.map((n) => formatSourceIssue(n).replace(`${folder.dir}/`, ''))).toEqual([
      'all.yaml:1:1: Namespace shop: skipped (v1): not an ecs.operator.dev object',
      'all.yaml:6:1: Application shop: skipped (argoproj.io/v1alpha1): not an ecs.operator.dev object',
    ]);
  });

  it('skips empty documents and comment-only files', async () => {
    const a = await folder.write('a.yaml', `---\n# nothing yet\n---\n${taskDefinitionYaml('web')}---\n`);
    const b = await folder.write('b.yaml', '# TODO\n');
    const c = await folder.write('c.yaml', '');
    const result = await loadManifests([a, b, c]);
    expect(result.errors).toEqual([]);
    expect(result.objects[0]?.source).toMatchObject({ document: 2 });
  });
});

describe('loadManifests: files and folders, as kubectl -f reads them', () => {
  beforeEach(async () => {
    await folder.write('b-service.yaml', serviceYaml('web'));
    await folder.write('a-task.yml', taskDefinitionYaml('web'));
    await folder.write('README.md', '# not a manifest\napiVersion: nonsense\n');
    await folder.write('notes.txt', 'kind: nope');
    await folder.write('nested/worker.yaml', `${taskDefinitionYaml('worker')}---\n${serviceYaml('worker')}`);
    await folder.write('nested/deeper/extra.json', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }));
  });

  it('reads the .yaml, .yml and .json files of a folder in name order, and nothing else', async () => {
    const result = await loadManifests([folder.dir]);
    expect(result.errors).toEqual([]);
    expect(result.objects.map((o) => o.source.file)).toEqual([join(folder.dir, 'a-task.yml'), join(folder.dir, 'b-service.yaml')]);
  });

  it('goes into subfolders only when recursive (kubectl -R)', async () => {
    const result = await loadManifests([folder.dir], { recursive: true });
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web', 'EcsService default/web', 'EcsTaskDefinition default/worker', 'EcsService default/worker']);
    expect(result.notes).toEqual([expect.objectContaining({ code: 'Skipped', file: join(folder.dir, 'nested/deeper/extra.json') })]);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const file = await folder.write('manifest.txt', taskDefinitionYaml('txt'));
    expect(names(await loadManifests([file]))).toEqual(['EcsTaskDefinition default/txt']);
  });

  it('reads a file once when it is named twice', async () => {
    const file = join(folder.dir, 'a-task.yml');
    const result = await loadManifests([file, folder.dir, `${folder.dir}/./a-task.yml`]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web', 'EcsService default/web']);
  });

  it('says which path does not exist', async () => {
    const result = await loadManifests([join(folder.dir, 'nope.yaml')]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'NotFound', message: `the path "${join(folder.dir, 'nope.yaml')}" does not exist` })]);
  });

  it('refuses a folder without manifests', async () => {
    const empty = await folder.write('empty/README.md', 'hello');
    const result = await loadManifests([join(empty, '..')]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'NoObjects', message: 'no EcsCluster, EcsTaskDefinition or EcsService found' })]);
  });
});

describe('loadManifests: namespaces and identity', () => {
  it('puts objects without a namespace in "default", and keeps the one a manifest names', async () => {
    const result = await loadManifests([await folder.write('a.yaml', `${taskDefinitionYaml('web')}---\n${taskDefinitionYaml('web', { namespace: 'shop' })}`)]);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web', 'EcsTaskDefinition shop/web']);
  });

  it('puts objects without a namespace in the requested one, and refuses one that names another (as kubectl -n does)', async () => {
    const file = await folder.write('a.yaml', `${taskDefinitionYaml('web')}---\n${taskDefinitionYaml('api', { namespace: 'other' })}`);
    const result = await loadManifests([file], { namespace: 'shop' });
    expect(names(result)).toEqual(['EcsTaskDefinition shop/web']);
    expect(messages(result)).toEqual(['a.yaml:20:3: EcsTaskDefinition api: metadata.namespace: the namespace "other" is not the requested "shop" (kubectl refuses this too)']);
  });

  it('refuses the same object twice, naming both places', async () => {
    const a = await folder.write('a.yaml', taskDefinitionYaml('web'));
    const b = await folder.write('b.yaml', `${NAMESPACE_YAML}---\n${taskDefinitionYaml('web')}`);
    const result = await loadManifests([a, b]);
    expect(messages(result)).toEqual([`b.yaml:6:1: EcsTaskDefinition web: defined twice in namespace "default": first at ${a}:1:1`]);
  });

  it('allows the same name in two namespaces and for two kinds', async () => {
    const file = await folder.write('a.yaml', [taskDefinitionYaml('web'), taskDefinitionYaml('web', { namespace: 'shop' }), serviceYaml('web')].join('---\n'));
    expect((await loadManifests([file])).errors).toEqual([]);
  });

  it('refuses a taskDefinitionRef that none of the files define, at the line of the reference', async () => {
    const file = await folder.write('svc.yaml', `${taskDefinitionYaml('web', { namespace: 'shop' })}---\n${serviceYaml('web')}`);
    const result = await loadManifests([file]);
    expect(messages(result)).toEqual(['svc.yaml:24:5: EcsService web: spec.taskDefinitionRef.name: EcsTaskDefinition default/web is not defined in any of the files given']);
  });

  it('refuses a clusterRef that none of the files define, and takes one they define', async () => {
    const byRef = serviceYaml('web').replace('  cluster: demo\n', '  clusterRef:\n    name: demo\n');
    const file = await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${byRef}`);
    expect(messages(await loadManifests([file]))).toEqual([expect.stringMatching(/^svc\.yaml:\d+:5: EcsService web: spec\.clusterRef\.name: EcsCluster default\/demo is not defined in any of the files given$/)]);

    const cluster = 'apiVersion: ecs.operator.dev/v1alpha1\nkind: EcsCluster\nmetadata:\n  name: demo\nspec:\n  capacityProviders: [{ name: FARGATE }]\n';
    const both = await folder.write('both.yaml', `${cluster}---\n${taskDefinitionYaml('web')}---\n${byRef}`);
    const loaded = await loadManifests([both]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.objects.map((o) => o.kind)).toEqual(['EcsCluster', 'EcsTaskDefinition', 'EcsService']);
  });

  it('does not also call a reference unresolved when the task definition it names is invalid', async () => {
    const file = await folder.write('svc.yaml', `${taskDefinitionYaml('web', { image: '""' })}---\n${serviceYaml('web')}`);
    const result = await loadManifests([file]);
    expect(result.errors.map((e) => e.code)).toEqual(['Invalid']);
  });
});

describe('loadManifests: checks ECS makes, before any AWS call', () => {
  const withLoadBalancer = (containerName: string, containerPort: number) =>
    `${serviceYaml('web')}  loadBalancers:\n    - targetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef\n      containerName: ${containerName}\n      containerPort: ${containerPort}\n`;

  it('accepts a load balancer whose container and port are in the referenced task definition', async () => {
    const result = await loadManifests([await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${withLoadBalancer('web', 80)}`)]);
    expect(result.errors).toEqual([]);
  });

  it('refuses a load balancer container that the referenced task definition does not have, at its loadBalancers entry', async () => {
    const result = await loadManifests([await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${withLoadBalancer('api', 80)}`)]);
    expect(result.errors.map((e) => e.code)).toEqual(['InvalidReference']);
    expect(messages(result)).toEqual(['svc.yaml:32:7: EcsService web: spec.loadBalancers[0].containerName: EcsTaskDefinition web has no container "api" (its containers: web)']);
  });

  it('refuses a load balancer containerPort that the container does not map, at its loadBalancers entry', async () => {
    const result = await loadManifests([await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${withLoadBalancer('web', 8080)}`)]);
    expect(messages(result)).toEqual([
      'svc.yaml:33:7: EcsService web: spec.loadBalancers[0].containerPort: container "web" of EcsTaskDefinition web has no port mapping with containerPort 8080 (its container ports: 80)',
    ]);
  });

  it('refuses a task definition over the 64 KiB ECS accepts, at its spec, saying how large it is', async () => {
    const big = 'x'.repeat(30_000);
    const env = `      environment:\n${['A', 'B', 'C'].map((n) => `        - name: ${n}\n          value: ${big}\n`).join('')}`;
    const result = await loadManifests([await folder.write('td.yaml', taskDefinitionYaml('web') + env)]);
    expect(result.objects).toEqual([]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'EcsLimitExceeded', line: 5, column: 1, object: 'EcsTaskDefinition web', path: 'spec' })]);
    expect(result.errors[0]?.message).toMatch(/^the task definition is 90\d{3} bytes as a RegisterTaskDefinition request, more than the 65536 \(64 KiB\) ECS accepts: /);
  });
});

describe('loadManifests: errors say where', () => {
  it('gives the file, line, column, object and field of a schema error', async () => {
    const file = await folder.write('svc.yaml', `${taskDefinitionYaml('web')}---\n${serviceYaml('web', { desiredCount: '"2"' })}`);
    const result = await loadManifests([file]);
    expect(result.errors).toEqual([
      { file, document: 2, line: 24, column: 3, code: 'Invalid', object: 'EcsService web', path: 'spec.desiredCount', message: 'must be of type integer' },
    ]);
    expect(messages(result)).toEqual(['svc.yaml:24:3: EcsService web: spec.desiredCount: must be of type integer']);
  });

  it('places an error about a missing field at the object that lacks it', async () => {
    const file = await folder.write('td.yaml', taskDefinitionYaml('web').replace('      image: public.ecr.aws/nginx/nginx:1.27\n', ''));
    const result = await loadManifests([file]);
    expect(result.errors).toEqual([expect.objectContaining({ path: 'spec.containerDefinitions[0].image', message: 'Required value', line: 11, column: 7 })]);
  });

  it('gives the line of a YAML syntax error', async () => {
    const result = await loadManifests([await folder.write('bad.yaml', 'apiVersion: v1\nkind: [Namespace\nmetadata: {}\n')]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'Syntax', line: 3, message: expect.stringMatching(/^invalid YAML: /) })]);
  });

  it('gives the line of a JSON syntax error', async () => {
    const result = await loadManifests([await folder.write('bad.json', '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n}\n')]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'Syntax', line: 4, column: 1, message: expect.stringMatching(/^invalid JSON: /) })]);
  });

  it('gives lines in JSON files too', async () => {
    const json = JSON.stringify({ apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTaskDefinition', metadata: { name: 'web' }, spec: { cpu: '256', memory: 512.5, containerDefinitions: [{ name: 'web', image: 'nginx' }] } }, null, 2);
    const result = await loadManifests([await folder.write('td.json', json)]);
    expect(messages(result)).toEqual(['td.json:9:5: EcsTaskDefinition web: spec.memory: must be of type integer,string']);
  });

  it('keeps reading the other files after one fails', async () => {
    const bad = await folder.write('a.yaml', 'kind: [\n');
    const good = await folder.write('b.yaml', taskDefinitionYaml('web'));
    const result = await loadManifests([bad, good]);
    expect(result.errors).toHaveLength(1);
    expect(names(result)).toEqual(['EcsTaskDefinition default/web']);
  });
});

describe('loadManifests: YAML 1.1, as kubectl reads it', () => {
  it('reads an unquoted y as kubectl does (a boolean), and says why the error happens', async () => {
    const result = await loadManifests([await folder.write('td.yaml', taskDefinitionYaml('web', { image: 'y' }))]);
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: 'spec.containerDefinitions[0].image',
        message: 'must be of type string (kubectl (YAML 1.1) reads the unquoted y as true, YAML 1.2 as "y": quote it if you mean "y")',
      }),
    ]);
  });

  it('notes a value that YAML 1.1 and 1.2 read differently, and reads it as kubectl does', async () => {
    const result = await loadManifests([await folder.write('td.yaml', taskDefinitionYaml('web').replace('containerPort: 80', 'containerPort: 0755'))]);
    expect(result.errors).toEqual([]);
    const td = result.objects[0];
    expect(td?.kind === 'EcsTaskDefinition' && td.manifest.spec.containerDefinitions[0]?.portMappings?.[0]?.containerPort).toBe(493);
    expect(result.notes).toEqual([
      expect.objectContaining({ code: 'Yaml11', line: 14, column: 11, path: 'spec.containerDefinitions[0].portMappings[0].containerPort', message: expect.stringContaining('reads the unquoted 0755 as 493, YAML 1.2 as 755') }),
    ]);
  });

  it('says nothing about quoted values', async () => {
    const result = await loadManifests([await folder.write('td.yaml', taskDefinitionYaml('web', { image: '"y"' }))]);
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
  });
});

describe('loadManifests: YAML anchors and aliases', () => {
  it('expands aliases into separate copies', async () => {
    const yaml = taskDefinitionYaml('web').replace(
      '      portMappings:\n        - containerPort: 80\n',
      '      environment: &env\n        - { name: MODE, value: live }\n    - name: sidecar\n      image: busybox\n      environment: *env\n',
    );
    const result = await loadManifests([await folder.write('a.yaml', yaml)]);
    expect(result.errors).toEqual([]);
    const td = result.objects[0];
    if (td?.kind !== 'EcsTaskDefinition') throw new Error('expected a task definition');
    const [web, sidecar] = td.manifest.spec.containerDefinitions;
    expect(sidecar?.environment).toEqual([{ name: 'MODE', value: 'live' }]);
    expect(sidecar?.environment).toEqual(web?.environment);
    expect(sidecar?.environment).not.toBe(web?.environment);
  });
});

describe('loadManifests: limits', () => {
  it('refuses a file over the size limit', async () => {
    const result = await loadManifests([await folder.write('a.yaml', taskDefinitionYaml('web'))], { maxFileBytes: 100 });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'TooLarge', message: 'larger than 100 bytes: refused (raise the file size limit if this is really a manifest)' })]);
  });

  it('refuses standard input over the size limit', async () => {
    const result = await loadManifests(['-'], { stdin: Readable.from([taskDefinitionYaml('web')]), maxFileBytes: 100 });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'TooLarge', file: '<stdin>' })]);
  });

  it('summarizes a document with thousands of errors', async () => {
    const containers = Array.from({ length: 10_000 }, (_, i) => `    - name: c${i}\n`).join('');
    const yaml = taskDefinitionYaml('web').replace(/ {2}containerDefinitions:\n[\s\S]*$/, `  containerDefinitions:\n${containers}`);
    const result = await loadManifests([await folder.write('a.yaml', yaml)]);
    expect(result.errors.length).toBeLessThanOrEqual(21);
    expect(result.errors[0]).toMatchObject({ path: 'spec.containerDefinitions', message: 'Too many: 10000: must have at most 10 items' });
    expect(result.errors.at(-1)?.message).toMatch(/^\d+ more errors not shown$/);
  });
});
