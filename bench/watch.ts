// The bench's view of the EcsServices, from one cluster-wide watch (not a list per poll, so that
// watching 1,000 objects costs the apiserver and the operator's figures next to nothing): each
// object's readiness, generations and drift condition, and when each was first seen so.
import { KubeConfig, Watch } from '@kubernetes/client-node';

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

export interface ServiceState {
  namespace: string;
  name: string;
  generation: number;
  observedGeneration: number | undefined;
  ready: boolean;
  /** Reason of the Drifted condition (DriftDetected, DriftCorrected, NoDrift...). */
  drift: string | undefined;
  /** When this bench first saw the object Ready (ms since epoch). */
  firstReadyAt: number | undefined;
}

interface WatchedObject {
  metadata?: { namespace?: string; name?: string; generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

type Listener = (state: ServiceState, at: number) => void;

export class ServiceWatch {
  readonly states = new Map<string, ServiceState>();
  private readonly listeners = new Set<Listener>();
  private request: { abort(): void } | undefined;
  private stopped = false;
  /** Watch requests the bench made (subtracted from the apiserver's request count). */
  requests = 0;

  private constructor(private readonly kc: KubeConfig) {}

  static async start(kubeconfig: string): Promise<ServiceWatch> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const w = new ServiceWatch(kc);
    await w.open();
    return w;
  }

  private async open(): Promise<void> {
    this.requests++;
    // Without a resourceVersion the server first sends every object as ADDED, so a reopened watch
    // (the server ends watches after a while) catches up by itself.
    this.request = await new Watch(this.kc).watch(
      '/apis/ecs.operator.dev/v1alpha1/ecsservices',
      {},
      (type: string, obj: WatchedObject) => this.seen(type, obj),
      () => {
        if (!this.stopped) setTimeout(() => void this.open().catch((err: unknown) => console.error('bench: reopening the watch failed', err)), 200);
      },
    );
  }

  private seen(type: string, obj: WatchedObject): void {
    const at = Date.now();
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    const key = `${namespace}/${name}`;
    if (type === 'DELETED') {
      this.states.delete(key);
      return;
    }
    const conditions = obj.status?.conditions ?? [];
    const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    const previous = this.states.get(key);
    const state: ServiceState = {
      namespace,
      name,
      generation: obj.metadata?.generation ?? 0,
      observedGeneration: obj.status?.observedGeneration,
      ready,
      drift: conditions.find((c) => c.type === 'Drifted')?.reason,
      firstReadyAt: previous?.firstReadyAt ?? (ready ? at : undefined),
    };
    this.states.set(key, state);
    for (const l of this.listeners) l(state, at);
  }

  /** Calls `fn` on every change from now on; returns the unsubscribe. */
  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  readyCount(): number {
    let n = 0;
    for (const s of this.states.values()) if (s.ready) n++;
    return n;
  }

  /** Resolves when `check` holds, looked at on every change and once a second; rejects after `timeoutMs`. */
  async until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        off();
        clearInterval(tick);
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const look = (): void => {
        if (check()) done();
      };
      const off = this.onChange(look);
      const tick = setInterval(look, 1000);
      const timer = setTimeout(() => done(new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
  }

  stop(): void {
    this.stopped = true;
    this.request?.abort();
  }
}
