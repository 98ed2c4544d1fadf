// Options every command that talks to AWS shares, and the adapter built from them.
import type { Command } from 'commander';
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

export function awsAdapterFrom(opts: AwsOptions): AwsAdapter {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const endpoint = opts.endpoint ?? process.env.ECS_OPERATOR_AWS_ENDPOINT;
  return createAwsAdapter({ region, ...(endpoint ? { endpoint } : {}) });
}
