// loadManifests on EcsScheduledTasks: what CEL cannot check and references the files do not
// define are reported at file:line:column before any AWS call, as for services.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSourceIssue, loadManifests } from '../../../src/sources/index.js';
import { scratchFolder } from './manifests.js';

const example = (file: string) => readFile(join(resolve(import.meta.dirname, '..', '..', '..', 'examples', 'scheduled-tasks'), file), 'utf8');
let folder: Awaited<ReturnType<typeof scratchFolder>>;
beforeEach(async () => {
  folder = await scratchFolder();
});
afterEach(async () => {
  await folder.remove();
});

describe('loadManifests: EcsScheduledTask', () => {
  it('reads the examples cleanly', async () => {
    const result = await loadManifests([await folder.write('a.yaml', await example('hourly-report.yaml')), await folder.write('b.yaml', await example('s3-upload-thumbnail.yaml'))]);
    expect(result.errors).toEqual([]);
    expect(result.objects.map((o) => o.kind)).toEqual(['EcsTaskDefinition', 'EcsScheduledTask', 'EcsTaskDefinition', 'EcsScheduledTask']);
  });

  it('refuses a time zone that does not exist, at the field', async () => {
    const text = (await example('hourly-report.yaml')).replace('timezone: Europe/Berlin', 'timezone: Europe/Berlinn');
    const result = await loadManifests([await folder.write('report.yaml', text)]);
    expect(result.errors.map((e) => formatSourceIssue(e).replace(`${folder.dir}/`, ''))).toEqual([
      `report.yaml:${text.split('\n').findIndex((l) => l.includes('Europe/Berlinn')) + 1}:5: EcsScheduledTask report-hourly: spec.schedule.timezone: Europe/Berlinn is not an IANA time zone`,
    ]);
  });

  it('refuses a taskDefinitionRef to an EcsTaskDefinition none of the files define', async () => {
    const text = (await example('s3-upload-thumbnail.yaml')).split('---\n')[1] ?? '';
    const result = await loadManifests([await folder.write('rule.yaml', text)]);
    expect(result.errors.map((e) => [e.code, e.path, e.message])).toEqual([['UnresolvedReference', 'spec.target.taskDefinitionRef.name', 'EcsTaskDefinition default/thumbnailer is not defined in any of the files given']]);
  });
});
