import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredState, loadManifests } from '../../../src/sources/index.js';
import { scratchFolder, serviceYaml, taskDefinitionYaml } from './manifests.js';

let folder: Awaited<ReturnType<typeof scratchFolder>>;
let state: DesiredState;

beforeAll(async () => {
  folder = await scratchFolder();
  const file = await folder.write(
    'app.yaml',
    [
      taskDefinitionYaml('web'),
      serviceYaml('web'),
      serviceYaml('web-canary', { taskDefinition: 'web' }),
      taskDefinitionYaml('web', { namespace: 'shop' }),
      serviceYaml('web', { namespace: 'shop' }),
      taskDefinitionYaml('idle'),
    ].join('---\n'),
  );
  const result = await loadManifests([file]);
  if (result.errors.length > 0) throw new Error(JSON.stringify(result.errors));
  state = new DesiredState(result.objects);
});
afterAll(() => folder.remove());

describe('DesiredState', () => {
  it('finds a task definition by namespace and name (a service\'s taskDefinitionRef)', () => {
    expect(state.taskDefinition('default', 'web')?.metadata).toEqual({ name: 'web', namespace: 'default' });
    expect(state.taskDefinition('shop', 'web')?.metadata.namespace).toBe('shop');
    expect(state.taskDefinition('default', 'nope')).toBeUndefined();
  });

  it('lists the services that reference a task definition, in source order, within its namespace', () => {
    expect(state.servicesReferencing('default', 'web').map((s) => s.metadata.name)).toEqual(['web', 'web-canary']);
    expect(state.servicesReferencing('shop', 'web').map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['shop/web']);
    expect(state.servicesReferencing('default', 'idle')).toEqual([]);
  });

  it('finds a service, and where an object was read from', () => {
    expect(state.service('default', 'web-canary')?.spec.taskDefinitionRef).toEqual({ name: 'web' });
    expect(state.sourceOf('EcsService', 'shop', 'web')).toMatchObject({ file: `${folder.dir}/app.yaml`, document: 5 });
  });

  it('hands out lists the caller cannot use to change it', () => {
    state.servicesReferencing('default', 'web').pop();
    expect(state.servicesReferencing('default', 'web')).toHaveLength(2);
  });
});
