// The controller runtime against the real (shared) kube-apiserver: watches feed the queue, keys
// are reconciled level-triggered and one at a time, status writes survive conflicts, finalizers
// bracket deletion, terminal errors park a key, and Events are aggregated.
import { EventsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import { TerminalError } from '../../src/controller/errors.js';
import { done, requeueAfter, type ReconcileContext, type ReconcileResult, type Reconciler } from '../../src/controller/reconciler.js';
import { findCondition, setCondition } from '../../src/kube/conditions.js';
import { EventRecorder, KubeEventSink } from '../../src/kube/events.js';
import { withFinalizer } from '../../src/controller/finalizer.js';
import { Informer } from '../../src/kube/informer.js';
import { ResourceClient } from '../../src/kube/resource.js';
import { StatusWriter } from '../../src/kube/status.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createNamespace, kubeConfig, testEnv } from '../support/env.js';
import { eventually, installWidgetCrd, newWidget, sleep, WIDGET, type Widget, type WidgetStatus } from './fixtures/runtime/widgets.js';

type Handler = (key: string, ctx: ReconcileContext<Widget>) => Promise<ReconcileResult>;

/** A reconciler whose behaviour each test supplies, recording every call. */
class TestReconciler implements Reconciler<Widget> {
  readonly calls: { key: string; generation: number | undefined; exists: boolean }[] = [];
  onTerminal: ((key: string, err: TerminalError, ctx: ReconcileContext<Widget>) => Promise<void>) | undefined;

  constructor(private readonly handler: Handler = async () => done()) {}

  async reconcile(key: string, ctx: ReconcileContext<Widget>): Promise<ReconcileResult> {
    this.calls.push({ key, generation: ctx.object?.metadata?.generation, exists: ctx.object !== undefined });
    return this.handler(key, ctx);
  }

  async onTerminalError(key: string, err: TerminalError, ctx: ReconcileContext<Widget>): Promise<void> {
    await this.onTerminal?.(key, err, ctx);
  }

  callsFor(key: string) {
    return this.calls.filter((c) => c.key === key);
  }
}

let client: ResourceClient<Widget>;
const running: { stop(): Promise<void> }[] = [];

async function startController(namespace: string, reconciler: Reconciler<Widget>, opts: { concurrency?: number } = {}) {
  const informer = new Informer<Widget>({ source: client, namespaces: [namespace], log: silentLogger() });
  const controller = new Controller<Widget>({
    name: `widgets-${namespace}`,
    informer,
    reconciler,
    log: silentLogger(),
    concurrency: opts.concurrency ?? 4,
    backoff: { baseMs: 200, maxMs: 2000 },
  });
  informer.start();
  await informer.waitForSync();
  controller.start();
  const handle = {
    informer,
    controller,
    stop: async () => {
      await controller.stop({ timeoutMs: 5000 });
      await informer.stop();
    },
  };
  running.push(handle);
  return handle;
}

beforeAll(async () => {
  const env = testEnv();
  await installWidgetCrd(env.binDir, env.kubeconfig);
  client = new ResourceClient<Widget>(kubeConfig(), WIDGET);
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

describe('controller runtime on a real apiserver', () => {
  it('reconciles an object when it is created, when its spec changes and when it is deleted', async () => {
    const ns = await createNamespace('rt-crud');
    const reconciler = new TestReconciler();
    await startController(ns, reconciler);
    const key = `${ns}/w`;

    await client.create(ns, newWidget(ns, 'w', { size: 1 }));
    await eventually('reconcile of the new object', () => reconciler.callsFor(key).some((c) => c.generation === 1));
    await client.mergePatch(ns, 'w', { spec: { size: 2 } });
    await eventually('reconcile of generation 2', () => reconciler.callsFor(key).some((c) => c.generation === 2));
    await client.delete(ns, 'w');
    await eventually('reconcile after deletion', () => reconciler.callsFor(key).some((c) => !c.exists));
  });

  it('turns a burst of 100 updates into far fewer reconciles, never two at once for one key, ending on the last spec', async () => {
    const ns = await createNamespace('rt-burst');
    let running = 0;
    let maxRunning = 0;
    const reconciler = new TestReconciler(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(150);
      running--;
      return done();
    });
    await startController(ns, reconciler, { concurrency: 8 });
    await client.create(ns, newWidget(ns, 'hot', { size: 0 }));
    for (let i = 1; i <= 100; i++) await client.mergePatch(ns, 'hot', { spec: { size: i } });

    const last = await eventually('a reconcile of the 101st generation', () => reconciler.callsFor(`${ns}/hot`).find((c) => c.generation === 101));
    expect(last.generation).toBe(101);
    await sleep(500);
    const reconciles = reconciler.callsFor(`${ns}/hot`).length;
    console.log(`[burst] 101 writes -> ${reconciles} reconciles`);
    expect(reconciles).toBeLessThan(40);
    expect(maxRunning).toBe(1);
  });

  it('retries a status write that conflicts with another writer, losing neither the condition nor the other change', async () => {
    const ns = await createNamespace('rt-status');
    const status = new StatusWriter<WidgetStatus, Widget>(client, silentLogger());
    const results: string[] = [];
    let interfere = true;
    const reconciler = new TestReconciler(async (_key, ctx) => {
      const obj = ctx.object;
      if (!obj) return done();
      if (interfere) {
        // Another writer updates status between our read (the cache) and our write.
        interfere = false;
        const fresh = await client.get(ns, 'w');
        await client.replaceStatus({ ...fresh!, status: { ...fresh!.status, otherWriter: 'was here' } });
      }
      const result = await status.update(obj, (s, o) => ({
        ...s,
        observedGeneration: o.metadata?.generation,
        conditions: setCondition(s?.conditions, { type: 'Ready', status: 'True', reason: 'Reconciled', observedGeneration: o.metadata?.generation }),
      }));
      results.push(result.kind === 'updated' ? `updated after ${result.attempts} attempts` : result.kind);
      return done();
    });
    const { controller } = await startController(ns, reconciler);
    await client.create(ns, newWidget(ns, 'w'));

    const stored = await eventually('Ready condition on the object', async () => {
      const w = await client.get(ns, 'w');
      return findCondition(w?.status?.conditions, 'Ready') ? w : undefined;
    });
    expect(results[0]).toBe('updated after 2 attempts');
    expect(stored?.status?.otherWriter).toBe('was here');
    expect(stored?.status?.observedGeneration).toBe(1);
    const ready = findCondition(stored?.status?.conditions, 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'Reconciled', observedGeneration: 1 });

    // Reconciling again with nothing new writes nothing and keeps the transition time.
    await sleep(1100);
    const before = (await client.get(ns, 'w'))!;
    controller.enqueue(`${ns}/w`);
    await eventually('the second reconcile', () => results.length >= 2);
    const after = (await client.get(ns, 'w'))!;
    expect(results[1]).toBe('unchanged');
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(findCondition(after.status?.conditions, 'Ready')?.lastTransitionTime).toBe(ready?.lastTransitionTime);
  });

  it('adds its finalizer before acting, runs cleanup on deletion (skipping it for Retain), then lets the object go', async () => {
    const ns = await createNamespace('rt-final');
    const FIN = 'runtime.test.ecs.operator.dev/cleanup';
    const log: string[] = [];
    const cleanupPasses = new Map<string, number>();
    const reconciler = new TestReconciler(async (key, ctx) => {
      if (!ctx.object) return done();
      return withFinalizer(client, FIN, ctx.object, async (event) => {
        if (event.kind === 'apply') {
          const hasFinalizer = event.object.metadata?.finalizers?.includes(FIN) ?? false;
          log.push(`apply ${ctx.name} finalizer=${hasFinalizer}`);
          return done();
        }
        if (event.object.spec?.deletionPolicy === 'Retain') {
          log.push(`retain ${ctx.name}`);
          return done();
        }
        // Cleanup takes two passes, as a drain would: the finalizer must hold until it is done.
        const pass = (cleanupPasses.get(key) ?? 0) + 1;
        cleanupPasses.set(key, pass);
        log.push(`cleanup ${ctx.name} pass ${pass}`);
        return pass < 2 ? requeueAfter(300) : done();
      });
    });
    await startController(ns, reconciler);

    await client.create(ns, newWidget(ns, 'doomed', { size: 1, deletionPolicy: 'Delete' }));
    await client.create(ns, newWidget(ns, 'kept', { size: 1, deletionPolicy: 'Retain' }));
    await eventually('finalizers on both', async () => {
      const [a, b] = await Promise.all([client.get(ns, 'doomed'), client.get(ns, 'kept')]);
      return a?.metadata?.finalizers?.includes(FIN) && b?.metadata?.finalizers?.includes(FIN);
    });
    expect(log).toContain('apply doomed finalizer=true');

    await client.delete(ns, 'doomed');
    await client.delete(ns, 'kept');
    await eventually('both objects gone', async () => !(await client.get(ns, 'doomed')) && !(await client.get(ns, 'kept')));
    expect(log.filter((l) => l.startsWith('cleanup doomed'))).toEqual(['cleanup doomed pass 1', 'cleanup doomed pass 2']);
    expect(log).toContain('retain kept');
    expect(log.some((l) => l.startsWith('cleanup kept'))).toBe(false);
  });

  it('parks an object on a terminal error (condition set, no retries) until its spec changes', async () => {
    const ns = await createNamespace('rt-term');
    const status = new StatusWriter<WidgetStatus, Widget>(client, silentLogger());
    const reconciler = new TestReconciler(async (_key, ctx) => {
      const obj = ctx.object;
      if (!obj) return done();
      if ((obj.spec?.size ?? 0) < 0) throw new TerminalError('InvalidSize', 'spec.size must not be negative');
      await status.update(obj, (s, o) => ({
        ...s,
        conditions: setCondition(s?.conditions, { type: 'Stalled', status: 'False', reason: 'Reconciled', observedGeneration: o.metadata?.generation }),
      }));
      return done();
    });
    reconciler.onTerminal = async (_key, err, ctx) => {
      if (!ctx.object) return;
      await status.update(ctx.object, (s, o) => ({
        ...s,
        conditions: setCondition(s?.conditions, { type: 'Stalled', status: 'True', reason: err.reason, message: err.message, observedGeneration: o.metadata?.generation }),
      }));
    };
    await startController(ns, reconciler);
    await client.create(ns, newWidget(ns, 'bad', { size: -1 }));

    const stalled = await eventually('Stalled=True', async () => {
      const c = findCondition((await client.get(ns, 'bad'))?.status?.conditions, 'Stalled');
      return c?.status === 'True' ? c : undefined;
    });
    expect(stalled.reason).toBe('InvalidSize');
    const attempts = reconciler.callsFor(`${ns}/bad`).length;
    await sleep(3000); // well past several backoff periods (base 200 ms)
    expect(reconciler.callsFor(`${ns}/bad`).length).toBe(attempts);

    await client.mergePatch(ns, 'bad', { spec: { size: 3 } });
    await eventually('Stalled=False after the fix', async () => findCondition((await client.get(ns, 'bad'))?.status?.conditions, 'Stalled')?.status === 'False');
  });

  it('aggregates a repeating Event into one object with a series count', async () => {
    const ns = await createNamespace('rt-events');
    const kc = kubeConfig();
    const recorder = new EventRecorder({
      sink: new KubeEventSink(kc),
      reportingController: 'runtime.test.ecs.operator.dev/tests',
      reportingInstance: 'vitest',
      log: silentLogger(),
      seriesUpdateIntervalMs: 200,
    });
    const widget = await client.create(ns, newWidget(ns, 'flaky'));
    for (let i = 0; i < 20; i++) {
      recorder.record(widget, { type: 'Warning', reason: 'UpdateFailed', action: 'UpdateService', note: 'ThrottlingException: rate exceeded' });
      await sleep(25);
    }
    recorder.record(widget, { type: 'Normal', reason: 'ServiceUpdated', action: 'UpdateService', note: 'desiredCount 1 -> 2' });
    await recorder.flush();

    const events = (await kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns })).items.filter((e) => e.regarding?.name === 'flaky');
    const failures = events.filter((e) => e.reason === 'UpdateFailed');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.series?.count).toBe(20);
    expect(failures[0]?.regarding).toMatchObject({ kind: 'Widget', uid: widget.metadata?.uid });
    expect(events.filter((e) => e.reason === 'ServiceUpdated')).toHaveLength(1);
  });
});
