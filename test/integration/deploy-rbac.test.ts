// The operator's RBAC on the real apiserver, as deploy/rbac (kustomize) and as the Helm chart
// render it, for the operator's real ServiceAccount: everything the operator does is allowed,
// nothing else is. Three angles, for each of the two:
//   - `kubectl auth can-i --as=<the ServiceAccount>` (impersonation) for each permission the
//     operator needs and for a list of things it must never do;
//   - the apiserver's own list of the ServiceAccount's rules (SelfSubjectRulesReview), so an
//     excess permission nobody thought to deny still fails;
//   - the operator's own API code (src/kube) run with a ServiceAccount token, so a verb the code
//     uses but the manifests forgot fails with a 403, whatever the lists above say.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, V1MicroTime, type KubernetesObject } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeEventSink } from '../../src/kube/events.js';
import { kubeStatusCode } from '../../src/kube/errors.js';
import { withFinalizer } from '../../src/controller/finalizer.js';
import { KubeLeaseClient } from '../../src/kube/leader-election.js';
import { KubeShardLeaseClient, ShardElector } from '../../src/kube/shard-leases.js';
import { ResourceClient, type RawWatchEvent } from '../../src/kube/resource.js';
import { StatusWriter } from '../../src/kube/status.js';
import { silentLogger } from '../../src/observability/logger.js';
import { FINALIZER, SERVICES, TASK_DEFINITIONS } from '../../src/operator/resources.js';
import { createNamespace, kubectl } from '../support/env.js';
import { applyOperatorRbac, OPERATOR_API_ACCESS, type OperatorIdentity, type RbacSource } from '../support/rbac.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

const SOURCES: [string, RbacSource][] = [
  ['deploy/rbac (kustomize)', 'kustomize'],
  ['charts/ecs-operator (helm template)', 'helm'],
];

describe.each(SOURCES)('%s', (_name, source) => {
  let id: OperatorIdentity;
  /** A namespace with EcsTaskDefinitions and EcsServices, as users have them. */
  let workload: string;

  beforeAll(async () => {
    id = await applyOperatorRbac({ source });
    workload = await createNamespace('rbac-workload');
    const applied = await kubectl(['apply', '-f', join(repoRoot, 'examples', 'fargate-spot.yaml')], { namespace: workload });
    if (applied.code !== 0) throw new Error(`applying the example failed: ${applied.stderr}`);
  });

  afterAll(async () => {
    await kubectl(['delete', 'namespace', workload, '--ignore-not-found', '--wait=false']);
    await id?.cleanup();
  });

  /** `kubectl auth can-i` as the operator's ServiceAccount. */
  async function canI(verb: string, resource: string, opts: { namespace?: string; allNamespaces?: boolean; subresource?: string } = {}): Promise<boolean> {
    const args = ['auth', 'can-i', verb, resource, `--as=${id.user}`];
    if (opts.allNamespaces) args.push('--all-namespaces');
    else args.push(`--namespace=${opts.namespace ?? workload}`);
    if (opts.subresource) args.push(`--subresource=${opts.subresource}`);
    const res = await kubectl(args);
    const answer = res.stdout.trim();
    if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl auth can-i ${verb} ${resource}: ${res.stderr}`);
    return answer === 'yes';
  }

  /** `ecsservices/status` in ecs.operator.dev -> the resource and subresource as can-i takes them. */
  function canIArgs(group: string, resource: string): { resource: string; subresource?: string } {
    const [plural = '', subresource] = resource.split('/');
    return { resource: group === '' ? plural : `${plural}.${group}`, subresource };
  }

  describe('what the operator needs is allowed (impersonating its ServiceAccount)', () => {
    const clusterWide = OPERATOR_API_ACCESS.cluster.flatMap((a) => a.verbs.map((verb) => [`${verb} ${a.group}/${a.resource}`, a.group, a.resource, verb] as const));

    it.each(clusterWide)('%s in any namespace', async (_name, group, resource, verb) => {
      const { resource: r, subresource } = canIArgs(group, resource);
      expect(await canI(verb, r, { namespace: workload, subresource })).toBe(true);
      if (verb === 'list' || verb === 'watch') expect(await canI(verb, r, { allNamespaces: true })).toBe(true);
    });

    it('create, get and update its Lease in its own namespace', async () => {
      const le = OPERATOR_API_ACCESS.leaderElection;
      const leases = `${le.resource}.${le.group}`;
      for (const verb of le.createVerbs) expect(await canI(verb, leases, { namespace: id.namespace }), verb).toBe(true);
      for (const verb of le.namedVerbs) expect(await canI(verb, `${leases}/${id.leaseName}`, { namespace: id.namespace }), verb).toBe(true);
    });
  });

  describe('what the operator must not do is denied', () => {
    const denied: [string, string, { namespace?: 'own' | 'workload' | 'kube-system'; allNamespaces?: boolean; subresource?: string }][] = [
      ['get', 'secrets', {}],
      ['get', 'secrets', { namespace: 'own' }],
      ['list', 'secrets', { allNamespaces: true }],
      ['list', 'configmaps', {}],
      ['create', 'ecsservices.ecs.operator.dev', {}],
      ['update', 'ecsservices.ecs.operator.dev', {}],
      ['delete', 'ecsservices.ecs.operator.dev', {}],
      ['deletecollection', 'ecstaskdefinitions.ecs.operator.dev', {}],
      ['delete', 'ecstaskdefinitions.ecs.operator.dev', {}],
      ['patch', 'ecsservices.ecs.operator.dev', { subresource: 'status' }],
      ['delete', 'ecsclusters.ecs.operator.dev', {}],
      ['patch', 'ecsclusters.ecs.operator.dev', { subresource: 'status' }],
      ['create', 'ecstasks.ecs.operator.dev', {}],
      ['delete', 'ecstasks.ecs.operator.dev', {}],
      ['patch', 'ecstasks.ecs.operator.dev', { subresource: 'status' }],
      ['create', 'ecsscheduledtasks.ecs.operator.dev', {}],
      ['delete', 'ecsscheduledtasks.ecs.operator.dev', {}],
      ['patch', 'ecsscheduledtasks.ecs.operator.dev', { subresource: 'status' }],
      // The account mapping is the cluster admin's: the operator reads it and writes its status only.
      ['create', 'ecsaccounts.ecs.operator.dev', { allNamespaces: true }],
      ['update', 'ecsaccounts.ecs.operator.dev', { allNamespaces: true }],
      ['patch', 'ecsaccounts.ecs.operator.dev', { allNamespaces: true }],
      ['delete', 'ecsaccounts.ecs.operator.dev', { allNamespaces: true }],
      ['patch', 'ecsaccounts.ecs.operator.dev', { allNamespaces: true, subresource: 'status' }],
      ['update', 'namespaces', { allNamespaces: true }],
      ['delete', 'customresourcedefinitions.apiextensions.k8s.io', { allNamespaces: true }],
      ['update', 'customresourcedefinitions.apiextensions.k8s.io', { allNamespaces: true }],
      ['create', 'pods', {}],
      ['patch', 'pods', {}],
      ['patch', 'deployments.apps', { namespace: 'own' }],
      ['create', 'events', {}],
      ['get', 'leases.coordination.k8s.io', {}],
      ['create', 'leases.coordination.k8s.io', {}],
      ['update', 'leases.coordination.k8s.io/kube-controller-manager', { namespace: 'kube-system' }],
      ['get', 'leases.coordination.k8s.io/someone-elses-lease', { namespace: 'own' }],
      ['update', 'leases.coordination.k8s.io/someone-elses-lease', { namespace: 'own' }],
      ['delete', 'leases.coordination.k8s.io/<its lease>', { namespace: 'own' }],
      ['create', 'serviceaccounts/token', { namespace: 'own' }],
      ['create', 'clusterrolebindings.rbac.authorization.k8s.io', { allNamespaces: true }],
      ['bind', 'clusterroles.rbac.authorization.k8s.io', { allNamespaces: true }],
      ['escalate', 'clusterroles.rbac.authorization.k8s.io', { allNamespaces: true }],
      ['impersonate', 'users', { allNamespaces: true }],
    ];

    it.each(denied.map(([verb, resource, opts]) => [`${verb} ${resource}${opts.subresource ? `/${opts.subresource}` : ''} ${opts.allNamespaces ? 'cluster-wide' : `in ${opts.namespace ?? 'workload'} namespace`}`, verb, resource, opts] as const))(
      '%s',
      async (_name, verb, resource, opts) => {
        const namespace = opts.namespace === 'own' ? id.namespace : opts.namespace === 'kube-system' ? 'kube-system' : workload;
        expect(await canI(verb, resource.replace('<its lease>', id.leaseName), { namespace, allNamespaces: opts.allNamespaces, subresource: opts.subresource })).toBe(false);
      },
    );
  });

  describe("the apiserver's list of the ServiceAccount's rules holds nothing beyond what the operator needs", () => {
    interface ResourceRule {
      verbs: string[];
      apiGroups?: string[];
      resources?: string[];
      resourceNames?: string[];
    }
    // Every authenticated identity may ask what it may do (system:basic-user); not the operator's doing.
    const everyone = ['authentication.k8s.io/selfsubjectreviews:create', 'authorization.k8s.io/selfsubjectaccessreviews:create', 'authorization.k8s.io/selfsubjectrulesreviews:create'];

    async function rulesIn(namespace: string): Promise<string[]> {
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } };
      // --validate=false: kubectl's own schema check would list CRDs, which the operator may not.
      const res = await kubectl(['create', '--validate=false', '-o', 'json', `--as=${id.user}`, '-f', '-'], { input: JSON.stringify(review) });
      if (res.code !== 0) throw new Error(`SelfSubjectRulesReview failed: ${res.stderr}`);
      const rules = (JSON.parse(res.stdout) as { status: { resourceRules: ResourceRule[] } }).status.resourceRules;
      return rules
        .flatMap((r) => (r.apiGroups ?? ['']).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}${r.resourceNames?.length ? `@${r.resourceNames.join(',')}` : ''}`))))
        .filter((rule) => !everyone.includes(rule))
        .sort();
    }

    const cluster = OPERATOR_API_ACCESS.cluster.flatMap((a) => a.verbs.map((v) => `${a.group}/${a.resource}:${v}`));

    it('in a namespace with workloads: its two kinds, their status, and Events', async () => {
      expect(await rulesIn(workload)).toEqual([...cluster].sort());
    });

    it('in its own namespace: that, plus its Lease', async () => {
      const le = OPERATOR_API_ACCESS.leaderElection;
      const lease = [...le.createVerbs.map((v) => `${le.group}/${le.resource}:${v}`), ...le.namedVerbs.map((v) => `${le.group}/${le.resource}:${v}@${id.leaseName}`)];
      expect(await rulesIn(id.namespace)).toEqual([...cluster, ...lease].sort());
    });
  });

  describe("the operator's API code, run with the ServiceAccount's token", () => {
    let kc: KubeConfig;
    type Obj = KubernetesObject & { status?: Record<string, unknown> };
    const services = () => new ResourceClient<Obj>(kc, SERVICES);
    const taskDefinitions = () => new ResourceClient<Obj>(kc, TASK_DEFINITIONS);
    const forbidden = async (call: Promise<unknown>) => {
      const err = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(kubeStatusCode(err), String(err)).toBe(403);
    };

    beforeAll(() => {
      kc = new KubeConfig();
      kc.loadFromFile(id.kubeconfig);
    });

    it('lists both kinds in all namespaces and reads one', async () => {
      for (const client of [services(), taskDefinitions()]) {
        // Every page: the suites sharing this apiserver keep hundreds of objects in it.
        const names: string[] = [];
        let continueToken: string | undefined;
        do {
          const page = await client.listPage({ limit: 500, ...(continueToken ? { continueToken } : {}) });
          names.push(...page.items.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
          continueToken = page.continueToken;
        } while (continueToken);
        expect(names, client.resource).toContain(`${workload}/renderer`);
        expect((await client.get(workload, 'renderer'))?.metadata?.name).toBe('renderer');
      }
    });

    it('watches, adds its finalizer with a patch, and writes status through the status subresource', async () => {
      const client = services();
      const { resourceVersion } = await client.listPage({ namespace: workload, limit: 500 });
      const events: RawWatchEvent[] = [];
      let closed: unknown = 'open';
      const watch = await client.watch(
        { namespace: workload, resourceVersion, timeoutSeconds: 30 },
        (e) => events.push(e),
        (err) => (closed = err),
      );
      try {
        const current = await client.get(workload, 'renderer');
        if (!current) throw new Error('the example EcsService is gone');
        await withFinalizer(client, FINALIZER, current, async () => ({ kind: 'done' }));
        const withOurs = await client.get(workload, 'renderer');
        expect(withOurs?.metadata?.finalizers).toContain(FINALIZER);

        const writer = new StatusWriter<Record<string, unknown>, Obj>(client, silentLogger());
        const written = await writer.update(withOurs as Obj, (status) => ({ ...status, region: 'us-east-1', observedGeneration: withOurs?.metadata?.generation }));
        expect(written.kind).toBe('updated');
        expect((await client.get(workload, 'renderer'))?.status?.region).toBe('us-east-1');

        await expect.poll(() => events.filter((e) => e.type === 'MODIFIED').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        expect(closed).toBe('open');
      } finally {
        watch.abort();
      }
    });

    it('records Events and counts their repeats', async () => {
      const sink = new KubeEventSink(kc);
      const name = `renderer.rbac${Date.now().toString(16)}`;
      await sink.create(workload, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace: workload },
        eventTime: new V1MicroTime(Date.now()),
        reportingController: 'ecs.operator.dev/ecs-operator',
        reportingInstance: 'rbac-test',
        type: 'Normal',
        reason: 'ServiceCreated',
        action: 'CreateService',
        note: 'created by the RBAC test',
        regarding: { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', namespace: workload, name: 'renderer' },
      });
      await sink.updateSeries(workload, name, { count: 2, lastObservedTime: new V1MicroTime(Date.now()).toISOString() });
      const stored = await kubectl(['get', 'events.events.k8s.io', name, '-o', 'jsonpath={.series.count}'], { namespace: workload });
      expect(stored.stdout).toBe('2');
    });

    it('takes and renews its Lease in its own namespace, and no other', async () => {
      const leases = new KubeLeaseClient(kc, 10_000);
      expect(await leases.read(id.namespace, id.leaseName)).toBeUndefined();
      const created = await leases.create(id.namespace, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: id.leaseName, namespace: id.namespace },
        spec: { holderIdentity: 'rbac-test', leaseDurationSeconds: 15 },
      });
      await leases.replace(id.namespace, id.leaseName, { ...created, spec: { ...created.spec, leaseDurationSeconds: 16 } });
      expect((await leases.read(id.namespace, id.leaseName))?.spec?.leaseDurationSeconds).toBe(16);

      await forbidden(leases.read(workload, id.leaseName));
      await forbidden(leases.create(workload, { metadata: { name: id.leaseName, namespace: workload }, spec: {} }));
      await forbidden(leases.read(id.namespace, 'someone-elses-lease'));
    });

    it('cannot create, replace the spec of, or delete the objects it serves', async () => {
      const [doc] = loadAll(readFileSync(join(repoRoot, 'examples', 'fargate-spot.yaml'), 'utf8')) as Obj[];
      await forbidden(taskDefinitions().create(workload, { ...doc, metadata: { name: 'created-by-operator', namespace: workload } } as Obj));
      const current = await services().get(workload, 'renderer');
      const api = kc.makeApiClient(CustomObjectsApi);
      await forbidden(api.replaceNamespacedCustomObject({ group: SERVICES.group, version: SERVICES.version, plural: SERVICES.plural, namespace: workload, name: 'renderer', body: current as object }));
      await forbidden(services().delete(workload, 'renderer'));
    });

    it('cannot read Secrets', async () => {
      const core = kc.makeApiClient(CoreV1Api);
      await forbidden(core.listNamespacedSecret({ namespace: workload }));
      await forbidden(core.listNamespacedSecret({ namespace: id.namespace }));
    });
  });

  describe('namespace users get the kinds through the built-in view and edit roles (aggregated ClusterRoles)', () => {
    interface ClusterRole {
      metadata: { name: string; labels?: Record<string, string> };
      aggregationRule?: { clusterRoleSelectors: { matchLabels?: Record<string, string> }[] };
    }
    const getJson = async <T>(args: string[]): Promise<T> => {
      const res = await kubectl([...args, '-o', 'json']);
      if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
      return JSON.parse(res.stdout) as T;
    };
    /** A user with a RoleBinding to a built-in ClusterRole in the workload namespace only. */
    async function userBoundTo(role: 'view' | 'edit'): Promise<string> {
      const user = `${role}-user-${id.namespace}`;
      const bound = await kubectl(['create', 'rolebinding', `${role}-user`, `--clusterrole=${role}`, `--user=${user}`], { namespace: workload });
      if (bound.code !== 0) throw new Error(`binding ${user} to ${role}: ${bound.stderr}`);
      return user;
    }
    const can = async (user: string, verb: string, resource: string, opts: { namespace?: string; subresource?: string } = {}) => {
      const args = ['auth', 'can-i', verb, `${resource}.ecs.operator.dev`, `--as=${user}`, `--namespace=${opts.namespace ?? workload}`];
      if (opts.subresource) args.push(`--subresource=${opts.subresource}`);
      return (await kubectl(args)).stdout.trim() === 'yes';
    };
    const kinds = ['ecsclusters', 'ecstaskdefinitions', 'ecsservices', 'ecstasks', 'ecsscheduledtasks'];

    it("installs one role selected by view's aggregation rule and one by edit's", async () => {
      const ours = (await getJson<{ items: ClusterRole[] }>(['get', 'clusterroles', '-l', `ecs-operator.test/fixture=${id.namespace}`])).items;
      for (const builtIn of ['view', 'edit']) {
        const selectors = (await getJson<ClusterRole>(['get', 'clusterrole', builtIn])).aggregationRule?.clusterRoleSelectors ?? [];
        const selected = ours.filter((r) => selectors.some((sel) => Object.entries(sel.matchLabels ?? {}).every(([k, v]) => r.metadata.labels?.[k] === v)));
        expect(selected.map((r) => r.metadata.name), builtIn).toHaveLength(1);
      }
    });

    it('a user bound to view in a namespace can get, list and watch the kinds there, and change nothing', async () => {
      const user = await userBoundTo('view');
      for (const kind of kinds) {
        // The clusterrole-aggregation controller copies the rules into view shortly after they appear.
        await expect.poll(() => can(user, 'list', kind), { timeout: 30_000 }).toBe(true);
        for (const verb of ['get', 'watch']) expect(await can(user, verb, kind), `${verb} ${kind}`).toBe(true);
        for (const verb of ['create', 'patch', 'delete']) expect(await can(user, verb, kind), `${verb} ${kind}`).toBe(false);
        expect(await can(user, 'list', kind, { namespace: id.namespace }), `list ${kind} in another namespace`).toBe(false);
      }
      const listed = await kubectl(['get', 'ecsservices', '-o', 'name', `--as=${user}`], { namespace: workload });
      expect(listed.stdout).toContain('ecsservice.ecs.operator.dev/renderer');
    });

    it('a user bound to edit in a namespace can create, patch and delete the kinds there, but not write their status', async () => {
      const user = await userBoundTo('edit');
      for (const kind of kinds) {
        await expect.poll(() => can(user, 'create', kind), { timeout: 30_000 }).toBe(true);
        for (const verb of ['get', 'list', 'patch', 'update', 'delete']) expect(await can(user, verb, kind), `${verb} ${kind}`).toBe(true);
        expect(await can(user, 'update', kind, { subresource: 'status' }), `update ${kind}/status`).toBe(false);
        expect(await can(user, 'create', kind, { namespace: id.namespace }), `create ${kind} in another namespace`).toBe(false);
      }
      const patched = await kubectl(['patch', 'ecsservice', 'renderer', '--type=merge', '-p', '{"metadata":{"labels":{"edited-by":"edit-user"}}}', `--as=${user}`], { namespace: workload });
      expect(patched.code, patched.stderr).toBe(0);
    });

    it('a namespace editor cannot create, change or delete an EcsAccount (which AWS account a namespace acts in is the cluster admin\'s)', async () => {
      const user = `account-editor-${id.namespace}`;
      const bound = await kubectl(['create', 'rolebinding', 'account-editor', '--clusterrole=edit', `--user=${user}`], { namespace: workload });
      expect(bound.code, bound.stderr).toBe(0);
      // Wait until edit carries the kinds, so the denial below is not just aggregation lagging.
      await expect.poll(() => can(user, 'create', 'ecsservices'), { timeout: 30_000 }).toBe(true);
      for (const verb of ['create', 'update', 'patch', 'delete']) expect(await can(user, verb, 'ecsaccounts'), `${verb} ecsaccounts`).toBe(false);
      const account = {
        apiVersion: 'ecs.operator.dev/v1alpha1',
        kind: 'EcsAccount',
        metadata: { name: `editor-${id.namespace}` },
        spec: { roleArn: 'arn:aws:iam::222222222222:role/ecs-operator-team', namespaces: [workload] },
      };
      const created = await kubectl(['create', '-f', '-', `--as=${user}`], { input: JSON.stringify(account) });
      expect(created.code).not.toBe(0);
      expect(created.stderr).toMatch(/forbidden/i);
    });
  });
});

// With shards over 1 the chart's Role swaps the leader Lease for the shard and membership Leases:
// the ShardElector, run with the ServiceAccount's token, takes all of them and nothing more is allowed.
describe('charts/ecs-operator with shards=4 (helm template)', () => {
  const SHARDS = 4;
  let id: OperatorIdentity;
  let release: string;

  beforeAll(async () => {
    id = await applyOperatorRbac({ source: 'helm', helmArgs: [`--set=shards=${SHARDS}`] });
    // The chart names its Leases after the release (renderChart's), as --lease-name does.
    release = id.leaseName.replace(/-shard-\d+$/, '');
  });

  afterAll(async () => {
    await id?.cleanup();
  });

  async function canI(verb: string, resource: string, namespace: string): Promise<boolean> {
    const res = await kubectl(['auth', 'can-i', verb, resource, `--as=${id.user}`, `--namespace=${namespace}`]);
    return res.stdout.trim() === 'yes';
  }

  it('allows list of Leases and update of exactly the shard and membership Leases, in its own namespace only', async () => {
    const s = OPERATOR_API_ACCESS.sharded;
    for (const name of s.leaseNames(release, SHARDS)) for (const verb of s.namedVerbs) expect(await canI(verb, `leases.coordination.k8s.io/${name}`, id.namespace), `${verb} ${name}`).toBe(true);
    expect(await canI('list', 'leases.coordination.k8s.io', id.namespace)).toBe(true);
    expect(await canI('create', 'leases.coordination.k8s.io', id.namespace)).toBe(true);
    for (const denied of [`${release}-shard-${SHARDS}`, `${release}-member-${SHARDS}`, 'someone-elses-lease', release]) {
      expect(await canI('update', `leases.coordination.k8s.io/${denied}`, id.namespace), `update ${denied}`).toBe(false);
    }
    expect(await canI('delete', `leases.coordination.k8s.io/${release}-shard-0`, id.namespace)).toBe(false);
    expect(await canI('list', 'leases.coordination.k8s.io', 'default')).toBe(false);
  });

  it("the shard elector, with the ServiceAccount's token, takes every shard and a membership slot", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(id.kubeconfig);
    const elector = new ShardElector(new KubeShardLeaseClient(kc, 5_000), { namespace: id.namespace, name: release, identity: 'rbac-test', shards: SHARDS, leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 }, silentLogger());
    const acquired: number[] = [];
    elector.start({ acquired: (s) => acquired.push(s), releasing: async () => undefined, lost: () => undefined });
    try {
      await expect.poll(() => elector.heldShards().length, { timeout: 20_000 }).toBe(SHARDS);
    } finally {
      await elector.stop();
    }
    expect(acquired.sort()).toEqual([0, 1, 2, 3]);
    const leases = await kubectl(['get', 'leases', '-o', 'name'], { namespace: id.namespace });
    expect(leases.stdout.split('\n').filter(Boolean).sort()).toEqual([...OPERATOR_API_ACCESS.sharded.leaseNames(release, SHARDS).slice(0, SHARDS), `${release}-member-0`].map((n) => `lease.coordination.k8s.io/${n}`).sort());
  });
});
