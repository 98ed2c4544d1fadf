// The operator's logs as an SRE reads them after the Events have expired: the operator process,
// run with a secret access key and a session token in its environment, creates a task definition
// whose containers carry an environment value and a secret, and a service; someone changes the
// service's count in ECS; another service names a cluster that does not exist. At info, the log
// tells each story (every AWS write with the object, region and fields; every condition change;
// the drift corrected; the failure), holds no per-read line, and never a credential or a value of
// the task definition's environment, even at debug.
import { readFileSync } from 'node:fs';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../integration/reconcile-support.js';
import { kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { waiter } from '../support/wait.js';

const ns = 'obs-logs';
const SECRET_ACCESS_KEY = 'obsSecretKey/wJalrXUtnFEMIK7MDENGbPxRfiCY';
const SESSION_TOKEN = 'obsSessionToken/FwoGZXIvYXdzEJr//////////wEaDN';
const ENV_VALUE = 'obs-env-value-hunter2';
const SECRET_REF = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:obs-db-password-AbCdEf';

let world: World;
let operator: OperatorProcess;
type Line = Record<string, unknown> & { level: string; msg: string; key?: string };

beforeAll(async () => {
  world = await createWorld(testEnv().awsEndpoint);
  expect((await kubectl(['create', 'namespace', ns])).code).toBe(0);
  operator = await startOperator({
    namespaces: [ns],
    logLevel: 'debug',
    extraArgs: [`--cluster-id=${world.clusterId}`],
    env: { AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: SESSION_TOKEN },
  });
});

afterAll(async () => {
  await operator?.stop();
  world?.destroy();
});

const waitFor = waiter({ timeoutMs: 90_000, logs: () => operator.logs(), logLines: 30 });

function lines(): Line[] {
  return operator
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}
const infoOf = (key: string) => lines().filter((l) => l.key === key && ['info', 'warn', 'error'].includes(l.level));

async function apply(manifest: object): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(manifest) });
  expect(res.code, res.stderr).toBe(0);
}

async function conditionOf(kind: string, name: string, type: string): Promise<{ status: string; reason: string } | undefined> {
  const res = await kubectl(['get', kind, name, '-o', 'json'], { namespace: ns });
  const o = JSON.parse(res.stdout || '{}') as { status?: { conditions?: { type: string; status: string; reason: string }[] } };
  return o.status?.conditions?.find((c) => c.type === type);
}

/** The info lines of one object, as `jq 'select(.key == "...")'` prints them, for the record. */
function sample(key: string, from = 0): string {
  return infoOf(key)
    .slice(from)
    .map((l) => JSON.stringify(Object.fromEntries(Object.entries(l).filter(([k]) => !['time', 'pid', 'hostname'].includes(k)))))
    .join('\n');
}

describe('operator logs', () => {
  it('say at info what was created in AWS, in which region, and how the conditions moved', async () => {
    await apply(
      taskDefinitionManifest('app', {
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        spec: {
          containerDefinitions: [
            { name: 'web', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }], environment: [{ name: 'DB_PASSWORD', value: ENV_VALUE }], secrets: [{ name: 'API_KEY', valueFrom: SECRET_REF }] },
          ],
        },
      }),
    );
    await apply(serviceManifest({ cluster: world.cluster, subnets: world.subnets, securityGroup: world.securityGroup }, 'web', { taskDefinitionRef: { name: 'app' }, launchType: 'FARGATE', desiredCount: 1 }));
    await waitFor('web Ready', async () => (await conditionOf('ecsservice', 'web', 'Ready'))?.status === 'True');

    const td = infoOf(`${ns}/app`);
    expect(td).toContainEqual(expect.objectContaining({ msg: 'AWS write', aws: { service: 'ecs', operation: 'RegisterTaskDefinition', region: 'us-east-1' }, target: { family: expect.any(String) }, fields: expect.arrayContaining(['containerDefinitions', 'executionRoleArn']), outcome: 'success' }));
    expect(td).toContainEqual(expect.objectContaining({ msg: 'condition Ready: absent -> True (Registered)' }));
    const web = infoOf(`${ns}/web`);
    expect(web).toContainEqual(expect.objectContaining({ msg: 'AWS write', aws: expect.objectContaining({ operation: 'CreateService' }), target: { cluster: world.cluster, serviceName: 'web' }, fields: expect.arrayContaining(['desiredCount', 'taskDefinition']) }));
    expect(web).toContainEqual(expect.objectContaining({ condition: 'Ready', to: expect.stringMatching(/^True /) }));
    console.log(`[logs] create, info lines of ${ns}/app and ${ns}/web:\n${sample(`${ns}/app`)}\n${sample(`${ns}/web`)}`);
  });

  it('say which fields drifted and that they were put back, with the write that did it', async () => {
    const before = infoOf(`${ns}/web`).length;
    const ecs = world.aws.region().clients.ecs;
    await ecs.send(new UpdateServiceCommand({ cluster: world.cluster, service: 'web', desiredCount: 3 }));
    await waitFor('the drift corrected, in the log', async () => infoOf(`${ns}/web`).some((l) => l.msg.startsWith('drift corrected')));
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: ['web'] }));
    expect(services?.[0]?.desiredCount).toBe(1);
    const after = infoOf(`${ns}/web`).slice(before);
    expect(after).toContainEqual(expect.objectContaining({ msg: 'drift corrected: put back what was changed outside the operator', drift: { fields: ['spec.desiredCount'] } }));
    expect(after).toContainEqual(expect.objectContaining({ msg: 'AWS write', aws: expect.objectContaining({ operation: 'UpdateService' }), target: { cluster: world.cluster, service: 'web' }, fields: ['desiredCount'] }));
    console.log(`[logs] drift correction, info lines of ${ns}/web:\n${sample(`${ns}/web`, before)}`);
  });

  it('say which write failed, with AWS\'s error, and that the object is Stalled', async () => {
    // A subnet that does not exist: ECS refuses the CreateService.
    await apply(serviceManifest({ cluster: world.cluster, subnets: ['subnet-0000000000000dead'], securityGroup: world.securityGroup }, 'lost', { taskDefinitionRef: { name: 'app' }, launchType: 'FARGATE', desiredCount: 1 }));
    await waitFor('lost Stalled, in the log', async () => infoOf(`${ns}/lost`).some((l) => l.condition === 'Stalled' && String(l.to).startsWith('True')));
    expect((await conditionOf('ecsservice', 'lost', 'Stalled'))?.status).toBe('True');
    const lost = infoOf(`${ns}/lost`);
    expect(lost).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'AWS write failed', aws: expect.objectContaining({ operation: 'CreateService' }), target: { cluster: world.cluster, serviceName: 'lost' }, errorKind: 'invalid' }));
    console.log(`[logs] failure, info lines of ${ns}/lost:\n${sample(`${ns}/lost`)}`);
  });

  it('never hold a credential or a task definition value, even at debug, and no read at info', () => {
    const text = operator.logs();
    const kubeconfig = load(readFileSync(testEnv().kubeconfig, 'utf8')) as { users?: { user?: { token?: string } }[] };
    const bearer = kubeconfig.users?.[0]?.user?.token;
    for (const secret of [SECRET_ACCESS_KEY, SESSION_TOKEN, 'wJalrXUtnFEMIK7MDENG', ENV_VALUE, SECRET_REF, ...(bearer ? [bearer] : [])]) expect(text).not.toContain(secret);
    // The debug log was on: reads were logged, at debug only.
    const all = lines();
    expect(all.some((l) => l.msg === 'AWS read' && l.level === 'debug')).toBe(true);
    expect(all.filter((l) => l.level === 'info' && l.msg.startsWith('AWS read'))).toEqual([]);
  });
});
