// Fixed reconciler results for the report tests: the three kinds of drift issue 7 names, shaped the
// way the reconcilers' plans carry them (manifest paths, canonical JSON values, payloads that
// reports never print).
import type { ObjectResult } from '../../../src/drift/index.js';

export const NOW = new Date('2026-11-24T12:00:00.000Z');

const TARGET_GROUP_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';

/** Someone changed desiredCount in the console. */
export const desiredCountChanged: ObjectResult = {
  identity: { kind: 'EcsService', namespace: 'default', name: 'worker', region: 'us-east-1', cluster: 'demo', source: 'examples/sqs-worker.yaml:34' },
  plan: [
    {
      resource: 'Service',
      id: 'worker',
      action: 'update',
      diffs: [{ path: 'spec.desiredCount', desired: 2, actual: 5 }],
      payload: { cluster: 'demo', service: 'worker', desiredCount: 2 },
    },
  ],
};

/** The target group binding was removed and the CPU scaling policy deleted behind the operator's back. */
export const loadBalancerAndPolicyRemoved: ObjectResult = {
  identity: { kind: 'EcsService', namespace: 'default', name: 'web', region: 'us-east-1', cluster: 'demo', source: 'examples/fargate-web-alb.yaml:43' },
  plan: [
    {
      resource: 'Service',
      id: 'web',
      action: 'update',
      diffs: [{ path: 'spec.loadBalancers[0]', desired: { containerName: 'web', containerPort: 80, targetGroupArn: TARGET_GROUP_ARN } }],
      payload: { cluster: 'demo', service: 'web', loadBalancers: [{ containerName: 'web', containerPort: 80, targetGroupArn: TARGET_GROUP_ARN }] },
    },
    {
      resource: 'ScalingPolicy',
      id: 'ecsop-3f2a9c1d7e-cpu60',
      action: 'create',
      diffs: [
        {
          path: 'spec.autoscaling.targetTracking[cpu60]',
          desired: {
            predefinedMetric: 'ECSServiceAverageCPUUtilization',
            resourceLabel: null,
            customizedMetric: null,
            targetValue: 60,
            scaleInCooldown: 300,
            scaleOutCooldown: 60,
            disableScaleIn: false,
          },
        },
      ],
      payload: { PolicyName: 'ecsop-3f2a9c1d7e-cpu60', PolicyType: 'TargetTrackingScaling' },
    },
  ],
};

export const taskDefinitionInSync: ObjectResult = {
  identity: { kind: 'EcsTaskDefinition', namespace: 'default', name: 'web', region: 'us-east-1', source: 'examples/fargate-web-alb.yaml:4' },
  plan: [],
};

export const workerTaskDefinitionInSync: ObjectResult = {
  identity: { kind: 'EcsTaskDefinition', namespace: 'default', name: 'worker', region: 'us-east-1', source: 'examples/sqs-worker.yaml:4' },
  plan: [],
};

/** The report issue 7 asks to snapshot: the three drifts beside objects in sync, in no particular order. */
export const issue7Results: ObjectResult[] = [desiredCountChanged, taskDefinitionInSync, loadBalancerAndPolicyRemoved, workerTaskDefinitionInSync];

/** A service deleted in the console. */
export const serviceDeleted: ObjectResult = {
  identity: { kind: 'EcsService', namespace: 'shop', name: 'checkout', region: 'eu-west-1', cluster: 'prod' },
  missing: true,
  plan: [
    {
      resource: 'Service',
      id: 'checkout',
      action: 'create',
      diffs: [{ path: 'spec', desired: { desiredCount: 3, launchType: 'FARGATE', taskDefinition: 'checkout:12' } }],
      payload: {},
    },
  ],
};

export const accessDenied: ObjectResult = {
  identity: { kind: 'EcsService', namespace: 'shop', name: 'billing', region: 'eu-west-1', cluster: 'prod' },
  error: { reason: 'AccessDenied', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices on resource: *' },
};
