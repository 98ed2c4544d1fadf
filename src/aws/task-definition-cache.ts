// A task definition revision is immutable once registered, so it is read once and kept: a resync
// then costs no DescribeTaskDefinition call at all. Only what can change on a revision is
// refreshed: its status (deregistration) and tags, both through the calls this adapter makes.
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

export class TaskDefinitionCache {
  private readonly cache: LRUCache<string, TaskDefinitionRecord>;

  constructor(
    private readonly ecs: ECSClient,
    options: TaskDefinitionCacheOptions = {},
  ) {
    this.cache = new LRUCache<string, TaskDefinitionRecord>({
      max: options.maxEntries ?? 4096,
      // Concurrent requests for one revision share one call.
      fetchMethod: (id) => this.read(id),
    });
  }

  /**
   * The task definition named by an ARN or `family:revision` (cached), or by a bare family
   * (the latest ACTIVE revision: read every time, since it changes when a revision is registered).
   */
  async describe(taskDefinition: string): Promise<TaskDefinitionRecord> {
    const record = WITH_REVISION.test(taskDefinition) ? await this.cache.fetch(taskDefinition) : await this.read(taskDefinition);
    if (!record) throw new Error(`task definition ${taskDefinition} could not be read`);
    // Kept under both its ARN and `family:revision`, whichever it was asked by.
    this.remember(record);
    return record;
  }

  /** Keeps a revision returned by a write (register, deregister), so it is never read back. */
  remember(record: TaskDefinitionRecord): void {
    for (const key of keysOf(record.taskDefinition)) this.cache.set(key, record);
  }

  /** Drops a revision whose tags were changed, so the next describe reads them again. */
  forget(taskDefinitionArn: string): void {
    const record = this.cache.get(taskDefinitionArn);
    this.cache.delete(taskDefinitionArn);
    if (record) for (const key of keysOf(record.taskDefinition)) this.cache.delete(key);
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
