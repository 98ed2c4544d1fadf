import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { buildDriftReport, colorEnabled, DriftReportSchema, renderDriftReport, type ObjectResult } from '../../../src/drift/index.js';
import { accessDenied, desiredCountChanged, issue7Results, NOW, serviceDeleted, taskDefinitionInSync } from './fixed-results.js';

const SCHEMA_FILE = new URL('../../../docs/drift-report.schema.json', import.meta.url);
const issue7 = buildDriftReport(issue7Results, NOW);
const failing = buildDriftReport([taskDefinitionInSync, serviceDeleted, accessDenied], NOW);
const inSync = buildDriftReport([taskDefinitionInSync], NOW);

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

function service(name: string, diffs: Array<{ path: string; desired?: unknown; actual?: unknown }>): ObjectResult {
  return { identity: { kind: 'EcsService', namespace: 'default', name }, plan: [{ resource: 'Service', id: name, action: 'update', diffs, payload: {} }] };
}

describe('drift report snapshots (issue 7: desiredCount changed, load balancer unbound, scaling policy deleted)', () => {
  it('table', async () => {
    await expect(renderDriftReport(issue7, 'table')).toMatchFileSnapshot('./__snapshots__/issue7.table.txt');
  });

  it('markdown', async () => {
    await expect(renderDriftReport(issue7, 'markdown')).toMatchFileSnapshot('./__snapshots__/issue7.md');
  });

  it('json', async () => {
    await expect(renderDriftReport(issue7, 'json')).toMatchFileSnapshot('./__snapshots__/issue7.json');
  });

  it('table and markdown with a missing service and an error', async () => {
    await expect(renderDriftReport(failing, 'table')).toMatchFileSnapshot('./__snapshots__/failing.table.txt');
    await expect(renderDriftReport(failing, 'markdown')).toMatchFileSnapshot('./__snapshots__/failing.md');
  });

  it('table and markdown when in sync', async () => {
    await expect(renderDriftReport(inSync, 'table')).toMatchFileSnapshot('./__snapshots__/in-sync.table.txt');
    await expect(renderDriftReport(inSync, 'markdown')).toMatchFileSnapshot('./__snapshots__/in-sync.md');
  });
});

describe('JSON report', () => {
  it('is published as docs/drift-report.schema.json, generated from the schema the types come from', async () => {
    await expect(`${JSON.stringify(DriftReportSchema, null, 2)}\n`).toMatchFileSnapshot('../../../docs/drift-report.schema.json');
  });

  it.each([
    ['drift', issue7],
    ['missing and error', failing],
    ['in sync', inSync],
    ['no objects', buildDriftReport([], NOW)],
  ])('validates against the published schema: %s', async (_name, report) => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats.default(ajv, ['date-time']);
    const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
    const ok = validate(JSON.parse(renderDriftReport(report, 'json')));
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is held to the schema: a report with an unknown status does not validate', async () => {
    const ajv = new Ajv({ strict: true });
    addFormats.default(ajv, ['date-time']);
    const validate = ajv.compile(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object);
    const broken = JSON.parse(renderDriftReport(issue7, 'json'));
    broken.objects[0].status = 'Unknown';
    expect(validate(broken)).toBe(false);
  });

  it('carries values in full, however long', () => {
    const long = 'x'.repeat(5000);
    const json = JSON.parse(renderDriftReport(buildDriftReport([service('s', [{ path: 'spec.a', desired: long }])], NOW), 'json'));
    expect(json.objects[0].differences[0].desired).toBe(long);
  });
});

describe('table report', () => {
  it('has no colors unless asked for', () => {
    expect(renderDriftReport(failing, 'table')).not.toMatch(ANSI);
  });

  it('colors statuses when asked for, without moving columns', () => {
    const colored = renderDriftReport(failing, 'table', { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored.replace(new RegExp(ANSI.source, 'g'), '')).toBe(renderDriftReport(failing, 'table'));
  });

  it('aligns columns', () => {
    const lines = renderDriftReport(issue7, 'table').split('\n');
    const header = lines[0] ?? '';
    const statusColumn = header.indexOf('STATUS');
    for (const line of lines.slice(1, 5)) expect(line.slice(statusColumn)).toMatch(/^(InSync|Drifted) /);
  });

  it('aligns columns after values with wide characters (CJK, emoji), which take two terminal columns', () => {
    const text = renderDriftReport(
      buildDriftReport(
        [
          service('s', [
            { path: 'spec.tags[0].value', desired: '東京チーム', actual: 'team' },
            { path: 'spec.tags[1].value', desired: 'ok 🚀', actual: 'x' },
            { path: 'spec.tags[2].value', desired: 'plain', actual: 'y' },
          ]),
        ],
        NOW,
      ),
      'table',
    );
    const rows = text.split('\n').filter((l) => l.includes('spec.tags['));
    expect(rows).toHaveLength(3);
    // The ACTUAL column starts at the same terminal column on every row.
    const columnOf = (row: string, value: string) => stringWidth(row.slice(0, row.indexOf(value)));
    expect(new Set([columnOf(rows[0]!, '"team"'), columnOf(rows[1]!, '"x"'), columnOf(rows[2]!, '"y"')]).size).toBe(1);
  });

  it('cuts long values in the middle, keeping the end where ARNs differ', () => {
    const arn = (n: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/${n}`;
    const text = renderDriftReport(buildDriftReport([service('s', [{ path: 'spec.loadBalancers[0].targetGroupArn', desired: arn('aaaa1111'), actual: arn('bbbb2222') }])], NOW), 'table');
    expect(text).toContain('…');
    expect(text).toContain('aaaa1111"');
    expect(text).toContain('bbbb2222"');
    expect(text).not.toContain(arn('aaaa1111'));
  });

  it('shows control characters from AWS as escapes instead of sending them to the terminal', () => {
    const text = renderDriftReport(buildDriftReport([{ identity: { kind: 'EcsService', namespace: 'default', name: 's' }, error: { message: 'bad\u001b]0;pwned\u0007 thing\nsecond line' } }], NOW), 'table');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('bad\\u001b]0;pwned\\u0007 thing\\nsecond line');
  });

  it('can show values wider when asked', () => {
    const text = renderDriftReport(buildDriftReport([service('s', [{ path: 'spec.a', desired: 'y'.repeat(70) }])], NOW), 'table', { maxValueWidth: 80 });
    expect(text).toContain(`"${'y'.repeat(70)}"`);
  });
});

describe('markdown report', () => {
  it('opens with the verdict', () => {
    expect(renderDriftReport(issue7, 'markdown').split('\n')[0]).toBe('**Drift detected**: 2 of 4 objects differ from their manifests (2 in sync, 2 drifted, 0 missing, 0 errors).');
    expect(renderDriftReport(inSync, 'markdown').split('\n')[0]).toBe('**No drift**: the object matches its manifest (1 in sync, 0 drifted, 0 missing, 0 errors).');
  });

  it('escapes pipes and backticks so that a value cannot break the table', () => {
    const md = renderDriftReport(buildDriftReport([service('s', [{ path: 'spec.containerDefinitions[0].command', desired: ['sh', '-c', 'a | b `c`'] }])], NOW), 'markdown');
    const row = md.split('\n').find((l) => l.includes('command')) ?? '';
    expect(row).toContain('\\|');
    expect(row).toContain('`` ["sh","-c","a \\| b `c`"] ``');
    // Six cells: the unescaped pipes are only the separators.
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8);
  });

  it('stays under GitHub\'s comment limit and says where the rest is', () => {
    const many = Array.from({ length: 400 }, (_, i) => service(`svc-${String(i).padStart(3, '0')}`, [{ path: 'spec.desiredCount', desired: 1, actual: 2 }]));
    const md = renderDriftReport(buildDriftReport(many, NOW), 'markdown', { maxLength: 20_000 });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toMatch(/_\d+ more objects that are not in sync are not shown: the JSON report \(`--output json`\) has them all\._/);
  });

  it('folds the objects in sync away', () => {
    const md = renderDriftReport(buildDriftReport([desiredCountChanged, taskDefinitionInSync], NOW), 'markdown');
    expect(md).toContain('<details><summary>1 object in sync</summary>\n\n- EcsTaskDefinition `default/web`\n\n</details>');
  });
});

describe('colorEnabled', () => {
  it('colors a TTY', () => expect(colorEnabled({ isTTY: true }, {})).toBe(true));
  it('does not color a pipe or a file', () => expect(colorEnabled({ isTTY: false }, {})).toBe(false));
  it('honors NO_COLOR', () => expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false));
  it('honors FORCE_COLOR', () => expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true));
  it('does not color a dumb terminal', () => expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false));
});
