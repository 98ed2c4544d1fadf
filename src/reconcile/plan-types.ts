// The unit of truth shared by reconciling and drift reporting: a plan is a list of changes, each
// with the field-level differences behind it. The controller applies a plan; `ecs-operator drift`
// and status.drift print the same plan without applying it, so drift is never a second comparison.

/** One field whose observed value differs from the desired one. Paths are manifest paths
 * (spec.desiredCount, spec.loadBalancers[0].containerPort, spec.autoscaling.targetTracking[cpu]). */
export interface FieldDiff {
  path: string;
  /** Absent when the manifest does not ask for the thing (it exists only in AWS). */
  desired?: unknown;
  /** Absent when AWS does not have it. */
  actual?: unknown;
}

/** What kind of AWS resource a change touches, for reports and Events. */
export type ResourceKind = 'TaskDefinition' | 'Service' | 'ScalableTarget' | 'ScalingPolicy' | 'ScheduledAction' | 'Alarm' | 'Cluster' | 'CapacityProvider' | 'Task' | 'Schedule' | 'Rule' | 'RuleTarget';

/**
 * A planned change: `action` says what will be done, `diffs` says why. Whether a change is drift
 * (AWS was changed outside the operator) or follows a manifest edit is decided per object by the
 * reconciler: the same plan, found when the generation was already reconciled, is drift.
 */
export interface PlannedChange<A extends string = string, P = unknown> {
  resource: ResourceKind;
  /** A stable, human-readable id of the AWS resource: a service name, a policy name, a family. */
  id: string;
  action: A;
  diffs: FieldDiff[];
  /** What apply() needs to carry it out (an SDK input, usually); never printed in reports. */
  payload: P;
  /**
   * The change follows from the operator's own bookkeeping (revisions beyond
   * revisionHistoryLimit), not from AWS differing from the manifest: it is never drift, and
   * driftPolicy Report does not hold it back.
   */
  housekeeping?: true;
  /**
   * The change only tags a resource that already holds what the manifest asks for as owned by this
   * object (spec.adoptExisting): AWS does not differ from the manifest, so it is no drift either.
   */
  adoption?: true;
}
