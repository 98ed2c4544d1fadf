// Several accounts in one emulator, as the AWS SDK for JavaScript sees them: credentials from
// accountCredentials() act in their account, a role made there (roleAdmin) is assumed with its
// external ID and its sessions act in its account, a role made unassumable (or one that does not
// exist) is STS's AccessDenied, and a fault rule scoped to an account hits only that account's
// calls. Uses an emulator of its own because faults are global to an emulator.
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountCredentials, roleAdmin, startEmulator, trustPolicy, type Emulator } from '../aws/emulator.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ clock: 'manual' });
});

afterAll(async () => {
  await emulator?.stop();
});

const region = 'us-east-1';
const defaultAccount = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call succeeded');
}

describe('accounts', () => {
  it('acts in the account of accountCredentials, and each account sees only its own resources', async () => {
    const credentials = accountCredentials('111111111111');
    expect(credentials.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const sts = new STSClient({ endpoint: emulator.endpoint, region, credentials });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');

    const ecs = new ECSClient({ endpoint: emulator.endpoint, region, credentials });
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'accounts-b' }));
    expect(cluster?.clusterArn).toBe('arn:aws:ecs:us-east-1:111111111111:cluster/accounts-b');
    const other = new ECSClient({ endpoint: emulator.endpoint, region, credentials: accountCredentials('111111111111') });
    expect((await other.send(new ListClustersCommand({}))).clusterArns).toContain(cluster?.clusterArn);
    const defaults = new ECSClient({ endpoint: emulator.endpoint, region, credentials: defaultAccount });
    expect((await defaults.send(new ListClustersCommand({}))).clusterArns ?? []).not.toContain(cluster?.clusterArn);
  });

  it('assumes a role of another account with its external ID, until the role is made unassumable', async () => {
    const admin = roleAdmin(emulator.endpoint, '222222222222');
    const roleArn = await admin.createRole('deployer', trustPolicy('123456789012', 'team-b'));
    expect(roleArn).toBe('arn:aws:iam::222222222222:role/deployer');
    const sts = new STSClient({ endpoint: emulator.endpoint, region, credentials: defaultAccount, maxAttempts: 1 });
    const assume = (ExternalId?: string) => sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'operator', ExternalId }));

    const { Credentials } = await assume('team-b');
    const session = {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
    const ecs = new ECSClient({ endpoint: emulator.endpoint, region, credentials: session });
    const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'team-b' }));
    expect(cluster?.clusterArn).toBe('arn:aws:ecs:us-east-1:222222222222:cluster/team-b');
    expect((await failure(assume('team-c'))).name).toBe('AccessDenied');

    await admin.updateAssumeRolePolicy('deployer', trustPolicy('999999999999', 'team-b'));
    const refused = await failure(assume('team-b'));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toBe(`User: arn:aws:sts::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    await admin.deleteRole('deployer');
    expect((await failure(assume('team-b'))).name).toBe('AccessDenied');
    await expect(admin.deleteRole('deployer')).rejects.toThrow(/NoSuchEntity/);
  });

  it('refuses AssumeRole of a role that does not exist with AccessDenied', async () => {
    const sts = new STSClient({ endpoint: emulator.endpoint, region, credentials: defaultAccount, maxAttempts: 1 });
    const roleArn = 'arn:aws:iam::222222222222:role/missing';
    const error = await failure(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ops', ExternalId: 'ext-1' })));
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(`User: arn:aws:sts::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  });

  it('throttles only the account a fault rule names, whatever keys sign its calls', async () => {
    const account = '333333333333';
    const rule = await emulator.control.addFault({ operation: '*', service: 'ecs', kind: 'throttle', account, probability: 1 });
    try {
      for (const credentials of [accountCredentials(account), accountCredentials(account)]) {
        const ecs = new ECSClient({ endpoint: emulator.endpoint, region, credentials, maxAttempts: 1 });
        const error = await failure(ecs.send(new ListClustersCommand({})));
        expect(error.name).toBe('ThrottlingException');
      }
      const spared = new ECSClient({ endpoint: emulator.endpoint, region, credentials: accountCredentials('444444444444'), maxAttempts: 1 });
      await spared.send(new ListClustersCommand({}));
      const held = (await emulator.control.state()).faults.find((f) => f.id === rule.id);
      expect(held).toMatchObject({ account, matched: 2, injected: 2 });
    } finally {
      await emulator.control.clearFaults(rule.id);
    }
  });
});
