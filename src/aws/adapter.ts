// The AWS adapter the reconcilers use: per region, batched and cached reads, thin writes, and one
// call counter for the whole process. Everything region-bound is created once per region.
import { AlarmsApi } from './alarms.js';
import { AutoScalingApi } from './autoscaling.js';
import type { AwsCallCounter } from './call-counter.js';
import { createAwsClients, type AwsClientsConfig, type RegionClients } from './clients.js';
import { EcsApi } from './ecs-api.js';
import { ServiceDeploymentReader } from './service-deployments.js';
import { ServiceObserver } from './service-observer.js';
import { TargetGroupResolver } from './target-group-resolver.js';
import { TaskDefinitionCache } from './task-definition-cache.js';
import { TaskDefinitionFamilies } from './task-definition-families.js';

export interface AwsAdapterConfig extends AwsClientsConfig {
  /** How long a batched read waits for others to join it. Default 5 ms. */
  batchWindowMs?: number;
  /** How long a resolved target group is trusted. Default 60 s. */
  targetGroupTtlMs?: number;
  /** Task definition revisions kept in memory per region. Default 10,000. */
  taskDefinitionCacheSize?: number;
}

export interface RegionAdapter {
  region: string;
  /** The raw clients, for a call no helper covers (add it to AWS_OPERATIONS too). */
  clients: RegionClients;
  services: ServiceObserver;
  serviceDeployments: ServiceDeploymentReader;
  taskDefinitions: TaskDefinitionCache;
  /** The families with an ACTIVE revision: whether a task definition with no recorded revision may have some. */
  families: TaskDefinitionFamilies;
  targetGroups: TargetGroupResolver;
  ecs: EcsApi;
  autoscaling: AutoScalingApi;
  alarms: AlarmsApi;
}

export interface AwsAdapter {
  defaultRegion: string;
  calls: AwsCallCounter;
  /** Everything for `region` (the default region when absent). */
  region(name?: string): RegionAdapter;
  destroy(): void;
}

export function createAwsAdapter(config: AwsAdapterConfig): AwsAdapter {
  const clients = createAwsClients(config);
  const regions = new Map<string, RegionAdapter>();

  function create(region: string): RegionAdapter {
    const c = clients.forRegion(region);
    const taskDefinitions = new TaskDefinitionCache(c.ecs, { maxRevisions: config.taskDefinitionCacheSize });
    const services = new ServiceObserver(c.ecs, { windowMs: config.batchWindowMs });
    return {
      region,
      clients: c,
      services,
      serviceDeployments: new ServiceDeploymentReader(c.ecs, { windowMs: config.batchWindowMs }),
      taskDefinitions,
      families: new TaskDefinitionFamilies(c.ecs),
      targetGroups: new TargetGroupResolver(c.elbv2, { windowMs: config.batchWindowMs, ttlMs: config.targetGroupTtlMs }),
      ecs: new EcsApi(c.ecs, taskDefinitions, c.ecsRegistrar, services),
      autoscaling: new AutoScalingApi(c.autoscaling),
      alarms: new AlarmsApi(c.cloudwatch),
    };
  }

  return {
    defaultRegion: clients.defaultRegion,
    calls: clients.calls,
    region(name = clients.defaultRegion) {
      let adapter = regions.get(name);
      if (!adapter) regions.set(name, (adapter = create(name)));
      return adapter;
    },
    destroy() {
      clients.destroy();
      regions.clear();
    },
  };
}
