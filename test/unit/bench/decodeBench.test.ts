import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { projectRoot } from '../../fixtures/projectRoot';

describe('decode benchmark', () => {
  it('does not run its command line when bundled into another script, as run.js bundles it', () => {
    // Run with no arguments, the command line prints its usage and sets exit code 2, which made
    // `npm run bench` fail after a complete run.
    const folder = mkdtempSync(join(tmpdir(), 'decode-bench-'));
    try {
      const script = join(folder, 'run.js');
      esbuild.buildSync({
        stdin: { contents: "import { repeatBelowBytes } from './bench/decodeBench';\nconsole.log(repeatBelowBytes);\n", resolveDir: projectRoot(), loader: 'ts' },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile: script,
        logLevel: 'silent',
      });
      const run = spawnSync(process.execPath, [script], { encoding: 'utf8' });
      assert.equal(run.stderr, '');
      assert.equal(run.stdout.trim(), '20000000');
      assert.equal(run.status, 0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
