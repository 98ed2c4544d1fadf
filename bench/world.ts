// The AWS side of one account: a VPC with two subnets and a security group, and an ECS cluster,
// created with that account's credentials (the operator's own, or a role assumed through STS).
import { randomBytes } from 'node:crypto';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { accountCredentials, roleAdmin, trustPolicy } from '../test/aws/emulator.js';

export const REGION = 'us-east-1';

/** The bench's own key: its calls are not the operator's, and the emulator can tell them apart. */
export const BENCH_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface AccountWorld {
  /** The role the operator assumes for this account; undefined for the operator's own identity. */
  roleArn: string | undefined;
  accountId: string | undefined;
  credentials: AwsCredentialIdentity;
  cluster: string;
  subnets: string[];
  securityGroup: string;
}

/** The account the operator's own key ('testing') acts in on the emulator. */
export const OPERATOR_ACCOUNT = '123456789012';

/**
 * Account `accountId` as its administrator sets it up for the operator: a role the operator's
 * account may assume (IAM, with that account's credentials), and the administrator's credentials,
 * with which the bench builds the account's network and cluster.
 */
export async function accountForOperator(endpoint: string, accountId: string): Promise<{ roleArn: string; accountId: string; credentials: AwsCredentialIdentity }> {
  const roleArn = await roleAdmin(endpoint, accountId).createRole('ecs-operator-bench', trustPolicy(OPERATOR_ACCOUNT));
  return { roleArn, accountId, credentials: accountCredentials(accountId) };
}

export async function createAccountWorld(endpoint: string, account: { roleArn?: string; accountId?: string; credentials: AwsCredentialIdentity }): Promise<AccountWorld> {
  const ec2 = new EC2Client({ region: REGION, endpoint, credentials: account.credentials });
  const ecs = new ECSClient({ region: REGION, endpoint, credentials: account.credentials });
  try {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const subnets: string[] = [];
    for (const cidr of ['10.0.1.0/24', '10.0.2.0/24']) {
      const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc?.VpcId, CidrBlock: cidr }));
      subnets.push(Subnet?.SubnetId ?? '');
    }
    const suffix = randomBytes(3).toString('hex');
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: Vpc?.VpcId, GroupName: `bench-${suffix}`, Description: 'bench tasks' }));
    const cluster = `bench-${suffix}`;
    await ecs.send(new CreateClusterCommand({ clusterName: cluster, capacityProviders: ['FARGATE'] }));
    return { roleArn: account.roleArn, accountId: account.accountId, credentials: account.credentials, cluster, subnets, securityGroup: GroupId ?? '' };
  } finally {
    ec2.destroy();
    ecs.destroy();
  }
}
