// Runs the unit tests (out/test/unit/**/*.test.js) in plain Node with mocha's spec reporter and
// writes the run's statistics to a JSON file for the closing summary of `npm test`.
//   node scripts/runUnitTests.mjs --results FILE [--grep PATTERN]
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Mocha from 'mocha';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { results: { type: 'string' }, grep: { type: 'string' } } });

function listTestFiles(folder) {
  let found = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      found = found.concat(listTestFiles(path));
    } else if (name.endsWith('.test.js')) {
      found.push(path);
    }
  }
  return found;
}

const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 10_000 });
if (values.grep !== undefined) {
  mocha.grep(values.grep);
}
for (const file of listTestFiles(join(root, 'out/test/unit'))) {
  mocha.addFile(file);
}
await mocha.loadFilesAsync();

const failed = [];
const runner = mocha.run(() => {
  const { passes, failures, pending } = runner.stats;
  if (values.results !== undefined) {
    writeFileSync(values.results, JSON.stringify({ passes, failures, pending, failed }, null, 2));
  }
  process.exitCode = failures > 0 ? 1 : 0;
});
runner.on('fail', (test, error) => failed.push({ title: test.fullTitle(), error: error?.message ?? String(error) }));
