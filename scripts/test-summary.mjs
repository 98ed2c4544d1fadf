// Adds up the vitest JSON report and the pytest JUnit report into one closing line,
// "tests: N passed, N failed", so a reader (or CI) sees the whole run at a glance.
import { readFileSync } from 'node:fs';

const [vitestJson, pytestXml] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests + (v.numRuntimeErrorTestSuites ?? 0);
  skipped += v.numPendingTests + v.numTodoTests;
} catch (err) {
  console.error(`no vitest report: ${err.message}`);
  failed += 1;
}
try {
  const x = readFileSync(pytestXml, 'utf8');
  const m = x.match(/<testsuite [^>]*>/);
  const attr = (name) => Number(m[0].match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skip = attr('skipped');
  passed += total - bad - skip;
  failed += bad;
  skipped += skip;
} catch (err) {
  console.error(`no pytest report: ${err.message}`);
  failed += 1;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
