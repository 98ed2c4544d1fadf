// What a controller did in ECS, seen from the emulator's side (so that both controllers are
// counted alike): the services that exist in a cluster, and every call signed with the
// controller's own key, from the emulator's request journal (CloudTrail's records).
import { ECSClient, paginateListServices } from '@aws-sdk/client-ecs';
import type { JournalRecord } from '../../test/aws/emulator.js';
import { BENCH_CREDENTIALS, REGION } from '../world.js';

/** Services in the cluster now, listed with the bench's own key (not journaled as the controller's). */
export async function servicesInCluster(endpoint: string, cluster: string): Promise<number> {
  const ecs = new ECSClient({ region: REGION, endpoint, credentials: BENCH_CREDENTIALS });
  try {
    let n = 0;
    for await (const page of paginateListServices({ client: ecs, pageSize: 100 }, { cluster, maxResults: 100 })) n += page.serviceArns?.length ?? 0;
    return n;
  } finally {
    ecs.destroy();
  }
}

/** Calls by `service:Operation` (service as in its endpoint name: ecs, sts...), failed ones included. */
export function callsByOperation(journal: readonly JournalRecord[]): Map<string, number> {
  const calls = new Map<string, number>();
  for (const r of journal) {
    const key = `${r.eventSource.replace(/\.amazonaws\.com$/, '')}:${r.eventName}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  }
  return calls;
}

/** When the n-th service was created (ms since epoch), from the journal's successful CreateService records. */
export function nthServiceCreatedAt(journal: readonly JournalRecord[], n: number): number | undefined {
  const created = journal.filter((r) => r.eventName === 'CreateService' && !r.errorCode).map((r) => Date.parse(r.eventTime));
  return created.length >= n ? created.sort((a, b) => a - b)[n - 1] : undefined;
}
