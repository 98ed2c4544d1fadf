// The runtime survives kube-apiserver going away and coming back (same etcd) without a restart of
// its own: watches fail, back off, resume, and objects changed while it was disconnected are
// reconciled. This file runs its own control plane, because it stops the apiserver.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import { done, type ReconcileContext, type ReconcileResult, type Reconciler } from '../../src/controller/reconciler.js';
import { Informer } from '../../src/kube/informer.js';
import { ResourceClient, type ListWatchSource } from '../../src/kube/resource.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startControlPlane, type ControlPlane } from '../support/controlplane.js';
import { eventually, installWidgetCrd, newWidget, sleep, WIDGET, type Widget } from './fixtures/runtime/widgets.js';

class RecordingReconciler implements Reconciler<Widget> {
  readonly seen = new Map<string, { generation: number | undefined; exists: boolean }>();
  async reconcile(key: string, ctx: ReconcileContext<Widget>): Promise<ReconcileResult> {
    this.seen.set(key, { generation: ctx.object?.metadata?.generation, exists: ctx.object !== undefined });
    return done();
  }
}

/**
 * Passes every call to the real client, counting lists. While `partitioned`, calls fail as they do
 * when the apiserver is unreachable: it keeps the operator cut off after the apiserver is back,
 * so that the test can change objects before the operator can see them.
 */
function partitionable(source: ListWatchSource<Widget>) {
  const state = { partitioned: false, lists: 0 };
  const refused = () => Object.assign(new Error('connect ECONNREFUSED (test partition)'), { code: 'ECONNREFUSED' });
  const spy: ListWatchSource<Widget> = {
    resource: source.resource,
    listPage: async (opts) => {
      if (state.partitioned) throw refused();
      state.lists++;
      return source.listPage(opts);
    },
    watch: async (opts, onEvent, onClose) => {
      if (state.partitioned) {
        onClose(refused());
        return { abort: () => undefined };
      }
      return source.watch(opts, onEvent, onClose);
    },
  };
  return { spy, state };
}

let cp: ControlPlane;
let client: ResourceClient<Widget>;

beforeAll(async () => {
  cp = await startControlPlane();
  await installWidgetCrd(cp.binDir, cp.kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfig);
  client = new ResourceClient<Widget>(kc, WIDGET, 5_000);
});

afterAll(async () => {
  await cp?.stop();
});

describe('apiserver restart', () => {
  it('recovers on its own and reconciles objects created, changed and deleted while it was disconnected', async () => {
    const ns = 'default';
    for (const name of ['changed', 'deleted', 'steady']) await client.create(ns, newWidget(ns, name));

    const { spy, state } = partitionable(client);
    const informer = new Informer<Widget>({ source: spy, namespaces: [ns], log: silentLogger() });
    const reconciler = new RecordingReconciler();
    const controller = new Controller<Widget>({ name: 'widgets-restart', informer, reconciler, log: silentLogger(), resyncPeriodMs: 0 });
    informer.start();
    await informer.waitForSync();
    controller.start();
    await eventually('initial reconciles', () => reconciler.seen.size === 3);

    await cp.stopApiServer();
    await sleep(3_000); // the watch has broken and reconnects are being refused, for real
    state.partitioned = true;
    await cp.startApiServer();
    await client.mergePatch(ns, 'changed', { spec: { size: 2 } });
    await client.delete(ns, 'deleted');
    await client.create(ns, newWidget(ns, 'created'));
    state.partitioned = false;

    await eventually(
      'reconciles of the changes made during the outage',
      () =>
        reconciler.seen.get(`${ns}/changed`)?.generation === 2 &&
        reconciler.seen.get(`${ns}/deleted`)?.exists === false &&
        reconciler.seen.get(`${ns}/created`)?.exists === true,
      60_000,
    );
    expect(informer.store.keys().sort()).toEqual([`${ns}/changed`, `${ns}/created`, `${ns}/steady`]);
    // Resumed from its resourceVersion, or relisted if the restarted apiserver answered 410 Gone.
    console.log(`[apiserver restart] lists: ${state.lists} (1 = resumed the watch, 2 = relisted after 410)`);

    await controller.stop();
    await informer.stop();
  });
});
