// What the image runs, dist/bundle (scripts/bundle.ts), leaves out what costs memory for nothing:
// an ES module import of node:http (which on Node.js 22 and later loads Node's bundled undici,
// about 14 MB resident) and whatwg-url's Unicode tables. Checked on the bundle's text: this
// machine's Node.js 20 would load neither even if they were there, so a run could not fail.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../../scripts/bundle.js';

let dir: string;
let chunks: { name: string; text: string }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-operator-bundle-'));
  await bundle(dir);
  chunks = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the operator bundle', () => {
  it('requires node:http (the AWS SDK and client-node use it) and never imports it as an ES module', () => {
    const imports = chunks.filter((c) => /(?:from|import)\s*"(?:node:)?http"/.test(c.text)).map((c) => c.name);
    expect(imports).toEqual([]);
    expect(chunks.some((c) => /exports\s*=\s*\w+\("node:http"\)/.test(c.text))).toBe(true);
  });

  it('carries no whatwg-url or tr46 (node-fetch gets Node.js URL)', () => {
    expect(chunks.filter((c) => /xn--|punycode|IDNA/.test(c.text)).map((c) => c.name)).toEqual([]);
  });
});
