import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModes, measureExport } from '../../../bench/exportBench';
import { writeFlowLogFile } from '../../fixtures/flowLogGenerator';

describe('export benchmark', () => {
  it('measures every mode over the same tuples and leaves no output file behind', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'export-bench-'));
    try {
      const path = join(folder, 'vnet.json');
      const generated = await writeFlowLogFile(path, { format: 'vnet', records: 6, flowsPerRecord: 5, seed: 3 });
      for (const mode of exportModes) {
        const measured = await measureExport(mode, path);
        assert.equal(measured.tuples, generated.tuples, mode);
        assert.equal(measured.outputBytes > 0, mode !== 'summary', mode);
        assert.ok(measured.seconds > 0 && measured.maxRssMiB > 0, mode);
      }
      assert.deepEqual(readdirSync(folder), ['vnet.json']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
