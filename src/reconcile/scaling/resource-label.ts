// The resource label of ALBRequestCountPerTarget, app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>,
// derived from a target group ARN and the ARNs of the load balancers that forward to it.

export type ResourceLabelResult = { kind: 'ok'; label: string } | { kind: 'invalid'; message: string };

// ARN resource parts: loadbalancer/app/<name>/<id> and targetgroup/<name>/<id>.
const ALB_RESOURCE = /:loadbalancer\/(app\/[^/]+\/[^/]+)$/;
const TARGET_GROUP_RESOURCE = /:(targetgroup\/[^/]+\/[^/]+)$/;

export function albResourceLabel(targetGroupArn: string, loadBalancerArns: readonly string[]): ResourceLabelResult {
  const targetGroup = TARGET_GROUP_RESOURCE.exec(targetGroupArn)?.[1];
  if (!targetGroup) return { kind: 'invalid', message: `${targetGroupArn} is not a target group ARN` };
  // The metric counts requests an Application Load Balancer routes; a target group behind a
  // Network Load Balancer (or behind none yet) has no such metric.
  const albs = loadBalancerArns.map((arn) => ALB_RESOURCE.exec(arn)?.[1]).filter((l): l is string => l !== undefined);
  if (albs.length === 0) {
    return { kind: 'invalid', message: `target group ${targetGroup} is not attached to an Application Load Balancer` };
  }
  // Elastic Load Balancing lets one target group serve one load balancer of a kind, so the first
  // Application Load Balancer listed is the one whose requests the metric counts.
  return { kind: 'ok', label: `${albs[0]}/${targetGroup}` };
}
