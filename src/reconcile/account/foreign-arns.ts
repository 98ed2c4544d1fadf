// An object acts only in its namespace's AWS account: every ARN its spec names must be of that
// account, checked before any AWS call so that a manifest can never reach (or pass ECS) a cluster,
// a target group, a role, an alarm... of an account its namespace is not mapped to.
//
// Exempt are the references AWS itself resolves across accounts by a resource policy, which the
// task reads at run time with its own roles: Secrets Manager secrets and SSM parameters (secrets,
// secretOptions, repositoryCredentials), KMS keys, and the free-form options of log drivers and
// FireLens. IAM roles are not exempt: iam:PassRole passes only roles of the caller's own account.
// ARNs without an account (S3 objects: arn:aws:s3:::bucket/key) name no account to check.

/** One ARN of another account, located by its field path in the manifest (spec.loadBalancers[0].targetGroupArn). */
export interface ForeignArn {
  path: string;
  arn: string;
  account: string;
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):/;

/** Field names under which an ARN may belong to another account (see the header). */
const EXEMPT_FIELDS = new Set(['secrets', 'secretOptions', 'repositoryCredentials', 'options', 'kmsKeyId', 'environment', 'labels', 'dockerLabels', 'tags']);

/** The ARNs of `spec` whose account is not `accountId`, in document order. */
export function foreignArns(spec: unknown, accountId: string, path = 'spec'): ForeignArn[] {
  if (typeof spec === 'string') {
    const account = ARN.exec(spec)?.[1];
    return account !== undefined && account !== accountId ? [{ path, arn: spec, account }] : [];
  }
  if (Array.isArray(spec)) return spec.flatMap((item, i) => foreignArns(item, accountId, `${path}[${i}]`));
  if (typeof spec !== 'object' || spec === null) return [];
  return Object.entries(spec).flatMap(([key, value]) => (EXEMPT_FIELDS.has(key) ? [] : foreignArns(value, accountId, `${path}.${key}`)));
}

/** What the object's Stalled condition says about them: every field, the account it names and the one it may. */
export function describeForeignArns(found: readonly ForeignArn[], accountId: string, accountName: string): string {
  const fields = found.map((f) => `${f.path} names account ${f.account} (${f.arn})`).join('; ');
  return `this namespace acts in AWS account ${accountId} (EcsAccount ${accountName}); an object can name no resource of another account: ${fields}`;
}
