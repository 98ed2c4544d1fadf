// Which objects an AWS event concerns: the objects a user expects to be reconciled at once when
// ECS reports on their service or someone else changes it (CloudTrail).
import { describe, expect, it } from 'vitest';
import type { EcsCluster, EcsService, EcsTask, EcsTaskDefinition } from '../../../src/api/index.js';
import { parseAwsEvent } from '../../../src/aws/aws-events.js';
import { targetsOf, type EventCaches } from '../../../src/operator/event-targets.js';

const ARN = 'arn:aws:ecs:us-east-1:123456789012';
const meta = (name: string) => ({ name, namespace: 'shop', uid: `uid-${name}`, generation: 1 });

const web = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: meta('web'), spec: { cluster: 'prod', desiredCount: 2 }, status: { serviceArn: `${ARN}:service/prod/web`, serviceName: 'web', clusterArn: `${ARN}:cluster/prod`, autoscaling: { policies: [{ name: 'cpu', policyType: 'StepScaling', alarms: [{ alarmName: 'web-cpu-high' }] }] } } } as unknown as EcsService;
// Not run yet: known by its spec only.
const api = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: meta('api'), spec: { cluster: 'prod', serviceName: 'api-v2' } } as unknown as EcsService;
const other = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: meta('web-staging'), spec: { cluster: 'staging', serviceName: 'web' }, status: { serviceArn: `${ARN}:service/staging/web`, serviceName: 'web', clusterArn: `${ARN}:cluster/staging` } } as unknown as EcsService;
const td = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTaskDefinition', metadata: meta('web-td'), spec: { family: 'web' }, status: { family: 'web' } } as unknown as EcsTaskDefinition;
const cluster = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsCluster', metadata: meta('prod'), spec: {}, status: { clusterArn: `${ARN}:cluster/prod`, clusterName: 'prod' } } as unknown as EcsCluster;
const task = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsTask', metadata: meta('migrate'), spec: {}, status: { tasks: [{ taskArn: `${ARN}:task/prod/abc123` }] } } as unknown as EcsTask;

const caches: EventCaches = { services: () => [web, api, other], taskDefinitions: () => [td], clusters: () => [cluster], tasks: () => [task] };

function eventOf(detailType: string, source: string, detail: Record<string, unknown>, resources: string[] = []): string {
  return JSON.stringify({ version: '0', id: 'e1', 'detail-type': detailType, source, account: '123456789012', time: '2026-12-07T06:00:00Z', region: 'us-east-1', resources, detail });
}
const apiCall = (source: string, eventSource: string, eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null) =>
  eventOf('AWS API Call via CloudTrail', source, { eventSource, eventName, awsRegion: 'us-east-1', userAgent: 'aws-cli/2', requestParameters, responseElements });

function targets(body: string) {
  const event = parseAwsEvent(body);
  if (event === undefined) throw new Error('malformed');
  return targetsOf(event, caches);
}

describe('targetsOf', () => {
  it('finds the service of a deployment state change by its ARN', () => {
    const body = eventOf('ECS Deployment State Change', 'aws.ecs', { eventType: 'INFO', eventName: 'SERVICE_DEPLOYMENT_COMPLETED', deploymentId: 'ecs-svc/1' }, [`${ARN}:service/prod/web`]);
    expect(targets(body)).toEqual({ services: ['shop/web'], taskDefinitions: [], clusters: [], tasks: [] });
  });

  it('finds a service by cluster and name in an UpdateService call, not its namesake in another cluster', () => {
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'UpdateService', { cluster: 'prod', service: 'web', desiredCount: 5 })).services).toEqual(['shop/web']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'UpdateService', { cluster: `${ARN}:cluster/staging`, service: 'web' })).services).toEqual(['shop/web-staging']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'DeleteService', { cluster: 'prod', service: `${ARN}:service/prod/web` })).services).toEqual(['shop/web']);
  });

  it('finds a service that has not run yet by its spec names (a CreateService by someone else)', () => {
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'CreateService', { cluster: 'prod', serviceName: 'api-v2' })).services).toEqual(['shop/api']);
  });

  it('finds task definitions by family, from a family, a family:revision or an ARN', () => {
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'RegisterTaskDefinition', { family: 'web' })).taskDefinitions).toEqual(['shop/web-td']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'DeregisterTaskDefinition', { taskDefinition: 'web:3' })).taskDefinitions).toEqual(['shop/web-td']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'DeregisterTaskDefinition', { taskDefinition: `${ARN}:task-definition/web:3` })).taskDefinitions).toEqual(['shop/web-td']);
  });

  it('finds what a TagResource names: a service, a task definition or a cluster', () => {
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'TagResource', { resourceArn: `${ARN}:service/prod/web`, tags: [] })).services).toEqual(['shop/web']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'UntagResource', { resourceArn: `${ARN}:task-definition/web:1` })).taskDefinitions).toEqual(['shop/web-td']);
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'TagResource', { resourceArn: `${ARN}:cluster/prod` })).clusters).toEqual(['shop/prod']);
  });

  it("finds the service of a scalable target by its resource id, and of an alarm by the name its status records", () => {
    expect(targets(apiCall('aws.application-autoscaling', 'application-autoscaling.amazonaws.com', 'DeregisterScalableTarget', { serviceNamespace: 'ecs', resourceId: 'service/prod/web', scalableDimension: 'ecs:service:DesiredCount' })).services).toEqual(['shop/web']);
    expect(targets(apiCall('aws.application-autoscaling', 'application-autoscaling.amazonaws.com', 'PutScalingPolicy', { ResourceId: 'service/staging/web' })).services).toEqual(['shop/web-staging']);
    expect(targets(apiCall('aws.monitoring', 'monitoring.amazonaws.com', 'DeleteAlarms', { alarmNames: ['web-cpu-high', 'unrelated'] })).services).toEqual(['shop/web']);
    expect(targets(apiCall('aws.monitoring', 'monitoring.amazonaws.com', 'PutMetricAlarm', { alarmName: 'web-cpu-high' })).services).toEqual(['shop/web']);
  });

  it('finds the service of a task by its group and cluster, and a one-off task by its ARN', () => {
    const serviceTask = eventOf('ECS Task State Change', 'aws.ecs', { taskArn: `${ARN}:task/prod/t1`, clusterArn: `${ARN}:cluster/prod`, group: 'service:web', lastStatus: 'STOPPED' }, [`${ARN}:task/prod/t1`]);
    expect(targets(serviceTask)).toEqual({ services: ['shop/web'], taskDefinitions: [], clusters: [], tasks: [] });
    const oneOff = eventOf('ECS Task State Change', 'aws.ecs', { taskArn: `${ARN}:task/prod/abc123`, clusterArn: `${ARN}:cluster/prod`, group: 'family:migrate', lastStatus: 'STOPPED' }, [`${ARN}:task/prod/abc123`]);
    expect(targets(oneOff).tasks).toEqual(['shop/migrate']);
  });

  it('finds nothing for objects the operator does not hold', () => {
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'UpdateService', { cluster: 'prod', service: 'billing' }))).toEqual({ services: [], taskDefinitions: [], clusters: [], tasks: [] });
    expect(targets(apiCall('aws.ecs', 'ecs.amazonaws.com', 'RunTask', { cluster: 'prod' }))).toEqual({ services: [], taskDefinitions: [], clusters: [], tasks: [] });
  });
});

describe('parseAwsEvent', () => {
  it('refuses what is not an EventBridge event', () => {
    expect(parseAwsEvent('not json')).toBeUndefined();
    expect(parseAwsEvent('[]')).toBeUndefined();
    expect(parseAwsEvent(JSON.stringify({ source: 'aws.ecs', 'detail-type': 'ECS Service Action', resources: [] }))).toBeUndefined();
    expect(parseAwsEvent(eventOf('ECS Service Action', 'aws.ecs', { eventName: 'SERVICE_STEADY_STATE' }, []))).toBeUndefined();
    expect(parseAwsEvent(eventOf('AWS API Call via CloudTrail', 'aws.ecs', { eventName: 'UpdateService' }))).toBeUndefined();
  });

  it('keeps other well-formed events as `other`', () => {
    expect(parseAwsEvent(eventOf('Object Created', 'aws.s3', { bucket: { name: 'b' } }))).toEqual({ kind: 'other', source: 'aws.s3', detailType: 'Object Created' });
  });
});
