import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AWS_OPERATIONS, isReadOperation, type AwsService } from '../../../src/aws/operations.js';

const srcRoot = resolve(import.meta.dirname, '..', '..', '..', 'src');

const SERVICE_BY_PACKAGE: Record<string, AwsService> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-application-auto-scaling': 'application-autoscaling',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sts': 'sts',
};

/** `service:Operation` for every `new XxxCommand(` and `paginateXxx(` in the file, by where it was imported from. */
function operationsIn(file: string): { found: string[]; unresolved: string[] } {
  const text = readFileSync(file, 'utf8');
  const serviceOf = new Map<string, string>();
  for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
    for (const spec of m[1]!.split(',')) {
      const name = spec.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name) serviceOf.set(name, SERVICE_BY_PACKAGE[m[2]!] ?? m[2]!);
    }
  }
  const found: string[] = [];
  const unresolved: string[] = [];
  const uses: Array<[symbol: string, operation: string]> = [
    ...[...text.matchAll(/new\s+(\w+)Command\s*\(/g)].map((m): [string, string] => [`${m[1]}Command`, m[1]!]),
    ...[...text.matchAll(/\bpaginate(\w+)\s*\(/g)].map((m): [string, string] => [`paginate${m[1]}`, m[1]!]),
  ];
  for (const [symbol, operation] of uses) {
    const service = serviceOf.get(symbol);
    if (service) found.push(`${service}:${operation}`);
    else unresolved.push(`${file}: ${symbol}`);
  }
  return { found, unresolved };
}

function sourceFiles(): string[] {
  return readdirSync(srcRoot, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(srcRoot, f));
}

describe('AWS_OPERATIONS', () => {
  test('lists exactly the AWS operations that code under src/ can call', () => {
    const used = new Set<string>();
    const unresolved: string[] = [];
    for (const file of sourceFiles()) {
      const result = operationsIn(file);
      result.found.forEach((op) => used.add(op));
      unresolved.push(...result.unresolved);
    }

    expect(unresolved).toEqual([]);
    expect([...AWS_OPERATIONS].sort()).toEqual([...used].sort());
  });

  test('tells reads from writes', () => {
    expect(isReadOperation('DescribeServices')).toBe(true);
    expect(isReadOperation('ListTaskDefinitions')).toBe(true);
    expect(isReadOperation('UpdateService')).toBe(false);
    expect(isReadOperation('PutScalingPolicy')).toBe(false);
  });
});
