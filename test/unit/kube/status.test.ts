import { describe, expect, it } from 'vitest';
import { setCondition, type Condition } from '../../../src/kube/conditions.js';
import { StatusWriter, type StatusClient } from '../../../src/kube/status.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { widget, type Widget } from './fake-source.js';

type S = NonNullable<Widget['status']>;

/** An apiserver for one object with resourceVersion checks, and a hook to interleave writers. */
class FakeStatusApi implements StatusClient<Widget> {
  readonly resource = 'widgets';
  writes = 0;
  beforeWrite: (() => void) | undefined;
  constructor(public stored: Widget) {}

  async get(): Promise<Widget | undefined> {
    return structuredClone(this.stored);
  }

  async replaceStatus(obj: Widget): Promise<Widget> {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
    this.writes++;
    if (obj.metadata?.resourceVersion !== this.stored.metadata?.resourceVersion) {
      throw Object.assign(new Error('Conflict'), { code: 409, body: '{"reason":"Conflict"}' });
    }
    this.stored = { ...this.stored, status: obj.status, metadata: { ...this.stored.metadata, resourceVersion: String(Number(this.stored.metadata?.resourceVersion) + 1) } };
    return structuredClone(this.stored);
  }

  /** Another writer changes status in between. */
  foreignWrite(status: S): void {
    this.stored = { ...this.stored, status, metadata: { ...this.stored.metadata, resourceVersion: String(Number(this.stored.metadata?.resourceVersion) + 1) } };
  }
}

const ready = (status: S | undefined): S => ({
  ...status,
  conditions: setCondition(status?.conditions as Condition[] | undefined, { type: 'Ready', status: 'True', reason: 'Done' }, new Date('2026-01-01T00:00:00Z')),
});

describe('StatusWriter', () => {
  it('re-reads and re-applies the mutation after a conflict, keeping both writers\' changes', async () => {
    const api = new FakeStatusApi(widget('a', { rv: '5' }));
    const cached = structuredClone(api.stored);
    api.beforeWrite = () => api.foreignWrite({ seen: 42 });
    const writer = new StatusWriter<S, Widget>(api, silentLogger());
    const result = await writer.update(cached, ready);
    expect(result.kind).toBe('updated');
    expect(result.kind === 'updated' && result.attempts).toBe(2);
    expect(api.stored.status?.seen).toBe(42);
    expect(api.stored.status?.conditions).toHaveLength(1);
  });

  it('sends nothing when the mutation changes nothing', async () => {
    const api = new FakeStatusApi(widget('a', { rv: '5' }));
    const writer = new StatusWriter<S, Widget>(api, silentLogger());
    const first = await writer.update(api.stored, ready);
    expect(first.kind).toBe('updated');
    const second = await writer.update(api.stored, ready);
    expect(second.kind).toBe('unchanged');
    expect(api.writes).toBe(1);
  });

  it('gives up after the configured number of conflicts in a row', async () => {
    const api = new FakeStatusApi(widget('a', { rv: '5' }));
    const writer = new StatusWriter<S, Widget>(api, silentLogger(), 3);
    let n = 0;
    const mutate = (s: S | undefined): S => {
      api.beforeWrite = () => api.foreignWrite({ seen: ++n });
      return { ...s, conditions: [] };
    };
    await expect(writer.update(api.stored, mutate)).rejects.toMatchObject({ code: 409 });
    expect(api.writes).toBe(3);
  });
});
