// The custom resources as users meet them: kubectl apply, get, explain and wait against the real
// API server with the generated CRDs installed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLURALS, type EcsResource } from '../../src/api/index.js';
import { validateManifest } from '../../src/api/validate.js';
import { createNamespace, kubectl } from '../support/env.js';
import { invalidCases } from '../unit/api/invalid-manifests.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const examplesDir = join(repoRoot, 'examples');

async function ok(args: string[], opts: { input?: string; namespace?: string } = {}): Promise<string> {
  const res = await kubectl(args, opts);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

/** The examples as the file source reads them, defaults filled in. */
function exampleResources(file: string): EcsResource[] {
  return loadAll(readFileSync(join(examplesDir, file), 'utf8')).map((doc) => {
    const result = validateManifest(doc);
    if (!result.ok) throw new Error(`${file} does not validate: ${JSON.stringify(result.errors)}`);
    return result.value;
  });
}

beforeAll(async () => {
  // The global setup installs the CRDs; applying them again is idempotent and keeps this file
  // independent of that order.
  await ok(['apply', '--server-side', '-f', join(repoRoot, 'crds')]);
  await ok(['wait', '--for=condition=Established', '--timeout=60s', ...Object.values(PLURALS).map((plural) => `crd/${plural}.ecs.operator.dev`)]);
});

describe('examples/', () => {
  it('applies with kubectl and reads back unchanged apart from defaults', async () => {
    const ns = await createNamespace('api-examples');
    await ok(['apply', '-f', examplesDir], { namespace: ns });

    const listed = JSON.parse(await ok(['get', Object.values(PLURALS).join(','), '-o', 'json'], { namespace: ns })) as { items: EcsResource[] };
    const files = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
    const expected = files.flatMap(exampleResources);
    expect(listed.items).toHaveLength(expected.length);
    for (const want of expected) {
      const got = listed.items.find((i) => i.kind === want.kind && i.metadata.name === want.metadata.name);
      // The file source fills in the same defaults as the API server, so the specs are equal.
      expect(got?.spec, `${want.kind}/${want.metadata.name}`).toEqual(want.spec);
    }
  });
});

describe('invalid manifests are rejected at apply time', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace('api-invalid');
  });

  it('covers at least 20 mistakes', () => {
    expect(invalidCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(invalidCases)('$name', async ({ manifest, path, message }) => {
    const res = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest), namespace: ns });
    expect(res.code, res.stdout).not.toBe(0);
    expect(res.stderr).toContain(path);
    expect(res.stderr).toContain(message);
  });
});

describe('kubectl explain', () => {
  it('describes spec.autoscaling and its fields', async () => {
    const out = await ok(['explain', 'ecsservice.spec.autoscaling']);
    expect(out).toContain('Application Auto Scaling of the service');
    expect(out).toMatch(/minCapacity\s+<integer> -required-\s+Fewest tasks autoscaling may run/);
    expect(out).toMatch(/exclusive\s+<boolean>\s+The operator owns all scaling of this service/);
    expect(out).toMatch(/stepScaling\s+<\[\]Object>\s+Step scaling policies/);
  });

  it('describes task definition fields down to container log options', async () => {
    const out = await ok(['explain', 'ecstd.spec.containerDefinitions.logConfiguration']);
    expect(out).toMatch(/logDriver\s+<string> -required-/);
    expect(out).toContain('awslogs sends to CloudWatch Logs');
  });
});

describe('kubectl get ecs', () => {
  it('lists every kind with its printer columns filled from status, REASON being the Ready reason', async () => {
    const ns = await createNamespace('api-columns');
    await ok(['apply', '-f', join(examplesDir, 'fargate-web-alb.yaml')], { namespace: ns });
    await ok(['apply', '-f', join(examplesDir, 'clusters.yaml')], { namespace: ns });
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string, status: string, reason: string) => ({ type, status, reason, message: '', lastTransitionTime: now, observedGeneration: 1 });
    await ok(
      ['patch', 'ecstd/web', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { observedGeneration: 1, family: 'web', revision: 7, taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', conditions: [condition('Ready', 'True', 'Registered'), condition('Synced', 'True', 'InSync')] } })],
      { namespace: ns },
    );
    await ok(
      [
        'patch',
        'ecssvc/web',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            observedGeneration: 1,
            serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/web',
            taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
            taskDefinition: 'web:7',
            desiredCount: 3,
            runningCount: 2,
            desiredCountOwner: 'Autoscaling',
            deployments: [{ id: 'ecs-svc/1234567890', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', desiredCount: 3, runningCount: 2, pendingCount: 1 }],
            drift: { detected: false, lastCheckedTime: now, differences: [] },
            conditions: [condition('Ready', 'False', 'RolloutInProgress'), condition('Reconciling', 'True', 'RolloutInProgress'), condition('Synced', 'True', 'InSync'), condition('Drifted', 'False', 'InSync')],
          },
        }),
      ],
      { namespace: ns },
    );

    await ok(
      [
        'patch',
        'ecscl/demo',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            observedGeneration: 1,
            clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo',
            clusterName: 'demo',
            capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
            activeServicesCount: 1,
            runningTasksCount: 2,
            conditions: [condition('Ready', 'True', 'ClusterActive'), condition('Synced', 'True', 'InSync'), condition('Drifted', 'False', 'NoDrift')],
          },
        }),
      ],
      { namespace: ns },
    );

    const table = await ok(['get', 'ecs'], { namespace: ns });
    const lines = table.split('\n').map((l) => l.trim().split(/\s{2,}/));
    const header = (first: string) => lines.find((l) => l[0] === 'NAME' && l.includes(first));
    const svcHeader = header('CLUSTER');
    expect(svcHeader).toEqual(['NAME', 'CLUSTER', 'DESIRED', 'RUNNING', 'TASK DEFINITION', 'READY', 'REASON', 'SYNCED', 'DRIFTED', 'AGE']);
    // The service names its cluster by clusterRef: the CLUSTER cell (spec.cluster) is blank.
    expect(lines.find((l) => l[0] === 'ecsservice.ecs.operator.dev/web')?.slice(1, 8)).toEqual(['3', '2', 'web:7', 'False', 'RolloutInProgress', 'True', 'False']);
    expect(header('CLUSTER NAME')).toEqual(['NAME', 'CLUSTER NAME', 'PROVIDERS', 'SERVICES', 'RUNNING', 'READY', 'REASON', 'SYNCED', 'DRIFTED', 'AGE']);
    expect(lines.find((l) => l[0] === 'ecscluster.ecs.operator.dev/demo')?.slice(1, 9)).toEqual(['demo', '["FARGATE","FARGATE_SPOT"]', '1', '2', 'True', 'ClusterActive', 'True', 'False']);
    expect(header('FAMILY')).toEqual(['NAME', 'FAMILY', 'REVISION', 'READY', 'REASON', 'SYNCED', 'AGE']);
    expect(lines.find((l) => l[0] === 'ecstaskdefinition.ecs.operator.dev/web')?.slice(1, 6)).toEqual(['web', '7', 'True', 'Registered', 'True']);

    const wide = await ok(['get', 'ecssvc', 'web', '-o', 'wide'], { namespace: ns });
    expect(wide).toMatch(/COUNT OWNER\s+SERVICE ARN/);
    expect(wide).toContain('Autoscaling');
  });

  it('lets kubectl wait read the Ready condition', async () => {
    const ns = await createNamespace('api-wait');
    await ok(['apply', '-f', join(examplesDir, 'daemon-service.yaml')], { namespace: ns });
    const ready = { type: 'Ready', status: 'True', reason: 'RolloutComplete', message: 'all tasks running', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: 1 };
    await ok(['patch', 'ecssvc/node-agent', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { observedGeneration: 1, conditions: [ready] } })], { namespace: ns });
    const res = await kubectl(['wait', '--for=condition=Ready', '--timeout=10s', 'ecssvc/node-agent'], { namespace: ns });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('keeps spec out of reach of status writes', async () => {
    const ns = await createNamespace('api-status');
    await ok(['apply', '-f', join(examplesDir, 'daemon-service.yaml')], { namespace: ns });
    await ok(['patch', 'ecssvc/node-agent', '--subresource=status', '--type=merge', '-p', JSON.stringify({ spec: { clusterRef: { name: 'other' } }, status: { observedGeneration: 1 } })], { namespace: ns });
    const got = JSON.parse(await ok(['get', 'ecssvc/node-agent', '-o', 'json'], { namespace: ns })) as EcsResource;
    expect(got.spec).toMatchObject({ clusterRef: { name: 'demo-ec2' } });
    expect(got.status).toEqual({ observedGeneration: 1 });
  });
});
