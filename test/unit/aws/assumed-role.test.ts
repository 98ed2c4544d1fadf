import type { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, test } from 'vitest';
import { AssumedRole } from '../../../src/aws/assumed-role.js';

const ROLE = { roleArn: 'arn:aws:iam::222222222222:role/ecs-operator-shop', externalId: 'shop-ext', sessionName: 'ecs-operator' };

/** An STS stand-in: answers AssumeRole with a session expiring `expiresInMs` from now, or fails as told. */
function fakeSts(opts: { expiresInMs?: number; fail?: () => Error | undefined } = {}) {
  const calls: AssumeRoleCommand['input'][] = [];
  const sts = {
    send: async (cmd: AssumeRoleCommand) => {
      calls.push(cmd.input);
      const err = opts.fail?.();
      if (err) throw err;
      return {
        Credentials: { AccessKeyId: `ASIA${calls.length}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + (opts.expiresInMs ?? 3_600_000)) },
        AssumedRoleUser: { Arn: 'arn:aws:sts::222222222222:assumed-role/ecs-operator-shop/ecs-operator', AssumedRoleId: 'AROA:ecs-operator' },
      };
    },
  };
  return { sts: sts as unknown as STSClient, calls };
}

const stsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('AssumedRole', () => {
  test('assumes the role once, with its external ID and session name, for every client of the account', async () => {
    const { sts, calls } = fakeSts();
    const role = new AssumedRole(ROLE, { sts });
    const [a, b] = await Promise.all([role.credentials(), role.credentials()]);
    const c = await role.credentials();
    expect(calls).toEqual([{ RoleArn: ROLE.roleArn, RoleSessionName: 'ecs-operator', ExternalId: 'shop-ext' }]);
    expect(a.accessKeyId).toBe('ASIA1');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(role.accountId).toBe('222222222222');
  });

  test('assumes it again before the session expires (within the SDK\'s 5-minute window)', async () => {
    const { sts, calls } = fakeSts({ expiresInMs: 4 * 60_000 });
    const role = new AssumedRole(ROLE, { sts });
    const first = await role.credentials();
    const before = calls.length;
    const again = await role.credentials();
    expect(calls.length).toBe(before + 1);
    expect(again.accessKeyId).not.toBe(first.accessKeyId);
  });

  test('a refused AssumeRole is answered from memory for a while, in STS\'s words, then asked anew', async () => {
    let now = 1_000_000;
    let refuse = true;
    const { sts, calls } = fakeSts({ fail: () => (refuse ? stsError('AccessDenied', 'User is not authorized to perform: sts:AssumeRole') : undefined) });
    const role = new AssumedRole(ROLE, { sts, failureHoldMs: 30_000, now: () => now });
    await expect(role.current()).rejects.toMatchObject({ code: 'AccessDenied', message: 'User is not authorized to perform: sts:AssumeRole' });
    await expect(role.current()).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(calls.length).toBe(1);
    expect(role.heldFailure()?.code).toBe('AccessDenied');

    now += 30_001;
    refuse = false;
    expect((await role.current()).accessKeyId).toBe('ASIA2');
    expect(role.heldFailure()).toBeUndefined();
  });

  test('verify() asks STS even while a session is cached, so a role that became unassumable is noticed', async () => {
    let refuse = false;
    const { sts, calls } = fakeSts({ fail: () => (refuse ? stsError('AccessDenied', 'not authorized') : undefined) });
    const role = new AssumedRole(ROLE, { sts });
    await role.credentials();
    refuse = true;
    await expect(role.verify()).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(calls.length).toBe(2);
    // Until it can be assumed again, the account's objects are refused rather than use the old session.
    await expect(role.current()).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});
