// How many objects of one kind carry a condition set True, from one watch (not a list per poll, so
// that following 1,000 objects costs the apiserver next to nothing): the operator's EcsService
// `Ready`, ACK's Service `ACK.ResourceSynced`, the point where each controller says it is done.
import { KubeConfig, Watch } from '@kubernetes/client-node';

interface Watched {
  metadata?: { namespace?: string; name?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export class ConditionWatch {
  private readonly trueFor = new Set<string>();
  private request: { abort(): void } | undefined;
  private stopped = false;

  private constructor(private readonly kc: KubeConfig, private readonly path: string, private readonly condition: string) {}

  static async start(kubeconfig: string, path: string, condition: string): Promise<ConditionWatch> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const w = new ConditionWatch(kc, path, condition);
    await w.open();
    return w;
  }

  private async open(): Promise<void> {
    // Without a resourceVersion the server first sends every object as ADDED, so a reopened watch
    // (the server ends watches after a while) catches up by itself.
    this.request = await new Watch(this.kc).watch(
      this.path,
      {},
      (type: string, obj: Watched) => {
        const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
        const on = type !== 'DELETED' && (obj.status?.conditions ?? []).some((c) => c.type === this.condition && c.status === 'True');
        if (on) this.trueFor.add(key);
        else this.trueFor.delete(key);
      },
      () => {
        if (!this.stopped) setTimeout(() => void this.open().catch((err: unknown) => console.error('bench: reopening the watch failed', err)), 200);
      },
    );
  }

  count(): number {
    return this.trueFor.size;
  }

  stop(): void {
    this.stopped = true;
    this.request?.abort();
  }
}
