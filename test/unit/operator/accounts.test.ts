// The account gate as every kind's reconcile meets it: which identity a namespace's objects act
// with, and why they are refused (before any AWS call) when they may not act.
import type { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, test } from 'vitest';
import type { EcsAccount } from '../../../src/api/index.js';
import type { AccountAdapters } from '../../../src/aws/accounts.js';
import { createAwsAdapter, type AwsAdapter } from '../../../src/aws/adapter.js';
import { AssumedRole } from '../../../src/aws/assumed-role.js';
import { Informer } from '../../../src/kube/informer.js';
import type { NamespaceObject } from '../../../src/kube/namespaces.js';
import type { ListWatchSource } from '../../../src/kube/resource.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { AccountDirectory, OWN_ACCOUNT_KEY } from '../../../src/operator/accounts.js';

/** A list-watch source that lists `items` once and then watches nothing. */
function listed<T>(resource: string, items: T[]): ListWatchSource<T> {
  return {
    resource,
    listPage: async () => ({ items, resourceVersion: '1', continueToken: undefined }),
    watch: async () => ({ abort: () => undefined }),
  };
}

const account = (name: string, accountId: string, spec: Partial<EcsAccount['spec']>): EcsAccount => ({
  apiVersion: 'ecs.operator.dev/v1alpha1',
  kind: 'EcsAccount',
  metadata: { name, resourceVersion: '1' },
  spec: { roleArn: `arn:aws:iam::${accountId}:role/ecs-operator-${name}`, externalId: `${name}-ext`, ...spec },
});

const adapters: AwsAdapter[] = [];
const informers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const a of adapters.splice(0)) a.destroy();
  for (const i of informers.splice(0)) await i.stop();
});

/** A directory over these EcsAccounts and namespaces; STS refuses the roles named in `refused`. */
async function directory(accounts: EcsAccount[], opts: { requireMapping?: boolean; refused?: string[] } = {}) {
  const log = silentLogger();
  const accountInformer = new Informer<EcsAccount>({ source: listed('ecsaccounts', accounts), log });
  const namespaces: NamespaceObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' }, resourceVersion: '1' } }];
  const namespaceInformer = new Informer<NamespaceObject>({ source: listed('namespaces', namespaces), log });
  informers.push(accountInformer, namespaceInformer);
  const stsCalls: AssumeRoleCommand['input'][] = [];
  const sts = {
    send: async (cmd: AssumeRoleCommand) => {
      stsCalls.push(cmd.input);
      if (opts.refused?.includes(cmd.input.RoleArn ?? '')) throw Object.assign(new Error(`User: arn:aws:sts::123456789012:user/op is not authorized to perform: sts:AssumeRole on resource: ${cmd.input.RoleArn}`), { name: 'AccessDenied' });
      return { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) } };
    },
  } as unknown as STSClient;
  const own = createAwsAdapter({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  adapters.push(own);
  const roles = new Map<string, { role: AssumedRole; aws: AwsAdapter }>();
  const fake: AccountAdapters = {
    own,
    forRole: (role) => {
      let entry = roles.get(role.roleArn);
      if (!entry) {
        const assumed = new AssumedRole(role, { sts });
        const aws = createAwsAdapter({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: assumed.credentials });
        adapters.push(aws);
        roles.set(role.roleArn, (entry = { role: assumed, aws }));
      }
      return entry;
    },
    retain: () => undefined,
    destroy: () => undefined,
  };
  const dir = new AccountDirectory({ accounts: accountInformer, namespaces: namespaceInformer, adapters: fake, requireMapping: opts.requireMapping ?? false, log });
  accountInformer.start();
  namespaceInformer.start();
  await Promise.all([accountInformer.waitForSync(), namespaceInformer.waitForSync()]);
  return { dir, own, stsCalls };
}

describe('AccountDirectory', () => {
  test("a namespace no EcsAccount maps acts with the operator's own identity", async () => {
    const { dir, own, stsCalls } = await directory([account('search', '222222222222', { namespaces: ['search'] })]);
    expect(await dir.resolve('tools')).toEqual({ kind: 'own', aws: own });
    expect(dir.accountKeyOf('tools')).toBe(OWN_ACCOUNT_KEY);
    expect(stsCalls).toEqual([]);
  });

  test('with --require-account-mapping it is refused, NoAccountMapping, before any AWS call', async () => {
    const { dir, stsCalls } = await directory([], { requireMapping: true });
    const out = await dir.resolve('tools', { cluster: 'demo' });
    expect(out).toMatchObject({ kind: 'refused', reason: 'NoAccountMapping' });
    expect(out.kind === 'refused' && out.message).toContain('no EcsAccount maps namespace tools');
    expect(stsCalls).toEqual([]);
  });

  test("a mapped namespace (here by label) acts with the role's credentials, in the account's default region", async () => {
    const { dir, stsCalls } = await directory([account('shop', '222222222222', { namespaceSelector: { matchLabels: { team: 'shop' } }, region: 'eu-west-1' })]);
    const out = await dir.resolve('shop', { cluster: 'demo' });
    expect(out).toMatchObject({ kind: 'mapped', account: 'shop', accountId: '222222222222' });
    expect(out.kind === 'mapped' && out.aws.defaultRegion).toBe('eu-west-1');
    expect(stsCalls).toEqual([{ RoleArn: 'arn:aws:iam::222222222222:role/ecs-operator-shop', RoleSessionName: 'ecs-operator', ExternalId: 'shop-ext' }]);
    expect(dir.accountKeyOf('shop')).toBe('222222222222');
  });

  test('two EcsAccounts claiming one namespace: refused, naming both, and neither role is assumed', async () => {
    const { dir, stsCalls } = await directory([account('a', '222222222222', { namespaces: ['shop'] }), account('b', '333333333333', { namespaceSelector: { matchLabels: { team: 'shop' } } })]);
    const out = await dir.resolve('shop');
    expect(out).toMatchObject({ kind: 'refused', reason: 'AccountMappingConflict' });
    expect(out.kind === 'refused' && out.message).toContain('claimed by several EcsAccounts (a, b)');
    expect(dir.accountKeyOf('shop')).toBe(OWN_ACCOUNT_KEY);
    expect(stsCalls).toEqual([]);
  });

  test("a role that cannot be assumed: AccountUnavailable with STS's words, and its namespace only", async () => {
    const { dir } = await directory([account('shop', '222222222222', { namespaces: ['shop'] }), account('search', '333333333333', { namespaces: ['search'] })], { refused: ['arn:aws:iam::222222222222:role/ecs-operator-shop'] });
    const out = await dir.resolve('shop');
    expect(out).toMatchObject({ kind: 'refused', reason: 'AccountUnavailable' });
    expect(out.kind === 'refused' && out.message).toBe(
      'the role of EcsAccount shop (arn:aws:iam::222222222222:role/ecs-operator-shop) cannot be assumed: AccessDenied: User: arn:aws:sts::123456789012:user/op is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/ecs-operator-shop',
    );
    expect(await dir.resolve('search')).toMatchObject({ kind: 'mapped', account: 'search' });
  });

  test('an ARN of another account in the spec is refused before the role is even assumed', async () => {
    const { dir, stsCalls } = await directory([account('shop', '222222222222', { namespaces: ['shop'] })]);
    const out = await dir.resolve('shop', { cluster: 'arn:aws:ecs:us-east-1:333333333333:cluster/theirs' });
    expect(out).toMatchObject({ kind: 'refused', reason: 'ForeignAccountArn' });
    expect(out.kind === 'refused' && out.message).toContain('spec.cluster names account 333333333333');
    expect(stsCalls).toEqual([]);
  });

  test("adapterOf gives a resync's read-ahead the same adapter for every object of an account, and none where objects may not act", async () => {
    const { dir, own } = await directory([account('shop', '222222222222', { namespaces: ['shop'], region: 'eu-west-1' }), account('x', '333333333333', { namespaces: ['both'] }), account('y', '444444444444', { namespaces: ['both'] })]);
    const shop = dir.adapterOf('shop');
    expect(shop?.defaultRegion).toBe('eu-west-1');
    expect(dir.adapterOf('shop')).toBe(shop);
    expect(dir.adapterOf('tools')).toBe(own);
    expect(dir.adapterOf('both')).toBeUndefined();
  });

  test('a mapping change tells listeners which namespaces to look at again', async () => {
    const { dir } = await directory([account('shop', '222222222222', { namespaces: ['shop'] })]);
    const seen: string[][] = [];
    dir.onNamespacesChanged((ns) => seen.push([...ns]));
    dir.availabilityChanged('shop');
    expect(seen).toEqual([['shop']]);
  });
});
