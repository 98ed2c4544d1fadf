// Options every command that talks to AWS shares, and the adapter built from them. Everything a
// person can get wrong before the first AWS call (region, endpoint, credentials) is checked here
// and reported as one line that says what to do, instead of the same SDK error once per object.
import { connect } from 'node:net';
import { Option, type Command } from 'commander';
import { isAwsRegion } from '../api/common.js';
import { createAwsAdapter, type AwsAdapter } from '../aws/adapter.js';

export interface AwsOptions {
  region?: string;
  endpoint?: string;
  clusterId: string;
}

/** The region the CLI uses for manifests that name none when nothing else gives one. */
export const FALLBACK_REGION = 'us-east-1';

export function addAwsOptions(cmd: Command): Command {
  return cmd
    .option('--region <region>', 'default AWS region for manifests that name none (default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)')
    .option('--endpoint <url>', 'AWS endpoint override, e.g. a local emulator (default: $ECS_OPERATOR_AWS_ENDPOINT)')
    .option('--cluster-id <id>', 'the operator installation named in ownership tags; match the controller\'s --cluster-id', process.env.ECS_OPERATOR_CLUSTER_ID ?? 'default')
    // The controller's names (`run --aws-region/--aws-endpoint`) before the flags were unified.
    .addOption(new Option('--aws-region <region>').hideHelp())
    .addOption(new Option('--aws-endpoint <url>').hideHelp());
}

/**
 * The adapter, or undefined after one line on stderr saying what is wrong and what to do: a region
 * that is no AWS region, an endpoint that is no URL or does not answer, no credentials anywhere in
 * the SDK's chain. A region that falls back to us-east-1 is said once.
 */
export async function awsAdapterFrom(opts: AwsOptions & { awsRegion?: string; awsEndpoint?: string }): Promise<AwsAdapter | undefined> {
  const given = opts.region ?? opts.awsRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const region = given ?? FALLBACK_REGION;
  if (!isAwsRegion(region)) {
    console.error(`error: AWS region "${region}" is not a region of any AWS partition (e.g. us-east-1); fix --region or $AWS_REGION`);
    return undefined;
  }
  if (given === undefined) console.error(`note: no AWS region given (--region, $AWS_REGION or $AWS_DEFAULT_REGION): manifests that name none use ${FALLBACK_REGION}`);

  const endpoint = opts.endpoint ?? opts.awsEndpoint ?? process.env.ECS_OPERATOR_AWS_ENDPOINT;
  if (endpoint !== undefined) {
    const problem = await endpointProblem(endpoint);
    if (problem) {
      console.error(`error: ${problem}`);
      return undefined;
    }
  }

  const aws = createAwsAdapter({ region, ...(endpoint ? { endpoint } : {}) });
  try {
    await aws.region().clients.ecs.config.credentials();
  } catch (err) {
    aws.destroy();
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    console.error(`error: no AWS credentials (${why}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is available (instance profile, ECS task role, EKS IRSA or Pod Identity)`);
    return undefined;
  }
  return aws;
}

/** Why the endpoint cannot be used (not an http(s) URL, or nothing accepts a connection there), or undefined. */
async function endpointProblem(endpoint: string): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--endpoint must be an http(s) URL such as http://localhost:5000 (got "${endpoint}")`;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const refused = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('no answer within 5s');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
  // Only the origin is printed: an endpoint may carry user info.
  return refused === undefined ? undefined : `cannot reach the AWS endpoint ${url.protocol}//${url.host} (${refused}): is it running? Check --endpoint or $ECS_OPERATOR_AWS_ENDPOINT`;
}
