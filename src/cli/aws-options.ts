// Options every command that talks to AWS shares, and the adapter built from them.
import type { Command } from 'commander';
import { isAwsRegion } from '../api/common.js';
import { createAwsAdapter, type AwsAdapter } from '../aws/adapter.js';

export interface AwsOptions {
  region?: string;
  endpoint?: string;
  clusterId: string;
}

export function addAwsOptions(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'default AWS region for manifests that name none (default: $AWS_REGION)')
    .option('--endpoint <url>', 'AWS endpoint override, e.g. a local emulator (default: $ECS_OPERATOR_AWS_ENDPOINT)')
    .option('--cluster-id <id>', 'the operator installation named in ownership tags; match the controller\'s --cluster-id', process.env.ECS_OPERATOR_CLUSTER_ID ?? 'default');
}

/** The adapter, or undefined (with the reason on stderr) when the default region is no AWS region. */
export function awsAdapterFrom(opts: AwsOptions): AwsAdapter | undefined {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!isAwsRegion(region)) {
    console.error(`error: AWS region "${region}" is not a region of any AWS partition (e.g. us-east-1)`);
    return undefined;
  }
  const endpoint = opts.endpoint ?? process.env.ECS_OPERATOR_AWS_ENDPOINT;
  return createAwsAdapter({ region, ...(endpoint ? { endpoint } : {}) });
}
