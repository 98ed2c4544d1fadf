// The operator itself, run with the identity deploy/ gives it (the ServiceAccount's token and the
// ClusterRole/Role from deploy/rbac) and with the one the Helm chart renders, does its whole job:
// leader election, watches, finalizers, status, Events. A permission missing from either fails
// this test; the integration test deploy-rbac.test.ts shows nothing beyond them is granted.
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, shortId, type World } from '../integration/reconcile-support.js';
import { createNamespace, kubectl, testEnv } from '../support/env.js';
import { serviceManifest, taskDefinitionManifest } from '../support/manifests.js';
import { startOperator, type OperatorProcess } from '../support/operator-process.js';
import { applyOperatorRbac, type OperatorIdentity, type RbacSource } from '../support/rbac.js';

describe.each([
  ['deploy/rbac (kustomize)', 'kustomize'],
  ['charts/ecs-operator (helm template)', 'helm'],
] as [string, RbacSource][])('%s', (_name, source) => {
  let world: World;
  let identity: OperatorIdentity;
  let ns: string;
  let operator: OperatorProcess;

  beforeAll(async () => {
    world = await createWorld(testEnv().awsEndpoint);
    identity = await applyOperatorRbac({ source });
    ns = await createNamespace('e2e-rbac');
    operator = await startOperator({
      namespaces: [ns],
      kubeconfig: identity.kubeconfig,
      leaderElection: true,
      extraArgs: [`--cluster-id=${world.clusterId}`, `--lease-namespace=${identity.namespace}`, `--lease-name=${identity.leaseName}`],
    });
  });

  afterAll(async () => {
    await operator?.stop();
    await identity?.cleanup();
    world?.destroy();
  });

  describe('the operator under its ServiceAccount', () => {
    it('creates, updates and deletes an ECS service without a single forbidden request', async () => {
      const name = `rbac-${shortId()}`;
      const manifests = {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          taskDefinitionManifest(name, { ports: [] }),
          serviceManifest(world, name, { desiredCount: 1, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets } } }),
        ],
      };
      expect((await kubectl(['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(manifests) })).code).toBe(0);
      const ready = await kubectl(['wait', '--for=condition=Ready', `ecsservice/${name}`, '--timeout=90s'], { namespace: ns });
      expect(ready.code, `${ready.stderr}\n${operator.logs().split('\n').slice(-30).join('\n')}`).toBe(0);

      // Leader election ran on the Lease the Role allows.
      const lease = await kubectl(['get', 'lease', identity.leaseName, '-o', 'jsonpath={.spec.holderIdentity}'], { namespace: identity.namespace });
      expect(lease.stdout).not.toBe('');
      // Events were written (create) and aggregated (patch) with the ServiceAccount's rights.
      const events = await kubectl(['get', 'events.events.k8s.io', '--field-selector', `regarding.name=${name}`, '-o', 'name'], { namespace: ns });
      expect(events.stdout.trim()).not.toBe('');

      expect((await kubectl(['delete', 'ecsservice', name, '--wait=true', '--timeout=90s'], { namespace: ns })).code).toBe(0);
      const out = await world.aws.region().clients.ecs.send(new DescribeServicesCommand({ cluster: world.cluster, services: [name] }));
      expect(out.services?.filter((s) => s.status === 'ACTIVE')).toEqual([]);

      // The apiserver refused nothing the operator asked for.
      expect(operator.logs()).not.toMatch(/forbidden/i);
    });
  });
});
