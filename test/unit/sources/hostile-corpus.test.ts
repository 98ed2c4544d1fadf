import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSourceIssue, loadManifests } from '../../../src/sources/index.js';
import { HOSTILE_CASES, prepareHostileCorpus, type HostileCase } from '../../fixtures/hostile/corpus.js';

let corpus: Awaited<ReturnType<typeof prepareHostileCorpus>>;
beforeAll(async () => {
  corpus = await prepareHostileCorpus();
});
afterAll(() => corpus.cleanup());

const pathOf = (c: HostileCase) => corpus.cases.find((p) => p.file === c.file)?.path ?? c.file;

describe('hostile and broken manifests: each gets a clear error from the file source', () => {
  it('has at least 30 cases', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE_CASES.map((c) => [`${c.file}: ${c.about}`, c] as const))('%s', async (_name, c) => {
    const path = pathOf(c);
    const result = await loadManifests([path]);
    expect(result.errors, JSON.stringify(result.errors, null, 1).slice(0, 2000)).toContainEqual(
      expect.objectContaining({
        code: c.code,
        message: expect.stringContaining(c.message),
        ...(c.path !== undefined && { path: c.path }),
        ...(c.line !== undefined && { line: c.line }),
      }),
    );
    // The broken object is never handed on; only valid neighbours are (and a caller refuses to act while errors exist).
    expect(result.objects).toHaveLength(c.validObjects ?? 0);
    for (const e of result.errors) {
      const line = formatSourceIssue(e);
      // One line a person can read: it names the file, holds no terminal control characters, and
      // does not quote a 5 MB value back.
      expect(line).toContain(c.file);
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(line.length).toBeLessThan(1000);
    }
  });
});
