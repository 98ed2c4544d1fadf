// Many AWS accounts from one cluster, as a platform team runs it: three namespaces, each mapped by
// an EcsAccount to a role of its own account (assumed with an external ID), N services each. Each
// account's services exist in that account only, read back with that account's credentials; a
// manifest naming another account's cluster by ARN is refused before any AWS call; one account's
// role made unassumable (its trust policy no longer names the operator) stalls that namespace's
// objects with STS's error while the other two stay Ready.
//
// ACCOUNTS_E2E_SERVICES sets N (default 100, the figure).
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { CreateClusterCommand, ECSClient, ListClustersCommand, ListTagsForResourceCommand, paginateListServices } from '@aws-sdk/client-ecs';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountCredentials, roleAdmin, trustPolicy } from '../aws/emulator.js';
import { shortId } from '../integration/reconcile-support.js';
import { createNamespace, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';

const SERVICES = Number(process.env.ACCOUNTS_E2E_SERVICES ?? 100);
const REGION = 'us-east-1';
/** The operator's own identity in the emulator (the default account of the 'testing' keys). */
const OPERATOR_ACCOUNT = '123456789012';

interface Tenant {
  accountId: string;
  externalId: string;
  roleName: string;
  roleArn: string;
  namespace: string;
  mapping: string;
  cluster: string;
  clusterArn: string;
  subnets: string[];
  securityGroup: string;
  ecs: ECSClient;
}

const run = shortId();
const tenants: Tenant[] = [];
let operator: OperatorProcess;

/** A VPC, subnets, a security group and an ECS cluster in the account, made with its own credentials. */
async function tenant(index: number): Promise<Tenant> {
  const endpoint = testEnv().awsEndpoint;
  // Accounts of this run only: the emulator is shared with other test files.
  const accountId = String(randomInt(200_000_000_000, 299_999_999_999));
  const credentials = accountCredentials(accountId);
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials });
  const ecs = new ECSClient({ region: REGION, endpoint, credentials });
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: '10.0.1.0/24' }));
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: Vpc?.VpcId, GroupName: `web-${run}`, Description: 'web tasks' }));
  ec2.destroy();
  const cluster = `team-${index}-${run}`;
  const created = await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const externalId = `ext-${index}-${run}`;
  const roleName = `ecs-operator-team-${index}`;
  const roleArn = await roleAdmin(endpoint, accountId).createRole(roleName, trustPolicy(OPERATOR_ACCOUNT, externalId));
  const namespace = await createNamespace(`acct-${index}`);
  return {
    accountId,
    externalId,
    roleName,
    roleArn,
    namespace,
    mapping: `team-${index}-${run}`,
    cluster,
    clusterArn: created.cluster?.clusterArn ?? '',
    subnets: [Subnet?.SubnetId ?? ''],
    securityGroup: GroupId ?? '',
    ecs,
  };
}

const accountManifest = (t: Tenant) => ({
  apiVersion: 'ecs.operator.dev/v1alpha1',
  kind: 'EcsAccount',
  metadata: { name: t.mapping },
  spec: { roleArn: t.roleArn, externalId: t.externalId, sessionName: 'ecs-operator-e2e', namespaces: [t.namespace] },
});

async function apply(namespace: string | undefined, items: unknown[]): Promise<void> {
  const res = await kubectl(['apply', '-f', '-'], { namespace, input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
  if (res.code !== 0) throw new Error(`kubectl apply: ${res.stderr}`);
}

async function jsonOf<T>(args: string[], namespace?: string): Promise<T> {
  const res = await kubectl([...args, '-o', 'json'], { namespace });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}

type Conditioned = { metadata: { name: string }; status?: { conditions?: { type: string; status: string; reason: string; message: string }[]; accountId?: string; namespaces?: string[] } };
const cond = (o: Conditioned, type: string) => o.status?.conditions?.find((c) => c.type === type);

async function servicesIn(t: Tenant): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListServices({ client: t.ecs }, { cluster: t.cluster })) names.push(...(page.serviceArns ?? []));
  return names.sort();
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) tenants.push(await tenant(i));
  await apply(undefined, tenants.map(accountManifest));
  operator = await startOperator({ namespaces: tenants.map((t) => t.namespace), logLevel: 'info', extraArgs: [`--cluster-id=acct-${run}`] });
  for (const t of tenants) {
    const services = Array.from({ length: SERVICES }, (_, i) => serviceManifest(t, `svc-${i}`, { taskDefinitionRef: { name: 'web' }, desiredCount: 1, launchType: 'FARGATE' }));
    await apply(t.namespace, [taskDefinitionManifest('web'), ...services]);
  }
}, 300_000);

afterAll(async () => {
  await operator?.stop();
  await kubectl(['delete', 'ecsaccount', ...tenants.map((t) => t.mapping), '--ignore-not-found', '--wait=false']);
  for (const t of tenants) t.ecs.destroy();
});

describe('the EcsAccount kind on the API server', () => {
  it('takes examples/accounts/ and refuses a mapping without namespaces or with a role ARN that is not one', async () => {
    const examples = await kubectl(['apply', '--dry-run=server', '-f', resolve(import.meta.dirname, '..', '..', 'examples', 'accounts', 'ecsaccounts.yaml')]);
    expect(examples.code, examples.stderr).toBe(0);
    const bad = await kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsAccount', metadata: { name: `bad-${run}` }, spec: { roleArn: 'arn:aws:iam::12345:user/someone' } }),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.roleArn');
    expect(bad.stderr).toContain('name the namespaces this account serves (namespaces) or select them by label (namespaceSelector)');
  });
});

describe('three namespaces, three EcsAccounts, three AWS accounts', () => {
  it(`converges ${SERVICES} services per namespace, each in its own account only`, async () => {
    for (const t of tenants) {
      const ready = await kubectl(['wait', '--for=condition=Ready', 'ecsservice', '--all', '--timeout=600s'], { namespace: t.namespace });
      expect(ready.code, `${ready.stderr}\n${operator.logs().split('\n').slice(-20).join('\n')}`).toBe(0);
    }
    for (const t of tenants) {
      // Read back with the account's own credentials: the services are there, in its cluster.
      const arns = await servicesIn(t);
      expect(arns).toHaveLength(SERVICES);
      expect(arns.every((a) => a.startsWith(`arn:aws:ecs:${REGION}:${t.accountId}:service/${t.cluster}/`))).toBe(true);
      // Their ownership tags carry the account they were made in.
      const { tags } = await t.ecs.send(new ListTagsForResourceCommand({ resourceArn: arns[0] }));
      expect(tags).toContainEqual({ key: 'ecs.operator.dev/account', value: t.accountId });
      expect(tags).toContainEqual({ key: 'ecs.operator.dev/owner', value: `${t.namespace}/svc-0` });
      // ... and no other account (the operator's own included) sees the cluster.
      for (const other of [...tenants.filter((o) => o !== t).map((o) => o.ecs), new ECSClient({ region: REGION, endpoint: testEnv().awsEndpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } })]) {
        expect((await other.send(new ListClustersCommand({}))).clusterArns ?? []).not.toContain(t.clusterArn);
      }
    }
  }, 900_000);

  it('each EcsAccount is Ready with its account and the namespace it serves', async () => {
    for (const t of tenants) {
      const account = await jsonOf<Conditioned>(['get', 'ecsaccount', t.mapping]);
      expect(cond(account, 'Ready')).toMatchObject({ status: 'True', reason: 'RoleAssumed' });
      expect(account.status?.accountId).toBe(t.accountId);
      expect(account.status?.namespaces).toEqual([t.namespace]);
    }
  });

  it("a manifest naming another account's cluster by ARN is refused, naming the field, and nothing is created there", async () => {
    const [a, b] = tenants as [Tenant, Tenant, ...Tenant[]];
    await apply(a.namespace, [serviceManifest(a, 'intruder', { cluster: b.clusterArn, taskDefinitionRef: { name: 'web' }, desiredCount: 1, launchType: 'FARGATE' })]);
    const stalled = await kubectl(['wait', '--for=jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=ForeignAccountArn', 'ecsservice/intruder', '--timeout=120s'], { namespace: a.namespace });
    expect(stalled.code, stalled.stderr).toBe(0);
    const svc = await jsonOf<Conditioned>(['get', 'ecsservice', 'intruder'], a.namespace);
    expect(cond(svc, 'Stalled')?.message).toContain(`spec.cluster names account ${b.accountId} (${b.clusterArn})`);
    expect(cond(svc, 'Stalled')?.message).toContain(`acts in AWS account ${a.accountId} (EcsAccount ${a.mapping})`);
    expect((await servicesIn(b)).some((arn) => arn.endsWith('/intruder'))).toBe(false);
    expect((await servicesIn(a)).some((arn) => arn.endsWith('/intruder'))).toBe(false);
  }, 180_000);

  it("a role made unassumable stalls that namespace's objects with STS's error; the other namespaces stay Ready", async () => {
    const [, , c] = tenants as [Tenant, Tenant, Tenant];
    // As its account's admin would: the trust policy no longer names the operator's account.
    await roleAdmin(testEnv().awsEndpoint, c.accountId).updateAssumeRolePolicy(c.roleName, trustPolicy('999999999999', c.externalId));

    const accountStalled = await kubectl(['wait', '--for=jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=AssumeRoleFailed', `ecsaccount/${c.mapping}`, '--timeout=120s']);
    expect(accountStalled.code, accountStalled.stderr).toBe(0);
    const account = await jsonOf<Conditioned>(['get', 'ecsaccount', c.mapping]);
    expect(cond(account, 'Stalled')?.message).toContain(`STS AssumeRole of ${c.roleArn} failed: AccessDenied: User: arn:aws:sts::${OPERATOR_ACCOUNT}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${c.roleArn}`);

    const stalled = await kubectl(['wait', '--for=jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=AccountUnavailable', 'ecsservice', '--all', '--timeout=300s'], { namespace: c.namespace });
    expect(stalled.code, stalled.stderr).toBe(0);
    const services = (await jsonOf<{ items: Conditioned[] }>(['get', 'ecsservices'], c.namespace)).items;
    for (const s of services) {
      expect(cond(s, 'Ready')?.status).toBe('False');
      expect(cond(s, 'Stalled')?.message).toContain(`the role of EcsAccount ${c.mapping} (${c.roleArn}) cannot be assumed: AccessDenied: User: arn:aws:sts::${OPERATOR_ACCOUNT}:user/moto is not authorized to perform: sts:AssumeRole on resource: ${c.roleArn}`);
    }
    // Nothing else was touched: the services are still in the account, and the others are Ready.
    expect(await servicesIn(c)).toHaveLength(SERVICES);
    for (const t of tenants.slice(0, 2)) {
      const items = (await jsonOf<{ items: Conditioned[] }>(['get', 'ecsservices'], t.namespace)).items.filter((s) => s.metadata.name !== 'intruder');
      expect(items).toHaveLength(SERVICES);
      expect(items.filter((s) => cond(s, 'Ready')?.status !== 'True').map((s) => s.metadata.name)).toEqual([]);
    }
  }, 420_000);

  it('with --require-account-mapping, an object of a namespace no EcsAccount maps is refused before any AWS call', async () => {
    await operator.stop();
    const unmapped = await createNamespace('acct-unmapped');
    const [a] = tenants as [Tenant, ...Tenant[]];
    operator = await startOperator({ namespaces: [unmapped], logLevel: 'info', extraArgs: [`--cluster-id=acct-${run}`, '--require-account-mapping'] });
    // The tenants' EcsAccounts (cluster-scoped) are looked at too, at start and at each resync,
    // each with an AssumeRole of its role: those calls are theirs, not the unmapped objects'.
    const accountLooks = () => operator.reconciles('ecsaccount');
    const looksBefore = await accountLooks();
    const before = await operator.awsCalls();
    await apply(unmapped, [taskDefinitionManifest('web'), serviceManifest(a, 'orphan', { taskDefinitionRef: { name: 'web' }, desiredCount: 1, launchType: 'FARGATE' })]);
    for (const obj of ['ecstaskdefinition/web', 'ecsservice/orphan']) {
      const stalled = await kubectl(['wait', '--for=jsonpath={.status.conditions[?(@.type=="Stalled")].reason}=NoAccountMapping', obj, '--timeout=120s'], { namespace: unmapped });
      expect(stalled.code, `${obj}: ${stalled.stderr}`).toBe(0);
    }
    const svc = await jsonOf<Conditioned>(['get', 'ecsservice', 'orphan'], unmapped);
    expect(cond(svc, 'Stalled')?.message).toContain(`no EcsAccount maps namespace ${unmapped} to an AWS account, and the operator runs with --require-account-mapping`);
    // Not one AWS call for them (STS included): every AssumeRole since is an EcsAccount's look.
    const after = await operator.awsCalls();
    // Read after the calls: a look under way then has its AssumeRole counted, and its end by now.
    const looks = (await accountLooks()) - looksBefore;
    const calls = [...after].filter(([op, n]) => n !== (before.get(op) ?? 0));
    expect(calls.filter(([op]) => op !== 'sts:AssumeRole')).toEqual([]);
    expect((after.get('sts:AssumeRole') ?? 0) - (before.get('sts:AssumeRole') ?? 0)).toBeLessThanOrEqual(looks);
    await kubectl(['delete', 'namespace', unmapped, '--wait=false']);
  }, 240_000);
});
