// The translation of the shared ecs-cli example, field by field against what ecs-cli's rules say
// it registered (each expectation cites its rule in test/fixtures/convert/ecs-cli-registers.ts).
import { describe, expect, it } from 'vitest';
import { convert } from '../../../src/convert/index.js';
import { ECS_CLI_SERVICE, ECS_CLI_TASK_DEFINITION, PROJECT_NAME } from '../../fixtures/convert/ecs-cli-registers.js';

const DIR = 'test/fixtures/convert/ecs-cli';

async function converted() {
  const result = await convert({
    composeFile: `${DIR}/docker-compose.yml`,
    ecsParamsFile: `${DIR}/ecs-params.yml`,
    projectName: PROJECT_NAME,
    cluster: 'default',
    desiredCount: 1,
    capacityProviders: [{ capacityProvider: 'FARGATE', weight: 1 }],
    tags: ECS_CLI_SERVICE.tags,
    environment: {},
  });
  if (!result.ok) throw new Error('conversion failed');
  return result.translation;
}

/** What a field of the manifest registers as, with ECS's defaults for what it leaves out. */
const orDefault = <T>(value: T | undefined, ecsDefault: T): T => value ?? ecsDefault;

describe('convert registers what ecs-cli registered for the example', () => {
  it('the task-level fields', async () => {
    const { taskDefinition } = await converted();
    const spec = taskDefinition.spec;
    expect(spec.family ?? taskDefinition.metadata.name).toBe(ECS_CLI_TASK_DEFINITION.family);
    expect(spec.requiresCompatibilities).toEqual(ECS_CLI_TASK_DEFINITION.requiresCompatibilities);
    expect(spec.networkMode).toBe(ECS_CLI_TASK_DEFINITION.networkMode);
    expect(spec.cpu).toBe(ECS_CLI_TASK_DEFINITION.cpu);
    expect(spec.memory).toBe(ECS_CLI_TASK_DEFINITION.memory);
    expect(spec.executionRoleArn).toBe(ECS_CLI_TASK_DEFINITION.executionRoleName);
    expect(spec.taskRoleArn).toBe(ECS_CLI_TASK_DEFINITION.taskRoleArn);
    expect(spec.volumes ?? []).toEqual(ECS_CLI_TASK_DEFINITION.volumes);
  });

  it('each container, field by field', async () => {
    const { taskDefinition } = await converted();
    const containers = taskDefinition.spec.containerDefinitions;
    expect(containers.map((c) => c.name)).toEqual(ECS_CLI_TASK_DEFINITION.containers.map((c) => c.name));
    for (const [i, want] of ECS_CLI_TASK_DEFINITION.containers.entries()) {
      const got = containers[i];
      expect(got?.image).toBe(want.image);
      expect(got?.command).toEqual(want.command);
      expect([...(got?.environment ?? [])].sort((a, b) => a.name.localeCompare(b.name))).toEqual(want.environment);
      expect(got?.logConfiguration).toEqual(want.logConfiguration);
      expect(orDefault(got?.essential, true)).toBe(want.essential);
      expect(orDefault(got?.cpu, 0)).toBe(want.cpu);
      expect(got?.memory).toBe(want.memory);
      expect(got?.memoryReservation).toBe(want.memoryReservation);
    }
  });

  it('the service', async () => {
    const { service } = await converted();
    expect(service.spec.serviceName ?? service.metadata.name).toBe(ECS_CLI_SERVICE.serviceName);
    expect(service.spec.desiredCount).toBe(ECS_CLI_SERVICE.desiredCount);
    expect(service.spec.capacityProviderStrategy).toEqual(ECS_CLI_SERVICE.capacityProviderStrategy);
    expect(service.spec.networkConfiguration?.awsvpcConfiguration).toEqual(ECS_CLI_SERVICE.awsvpcConfiguration);
    expect(service.spec.tags).toEqual(ECS_CLI_SERVICE.tags);
  });
});
