import { describe, expect, it } from 'vitest';
import { readPlainAsKubectl, readPlainAsYaml12 } from '../../../src/sources/kubectl-yaml.js';

// What kubectl makes of each unquoted value: observed by running sigs.k8s.io/yaml v1.6.0's
// YAMLToJSON (the converter kubectl v1.34 uses, on go-yaml v2) on `key: <value>`.
const KUBECTL_READS: Array<[string, unknown]> = [
  ['y', true],
  ['Yes', true],
  ['on', true],
  ['ON', true],
  ['off', false],
  ['n', false],
  ['NO', false],
  ['true', true],
  ['~', null],
  ['Null', null],
  ['0755', 493],
  ['00', 0],
  ['0_7', 7],
  ['08', 8],
  ['1_000', 1000],
  ['1e3', 1000],
  ['1e+3', 1000],
  ['0.1e2', 10],
  ['1_0.5', 10.5],
  ['1.', 1],
  ['.5', 0.5],
  ['+12', 12],
  ['0o17', 15],
  ['0b101', 5],
  ['0x1F', 31],
  ['1:30', '1:30'],
  ['190:20:30', '190:20:30'],
  ['2024-01-01', '2024-01-01'],
  ['2024-01-01T10:00:00Z', '2024-01-01T10:00:00Z'],
  ['nginx:1.27', 'nginx:1.27'],
  ['1e400', '1e400'],
];

describe('unquoted YAML values are read as kubectl reads them (YAML 1.1 through go-yaml v2)', () => {
  it.each(KUBECTL_READS)('%s', (text, expected) => {
    expect(readPlainAsKubectl(text)).toEqual(expected);
  });

  it('reads .inf and .nan as numbers (which the file source then refuses, as kubectl does)', () => {
    expect(readPlainAsKubectl('.inf')).toBe(Infinity);
    expect(readPlainAsKubectl('-.Inf')).toBe(-Infinity);
    expect(readPlainAsKubectl('.nan')).toBeNaN();
  });
});

describe('the YAML 1.2 reading the file source compares with', () => {
  it.each<[string, unknown]>([
    ['y', 'y'],
    ['on', 'on'],
    ['0755', 755],
    ['1_000', '1_000'],
    ['true', true],
    ['1e3', 1000],
  ])('%s', (text, expected) => {
    expect(readPlainAsYaml12(text)).toEqual(expected);
  });
});
