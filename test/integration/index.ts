// The mocha runner VS Code loads as `--extensionTestsPath`. It runs every
// out/test/integration/**/*.test.js in the extension host and:
// - honours TRAFFIC_LENS_TEST_GREP (a mocha grep over full test titles);
// - prints each test and mocha's summary (console.log reaches the launcher's output);
// - writes { passes, failures, pending, failed: [{ title, error }] } to the file named by
//   TRAFFIC_LENS_TEST_RESULTS, so the caller can sum all suites;
// - rejects when any test failed, which VS Code turns into a non-zero exit code.
// Mocha's output goes through suiteLog (see there) so the headless launcher can show it.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { suiteLog } from './suiteLog';

export interface SuiteResults {
  passes: number;
  failures: number;
  pending: number;
  failed: { title: string; error: string }[];
}

function listTestFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      found.push(...listTestFiles(path));
    } else if (name.endsWith('.test.js')) {
      found.push(path);
    }
  }
  return found;
}

export async function run(): Promise<void> {
  // Mocha's reporters print through Base.consoleLog: route it through the marked output.
  const reporterLog = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = suiteLog;
  try {
    await runSuite();
  } finally {
    Mocha.reporters.Base.consoleLog = reporterLog;
  }
}

async function runSuite(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000 });
  const grep = process.env.TRAFFIC_LENS_TEST_GREP;
  if (grep !== undefined && grep !== '') {
    mocha.grep(grep);
  }
  for (const file of listTestFiles(__dirname)) {
    mocha.addFile(file);
  }
  await mocha.loadFilesAsync();

  const results = await new Promise<SuiteResults>((resolve) => {
    const failed: SuiteResults['failed'] = [];
    const runner = mocha.run(() => {
      const stats = runner.stats;
      resolve({ passes: stats?.passes ?? 0, failures: stats?.failures ?? failed.length, pending: stats?.pending ?? 0, failed });
    });
    runner.on('fail', (test, error: Error) => {
      failed.push({ title: test.fullTitle(), error: error?.message ?? String(error) });
    });
  });

  const resultsPath = process.env.TRAFFIC_LENS_TEST_RESULTS;
  if (resultsPath !== undefined && resultsPath !== '') {
    writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  }
  if (results.failures > 0) {
    throw new Error(`${results.failures} integration test${results.failures === 1 ? '' : 's'} failed`);
  }
}
