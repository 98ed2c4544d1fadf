// Actions on a running object, as a user takes them with kubectl: annotations that restart an
// EcsService, roll its in-progress deployment back, or pause every AWS write of any kind. The
// operator runs as its own process (resync every 10s) against the real apiserver and an AWS
// emulator of this file's own (its faults lose an answer after the call took effect); what AWS
// holds is read back with the AWS SDK, what the operator sent from its /metrics.
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, ListServiceDeploymentsCommand, type Service, type ServiceDeploymentBrief } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { shortId } from '../integration/reconcile-support.js';
import { kubectl } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { OPERATOR_KEY, operatorSuite, type Reconciled } from '../support/operator-suite.js';
import { isAwsWrite } from '../support/operator-process.js';

const suite = operatorSuite({ namespace: 'e2e-actions', operator: () => ({ resyncPeriod: '10s' }) });
const { waitFor, eventually, apply, condition, isTrue } = suite;

interface ActionRecord {
  value: string;
  phase: string;
  deploymentId?: string;
  message?: string;
}
interface Obj extends Reconciled {
  status?: Reconciled['status'] & {
    drift?: { lastCheckedTime?: string };
    actions?: { restart?: ActionRecord; rollback?: ActionRecord };
    rollout?: { deploymentId?: string };
  };
}

const get = (kind: string, name: string) => suite.get<Obj>(kind, name);

async function annotate(kind: string, name: string, annotation: string): Promise<void> {
  const res = await kubectl(['annotate', kind, name, annotation, '--overwrite'], { namespace: suite.ns });
  expect(res.code, res.stderr).toBe(0);
}

async function eventNotes(name: string, reason: string): Promise<string[]> {
  const res = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name},reason=${reason}`, '-o', 'json'], { namespace: suite.ns });
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { items: { note: string }[] }).items.map((e) => e.note);
}

async function describeService(name: string): Promise<Service> {
  const out = await suite.world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: suite.world.cluster, services: [name] }));
  const found = out.services?.find((s) => s.status === 'ACTIVE');
  if (!found) throw new Error(`service ${name} not found`);
  return found;
}

const primaryOf = (s: Service) => s.deployments?.find((d) => d.status === 'PRIMARY');

async function calls(op: string): Promise<number> {
  return (await suite.operator.awsCalls()).get(op) ?? 0;
}

/** Every write the operator made to AWS so far, by operation. */
async function writes(): Promise<Record<string, number>> {
  const all = await suite.operator.awsCalls();
  return Object.fromEntries([...all].filter(([op]) => isAwsWrite(op)));
}

/** The record of `action` once it is Done for `value`. */
async function actionDone(name: string, action: 'restart' | 'rollback', value: string): Promise<ActionRecord | undefined> {
  const record = (await get('ecsservice', name))?.status?.actions?.[action];
  return record?.value === value && record.phase === 'Done' ? record : undefined;
}

/** Waits for `n` more resyncs of the service: each one stamps status.drift.lastCheckedTime anew. */
async function resyncs(name: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = (await get('ecsservice', name))?.status?.drift?.lastCheckedTime;
    await waitFor(`resync ${i + 1} of ${n}`, async () => {
      const now = (await get('ecsservice', name))?.status?.drift?.lastCheckedTime;
      return now !== undefined && now !== before;
    });
  }
}

describe('the restart annotation', () => {
  const name = `restart-${shortId()}`;

  it('starts exactly one new deployment with the same task definition per value, and none again across resyncs and an operator restart', async () => {
    await apply(taskDefinitionManifest(name), serviceManifest(suite.world, name, { desiredCount: 1, launchType: 'FARGATE' }));
    await waitFor('the service to be Ready', () => isTrue('ecsservice', name, 'Ready'));
    const before = await describeService(name);
    const updates = await calls('ecs:UpdateService');

    await annotate('ecsservice', name, 'ecs.operator.dev/restart=first');
    const done = await eventually('the restart to be carried out', () => actionDone(name, 'restart', 'first'));
    const after = await describeService(name);
    expect(primaryOf(after)?.id).not.toBe(primaryOf(before)?.id);
    expect(done.deploymentId).toBe(primaryOf(after)?.id);
    expect(after.taskDefinition).toBe(before.taskDefinition);
    expect(await calls('ecs:UpdateService')).toBe(updates + 1);
    expect((await eventNotes(name, 'Restarted')).join('\n')).toContain(`ecs.operator.dev/restart=first: started deployment ${done.deploymentId}`);
    await waitFor('the restarted service to be Ready again', () => isTrue('ecsservice', name, 'Ready'));

    // The value stays on the object: neither resyncs nor a new operator process take it up again.
    await resyncs(name, 2);
    await suite.restartOperator('stop');
    await resyncs(name, 1);
    expect(await calls('ecs:UpdateService')).toBe(0);
    expect(primaryOf(await describeService(name))?.id).toBe(done.deploymentId);

    await annotate('ecsservice', name, 'ecs.operator.dev/restart=second');
    const again = await eventually('the second restart', () => actionDone(name, 'restart', 'second'));
    expect(again.deploymentId).not.toBe(done.deploymentId);
    expect(primaryOf(await describeService(name))?.id).toBe(again.deploymentId);
    expect(await calls('ecs:UpdateService')).toBe(1);
  });

  it('whose UpdateService answer is lost after ECS started the deployment is not sent again: the next reconcile finds the deployment started for that value', async () => {
    await waitFor('the service to be Ready', () => isTrue('ecsservice', name, 'Ready'));
    const before = primaryOf(await describeService(name))?.id;
    const updates = await calls('ecs:UpdateService');
    // As a crash between the call and the status write: the call takes effect, its answer is lost.
    await suite.emulator.control.failCalls('UpdateService', 1, { service: 'ecs', accessKeyId: OPERATOR_KEY, afterProcessing: true });

    await annotate('ecsservice', name, 'ecs.operator.dev/restart=lost-answer');
    const done = await eventually('the restart to be recorded as carried out', () => actionDone(name, 'restart', 'lost-answer'));
    const now = primaryOf(await describeService(name))?.id;
    expect(now).not.toBe(before);
    expect(done.deploymentId).toBe(now);
    expect(done.message).toContain('started after the request');
    // One call, the one whose answer was lost: no retry by the SDK, none by the next reconcile.
    expect(await calls('ecs:UpdateService')).toBe(updates + 1);
    await resyncs(name, 1);
    expect(primaryOf(await describeService(name))?.id).toBe(now);
  });
});

async function serviceDeployments(name: string): Promise<ServiceDeploymentBrief[]> {
  const out = await suite.world.aws.region().clients.ecs.send(new ListServiceDeploymentsCommand({ cluster: suite.world.cluster, service: name }));
  return out.serviceDeployments ?? [];
}

describe('the rollback annotation', () => {
  const name = `rollback-${shortId()}`;
  const service = () => serviceManifest(suite.world, name, { desiredCount: 1, launchType: 'FARGATE' });

  it('stops the deployment in progress with a rollback: ECS goes back to the revision before, and the operator does not roll forward again', async () => {
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), service());
    await waitFor('the service to be Ready', () => isTrue('ecsservice', name, 'Ready'));
    // Revision 2's tasks never start: its rollout stays in progress until something ends it.
    await suite.emulator.control.holdTasksPending(`${name}:2`);
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), service());
    const inProgress = await eventually('the rollout of revision 2 to be under way', async () => {
      const s = await describeService(name);
      return s.taskDefinition?.endsWith(`${name}:2`) && (await isTrue('ecsservice', name, 'Reconciling')) ? (await serviceDeployments(name)).find((d) => d.status === 'IN_PROGRESS') : undefined;
    });

    await annotate('ecsservice', name, 'ecs.operator.dev/rollback=2026-12-07T04:30:00Z');
    const done = await eventually('the rollback to be carried out', () => actionDone(name, 'rollback', '2026-12-07T04:30:00Z'));
    expect(done.deploymentId).toBe(inProgress.serviceDeploymentArn);
    expect(done.message).toContain('with a rollback');
    expect((await eventNotes(name, 'RollbackRequested')).join('\n')).toContain(`stopped service deployment ${inProgress.serviceDeploymentArn}`);
    expect(await calls('ecs:StopServiceDeployment')).toBe(1);

    await waitFor('ECS to roll the service back to revision 1', async () => {
      const d = (await serviceDeployments(name)).find((x) => x.serviceDeploymentArn === inProgress.serviceDeploymentArn);
      return d?.status === 'ROLLBACK_SUCCESSFUL' && (await describeService(name)).taskDefinition?.endsWith(`${name}:1`) === true;
    });
    // The manifest still asks for revision 2: the rolled-back rollout is not started again.
    await resyncs(name, 2);
    expect((await describeService(name)).taskDefinition).toMatch(new RegExp(`${name}:1$`));
    expect(await isTrue('ecsservice', name, 'Ready')).toBe(false);
  });

  it('during the bake time of a BLUE_GREEN deployment rolls it back: production traffic goes back to the target group it was on and the service to the revision before', async () => {
    const bg = `bg-${shortId()}`;
    const { ecs } = suite.world.aws.region().clients;
    const elbv2 = await suite.world.aws.region().clients.elbv2();
    const { LoadBalancers } = await elbv2.send(new CreateLoadBalancerCommand({ Name: bg, Subnets: suite.world.subnets }));
    const [blue = '', green = ''] = await Promise.all(
      [`${bg}-b`, `${bg}-g`].map(async (Name) => (await elbv2.send(new CreateTargetGroupCommand({ Name, Protocol: 'HTTP', Port: 80, VpcId: suite.world.vpcId, TargetType: 'ip' }))).TargetGroups?.[0]?.TargetGroupArn ?? ''),
    );
    const { Listeners } = await elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] }),
    );
    const { Rules } = await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: Listeners?.[0]?.ListenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 100 }, { TargetGroupArn: green, Weight: 0 }] } }],
      }),
    );
    const rule = Rules?.[0]?.RuleArn ?? '';
    const weights = async () => {
      const { Rules: [r] = [] } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [rule] }));
      return (r?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? []).map((g) => `${g.TargetGroupArn === blue ? 'blue' : 'green'}=${g.Weight}`).sort().join(' ');
    };
    const service = () =>
      serviceManifest(suite.world, bg, {
        desiredCount: 1,
        launchType: 'FARGATE',
        loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 80, advancedConfiguration: { alternateTargetGroupArn: green, productionListenerRule: rule, roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole' } }],
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
      });
    await suite.emulator.control.setTicksPerMinute(1);
    await apply(taskDefinitionManifest(bg, { image: 'nginx:1.27' }), service());
    await waitFor('the service to be Ready', async () => (await isTrue('ecsservice', bg, 'Ready')) && (await serviceDeployments(bg)).every((d) => d.status !== 'IN_PROGRESS'));
    const trafficBefore = await weights();

    // A bake minute now lasts 200 ticks (2.5 minutes on this clock): time for the annotation.
    await suite.emulator.control.setTicksPerMinute(200);
    await apply(taskDefinitionManifest(bg, { image: 'nginx:1.28' }), service());
    const baking = await eventually('the new revision to be baking', async () => {
      const arn = (await describeService(bg)).currentServiceDeployment;
      if (!arn) return undefined;
      const { serviceDeployments = [] } = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
      const d = serviceDeployments[0];
      return d?.status === 'IN_PROGRESS' && d.lifecycleStage === 'BAKE_TIME' ? d : undefined;
    });
    expect(await weights()).not.toBe(trafficBefore);

    await annotate('ecsservice', bg, 'ecs.operator.dev/rollback=bake');
    const done = await eventually('the rollback to be carried out', () => actionDone(bg, 'rollback', 'bake'));
    expect(done.deploymentId).toBe(baking.serviceDeploymentArn);
    await waitFor('ECS to roll the deployment back', async () => {
      const d = (await serviceDeployments(bg)).find((x) => x.serviceDeploymentArn === baking.serviceDeploymentArn);
      return d?.status === 'ROLLBACK_SUCCESSFUL';
    });
    expect(await weights()).toBe(trafficBefore);
    expect((await describeService(bg)).taskDefinition).toMatch(new RegExp(`${bg}:1$`));
    // The deployment clock is the shared emulator's: back to one tick per bake minute.
    await suite.emulator.control.setTicksPerMinute(1);
  });

  it('with no deployment in progress records the value and says so in a Warning Event', async () => {
    const stops = await calls('ecs:StopServiceDeployment');
    await annotate('ecsservice', name, 'ecs.operator.dev/rollback=again');
    const done = await eventually('the value to be recorded', () => actionDone(name, 'rollback', 'again'));
    expect(done.message).toBe(`no service deployment of ECS service ${name} is in progress: nothing to roll back`);
    expect((await eventNotes(name, 'RollbackNotDone')).join('\n')).toContain('ecs.operator.dev/rollback=again: no service deployment');
    expect(await calls('ecs:StopServiceDeployment')).toBe(stops);
  });
});

describe('the paused annotation', () => {
  const name = `paused-${shortId()}`;

  it('holds back every AWS write of the task definition and the service over two resyncs while both manifests change, says Paused, and resuming applies the changes', async () => {
    await apply(taskDefinitionManifest(name, { image: 'nginx:1.27' }), serviceManifest(suite.world, name, { desiredCount: 1, launchType: 'FARGATE' }));
    await waitFor('the service to be Ready', () => isTrue('ecsservice', name, 'Ready'));
    const before = await describeService(name);

    await annotate('ecstaskdefinition', name, 'ecs.operator.dev/paused=true');
    await annotate('ecsservice', name, 'ecs.operator.dev/paused=true');
    await waitFor('both objects to be Paused', async () => (await isTrue('ecstaskdefinition', name, 'Paused')) && (await isTrue('ecsservice', name, 'Paused')));
    const writesBefore = await writes();

    await apply(taskDefinitionManifest(name, { image: 'nginx:1.28' }), serviceManifest(suite.world, name, { desiredCount: 2, launchType: 'FARGATE' }));
    const paused = await eventually('the service to count the change that waits', async () => {
      const c = await condition('ecsservice', name, 'Paused');
      return c?.message.includes('1 change(s) wait') ? c : undefined;
    });
    expect(paused.reason).toBe('PausedByAnnotation');
    expect(await condition('ecsservice', name, 'Synced')).toMatchObject({ status: 'False', reason: 'ChangesWithheld' });
    expect((await condition('ecstaskdefinition', name, 'Paused'))?.message).toContain('1 change(s) wait');
    expect(await condition('ecstaskdefinition', name, 'Synced')).toMatchObject({ status: 'False', reason: 'ChangesWithheld' });
    await resyncs(name, 2);

    expect(await writes()).toEqual(writesBefore);
    const held = await describeService(name);
    expect(held.desiredCount).toBe(1);
    expect(held.taskDefinition).toBe(before.taskDefinition);
    expect((await eventNotes(name, 'Paused')).length).toBeGreaterThan(0);

    await annotate('ecstaskdefinition', name, 'ecs.operator.dev/paused-');
    await annotate('ecsservice', name, 'ecs.operator.dev/paused-');
    await waitFor('the service to run revision 2 with 2 tasks', async () => {
      const s = await describeService(name);
      return s.desiredCount === 2 && s.taskDefinition?.endsWith(`:2`) === true;
    });
    await waitFor('the service to be Ready and Synced', async () => (await isTrue('ecsservice', name, 'Ready')) && (await isTrue('ecsservice', name, 'Synced')));
    expect(await condition('ecsservice', name, 'Paused')).toMatchObject({ status: 'False', reason: 'Resumed' });
    expect(await condition('ecstaskdefinition', name, 'Paused')).toMatchObject({ status: 'False', reason: 'Resumed' });
    expect((await eventNotes(name, 'Resumed')).length).toBeGreaterThan(0);
  });
});
