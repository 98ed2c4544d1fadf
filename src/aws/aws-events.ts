// The events the events queue carries (EventBridge delivers them as the message body, as JSON):
// ECS's own ("ECS Deployment State Change", "ECS Service Action", "ECS Task State Change", source
// aws.ecs, resources naming the service or task) and CloudTrail's "AWS API Call via CloudTrail" (the
// API call record in detail). Decoded once, here, into the few fields the operator acts on; a body
// that is not such an event is `undefined` (the consumer counts and drops it).

/** An API call recorded by CloudTrail: what was called, by whom (user agent), with what. */
export interface ApiCallEvent {
  kind: 'api-call';
  /** application-autoscaling, ecs, monitoring, ... (eventSource without .amazonaws.com). */
  service: string;
  eventName: string;
  region: string;
  userAgent: string;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
}

/** An ECS service's deployment state change or service action: resources name the service. */
export interface EcsServiceEvent {
  kind: 'ecs-service';
  detailType: string;
  eventName: string;
  serviceArn: string;
}

/** An ECS task's state change. */
export interface EcsTaskEvent {
  kind: 'ecs-task';
  taskArn: string;
  clusterArn: string;
  /** service:<name> for a service's task, family:<family> for RunTask's by default. */
  group: string;
  lastStatus: string;
}

/** A well-formed event of a kind the operator does not act on. */
export interface OtherEvent {
  kind: 'other';
  source: string;
  detailType: string;
}

export type AwsEvent = ApiCallEvent | EcsServiceEvent | EcsTaskEvent | OtherEvent;

const API_CALL = 'AWS API Call via CloudTrail';
const ECS_SERVICE_EVENTS = new Set(['ECS Deployment State Change', 'ECS Service Action']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The event in an SQS message body, or undefined when the body is not an EventBridge event. */
export function parseAwsEvent(body: string): AwsEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(event) || !isObject(event.detail)) return undefined;
  const source = text(event.source);
  const detailType = text(event['detail-type']);
  if (source === '' || detailType === '' || !Array.isArray(event.resources)) return undefined;
  const detail = event.detail;
  const resources = event.resources.filter((r): r is string => typeof r === 'string');

  if (detailType === API_CALL) {
    const eventSource = text(detail.eventSource);
    const eventName = text(detail.eventName);
    if (!eventSource.endsWith('.amazonaws.com') || eventName === '') return undefined;
    return {
      kind: 'api-call',
      service: eventSource.slice(0, -'.amazonaws.com'.length),
      eventName,
      region: text(detail.awsRegion) || text(event.region),
      userAgent: text(detail.userAgent),
      request: isObject(detail.requestParameters) ? detail.requestParameters : {},
      response: isObject(detail.responseElements) ? detail.responseElements : {},
    };
  }
  if (source === 'aws.ecs' && ECS_SERVICE_EVENTS.has(detailType)) {
    const serviceArn = resources.find((r) => r.includes(':service/'));
    if (serviceArn === undefined) return undefined;
    return { kind: 'ecs-service', detailType, eventName: text(detail.eventName), serviceArn };
  }
  if (source === 'aws.ecs' && detailType === 'ECS Task State Change') {
    const taskArn = text(detail.taskArn) || (resources[0] ?? '');
    if (taskArn === '') return undefined;
    return { kind: 'ecs-task', taskArn, clusterArn: text(detail.clusterArn), group: text(detail.group), lastStatus: text(detail.lastStatus) };
  }
  return { kind: 'other', source, detailType };
}
