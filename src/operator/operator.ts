// The operator process in controller mode: informers for every kind, a controller each, the
// relations that roll services out when their task definition publishes a revision and start them
// (and tasks) once their cluster is Ready, leader election, and the Manager that runs it all until SIGTERM.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { driftPolicyOf, serviceNameOf, type EcsAccount, type EcsAccountStatus, type EcsCluster, type EcsClusterStatus, type EcsScheduledTask, type EcsScheduledTaskStatus, type EcsService, type EcsServiceStatus, type EcsTask, type EcsTaskDefinition, type EcsTaskDefinitionStatus, type EcsTaskStatus } from '../api/index.js';
import { createAccountAdapters } from '../aws/accounts.js';
import type { AwsAdapter } from '../aws/adapter.js';
import { operatorUserAgent } from '../aws/user-agent.js';
import type { OperatorConfig } from '../config/operator-config.js';
import { Controller } from '../controller/controller.js';
import { Manager } from '../controller/manager.js';
import { loadKubeConfig } from '../kube/client.js';
import { EventRecorder, KubeEventSink } from '../kube/events.js';
import { Informer } from '../kube/informer.js';
import { KubeLeaseClient, LeaderElector } from '../kube/leader-election.js';
import { keyOf, objectKey, parseObjectKey, type ObjectKey } from '../kube/object-key.js';
import { ResourceClient } from '../kube/resource.js';
import { StatusWriter } from '../kube/status.js';
import type { Logger } from '../observability/logger.js';
import { awsCallMetrics, registerObjects, type ObjectSummary } from '../observability/metrics.js';
import { NamespaceSource, trimNamespace, type NamespaceObject } from '../kube/namespaces.js';
import { recordsNoService } from '../reconcile/service/observe.js';
import { AccountReconciler } from './account-reconciler.js';
import { AccountDirectory, OWN_ACCOUNT_KEY } from './accounts.js';
import { ClusterReconciler } from './cluster-reconciler.js';
import { buildEventsConsumer, type EventsConsumer } from './events-consumer.js';
import { followRolloutsByEvents } from './rollouts-by-events.js';
import { ACCOUNTS, CLUSTERS, SCHEDULED_TASKS, SERVICES, TASK_DEFINITIONS, TASKS } from './resources.js';
import { publishedRevisionChanged, scheduleUseOfTaskDefinitionChanged, serviceUseOfTaskDefinitionChanged } from './relations.js';
import { ScheduledTaskReconciler } from './scheduled-task-reconciler.js';
import { ServiceReconciler } from './service-reconciler.js';
import { servicesReferencing } from './service-indexes.js';
import { buildSharding } from './sharding.js';
import { TaskDefinitionReconciler } from './task-definition-reconciler.js';
import { TaskReconciler } from './task-reconciler.js';

export interface Operator {
  manager: Manager;
  /** The operator's own identity's adapter (every account's adapters share its call counter). */
  aws: AwsAdapter;
  /** Which AWS account each namespace's objects act in (accountKeyOf for per-account shares and labels). */
  accounts: AccountDirectory;
}

/**
 * Reads every service of a resync ahead, per region and cluster, in DescribeServices calls of 10:
 * the reconciles that follow take their observation from it, so a resync costs 0.1 reads per
 * service however the workers happen to interleave.
 */
function prefetchServices(accounts: AccountDirectory, services: readonly EcsService[]): void {
  // Per AWS identity (the namespace's account), region and cluster.
  const groups = new Map<AwsAdapter, Map<string, { region: string | undefined; cluster: string; names: string[] }>>();
  for (const svc of services) {
    // A clusterRef is resolved by the reconcile itself; the service is read then. So is a service
    // whose namespace may not act (its reconcile says why).
    if ((svc as KubernetesObject).metadata?.deletionTimestamp !== undefined || svc.spec.cluster === undefined) continue;
    // Nor one whose status records no ECS service: it is looked for in its cluster's listing of
    // service names (src/reconcile/service/observe.ts), one call for all of them.
    if (recordsNoService(svc.status)) continue;
    const aws = accounts.adapterOf(svc.metadata.namespace ?? '');
    if (aws === undefined) continue;
    const name = svc.status?.serviceName ?? serviceNameOf(svc);
    const key = `${svc.spec.region ?? ''}\u0000${svc.spec.cluster}`;
    const byCluster = groups.get(aws) ?? new Map<string, { region: string | undefined; cluster: string; names: string[] }>();
    groups.set(aws, byCluster);
    const group = byCluster.get(key) ?? { region: svc.spec.region, cluster: svc.spec.cluster, names: [] };
    group.names.push(name);
    byCluster.set(key, group);
  }
  for (const [aws, byCluster] of groups) for (const g of byCluster.values()) aws.region(g.region).services.prefetch(g.cluster, g.names);
}

/** A service whose last reconcile waited for its EcsCluster, or that never ran anywhere yet. */
function waitsForCluster(svc: EcsService): boolean {
  return svc.status?.clusterArn === undefined || svc.status.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'True' && c.reason === 'WaitingForCluster') === true;
}

export function buildOperator(config: OperatorConfig, log: Logger, kc: KubeConfig = loadKubeConfig(config.kubeconfig)): Operator {
  // A resync starts every service's reconcile at once; reads that reach DescribeServices within
  // 25 ms of each other share a call of up to 10 services, which is what keeps a resync near 0.1
  // reads per service. 25 ms is nothing next to a reconcile's own round trips.
  // One adapter per AWS identity: the operator's own, and one per EcsAccount role, each with its
  // own clients and so its own request pacer per region.
  const adapters = createAccountAdapters({ region: config.aws.region ?? 'us-east-1', endpoint: config.aws.endpoint, batchWindowMs: 25, paceEcsRequests: config.aws.paceRequests, log, userAgent: operatorUserAgent(config.clusterId) });
  const aws = adapters.own;
  aws.calls.addSink(awsCallMetrics);
  const now = () => new Date();

  // The account mapping: EcsAccounts (cluster-scoped) and the namespaces' labels their selectors match.
  const accountClient = new ResourceClient<EcsAccount>(kc, ACCOUNTS);
  const accountInformer = new Informer<EcsAccount>({ source: accountClient, log });
  const namespaceInformer = new Informer<NamespaceObject>({ source: new NamespaceSource(kc), log, watcher: { transform: trimNamespace } });
  const accounts = new AccountDirectory({ accounts: accountInformer, namespaces: namespaceInformer, adapters, requireMapping: config.requireAccountMapping, log });

  const clusterClient = new ResourceClient<EcsCluster>(kc, CLUSTERS);
  const tdClient = new ResourceClient<EcsTaskDefinition>(kc, TASK_DEFINITIONS);
  const svcClient = new ResourceClient<EcsService>(kc, SERVICES);
  const clusterInformer = new Informer<EcsCluster>({ source: clusterClient, namespaces: config.namespaces, log });
  const tdInformer = new Informer<EcsTaskDefinition>({ source: tdClient, namespaces: config.namespaces, log });
  const svcInformer = new Informer<EcsService>({ source: svcClient, namespaces: config.namespaces, log });
  const taskClient = new ResourceClient<EcsTask>(kc, TASKS);
  const taskInformer = new Informer<EcsTask>({ source: taskClient, namespaces: config.namespaces, log });
  const stClient = new ResourceClient<EcsScheduledTask>(kc, SCHEDULED_TASKS);
  const stInformer = new Informer<EcsScheduledTask>({ source: stClient, namespaces: config.namespaces, log });
  // The object gauges (ecs_operator_objects...) read these caches when Prometheus scrapes.
  // A one-off task has no drift to correct: what it ran cannot be changed afterwards.
  const summary = (o: EcsCluster | EcsTaskDefinition | EcsService | EcsScheduledTask | EcsTask): ObjectSummary => ({
    namespace: o.metadata.namespace ?? '',
    conditions: o.status?.conditions ?? [],
    correctsDrift: o.kind !== 'EcsTask' && driftPolicyOf(o) === 'Correct',
  });
  registerObjects('EcsCluster', () => clusterInformer.store.list().map(summary));
  registerObjects('EcsTaskDefinition', () => tdInformer.store.list().map(summary));
  registerObjects('EcsService', () => svcInformer.store.list().map(summary));
  registerObjects('EcsTask', () => taskInformer.store.list().map(summary));
  registerObjects('EcsScheduledTask', () => stInformer.store.list().map(summary));
  const events = new EventRecorder({
    sink: new KubeEventSink(kc),
    reportingController: 'ecs.operator.dev/ecs-operator',
    reportingInstance: config.leaderElection.identity,
    log,
  });

  // An EcsAccount's spec.shard pins the namespaces it maps to one shard (one replica's budget).
  const sharding = buildSharding(config, kc, log, (namespace) => {
    const mapped = accounts.mappingOf(namespace);
    return mapped?.kind === 'mapped' ? accountInformer.store.get(mapped.account)?.spec.shard : undefined;
  });
  const le = config.leaderElection;
  const leaderElector = le.enabled && !sharding ? new LeaderElector(new KubeLeaseClient(kc, le.renewDeadlineMs), le, log) : undefined;
  // A look that finds nothing new leaves an unchanged status unwritten unless its check time is
  // older than this: every resync still stamps it (looks a period apart), while the rollout polls
  // and event wake-ups between them, often seconds apart, write nothing for the time alone.
  const checkTimeRefreshMs = config.resyncPeriodMs > 0 ? Math.min(60_000, config.resyncPeriodMs / 2) : 60_000;
  const common = {
    concurrency: config.concurrency,
    resyncPeriodMs: config.resyncPeriodMs,
    rateLimit: config.rateLimit,
    log,
    events,
    shards: sharding?.ownership,
    actsUntil: leaderElector && (() => leaderElector.heldUntil()),
  };
  // Per kind: reconciles are labelled with their namespace's AWS account, and queued in one share
  // per account and region (each its own AWS request budget), so that a throttled, slow or failing
  // account cannot take the workers the others need (src/controller/work-queue.ts).
  const perAccount = <T extends KubernetesObject & { spec: { region?: string } }>(informer: Informer<T>) => ({
    accountOf: (namespace: string) => accounts.accountKeyOf(namespace),
    shareOf: (key: ObjectKey) => {
      const { namespace } = parseObjectKey(key);
      // No region: the account's default one.
      return `${namespace === undefined ? OWN_ACCOUNT_KEY : accounts.accountKeyOf(namespace)}/${informer.store.get(key)?.spec.region ?? ''}`;
    },
  });
  const clusterController = new Controller<EcsCluster>({
    ...common,
    ...perAccount(clusterInformer),
    name: 'ecscluster',
    informer: clusterInformer,
    reconciler: new ClusterReconciler({
      client: clusterClient,
      status: new StatusWriter<EcsClusterStatus, EcsCluster>(clusterClient, log),
      events,
      accounts,
      clusterId: config.clusterId,
      now,
      checkTimeRefreshMs,
    }),
  });
  let eventsConsumer: EventsConsumer | undefined;
  const tdController = new Controller<EcsTaskDefinition>({
    ...common,
    ...perAccount(tdInformer),
    name: 'ecstaskdefinition',
    informer: tdInformer,
    reconciler: new TaskDefinitionReconciler({
      client: tdClient,
      status: new StatusWriter<EcsTaskDefinitionStatus, EcsTaskDefinition>(tdClient, log),
      services: svcInformer.store,
      scheduledTasks: stInformer.store,
      events,
      accounts,
      clusterId: config.clusterId,
      now,
      // The resync is the drift check: a recorded revision is checked again at most twice per
      // period. Reconciles in between (a service's status moving, reconciles held back behind paced
      // registrations) learn nothing new from it. While the events queue reads, a change to it
      // arrives as an event (which drops the copy in hand, below), so a resync need not check it.
      recheckAfterMs: () => (eventsConsumer?.healthy() === true ? config.resyncPeriodMs * 24 : config.resyncPeriodMs > 0 ? config.resyncPeriodMs / 2 : undefined),
    }),
  });
  const svcController = new Controller<EcsService>({
    ...common,
    ...perAccount(svcInformer),
    name: 'ecsservice',
    informer: svcInformer,
    onBulkReconcile: (services) => prefetchServices(accounts, services),
    reconciler: followRolloutsByEvents(new ServiceReconciler({
      client: svcClient,
      status: new StatusWriter<EcsServiceStatus, EcsService>(svcClient, log),
      taskDefinitions: tdInformer.store,
      clusters: clusterInformer.store,
      events,
      accounts,
      clusterId: config.clusterId,
      now,
      checkTimeRefreshMs,
    }), () => eventsConsumer?.healthy() === true),
  });
  const taskController = new Controller<EcsTask>({
    ...common,
    ...perAccount(taskInformer),
    name: 'ecstask',
    informer: taskInformer,
    reconciler: new TaskReconciler({
      client: taskClient,
      status: new StatusWriter<EcsTaskStatus, EcsTask>(taskClient, log),
      taskDefinitions: tdInformer.store,
      clusters: clusterInformer.store,
      events,
      accounts,
      clusterId: config.clusterId,
      now,
    }),
  });
  const stController = new Controller<EcsScheduledTask>({
    ...common,
    ...perAccount(stInformer),
    name: 'ecsscheduledtask',
    informer: stInformer,
    reconciler: new ScheduledTaskReconciler({
      client: stClient,
      status: new StatusWriter<EcsScheduledTaskStatus, EcsScheduledTask>(stClient, log),
      taskDefinitions: tdInformer.store,
      clusters: clusterInformer.store,
      events,
      accounts,
      clusterId: config.clusterId,
      now,
      checkTimeRefreshMs,
    }),
  });
  // A new revision moves the targets of the schedules and rules that reference the task
  // definition, and a cluster that becomes Ready starts those waiting for it.
  stController.watches(tdInformer, (td) =>
    stInformer.store
      .list()
      .filter((s) => s.metadata.namespace === td.metadata.namespace && s.spec.target.taskDefinitionRef?.name === td.metadata.name)
      .map((s) => objectKey(s)),
    { updates: publishedRevisionChanged },
  );
  stController.watches(clusterInformer, (cluster) =>
    stInformer.store
      .list()
      .filter((s) => s.metadata.namespace === cluster.metadata.namespace && s.spec.target.clusterRef?.name === cluster.metadata.name && s.status?.arn === undefined)
      .map((s) => objectKey(s)),
  );
  // A task waiting for its task definition's revision or its cluster starts as soon as they are
  // there; a task already started has nothing to learn from them.
  const waitingTasks = (namespace: string | undefined, matches: (t: EcsTask) => boolean) =>
    taskInformer.store
      .list()
      .filter((t) => t.metadata.namespace === namespace && matches(t) && t.status?.runGeneration !== t.metadata.generation)
      .map((t) => objectKey(t));
  taskController.watches(tdInformer, (td) => waitingTasks(td.metadata.namespace, (t) => t.spec.taskDefinitionRef?.name === td.metadata.name), { updates: publishedRevisionChanged });
  taskController.watches(clusterInformer, (cluster) => waitingTasks(cluster.metadata.namespace, (t) => t.spec.clusterRef?.name === cluster.metadata.name));
  // A new revision (status of the task definition) reaches every service that references it at
  // once; a service that goes away lets a waiting task definition finish its deletion.
  svcController.watches(tdInformer, (td) => servicesReferencing(svcInformer.store, td.metadata.namespace, td.metadata.name).map((s) => objectKey(s)), {
    updates: publishedRevisionChanged,
  });
  // A cluster that becomes Ready (status) starts the services that wait for it, at once. Only
  // those: the cluster's status changes with every count, and services already running in it
  // have nothing to learn from that.
  svcController.watches(clusterInformer, (cluster) =>
    svcInformer.store
      .list()
      .filter((s) => s.metadata.namespace === cluster.metadata.namespace && s.spec.clusterRef?.name === cluster.metadata.name && waitsForCluster(s))
      .map((s) => objectKey(s)),
  );
  // Only a change of what the task definition reads of them (src/operator/relations.ts): a
  // service's status writes (counts, conditions) would otherwise reconcile it at every one.
  tdController.watches(svcInformer, (svc) => (svc.spec.taskDefinitionRef ? [keyOf(svc.metadata.namespace, svc.spec.taskDefinitionRef.name)] : []), { updates: serviceUseOfTaskDefinitionChanged });
  // A schedule that goes away lets a waiting task definition finish its deletion.
  tdController.watches(stInformer, (st) => (st.spec.target.taskDefinitionRef ? [keyOf(st.metadata.namespace, st.spec.target.taskDefinitionRef.name)] : []), { updates: scheduleUseOfTaskDefinitionChanged });

  const accountController = new Controller<EcsAccount>({
    ...common,
    name: 'ecsaccount',
    informer: accountInformer,
    reconciler: new AccountReconciler({ directory: accounts, status: new StatusWriter<EcsAccountStatus, EcsAccount>(accountClient, log), events, now }),
  });
  // A namespace's labels decide which EcsAccount selects it.
  accountController.watches(namespaceInformer, () => []);
  const kindControllers = [
    { controller: clusterController, store: clusterInformer.store },
    { controller: tdController, store: tdInformer.store },
    { controller: svcController, store: svcInformer.store },
    { controller: taskController, store: taskInformer.store },
    { controller: stController, store: stInformer.store },
  ];
  for (const { controller } of kindControllers) {
    // No object acts before the mapping is known: an unmapped namespace would act with the
    // operator's own identity. (The relation maps to no key: changes arrive through the directory.)
    controller.watches(accountInformer, () => []);
    controller.watches(namespaceInformer, () => []);
  }
  // An EcsAccount's shard may change with nothing else: its namespaces move then too.
  accountInformer.onChange(() => sharding?.ownership.moved('all', config.leaderElection.leaseDurationMs));
  accounts.onNamespacesChanged((namespaces) => {
    // First, so that a namespace whose pin moved it waits out the quiet period before the retries below.
    sharding?.ownership.moved(namespaces, config.leaderElection.leaseDurationMs);
    const changed = new Set(namespaces);
    for (const { controller, store } of kindControllers) {
      for (const o of store.list()) if (changed.has(o.metadata?.namespace ?? '')) controller.retry(objectKey(o));
    }
    // Both sides of a conflict, and an account that gained or lost a namespace, say so in status.
    for (const a of accountInformer.store.list()) accountController.retry(objectKey(a));
  });

  const manager = new Manager({
    log,
    leaderElector,
    shards: sharding,
    httpAddress: config.httpAddress,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  })
    .add(clusterController)
    .add(tdController)
    .add(svcController)
    .add(taskController)
    .add(stController)
    .add(accountController)
    .onShutdown(() => events.flush());
  if (config.eventsQueue) {
    const stores = { services: svcInformer.store, taskDefinitions: tdInformer.store, clusters: clusterInformer.store, tasks: taskInformer.store };
    // An event about a task definition makes its next reconcile read the recorded revision afresh.
    const taskDefinitions = {
      enqueue: (key: string) => {
        const td = tdInformer.store.get(key);
        if (td?.status?.taskDefinitionArn) (accounts.adapterOf(td.metadata.namespace ?? '') ?? aws).region(td.spec.region).taskDefinitions.forget(td.status.taskDefinitionArn);
        tdController.enqueue(key);
      },
      resync: () => tdController.resync(),
    };
    const controllers = { services: svcController, taskDefinitions, clusters: clusterController, tasks: taskController, others: [stController] };
    eventsConsumer = buildEventsConsumer({ ...config, eventsQueue: config.eventsQueue }, log, aws.calls, stores, controllers, sharding ? (key) => sharding.ownership.owns(key) : undefined);
    manager.add(eventsConsumer);
  }
  manager.onShutdown(async () => adapters.destroy());
  return { manager, aws, accounts };
}
