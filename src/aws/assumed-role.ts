// Credentials of an IAM role of another account, from STS AssumeRole made with the operator's own
// identity: one provider per role, shared by every client of that account, which the SDK's own
// memoization keeps until 5 minutes before the session expires and then refreshes.
//
// A failed AssumeRole (the trust policy does not name the operator, a wrong external ID, the role
// is gone) is remembered for a short while: the objects of the account's namespaces are refused
// with STS's words without asking STS once per object.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsCallCounter } from './call-counter.js';
import { instrumentClient } from './clients.js';

export interface RoleToAssume {
  roleArn: string;
  externalId?: string;
  sessionName: string;
}

/** A failed AssumeRole: STS's error code and message, as the user is shown them. */
export class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AssumedRoleOptions {
  /** The STS client, which signs with the operator's own identity. */
  sts: STSClient;
  /** How long a failure is answered from memory before STS is asked again. Default 30 s. */
  failureHoldMs?: number;
  now?: () => number;
}

const describe = (err: unknown): AssumeRoleError => {
  if (err instanceof AssumeRoleError) return err;
  const e = err as { name?: string; Code?: string; message?: string };
  return new AssumeRoleError(e.Code ?? e.name ?? 'Error', e.message ?? String(err));
};

export class AssumedRole {
  private readonly memoized: (options?: { forceRefresh?: boolean }) => Promise<AwsCredentialIdentity>;
  private failure: { error: AssumeRoleError; at: number } | undefined;
  private readonly holdMs: number;
  private readonly now: () => number;
  /** The account the role's session runs in, once assumed (from AssumedRoleUser.Arn). */
  accountId: string | undefined;

  constructor(
    readonly role: RoleToAssume,
    private readonly opts: AssumedRoleOptions,
  ) {
    this.holdMs = opts.failureHoldMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    const memoized = memoizeIdentityProvider<AwsCredentialIdentity>(() => this.assume(), isIdentityExpired, doesIdentityRequireRefresh);
    if (!memoized) throw new Error('memoizeIdentityProvider returned no provider');
    this.memoized = memoized;
  }

  /** The provider every client of the account signs with. */
  readonly credentials: AwsCredentialIdentityProvider = () => this.current();

  /** The last failure while it is held, else undefined. */
  heldFailure(): AssumeRoleError | undefined {
    return this.failure && this.now() - this.failure.at < this.holdMs ? this.failure.error : undefined;
  }

  /**
   * The role's credentials: from memory while valid, a fresh AssumeRole otherwise. A failure is
   * rethrown from memory while it is held, then STS is asked anew, bypassing the cached session.
   */
  async current(): Promise<AwsCredentialIdentity> {
    const held = this.heldFailure();
    if (held) throw held;
    return this.call(this.failure !== undefined);
  }

  /** AssumeRole now, whatever is cached: the check an EcsAccount's reconcile makes. */
  verify(): Promise<AwsCredentialIdentity> {
    return this.call(true);
  }

  private async call(forceRefresh: boolean): Promise<AwsCredentialIdentity> {
    try {
      const identity = await this.memoized({ forceRefresh });
      this.failure = undefined;
      return identity;
    } catch (err) {
      const error = describe(err);
      this.failure = { error, at: this.now() };
      throw error;
    }
  }

  private async assume(): Promise<AwsCredentialIdentity> {
    const out = await this.opts.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.role.roleArn,
        RoleSessionName: this.role.sessionName,
        ...(this.role.externalId === undefined ? {} : { ExternalId: this.role.externalId }),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AssumeRoleError('NoCredentials', `AssumeRole of ${this.role.roleArn} answered without credentials`);
    this.accountId = /^arn:aws[a-z-]*:sts::([0-9]{12}):/.exec(out.AssumedRoleUser?.Arn ?? '')?.[1] ?? this.accountId;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }
}

/** The STS client the operator assumes roles with: its own identity, its region and endpoint, its call counter. */
export function createStsClient(config: { region: string; endpoint?: string; credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider; calls: AwsCallCounter }): STSClient {
  const sts = new STSClient({
    region: config.region,
    maxAttempts: 3,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  });
  instrumentClient(sts.middlewareStack, 'sts', config.calls);
  return sts;
}
