import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneDownloads } from '../../../src/tree/storageDownloads';

describe('downloaded flow-log files', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'flowlog-downloads-test-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('removes downloads and partial files older than the limit and keeps recent ones and other files', async () => {
    const now = Date.UTC(2024, 2, 10);
    const day = 24 * 3600 * 1000;
    const file = (name: string, ageMs: number): void => {
      const path = join(folder, name);
      writeFileSync(path, '{"records":[]}');
      const time = new Date(now - ageMs);
      utimesSync(path, time, time);
    };
    file('fl-old_2024-03-01T10_000D3A7A1001.json', 9 * day);
    file('fl-old_2024-03-01T11.json.1a2b3c4d.partial', 8 * day);
    file('fl-new_2024-03-09T10_000D3A7A1001.json', day);
    file('notes.txt', 30 * day);
    assert.deepEqual(await pruneDownloads(folder, 7 * day, now), ['fl-old_2024-03-01T10_000D3A7A1001.json', 'fl-old_2024-03-01T11.json.1a2b3c4d.partial']);
    assert.deepEqual(readdirSync(folder).sort(), ['fl-new_2024-03-09T10_000D3A7A1001.json', 'notes.txt']);
  });

  it('treats a folder that does not exist yet as empty', async () => {
    assert.deepEqual(await pruneDownloads(join(folder, 'never-created')), []);
  });
});
