// The relations' update predicates: which changes of a related object reach the objects that
// refer to it. A task definition is not reconciled for a service's counts or conditions, and a
// service not for a task definition's conditions or its registration record.
import { describe, expect, it } from 'vitest';
import type { EcsScheduledTask, EcsService, EcsTaskDefinition } from '../../../src/api/index.js';
import { publishedRevisionChanged, scheduleUseOfTaskDefinitionChanged, serviceUseOfTaskDefinitionChanged } from '../../../src/operator/relations.js';
import { serviceManifest, TD_ARN, taskDefinitionManifest } from '../reconcile/fixtures.js';

const TD_ARN_4 = TD_ARN.replace(/:3$/, ':4');
const ready = (status: string) => [{ type: 'Ready', status, reason: 'x', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }];

function service(status: EcsService['status'], deleting = false): EcsService {
  const svc = serviceManifest();
  return { ...svc, metadata: { ...svc.metadata, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) }, status } as EcsService;
}

describe('serviceUseOfTaskDefinitionChanged', () => {
  const running = service({ taskDefinitionArn: TD_ARN, runningCount: 1, deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinitionArn: TD_ARN }] } as EcsService['status']);

  it("ignores a service's status writes that leave the revisions it runs alone (counts, conditions, drift)", () => {
    const counted = service({ ...running.status, runningCount: 2, conditions: ready('True') } as EcsService['status']);
    expect(serviceUseOfTaskDefinitionChanged(running, counted)).toBe(false);
  });

  it('sees a rollout that starts or stops running a revision, a new reference and the start of a deletion', () => {
    const rolling = service({ ...running.status, deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY', taskDefinitionArn: TD_ARN_4 }, ...(running.status?.deployments ?? [])] } as EcsService['status']);
    expect(serviceUseOfTaskDefinitionChanged(running, rolling)).toBe(true);
    expect(serviceUseOfTaskDefinitionChanged(running, { ...running, spec: { ...running.spec, taskDefinitionRef: { name: 'api' } } })).toBe(true);
    expect(serviceUseOfTaskDefinitionChanged(running, service(running.status, true))).toBe(true);
  });
});

describe('scheduleUseOfTaskDefinitionChanged', () => {
  const st = { metadata: { name: 'nightly', namespace: 'shop', generation: 1 }, spec: { target: { taskDefinitionRef: { name: 'web' } } }, status: { taskDefinitionArn: TD_ARN } } as unknown as EcsScheduledTask;

  it('ignores status writes that keep the revision it starts, and sees a new one', () => {
    expect(scheduleUseOfTaskDefinitionChanged(st, { ...st, status: { ...st.status, conditions: ready('True') } } as EcsScheduledTask)).toBe(false);
    expect(scheduleUseOfTaskDefinitionChanged(st, { ...st, status: { ...st.status, taskDefinitionArn: TD_ARN_4 } })).toBe(true);
  });
});

describe('publishedRevisionChanged', () => {
  const td: EcsTaskDefinition = { ...taskDefinitionManifest(), status: { taskDefinitionArn: TD_ARN, revision: 3, observedGeneration: 1 } };

  it("ignores a task definition's conditions and its registration record", () => {
    expect(publishedRevisionChanged(td, { ...td, status: { ...td.status, conditions: ready('False') } as EcsTaskDefinition['status'] })).toBe(false);
    expect(publishedRevisionChanged(td, { ...td, status: { ...td.status, registering: { specHash: 'h', startedTime: '2026-01-01T00:00:00Z' } } })).toBe(false);
  });

  it('sees a new revision, a new generation and its observation', () => {
    expect(publishedRevisionChanged(td, { ...td, status: { ...td.status, taskDefinitionArn: TD_ARN_4, revision: 4 } })).toBe(true);
    expect(publishedRevisionChanged(td, { ...td, metadata: { ...td.metadata, generation: 2 } })).toBe(true);
    expect(publishedRevisionChanged(td, { ...td, status: { ...td.status, observedGeneration: 2 } })).toBe(true);
  });
});
