import * as assert from 'node:assert/strict';
import { exportFileName, exportFolder } from '../../../src/webview/exportFolder';

describe('export folder', () => {
  const workspace = [
    { scheme: 'vscode-remote', fsPath: '/remote/ws' },
    { scheme: 'file', fsPath: '/home/ana/project' },
  ];

  it('starts in the last folder exported to', () => {
    assert.equal(exportFolder('/home/ana/exports', workspace, '/home/ana'), '/home/ana/exports');
  });

  it('else in the first workspace folder on disk, else at home; never the opened file\'s folder', () => {
    assert.equal(exportFolder(undefined, workspace, '/home/ana'), '/home/ana/project');
    assert.equal(exportFolder('', undefined, '/home/ana'), '/home/ana');
  });

  it('names the export after the opened file', () => {
    assert.equal(exportFileName('fl-vnet_2026-12-07T09_000D3A7A1001.json', 'ecs.ndjson'), 'fl-vnet_2026-12-07T09_000D3A7A1001.ecs.ndjson');
    assert.equal(exportFileName('PT1H.JSON', 'csv'), 'PT1H.csv');
    assert.equal(exportFileName('sthub › 2026-12-07 01:00 › 000D3A7A1001', 'csv'), 'sthub_2026-12-07_0100_000D3A7A1001.csv', "a downloaded blob's title, without separators");
    assert.equal(exportFileName('2026-12-07 13:00 › 000D3A7A1001', 'csv'), '2026-12-07_1300_000D3A7A1001.csv', "a local file's hour and MAC");
    assert.equal(exportFileName('a/b\\c.json', 'ndjson'), 'a_b_c.ndjson');
  });
});
