import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Controller } from '../../../src/controller/controller.js';
import { RetryableError, TerminalError } from '../../../src/controller/errors.js';
import { selectionChanged } from '../../../src/controller/predicates.js';
import { backoffAfter, done, requeueAfter, type ReconcileContext, type ReconcileResult, type Reconciler } from '../../../src/controller/reconciler.js';
import { EventRecorder, type EventSink } from '../../../src/kube/events.js';
import { Informer } from '../../../src/kube/informer.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { metricsRegistry } from '../../../src/observability/metrics.js';
import { assertMayAct } from '../../../src/observability/work-context.js';
import { FakeSource, settle, widget, type Widget } from '../kube/fake-source.js';

type Step = (key: string, ctx: ReconcileContext<Widget>) => Promise<ReconcileResult>;

class ScriptedReconciler implements Reconciler<Widget> {
  readonly calls: { key: string; generation: number | undefined; at: number }[] = [];
  readonly terminal: { key: string; reason: string }[] = [];
  step: Step = async () => done();

  async reconcile(key: string, ctx: ReconcileContext<Widget>): Promise<ReconcileResult> {
    this.calls.push({ key, generation: ctx.object?.metadata?.generation, at: Date.now() });
    return this.step(key, ctx);
  }

  async onTerminalError(key: string, error: TerminalError): Promise<void> {
    this.terminal.push({ key, reason: error.reason });
  }

  keys(): string[] {
    return this.calls.map((c) => c.key);
  }
}

async function setup(objects: Widget[], opts: { resyncPeriodMs?: number; events?: EventRecorder; accountOf?: (namespace: string) => string; concurrency?: number; step?: Step } = {}) {
  const source = new FakeSource();
  source.objects = objects;
  const informer = new Informer<Widget>({ source, log: silentLogger() });
  const reconciler = new ScriptedReconciler();
  if (opts.step) reconciler.step = opts.step;
  const controller = new Controller<Widget>({
    name: 'widgets',
    informer,
    reconciler,
    log: silentLogger(),
    concurrency: opts.concurrency ?? 2,
    resyncPeriodMs: opts.resyncPeriodMs ?? 0,
    backoff: { baseMs: 1000, maxMs: 8000 },
    events: opts.events,
    accountOf: opts.accountOf,
  });
  informer.start();
  await settle(20);
  controller.start();
  await vi.advanceTimersByTimeAsync(0);
  return { source, informer, reconciler, controller };
}

describe('Controller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconciles every cached object once at start, with the cached object in the context', async () => {
    const { reconciler, controller } = await setup([widget('a', { generation: 3 }), widget('b')]);
    expect(reconciler.calls.map((c) => [c.key, c.generation])).toEqual([
      ['ns/a', 3],
      ['ns/b', 1],
    ]);
    await controller.stop();
  });

  it('reconciles on creation, spec change and deletion, but not on a status-only update', async () => {
    const { source, reconciler, controller } = await setup([]);
    source.push('ADDED', widget('a', { rv: '11' }));
    await vi.advanceTimersByTimeAsync(0);
    source.push('MODIFIED', widget('a', { rv: '12', status: { seen: 1 } }));
    await vi.advanceTimersByTimeAsync(0);
    source.push('MODIFIED', widget('a', { rv: '13', generation: 2, size: 5 }));
    await vi.advanceTimersByTimeAsync(0);
    source.push('DELETED', widget('a', { rv: '14', generation: 2 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls.map((c) => [c.key, c.generation])).toEqual([
      ['ns/a', 1],
      ['ns/a', 2],
      ['ns/a', undefined],
    ]);
    await controller.stop();
  });

  it('looks again after a requeue-after, without counting it as a failure', async () => {
    const { reconciler, controller } = await setup([]);
    reconciler.step = async () => requeueAfter(30_000);
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(reconciler.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reconciler.calls).toHaveLength(2);
    await controller.stop();
  });

  it('retries a failing key with growing backoff, and stops retrying once it succeeds', async () => {
    const { reconciler, controller } = await setup([]);
    let failures = 3;
    reconciler.step = async () => {
      if (failures-- > 0) throw new RetryableError('throttled');
      return done();
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(60_000);
    const times = reconciler.calls.map((c) => c.at - reconciler.calls[0]!.at);
    expect(times).toEqual([0, 1000, 3000, 7000]);
    await controller.stop();
  });

  it('honours a retryable error\'s retry-after when it is longer than the backoff', async () => {
    const { reconciler, controller } = await setup([]);
    let first = true;
    reconciler.step = async () => {
      if (first) {
        first = false;
        throw new RetryableError('slow down', { retryAfterMs: 20_000 });
      }
      return done();
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(19_999);
    expect(reconciler.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reconciler.calls).toHaveLength(2);
    await controller.stop();
  });

  it('parks a key on a terminal error until its generation changes', async () => {
    const { source, reconciler, controller } = await setup([widget('a', { rv: '5' })], { resyncPeriodMs: 60_000 });
    expect(reconciler.calls).toHaveLength(1);
    reconciler.step = async () => {
      throw new TerminalError('InvalidSpec', 'size must be positive');
    };
    source.push('MODIFIED', widget('a', { rv: '11', generation: 2 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.terminal).toEqual([{ key: 'ns/a', reason: 'InvalidSpec' }]);
    expect(reconciler.calls).toHaveLength(2);

    // Neither time, nor resyncs, nor a label change of the same generation retry it.
    source.push('MODIFIED', widget('a', { rv: '12', generation: 2, status: { seen: 2 } }));
    const labelled = widget('a', { rv: '13', generation: 2 });
    labelled.metadata!.labels = { team: 'x' };
    source.push('MODIFIED', labelled);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(reconciler.calls).toHaveLength(2);

    reconciler.step = async () => done();
    source.push('MODIFIED', widget('a', { rv: '14', generation: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls.map((c) => c.generation)).toEqual([1, 2, 3]);
    await controller.stop();
  });

  it('retries with backoff when recording the terminal error fails', async () => {
    const { reconciler, controller } = await setup([]);
    reconciler.onTerminalError = async () => {
      throw new Error('apiserver unavailable');
    };
    reconciler.step = async () => {
      throw new TerminalError('InvalidSpec', 'bad');
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(reconciler.calls).toHaveLength(2);
    await controller.stop();
  });

  it('reconciles the keys a related object maps to, and lifts their terminal errors', async () => {
    const { reconciler, controller } = await setup([widget('svc')]);
    const relatedSource = new FakeSource();
    const related = new Informer<Widget>({ source: relatedSource, log: silentLogger() });
    controller.watches(related, (obj) => (obj.spec?.size === 7 ? ['ns/svc'] : []));
    related.start();
    await settle(20);

    reconciler.step = async () => {
      throw new TerminalError('MissingReference', 'task definition not found');
    };
    controller.enqueue('ns/svc');
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.terminal).toHaveLength(1);

    reconciler.step = async () => done();
    relatedSource.push('ADDED', widget('taskdef', { rv: '11', size: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(2);
    relatedSource.push('MODIFIED', widget('taskdef', { rv: '12', size: 7 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(3);
    await controller.stop();
    await related.stop();
  });

  it("enqueues nothing for a related object's update its `updates` predicate calls irrelevant; additions, relevant updates and deletions still do", async () => {
    const { reconciler, controller } = await setup([widget('svc')]);
    const relatedSource = new FakeSource();
    const related = new Informer<Widget>({ source: relatedSource, log: silentLogger() });
    controller.watches(related, () => ['ns/svc'], { updates: selectionChanged((w: Widget) => w.spec?.size) });
    related.start();
    await settle(20);
    await vi.advanceTimersByTimeAsync(0);
    const atStart = reconciler.calls.length;

    relatedSource.push('ADDED', widget('taskdef', { rv: '11', size: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(atStart + 1);
    // Status writes of the related object: nothing it maps to is reconciled.
    for (const [rv, seen] of [['12', 1], ['13', 2], ['14', 3]] as const) {
      relatedSource.push('MODIFIED', widget('taskdef', { rv, size: 3, status: { seen } }));
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(reconciler.calls).toHaveLength(atStart + 1);
    relatedSource.push('MODIFIED', widget('taskdef', { rv: '15', size: 4 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(atStart + 2);
    relatedSource.push('DELETED', widget('taskdef', { rv: '16', size: 4 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(atStart + 3);
    await controller.stop();
    await related.stop();
  });

  it('does not repeat a reported failure at every resync: it waits for its backoff, and hands back when the failure began', async () => {
    const { reconciler, controller } = await setup([widget('a')], { resyncPeriodMs: 10_000 });
    const since: (number | undefined)[] = [];
    const started = Date.now();
    reconciler.step = async (_key, ctx) => {
      since.push(ctx.failingSince);
      return backoffAfter(45_000, ctx.failingSince ?? Date.now());
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(2);
    // Four resyncs pass it by; the backoff's end brings it back.
    await vi.advanceTimersByTimeAsync(44_999);
    expect(reconciler.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(reconciler.calls).toHaveLength(3);
    expect(since).toEqual([undefined, started]);
    await controller.stop();
  });

  it('lifts a backoff when the generation changes, a related object changes or deletion starts', async () => {
    const { source, reconciler, controller } = await setup([widget('a', { rv: '5' })], { resyncPeriodMs: 10_000 });
    const relatedSource = new FakeSource();
    const related = new Informer<Widget>({ source: relatedSource, log: silentLogger() });
    controller.watches(related, () => ['ns/a']);
    related.start();
    await settle(20);
    const since: (number | undefined)[] = [];
    reconciler.step = async (_key, ctx) => {
      since.push(ctx.failingSince);
      return backoffAfter(30 * 60_000, ctx.failingSince ?? Date.now());
    };
    source.push('MODIFIED', widget('a', { rv: '6', generation: 2 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reconciler.calls).toHaveLength(2);

    source.push('MODIFIED', widget('a', { rv: '7', generation: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls.map((c) => c.generation)).toEqual([1, 2, 3]);
    relatedSource.push('ADDED', widget('taskdef', { rv: '11' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(4);
    const deleting = widget('a', { rv: '8', generation: 3 });
    deleting.metadata!.deletionTimestamp = new Date();
    source.push('MODIFIED', deleting);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toHaveLength(5);
    // A new generation starts a new failure; a related change starts one as well.
    expect(since).toEqual([undefined, undefined, undefined, undefined]);
    await controller.stop();
    await related.stop();
  });

  it('resyncs every cached key each period (the drift check)', async () => {
    const { reconciler, controller } = await setup([widget('a'), widget('b')], { resyncPeriodMs: 60_000 });
    expect(reconciler.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reconciler.keys()).toEqual(['ns/a', 'ns/b', 'ns/a', 'ns/b']);
    await controller.stop();
  });

  it('stop() lets a running reconcile finish before resolving', async () => {
    const { reconciler, controller } = await setup([]);
    let finished = false;
    reconciler.step = async () => {
      await new Promise((r) => setTimeout(r, 5_000));
      finished = true;
      return done();
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = controller.stop({ timeoutMs: 30_000 }).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    expect(finished).toBe(true);
  });

  it('stop() aborts the context signal of a reconcile that overruns the deadline', async () => {
    const { reconciler, controller } = await setup([]);
    let aborted = false;
    reconciler.step = (_key, ctx) =>
      new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          resolve(done());
        });
      });
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    const stopping = controller.stop({ timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
    expect(aborted).toBe(true);
  });

  it('past the leader Lease renew deadline, a reconcile sends nothing more and is not retried', async () => {
    const source = new FakeSource();
    source.objects = [widget('a')];
    const informer = new Informer<Widget>({ source, log: silentLogger() });
    const outcomes: string[] = [];
    const leaderUntil = Date.now() + 1_000;
    const reconciler: Reconciler<Widget> = {
      async reconcile() {
        await new Promise((r) => setTimeout(r, 2_000));
        try {
          assertMayAct();
          outcomes.push('sent');
        } catch (err) {
          outcomes.push((err as Error).name);
          throw err;
        }
        return done();
      },
    };
    const controller = new Controller<Widget>({ name: 'widgets', informer, reconciler, log: silentLogger(), resyncPeriodMs: 0, backoff: { baseMs: 1000, maxMs: 8000 }, actsUntil: () => leaderUntil });
    informer.start();
    await settle(20);
    controller.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(outcomes).toEqual(['WorkStoppedError']);
    await controller.stop();
  });

  it('records failures as Warning Events on the object, aggregating a failing loop into one', async () => {
    const created: { reason?: string; note?: string }[] = [];
    const series: number[] = [];
    const sink: EventSink = {
      create: async (_ns, e) => void created.push({ reason: e.reason, note: e.note }),
      updateSeries: async (_ns, _name, s) => void series.push(s.count),
    };
    const events = new EventRecorder({ sink, reportingController: 'test', reportingInstance: 'r1', log: silentLogger(), seriesUpdateIntervalMs: 1000 });
    const { reconciler, controller } = await setup([widget('a')], { events });
    reconciler.step = async () => {
      throw new RetryableError('ThrottlingException: Rate exceeded');
    };
    controller.enqueue('ns/a');
    await vi.advanceTimersByTimeAsync(30_000);
    const failures = reconciler.calls.length - 1;
    expect(failures).toBeGreaterThanOrEqual(4);
    await events.flush();
    expect(created).toEqual([{ reason: 'ReconcileFailed', note: 'ThrottlingException: Rate exceeded' }]);
    expect(series.at(-1)).toBe(failures);
    await controller.stop();
  });

  describe('with namespaces mapped to accounts', () => {
    const objects = [
      ...['s1', 's2', 's3', 's4'].map((n) => widget(n, { namespace: 'throttled' })),
      ...['f1', 'f2', 'f3'].map((n) => widget(n, { namespace: 'healthy' })),
    ];
    // The throttled account's reconciles never return (until the controller aborts them).
    const hangInThrottled: Step = (key, ctx) =>
      key.startsWith('throttled/') ? new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(done()))) : Promise.resolve(done());

    it('an account whose reconciles hang does not hold up the other account', async () => {
      const { reconciler, controller } = await setup(objects, { accountOf: (ns) => ns, concurrency: 2, step: hangInThrottled });
      expect(reconciler.keys().filter((k) => k.startsWith('healthy/'))).toEqual(['healthy/f1', 'healthy/f2', 'healthy/f3']);
      // Once the healthy account is done, the hung one takes both workers...
      expect(reconciler.keys().filter((k) => k.startsWith('throttled/'))).toEqual(['throttled/s1', 'throttled/s2']);
      // ...and the healthy account's next change is still reconciled at once.
      controller.enqueue('healthy/f2');
      await vi.advanceTimersByTimeAsync(0);
      expect(reconciler.keys().at(-1)).toBe('healthy/f2');
      controller.abort();
      await controller.stop();
    });

    it('without the mapping, one queue for all: the hung reconciles take every worker (what the mapping prevents)', async () => {
      const { reconciler, controller } = await setup(objects, { concurrency: 2, step: hangInThrottled });
      controller.enqueue('healthy/f1');
      await vi.advanceTimersByTimeAsync(0);
      expect(reconciler.keys()).toEqual(['throttled/s1', 'throttled/s2']);
      controller.abort();
      await controller.stop();
    });

    it("labels a reconcile's log lines and metrics with its namespace's account", async () => {
      const { reconciler, controller } = await setup([widget('a', { namespace: 'team-a' })], { accountOf: (ns) => `account-of-${ns}` });
      const bindings: Record<string, unknown>[] = [];
      reconciler.step = async (_key, ctx) => {
        bindings.push(ctx.log.bindings());
        return done();
      };
      controller.enqueue('team-a/a');
      await vi.advanceTimersByTimeAsync(0);
      expect(bindings[0]).toMatchObject({ key: 'team-a/a', account: 'account-of-team-a' });
      const text = await metricsRegistry.metrics();
      expect(text).toMatch(/ecs_operator_reconcile_total\{controller="widgets",outcome="done",account="account-of-team-a"\} [1-9]/);
      await controller.stop();
    });
  });
});
