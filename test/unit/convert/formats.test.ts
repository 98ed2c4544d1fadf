import { describe, expect, it } from 'vitest';
import { interpolate, parseEnvFile } from '../../../src/convert/interpolate.js';
import { composeMemoryMiB, durationSeconds, shellWords, taskCpuUnits, taskMemoryMiB } from '../../../src/convert/units.js';

describe('compose variable interpolation (docker compose rules)', () => {
  const vars: Record<string, string> = { SET: 'value', EMPTY: '' };
  const run = (text: string) => {
    const reports: string[] = [];
    const out = interpolate(text, (n) => vars[n], (severity, message) => reports.push(`${severity}: ${message}`));
    return { out, reports };
  };

  it('substitutes $VAR and ${VAR}', () => expect(run('a-$SET-${SET}').out).toBe('a-value-value'));
  it('uses :- defaults for unset and empty, - defaults for unset only', () => {
    expect(run('${EMPTY:-d} ${UNSET:-d} ${EMPTY-d} ${UNSET-d}').out).toBe('d d  d');
  });
  it('writes $$ as a literal $', () => expect(run('cost: $$5').out).toBe('cost: $5'));
  it('blanks an unset variable with a warning', () => expect(run('x${UNSET}y')).toEqual({ out: 'xy', reports: ['warning: the variable UNSET is not set: substituted with a blank string (as docker compose does)'] }));
  it('reports ${VAR:?message} for an unset variable as an error', () => expect(run('${UNSET:?give UNSET}').reports).toEqual(['error: required variable UNSET is not set: give UNSET']));
  it('reports an unclosed ${ as an error', () => expect(run('${SET').reports[0]).toMatch(/^error: invalid interpolation format/));
});

describe('env files (docker/cli ParseEnvFile)', () => {
  it('reads KEY=VALUE lines, skips comments and blank lines, keeps quotes and takes bare keys from the environment', () => {
    const parsed = parseEnvFile('# c\n\nA=1\nB="two"\n  C=x=y\nD\nE\n', (n) => (n === 'D' ? 'from-env' : undefined));
    expect(parsed.entries.map((e) => [e.name, e.value])).toEqual([
      ['A', '1'],
      ['B', '"two"'],
      ['C', 'x=y'],
      ['D', 'from-env'],
    ]);
    expect(parsed.problems).toEqual([]);
  });
  it('reports a name with spaces with its line', () => expect(parseEnvFile('OK=1\nBAD NAME=2\n', () => undefined).problems).toEqual([{ line: 2, message: 'variable name "BAD NAME" has white spaces or is empty' }]));
});

describe('units', () => {
  it('reads compose memory sizes as binary units, bytes without one, in MiB rounded down', () => {
    expect(composeMemoryMiB('512m')).toBe(512);
    expect(composeMemoryMiB('1g')).toBe(1024);
    expect(composeMemoryMiB('1.5GB')).toBe(1536);
    expect(composeMemoryMiB(268435456)).toBe(256);
    expect(composeMemoryMiB('lots')).toBeUndefined();
  });
  it('reads task sizes as ECS does: MiB or GB, CPU units or vCPU', () => {
    expect(taskMemoryMiB('2.0GB')).toBe(2048);
    expect(taskMemoryMiB('2048')).toBe(2048);
    expect(taskMemoryMiB('1 GB')).toBe(1024);
    expect(taskCpuUnits('1024')).toBe(1024);
    expect(taskCpuUnits('0.5 vCPU')).toBe(512);
  });
  it('reads Go durations in whole seconds, and bare integers as seconds', () => {
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('2.5s')).toBe(2);
    expect(durationSeconds('300ms')).toBe(0);
    expect(durationSeconds('45')).toBe(45);
    expect(durationSeconds('soon')).toBeUndefined();
  });
  it('splits a string command into words as compose does', () => {
    expect(shellWords(`sh -c "echo 'hi there'" x\\ y`)).toEqual(['sh', '-c', "echo 'hi there'", 'x y']);
    expect(shellWords('"unterminated')).toBeUndefined();
  });
});
