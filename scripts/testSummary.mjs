// Prints the closing line of `npm test`, summed over every suite's results file:
//   node scripts/testSummary.mjs --suite unit=FILE --suite integration=FILE … [--failed-stage NAME]…
// A suite whose file is missing did not run to the end and counts as one failure, as does each
// failed stage (type check, lint, packaging). Exits 1 when anything failed.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { suite: { type: 'string', multiple: true, default: [] }, 'failed-stage': { type: 'string', multiple: true, default: [] } },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const entry of values.suite) {
  const at = entry.indexOf('=');
  const name = entry.slice(0, at);
  const file = entry.slice(at + 1);
  if (!existsSync(file)) {
    failed += 1;
    problems.push(`${name}: the suite did not report results (it did not run or crashed)`);
    continue;
  }
  const results = JSON.parse(readFileSync(file, 'utf8'));
  passed += results.passes;
  failed += results.failures;
  skipped += results.pending;
  for (const test of results.failed ?? []) {
    problems.push(`${name}: ${test.title}\n    ${test.error.trim().split('\n').join('\n    ')}`);
  }
}
for (const stage of values['failed-stage']) {
  failed += 1;
  problems.push(`stage failed: ${stage}`);
}

if (problems.length > 0) {
  console.log('\nFailures:');
  for (const problem of problems) {
    console.log(`  ${problem}`);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
