// A task definition revision is immutable once registered, so it is read once and kept. Only its
// status (deregistered, deleted) and its tags can change, through this adapter's own calls (which
// refresh the copy) or outside the operator: `current` reads a revision again once its copy is
// older than the caller allows.
import { DescribeTaskDefinitionCommand, type ECSClient, type Tag, type TaskDefinition } from '@aws-sdk/client-ecs';
import { LRUCache } from 'lru-cache';

export interface TaskDefinitionRecord {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

export interface TaskDefinitionCacheOptions {
  /** Revisions kept; the least recently used are read again if needed. Default 4096. */
  maxEntries?: number;
}

// `family:7` or `arn:...:task-definition/family:7` name one revision; a bare family means "latest".
const WITH_REVISION = /:\d+$/;

interface Entry {
  record: TaskDefinitionRecord;
  /** When ECS answered with it (Date.now()). */
  readAt: number;
}

export class TaskDefinitionCache {
  private readonly cache: LRUCache<string, Entry>;

  constructor(
    private readonly ecs: ECSClient,
    options: TaskDefinitionCacheOptions = {},
  ) {
    this.cache = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 4096,
      // Concurrent requests for one revision share one call.
      fetchMethod: async (id) => ({ record: await this.read(id), readAt: Date.now() }),
    });
  }

  /**
   * The task definition named by an ARN or `family:revision` (cached), or by a bare family
   * (the latest ACTIVE revision: read every time, since it changes when a revision is registered).
   */
  async describe(taskDefinition: string): Promise<TaskDefinitionRecord> {
    const entry = WITH_REVISION.test(taskDefinition) ? await this.cache.fetch(taskDefinition) : { record: await this.read(taskDefinition), readAt: Date.now() };
    if (!entry) throw new Error(`task definition ${taskDefinition} could not be read`);
    // Kept under both its ARN and `family:revision`, whichever it was asked by.
    for (const key of keysOf(entry.record.taskDefinition)) if (this.cache.peek(key) !== entry) this.cache.set(key, entry);
    return entry.record;
  }

  /**
   * A revision (ARN or `family:revision`) with its status and tags at most `maxAgeMs` old: read
   * again when the kept copy is older, since both can change outside the operator.
   */
  async current(taskDefinition: string, maxAgeMs: number): Promise<TaskDefinitionRecord> {
    const kept = this.cache.peek(taskDefinition);
    if (kept && Date.now() - kept.readAt > maxAgeMs) this.forget(taskDefinition);
    return this.describe(taskDefinition);
  }

  /** Keeps a revision returned by a write (register, deregister), so it is never read back. */
  remember(record: TaskDefinitionRecord): void {
    const entry = { record, readAt: Date.now() };
    for (const key of keysOf(record.taskDefinition)) this.cache.set(key, entry);
  }

  /** Drops a revision whose tags were changed, so the next describe reads them again. */
  forget(taskDefinitionArn: string): void {
    const entry = this.cache.peek(taskDefinitionArn);
    this.cache.delete(taskDefinitionArn);
    if (entry) for (const key of keysOf(entry.record.taskDefinition)) this.cache.delete(key);
  }

  private async read(id: string): Promise<TaskDefinitionRecord> {
    const out = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: id, include: ['TAGS'] }));
    if (!out.taskDefinition) throw new Error(`DescribeTaskDefinition returned no task definition for ${id}`);
    return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
  }
}

function keysOf(td: TaskDefinition): string[] {
  const keys: string[] = [];
  if (td.taskDefinitionArn) keys.push(td.taskDefinitionArn);
  if (td.family && td.revision !== undefined) keys.push(`${td.family}:${td.revision}`);
  return keys;
}
