// Lives here because this helper owns test/unit/controller/; it tests src/observability/logger.ts.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes JSON lines carrying the object key of a child logger', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination }).child({ controller: 'ecsservice' }).child({ key: 'team-a/web' });
    log.info({ step: 'observe' }, 'reconciling');
    expect(lines[0]).toMatchObject({ level: 'info', controller: 'ecsservice', key: 'team-a/web', step: 'observe', msg: 'reconciling' });
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('never writes credentials, at the top level or nested in a client config', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination });
    log.info({
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' },
      aws: { region: 'us-east-1', secretAccessKey: 'wJalrXUtnFEMI', sessionToken: 'FwoGZXIvYXdzE' },
      request: { headers: { authorization: 'Bearer eyJhbGci' } },
      token: 'abc123',
    }, 'client created');
    const text = JSON.stringify(lines);
    for (const secret of ['AKIAEXAMPLE', 'wJalrXUtnFEMI', 'FwoGZXIvYXdzE', 'eyJhbGci', 'abc123']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ aws: { region: 'us-east-1' } });
  });
});
