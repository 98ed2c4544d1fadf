// Status conditions the Kubernetes way (metav1.Condition): lastTransitionTime moves only when the
// status flips, so `kubectl wait`, Argo CD and kstatus can tell how long something has been true;
// reason and message may change freely; observedGeneration says which spec the condition judged.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** CamelCase, machine-readable. */
  reason: string;
  message: string;
  /** RFC 3339, second precision (metav1.Time). */
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

/** metav1.Time serializes to whole seconds; writing milliseconds would differ on every read-back. */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Returns a new list with `update` applied: an existing condition of that type keeps its place and,
 * unless its status changed, its lastTransitionTime. Inputs are not modified.
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date = new Date()): Condition[] {
  const list = conditions ? [...conditions] : [];
  const i = list.findIndex((c) => c.type === update.type);
  const existing = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message ?? '',
    lastTransitionTime: existing && existing.status === update.status ? existing.lastTransitionTime : kubeTime(now),
  };
  const generation = update.observedGeneration ?? existing?.observedGeneration;
  if (generation !== undefined) next.observedGeneration = generation;
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function setConditions(conditions: readonly Condition[] | undefined, updates: readonly ConditionUpdate[], now: Date = new Date()): Condition[] {
  let list = conditions ? [...conditions] : [];
  for (const u of updates) list = setCondition(list, u, now);
  return list;
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
