import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { downloadSegments, pruneDownloads } from '../../../src/tree/storageDownloads';

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

describe('where downloads are kept', () => {
  it('lays a blob out as account/container/blob path, so the viewer names the blob', () => {
    assert.deepEqual(downloadSegments('stflowlogs', 'insights-logs-flowlogflowevent', 'flowLogResourceID=/SUB/RG/FL/y=2026/m=12/d=07/h=09/m=00/macAddress=000D3A7A1001/PT1H.json'), [
      'stflowlogs',
      'insights-logs-flowlogflowevent',
      'flowLogResourceID=',
      'SUB',
      'RG',
      'FL',
      'y=2026',
      'm=12',
      'd=07',
      'h=09',
      'm=00',
      'macAddress=000D3A7A1001',
      'PT1H.json',
    ]);
  });

  it('never leaves the download folder and keeps names every file system accepts', () => {
    assert.deepEqual(downloadSegments('acct', 'c', '../../etc/./a:b?.json'), ['acct', 'c', '_', '_', 'etc', '_', 'a_b_.json']);
  });
});

describe('pruning downloads kept by account and container', () => {
  it('removes old blobs in nested folders and the folders they leave empty', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'flowlog-downloads-nested-'));
    try {
      const now = Date.UTC(2024, 2, 10);
      const day = 24 * 3600 * 1000;
      const file = (relative: string, ageMs: number): void => {
        const path = join(folder, relative);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '{"records":[]}');
        const time = new Date(now - ageMs);
        utimesSync(path, time, time);
      };
      file('acct/c/macAddress=A/PT1H.json', 9 * day);
      file('acct/c/macAddress=B/PT1H.json', day);
      assert.deepEqual(await pruneDownloads(folder, 7 * day, now), ['acct/c/macAddress=A/PT1H.json']);
      assert.deepEqual(readdirSync(join(folder, 'acct/c')), ['macAddress=B']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
