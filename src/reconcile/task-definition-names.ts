// The three ways ECS names a task definition revision: a full ARN, `family:revision`, or a bare
// family (the latest ACTIVE revision). Comparisons use `family:revision`, which both ARN and short
// forms reduce to.

/** `family:7` from `arn:aws:ecs:region:account:task-definition/family:7` (or from `family:7`). */
export function familyRevisionOf(taskDefinition: string): string {
  return taskDefinition.slice(taskDefinition.lastIndexOf('/') + 1);
}

export function parseFamilyRevision(taskDefinition: string): { family: string; revision: number | undefined } {
  const short = familyRevisionOf(taskDefinition);
  const colon = short.lastIndexOf(':');
  if (colon < 0) return { family: short, revision: undefined };
  return { family: short.slice(0, colon), revision: Number(short.slice(colon + 1)) };
}
