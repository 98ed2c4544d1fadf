// The AWS adapters of every identity the operator acts with: its own, and one per role it assumes
// for an EcsAccount. Each role's adapter has its own clients per region, and so its own ECS request
// pacer: the rate budget is per account and region, as AWS counts it, and one account's throttling
// never holds back another's calls. Every adapter shares the process's one call counter.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { createAwsAdapter, type AwsAdapter, type AwsAdapterConfig } from './adapter.js';
import { AssumedRole, createStsClient, type RoleToAssume } from './assumed-role.js';

export interface AccountAdapters {
  /** The operator's own identity (objects of namespaces no EcsAccount maps). */
  readonly own: AwsAdapter;
  /** The role's credentials and adapter, created on first use and shared by every EcsAccount naming the same role. */
  forRole(role: RoleToAssume): { role: AssumedRole; aws: AwsAdapter };
  /** Closes the adapters of roles no longer named (`live`: the keys of roles still in use). */
  retain(live: ReadonlySet<string>): void;
  destroy(): void;
}

/** One role, one session: the role ARN, external ID and session name together. */
export const roleKey = (role: RoleToAssume): string => [role.roleArn, role.externalId ?? '', role.sessionName].join('\n');

/** `aws` with another default region: what an EcsAccount's `region` gives its namespaces' objects. */
export function withDefaultRegion(aws: AwsAdapter, region: string | undefined): AwsAdapter {
  if (region === undefined || region === aws.defaultRegion) return aws;
  return { ...aws, defaultRegion: region, region: (name = region) => aws.region(name) };
}

export function createAccountAdapters(config: AwsAdapterConfig & { credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider }): AccountAdapters {
  const own = createAwsAdapter(config);
  // AssumeRole signs with the operator's own identity, in its default region.
  const sts = createStsClient({ region: config.region, endpoint: config.endpoint, credentials: config.credentials, calls: own.calls });
  const roles = new Map<string, { role: AssumedRole; aws: AwsAdapter }>();

  return {
    own,
    forRole(role) {
      const key = roleKey(role);
      let entry = roles.get(key);
      if (!entry) {
        const assumed = new AssumedRole(role, { sts });
        entry = { role: assumed, aws: createAwsAdapter({ ...config, calls: own.calls, credentials: assumed.credentials }) };
        roles.set(key, entry);
      }
      return entry;
    },
    retain(live) {
      for (const [key, entry] of roles) {
        if (live.has(key)) continue;
        entry.aws.destroy();
        roles.delete(key);
      }
    },
    destroy() {
      own.destroy();
      for (const entry of roles.values()) entry.aws.destroy();
      roles.clear();
      sts.destroy();
    },
  };
}
