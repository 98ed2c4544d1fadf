// A task definition revision is immutable once registered, so it is read once and kept. Only its
// status (deregistered, deleted) and its tags can change, through this adapter's own calls (which
// refresh the copy) or outside the operator: `current` checks a revision again once its copy is
// older than the caller allows. Its status is checked in a listing of the region's ACTIVE
// revisions that every revision shares (ListTaskDefinitions, 100 a page), not by reading each one
// again: a resync of 1,000 task definitions costs 10 calls, not 1,000.
import { DescribeTaskDefinitionCommand, paginateListTaskDefinitions, type ECSClient, type Tag, type TaskDefinition } from '@aws-sdk/client-ecs';
import { LRUCache } from 'lru-cache';

export interface TaskDefinitionRecord {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

export interface TaskDefinitionCacheOptions {
  /**
   * Revisions kept; the least recently used are read again if needed. Default 10,000: more than
   * the task definitions one region's operator keeps current, whose every resync would otherwise
   * read each one again (at 3,000 services, with room for 2,048, a resync read 0.8 per service).
   */
  maxRevisions?: number;
}

// `family:7` or `arn:...:task-definition/family:7` name one revision; a bare family means "latest".
const WITH_REVISION = /:\d+$/;

interface Entry {
  record: TaskDefinitionRecord;
  /** When ECS answered with it (Date.now()). */
  readAt: number;
}

/**
 * A revision's tags change only through TagResource and UntagResource, which change nothing that
 * runs: a copy whose status the listing confirms is read again for its tags this rarely, so a tag
 * changed outside the operator is put back within the hour rather than at the next resync.
 */
export const TAGS_RECHECK_AFTER_MS = 60 * 60_000;

interface ActiveListing {
  /** When it was asked for (Date.now()): a revision in it was ACTIVE then. */
  at: number;
  arns: Promise<Set<string>>;
  /** Until it is answered, every caller joins it: none could have a newer one sooner. */
  pending: boolean;
}

export class TaskDefinitionCache {
  private readonly cache: LRUCache<string, Entry>;
  private listing: ActiveListing | undefined;
  /** Calls the last listing took: when they outnumber the revisions kept, each is read instead. */
  private listingPages: number | undefined;

  constructor(
    private readonly ecs: ECSClient,
    options: TaskDefinitionCacheOptions = {},
  ) {
    this.cache = new LRUCache<string, Entry>({
      // Each revision is kept under two keys, its ARN and `family:revision` (describe()).
      max: 2 * (options.maxRevisions ?? 10_000),
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
   * A revision (ARN or `family:revision`) with its status at most `maxAgeMs` old, and its tags at
   * most TAGS_RECHECK_AFTER_MS (or `maxAgeMs`, if longer): both can change outside the operator.
   * A kept ACTIVE copy older than `maxAgeMs` is confirmed by the shared listing of ACTIVE revisions;
   * one the listing lacks (deregistered, deleted) is read again, which says which.
   */
  async current(taskDefinition: string, maxAgeMs: number): Promise<TaskDefinitionRecord> {
    const kept = this.cache.peek(taskDefinition);
    const age = kept ? Date.now() - kept.readAt : Infinity;
    if (kept && age <= maxAgeMs) return kept.record;
    const arn = kept?.record.taskDefinition.taskDefinitionArn;
    if (kept && arn && (kept.record.taskDefinition.status ?? 'ACTIVE') === 'ACTIVE' && age <= Math.max(maxAgeMs, TAGS_RECHECK_AFTER_MS) && this.listingPaysOff()) {
      if ((await this.activeRevisions(maxAgeMs)).has(arn)) return kept.record;
    }
    this.forget(taskDefinition);
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

  /** Whether one listing costs fewer calls than reading every revision kept: not so in an account with far more revisions than the operator's. */
  private listingPaysOff(): boolean {
    // Each revision is kept under two keys (its ARN and `family:revision`).
    return this.listingPages === undefined || this.listingPages <= this.cache.size / 2;
  }

  /** The region's ACTIVE revisions, as listed at most `maxAgeMs` ago; one listing serves every caller. */
  private activeRevisions(maxAgeMs: number): Promise<Set<string>> {
    if (!this.listing || (!this.listing.pending && Date.now() - this.listing.at > maxAgeMs)) {
      const fresh: ActiveListing = { at: Date.now(), arns: this.listActive(), pending: true };
      fresh.arns.then(
        () => (fresh.pending = false),
        // A failed listing is not kept: the next caller asks again.
        () => this.listing === fresh && (this.listing = undefined),
      );
      this.listing = fresh;
    }
    return this.listing.arns;
  }

  private async listActive(): Promise<Set<string>> {
    const arns = new Set<string>();
    let pages = 0;
    // Every family at once: a family's own listing would be one call per task definition again.
    for await (const page of paginateListTaskDefinitions({ client: this.ecs, pageSize: 100 }, { status: 'ACTIVE', maxResults: 100 })) {
      pages++;
      for (const arn of page.taskDefinitionArns ?? []) arns.add(arn);
    }
    this.listingPages = pages;
    return arns;
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
