import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Controller } from '../../../src/controller/controller.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../../../src/controller/reconciler.js';
import { ShardOwnership, shardOfNamespace } from '../../../src/controller/shard-ownership.js';
import { EventRecorder } from '../../../src/kube/events.js';
import { Informer } from '../../../src/kube/informer.js';
import { assertMayAct } from '../../../src/observability/work-context.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeSource, settle, widget, type Widget } from '../kube/fake-source.js';

describe('shardOfNamespace', () => {
  it('is FNV-1a (32-bit) of the name, mod the shard count', () => {
    // Reference values of FNV-1a 32 (draft-eastlake-fnv): "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968.
    expect(shardOfNamespace('', 2 ** 32)).toBe(0x811c9dc5);
    expect(shardOfNamespace('a', 2 ** 32)).toBe(0xe40c292c);
    expect(shardOfNamespace('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(shardOfNamespace('foobar', 4)).toBe(0xbf9cf968 % 4);
  });

  it('spreads similar namespace names over the shards', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[shardOfNamespace(`team-${i}`, 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(70);
  });
});

describe('ShardOwnership', () => {
  it('a pinned namespace goes to its pin mod the shard count; a negative or fractional pin falls back to the hash', () => {
    const pins: Record<string, number> = { billing: 3, big: 7, odd: -1, half: 1.5 };
    const ownership = new ShardOwnership(4, (ns) => pins[ns]);
    expect(ownership.shardOf('billing')).toBe(3);
    expect(ownership.shardOf('big')).toBe(3);
    expect(ownership.shardOf('odd')).toBe(shardOfNamespace('odd', 4));
    expect(ownership.shardOf('half')).toBe(shardOfNamespace('half', 4));
    expect(ownership.shardOfKey('team-1/web')).toBe(shardOfNamespace('team-1', 4));
  });
});

/** Namespaces ns-0..ns-n with the shard each lands in (of 2). */
const namespaces = Array.from({ length: 8 }, (_, i) => `ns-${i}`);
const onShard = (shard: number) => namespaces.filter((ns) => shardOfNamespace(ns, 2) === shard);

class GatedReconciler implements Reconciler<Widget> {
  readonly started: string[] = [];
  readonly aborted: string[] = [];
  running = 0;
  /** When set, reconciles wait until released (or aborted). */
  gate: Promise<void> | undefined;
  async reconcile(key: string, ctx: ReconcileContext<Widget>): Promise<ReconcileResult> {
    this.started.push(key);
    this.running++;
    try {
      if (this.gate) {
        await Promise.race([this.gate, new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }))]);
        if (ctx.signal.aborted) this.aborted.push(key);
      }
      return done();
    } finally {
      this.running--;
    }
  }
}

async function setup() {
  const source = new FakeSource();
  source.objects = namespaces.map((ns) => widget('w', { namespace: ns }));
  const informer = new Informer<Widget>({ source, log: silentLogger() });
  const reconciler = new GatedReconciler();
  const ownership = new ShardOwnership(2);
  const controller = new Controller<Widget>({ name: 'widgets', informer, reconciler, log: silentLogger(), concurrency: 8, resyncPeriodMs: 0, shards: ownership });
  informer.start();
  await settle(20);
  controller.start();
  await vi.advanceTimersByTimeAsync(0);
  return { source, reconciler, ownership, controller };
}

describe('Controller with shards', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconciles nothing before it holds a shard, and a gained shard’s keys at once', async () => {
    const { reconciler, ownership, controller } = await setup();
    expect(onShard(0).length).toBeGreaterThan(0);
    expect(onShard(1).length).toBeGreaterThan(0);
    expect(reconciler.started).toEqual([]);
    ownership.gain(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.started.sort()).toEqual(onShard(1).map((ns) => `${ns}/w`).sort());
    await controller.stop();
  });

  it('ignores changes and enqueues of shards it does not hold', async () => {
    const { source, reconciler, ownership, controller } = await setup();
    ownership.gain(0);
    await vi.advanceTimersByTimeAsync(0);
    reconciler.started.length = 0;
    const other = onShard(1)[0]!;
    const mine = onShard(0)[0]!;
    source.push('MODIFIED', widget('w', { namespace: other, rv: '5', generation: 2 }));
    source.push('MODIFIED', widget('w', { namespace: mine, rv: '6', generation: 2 }));
    controller.enqueue(`${other}/w`);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.started).toEqual([`${mine}/w`]);
    await controller.stop();
  });

  it('handing a shard back starts none of its keys again and resolves only once its running reconciles finished', async () => {
    const { reconciler, ownership, controller } = await setup();
    let open!: () => void;
    reconciler.gate = new Promise((r) => (open = r));
    ownership.gain(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.running).toBe(onShard(0).length);
    let released = false;
    const release = ownership.release(0, 60_000).then(() => (released = true));
    controller.enqueue(`${onShard(0)[0]}/w`);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(released).toBe(false);
    open();
    await release;
    expect(reconciler.running).toBe(0);
    expect(reconciler.aborted).toEqual([]);
    expect(reconciler.started.length).toBe(onShard(0).length);
    await controller.stop();
  });

  it('a hand-back that outlasts its grace aborts the running reconciles', async () => {
    const { reconciler, ownership, controller } = await setup();
    reconciler.gate = new Promise(() => undefined);
    ownership.gain(1);
    await vi.advanceTimersByTimeAsync(0);
    const release = ownership.release(1, 5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await release;
    expect(reconciler.aborted.sort()).toEqual(onShard(1).map((ns) => `${ns}/w`).sort());
    await controller.stop();
  });

  it('losing a shard aborts its reconciles at once and leaves the other shard running', async () => {
    const { reconciler, ownership, controller } = await setup();
    let open!: () => void;
    reconciler.gate = new Promise((r) => (open = r));
    ownership.gain(0);
    ownership.gain(1);
    await vi.advanceTimersByTimeAsync(0);
    ownership.lose(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.aborted.sort()).toEqual(onShard(0).map((ns) => `${ns}/w`).sort());
    expect(reconciler.running).toBe(onShard(1).length);
    open();
    await vi.advanceTimersByTimeAsync(0);
    expect(ownership.heldShards()).toEqual([1]);
    await controller.stop();
  });

  it('a reconcile that goes on after its shard is lost, or past its Lease renew deadline, has its next request refused, and records no Event', async () => {
    const source = new FakeSource();
    source.objects = namespaces.map((ns) => widget('w', { namespace: ns }));
    const informer = new Informer<Widget>({ source, log: silentLogger() });
    const created: string[] = [];
    const events = new EventRecorder({ sink: { create: async (_ns, e) => void created.push(e.reason ?? ''), updateSeries: async () => undefined }, reportingController: 'test', reportingInstance: 'r1', log: silentLogger() });
    // The Lease of shard 1 was last renewed long enough ago to be past its renew deadline.
    const until = new Map([[0, Date.now() + 60_000], [1, Date.now() + 1_000]]);
    const ownership = new ShardOwnership(2, undefined, (shard) => until.get(shard) ?? 0);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const outcomes = new Map<string, string>();
    // Like a reconcile that ignores its signal and goes on to its next AWS write after the gate.
    const reconciler: Reconciler<Widget> = {
      async reconcile(key) {
        await gate;
        try {
          assertMayAct();
          outcomes.set(key, 'sent');
        } catch (err) {
          outcomes.set(key, (err as Error).name);
          throw err;
        }
        return done();
      },
    };
    const controller = new Controller<Widget>({ name: 'widgets', informer, reconciler, log: silentLogger(), concurrency: 8, resyncPeriodMs: 0, shards: ownership, events });
    informer.start();
    await settle(20);
    controller.start();
    ownership.gain(0);
    ownership.gain(1);
    await vi.advanceTimersByTimeAsync(0);
    ownership.lose(0);
    // Shard 1's deadline passes with no timer having aborted anything.
    await vi.advanceTimersByTimeAsync(2_000);
    open();
    await vi.advanceTimersByTimeAsync(0);
    await events.flush();
    expect([...outcomes.values()]).toEqual(namespaces.map(() => 'WorkStoppedError'));
    expect(created).toEqual([]);
    await controller.stop();
  });

  it('a namespace pinned to another shard is reconciled nowhere for the quiet period, then by the holder of its new shard', async () => {
    const source = new FakeSource();
    source.objects = [widget('w', { namespace: 'billing' })];
    const informer = new Informer<Widget>({ source, log: silentLogger() });
    const reconciler = new GatedReconciler();
    const pins = new Map<string, number>([['billing', 0]]);
    const ownership = new ShardOwnership(2, (ns) => pins.get(ns));
    const controller = new Controller<Widget>({ name: 'widgets', informer, reconciler, log: silentLogger(), resyncPeriodMs: 0, shards: ownership });
    informer.start();
    await settle(20);
    controller.start();
    ownership.gain(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(reconciler.started).toEqual([]);
    expect(ownership.owns('billing/w')).toBe(false);

    pins.set('billing', 1);
    ownership.moved(['billing', 'elsewhere'], 15_000);
    controller.enqueue('billing/w');
    await vi.advanceTimersByTimeAsync(14_000);
    expect(reconciler.started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reconciler.started).toEqual(['billing/w']);
    // A mapping change that moves nothing does not hold anything back.
    ownership.moved(['billing'], 15_000);
    expect(ownership.owns('billing/w')).toBe(true);
    await controller.stop();
  });
});
