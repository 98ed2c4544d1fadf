// Reads ECS service deployments: the history ECS keeps of each deployment (strategy, lifecycle
// stage, traffic weights, rollback and what triggered it), which DescribeServices does not carry.
// Reads made together share DescribeServiceDeployments calls (up to 20 ARNs each, any cluster of
// the region), and a deployment that has finished is kept: it never changes again.
import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
  type ServiceDeploymentBrief,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { AwsError } from './errors.js';

/** DescribeServiceDeployments accepts at most 20 ARNs per call (ECS API reference). */
export const DESCRIBE_SERVICE_DEPLOYMENTS_MAX = 20;

/** Statuses after which ECS changes a service deployment no more. */
const FINAL: readonly ServiceDeploymentStatus[] = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'];

export function isFinalServiceDeployment(status: string | undefined): boolean {
  return FINAL.includes(status as ServiceDeploymentStatus);
}

export interface ServiceDeploymentReaderOptions {
  /** How long the first read of a batch waits for others to join it. Default 5 ms. */
  windowMs?: number;
  /** Finished deployments kept. Default 4096. */
  maxFinished?: number;
}

export class ServiceDeploymentReader {
  private readonly loader: DataLoader<string, ServiceDeployment | undefined>;
  private readonly finished: LRUCache<string, ServiceDeployment>;

  constructor(
    private readonly ecs: ECSClient,
    options: ServiceDeploymentReaderOptions = {},
  ) {
    this.finished = new LRUCache({ max: options.maxFinished ?? 4096 });
    this.loader = new DataLoader<string, ServiceDeployment | undefined>((arns) => this.describeBatch(arns), {
      maxBatchSize: DESCRIBE_SERVICE_DEPLOYMENTS_MAX,
      batchScheduleFn: (run) => setTimeout(run, options.windowMs ?? 5),
      // A deployment in progress must be read afresh on every reconcile; finished ones are kept in `finished`.
      cache: false,
    });
  }

  /** The service deployment, or undefined when ECS does not know it (MISSING). */
  async describe(serviceDeploymentArn: string): Promise<ServiceDeployment | undefined> {
    return this.finished.get(serviceDeploymentArn) ?? this.loader.load(serviceDeploymentArn);
  }

  /**
   * The newest service deployment of a service created after `after` (when given): for a rollout
   * whose service deployment ARN is not known yet.
   */
  async latest(cluster: string, service: string, after?: Date): Promise<ServiceDeploymentBrief | undefined> {
    const out = await this.ecs.send(new ListServiceDeploymentsCommand({ cluster, service, ...(after ? { createdAt: { after } } : {}) }));
    const newestFirst = [...(out.serviceDeployments ?? [])].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    return newestFirst[0];
  }

  private async describeBatch(arns: readonly string[]): Promise<Array<ServiceDeployment | undefined | AwsError>> {
    const unique = [...new Set(arns)];
    const out = await this.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: unique }));
    for (const d of out.serviceDeployments ?? []) {
      if (d.serviceDeploymentArn && isFinalServiceDeployment(d.status)) this.finished.set(d.serviceDeploymentArn, d);
    }
    return arns.map((arn) => {
      const found = out.serviceDeployments?.find((d) => d.serviceDeploymentArn === arn);
      if (found) return found;
      const failure = out.failures?.find((f) => f.arn === arn);
      if (!failure || failure.reason === 'MISSING') return undefined;
      return new AwsError({ kind: 'unknown', retryable: true, code: failure.reason ?? 'Failure', message: failure.detail ?? failure.reason ?? 'failed' }, 'ecs', 'DescribeServiceDeployments');
    });
  }
}
