import { describe, expect, it } from 'vitest';
import type { EcsService } from '../../../src/api/index.js';
import { Store } from '../../../src/kube/store.js';
import { servicesReferencing, servicesRunning } from '../../../src/operator/service-indexes.js';

function service(namespace: string, name: string, ref: string, status?: EcsService['status']): EcsService {
  return { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsService', metadata: { namespace, name }, spec: { taskDefinitionRef: { name: ref } }, status } as EcsService;
}

const names = (services: EcsService[]) => services.map((s) => s.metadata.name).sort();

describe('service indexes', () => {
  it('find the services that reference a task definition, in its namespace only, and follow changes', () => {
    const store = new Store<EcsService>();
    store.set(service('a', 'web', 'app'));
    store.set(service('a', 'worker', 'app'));
    store.set(service('b', 'web', 'app'));
    store.set(service('a', 'other', 'batch'));
    expect(names(servicesReferencing(store, 'a', 'app'))).toEqual(['web', 'worker']);

    store.set(service('a', 'worker', 'batch'));
    store.delete('a/web');
    expect(names(servicesReferencing(store, 'a', 'app'))).toEqual([]);
    expect(names(servicesReferencing(store, 'a', 'batch'))).toEqual(['other', 'worker']);
  });

  it('find the services that run or deploy a revision, from their status', () => {
    const store = new Store<EcsService>();
    const v1 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:1';
    const v2 = 'arn:aws:ecs:us-east-1:123456789012:task-definition/app:2';
    store.set(service('a', 'web', 'app', { taskDefinitionArn: v2, deployments: [{ taskDefinitionArn: v1 }] } as EcsService['status']));
    store.set(service('a', 'api', 'app', { taskDefinitionArn: v1 } as EcsService['status']));
    store.set(service('b', 'web', 'app', { taskDefinitionArn: v1 } as EcsService['status']));
    expect(names(servicesRunning(store, 'a', [v1]))).toEqual(['api', 'web']);
    expect(names(servicesRunning(store, 'a', [v2]))).toEqual(['web']);

    // The rollout finishes: the old revision is no longer deployed.
    store.set(service('a', 'web', 'app', { taskDefinitionArn: v2 } as EcsService['status']));
    expect(names(servicesRunning(store, 'a', [v1]))).toEqual(['api']);
  });
});
