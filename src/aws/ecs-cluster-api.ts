// The ECS calls of the cluster reconciler: clusters, their capacity providers and the services
// that use them. Clusters are few and read once per reconcile, so nothing here batches or caches.
//
// Three refusals are answers, not failures, for a reconciler: a capacity provider still in use
// (ResourceInUseException) and a cluster that still holds services, tasks or container instances
// (ClusterContains...Exception). They are told apart here, at the AWS edge, by the modeled
// exception name, and returned as values; every other error stays a classified AwsError.
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DeleteCapacityProviderCommand,
  DeleteClusterCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  PutClusterCapacityProvidersCommand,
  UpdateCapacityProviderCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  paginateListServices,
  type CapacityProvider,
  type CapacityProviderStrategyItem,
  type Cluster,
  type CreateCapacityProviderCommandInput,
  type CreateClusterCommandInput,
  type ECSClient,
  type Service,
  type UpdateCapacityProviderCommandInput,
  type UpdateClusterCommandInput,
  type UpdateClusterSettingsCommandInput,
} from '@aws-sdk/client-ecs';
import { isAwsError } from './errors.js';

/** Why ECS refused to delete a cluster (the DeleteCluster errors that name what is left in it). */
export type ClusterContents = 'services' | 'tasks' | 'containerInstances';

const CONTENTS_BY_CODE: Readonly<Record<string, ClusterContents>> = {
  ClusterContainsServicesException: 'services',
  ClusterContainsTasksException: 'tasks',
  ClusterContainsContainerInstancesException: 'containerInstances',
};

export type PutCapacityProvidersResult = { kind: 'done'; cluster: Cluster } | { kind: 'inUse'; message: string };

export type DeleteClusterResult = { kind: 'deleted' } | { kind: 'notEmpty'; contents: ClusterContents; message: string };

// DescribeServices takes at most 10 services per call.
const DESCRIBE_SERVICES_BATCH = 10;

export class EcsClusterApi {
  constructor(private readonly ecs: ECSClient) {}

  /** The cluster with its settings, configuration and tags; undefined when it does not exist or is INACTIVE (deleted). */
  async describeCluster(cluster: string): Promise<Cluster | undefined> {
    // Without `include`, ECS leaves settings, configuration and tags out of the answer.
    const out = await this.ecs.send(new DescribeClustersCommand({ clusters: [cluster], include: ['SETTINGS', 'CONFIGURATIONS', 'TAGS'] }));
    const found = out.clusters?.[0];
    return found && found.status !== 'INACTIVE' ? found : undefined;
  }

  async createCluster(input: CreateClusterCommandInput): Promise<Cluster> {
    const out = await this.ecs.send(new CreateClusterCommand(input));
    return required(out.cluster, 'CreateCluster');
  }

  /** Members absent from the request are left unchanged. */
  async updateCluster(input: UpdateClusterCommandInput): Promise<Cluster> {
    const out = await this.ecs.send(new UpdateClusterCommand(input));
    return required(out.cluster, 'UpdateCluster');
  }

  async updateClusterSettings(input: UpdateClusterSettingsCommandInput): Promise<Cluster> {
    const out = await this.ecs.send(new UpdateClusterSettingsCommand(input));
    return required(out.cluster, 'UpdateClusterSettings');
  }

  /** Replaces the whole list and the whole default strategy; a provider in use cannot be removed. */
  async putClusterCapacityProviders(cluster: string, capacityProviders: string[], defaultCapacityProviderStrategy: CapacityProviderStrategyItem[]): Promise<PutCapacityProvidersResult> {
    try {
      const out = await this.ecs.send(new PutClusterCapacityProvidersCommand({ cluster, capacityProviders, defaultCapacityProviderStrategy }));
      return { kind: 'done', cluster: required(out.cluster, 'PutClusterCapacityProviders') };
    } catch (err) {
      if (isAwsError(err) && err.code === 'ResourceInUseException') return { kind: 'inUse', message: err.info.message };
      throw err;
    }
  }

  /** ECS refuses while the cluster holds services (even draining ones), tasks or container instances. */
  async deleteCluster(cluster: string): Promise<DeleteClusterResult> {
    try {
      await this.ecs.send(new DeleteClusterCommand({ cluster }));
      return { kind: 'deleted' };
    } catch (err) {
      const contents = isAwsError(err) ? CONTENTS_BY_CODE[err.code] : undefined;
      if (contents !== undefined && isAwsError(err)) return { kind: 'notEmpty', contents, message: err.info.message };
      throw err;
    }
  }

  /** The named capacity providers ECS knows, INACTIVE (deleted) ones included; missing names are left out. */
  async describeCapacityProviders(names: string[]): Promise<CapacityProvider[]> {
    if (names.length === 0) return [];
    const out = await this.ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: names, include: ['TAGS'] }));
    return out.capacityProviders ?? [];
  }

  async createCapacityProvider(input: CreateCapacityProviderCommandInput): Promise<CapacityProvider> {
    const out = await this.ecs.send(new CreateCapacityProviderCommand(input));
    return required(out.capacityProvider, 'CreateCapacityProvider');
  }

  async updateCapacityProvider(input: UpdateCapacityProviderCommandInput): Promise<CapacityProvider> {
    const out = await this.ecs.send(new UpdateCapacityProviderCommand(input));
    return required(out.capacityProvider, 'UpdateCapacityProvider');
  }

  /** Only a provider that no cluster lists can be deleted; it goes INACTIVE. */
  async deleteCapacityProvider(name: string): Promise<CapacityProvider> {
    const out = await this.ecs.send(new DeleteCapacityProviderCommand({ capacityProvider: name }));
    return required(out.capacityProvider, 'DeleteCapacityProvider');
  }

  /** Every service of the cluster that is not INACTIVE (ACTIVE and DRAINING ones). */
  async servicesOf(cluster: string): Promise<Service[]> {
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: this.ecs }, { cluster })) arns.push(...(page.serviceArns ?? []));
    const services: Service[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_SERVICES_BATCH) {
      const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: arns.slice(i, i + DESCRIBE_SERVICES_BATCH) }));
      services.push(...(out.services ?? []).filter((s) => s.status !== 'INACTIVE'));
    }
    return services;
  }
}

function required<T>(value: T | undefined, operation: string): T {
  if (value === undefined) throw new Error(`${operation} returned no result`);
  return value;
}
