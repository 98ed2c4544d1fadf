// IAM roles in the emulator's accounts, made as a user would with boto3: the AWS SDK for
// JavaScript here has no IAM client (test/aws/README.md, "Accounts"), and the emulator's
// virtualenv already has boto3 (test/aws/ensure-venv.sh).
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { accountCredentials } from '../aws/emulator.js';

const run = promisify(execFile);
const awsDir = resolve(import.meta.dirname, '..', 'aws');

export interface RoleToCreate {
  /** The account the role lives in (12 digits). */
  account: string;
  name: string;
  /** The trust policy (AssumeRolePolicyDocument). */
  trustPolicy: object;
}

/** A trust policy that lets `account` (the operator's) assume the role, with the external ID when given. */
export function trustAccount(account: string, externalId?: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined ? {} : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  };
}

const SCRIPT = `
import boto3, json, sys
req = json.load(sys.stdin)
arns = []
for role in req["roles"]:
    iam = boto3.client("iam", endpoint_url=req["endpoint"], region_name="us-east-1",
                       aws_access_key_id=role["accessKeyId"], aws_secret_access_key=role["secretAccessKey"])
    out = iam.create_role(RoleName=role["name"], AssumeRolePolicyDocument=json.dumps(role["trustPolicy"]))
    arns.append(out["Role"]["Arn"])
json.dump(arns, sys.stdout)
`;

/** Creates the roles (each with credentials of its own account); returns their ARNs, in order. */
export async function createRoles(endpoint: string, roles: readonly RoleToCreate[]): Promise<string[]> {
  const { stdout: venv } = await run('bash', [join(awsDir, 'ensure-venv.sh')], { maxBuffer: 1 << 20 });
  const input = JSON.stringify({ endpoint, roles: roles.map((r) => ({ ...accountCredentials(r.account), name: r.name, trustPolicy: r.trustPolicy })) });
  const child = run(join(venv.trim(), 'bin', 'python'), ['-c', SCRIPT], { maxBuffer: 1 << 20 });
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return JSON.parse(stdout) as string[];
}
