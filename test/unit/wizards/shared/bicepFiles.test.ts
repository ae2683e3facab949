import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceQuestion, writeBicepFiles } from '../../../../src/wizards/shared/bicepFiles';
import { toBicep } from '../../../../src/wizards/shared/bicep';
import { peeringPlan } from './exportPlans';

describe('saving a Bicep export', () => {
  let folder: string;
  const { files } = toBicep(peeringPlan());
  const never = (): Promise<boolean> => Promise.reject(new Error('asked, but no file would be replaced'));

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bicep-files-'));
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes main.bicep and its modules into an empty folder without asking', async () => {
    assert.ok(files.length > 1, 'the peering plan exports modules');
    const written = await writeBicepFiles(folder, files, never);
    assert.deepEqual(written, files.map((file) => join(folder, file.path)));
    for (const file of files) {
      assert.equal(readFileSync(join(folder, file.path), 'utf8'), file.content);
    }
  });

  it('does not ask when the files there are the same export', async () => {
    await writeBicepFiles(folder, files, never);
    assert.ok(await writeBicepFiles(folder, files, never));
  });

  it("asks before replacing the user's own main.bicep, and keeps it and writes nothing when declined", async () => {
    writeFileSync(join(folder, 'main.bicep'), 'param mine string\n');
    let asked: string[] = [];
    const written = await writeBicepFiles(folder, files, (replaced) => {
      asked = replaced;
      return Promise.resolve(false);
    });
    assert.equal(written, undefined);
    assert.deepEqual(asked, ['main.bicep']);
    assert.equal(readFileSync(join(folder, 'main.bicep'), 'utf8'), 'param mine string\n');
    assert.deepEqual(readdirSync(folder), ['main.bicep'], 'no module was written either');
  });

  it('replaces the files when the user agrees', async () => {
    const module = files.find((file) => file.path.startsWith('modules/'));
    assert.ok(module);
    mkdirSync(join(folder, 'modules'));
    writeFileSync(join(folder, 'main.bicep'), 'old');
    writeFileSync(join(folder, module.path), 'old');
    let asked: string[] = [];
    const written = await writeBicepFiles(folder, files, (replaced) => {
      asked = replaced;
      return Promise.resolve(true);
    });
    assert.deepEqual(asked, ['main.bicep', module.path]);
    assert.equal(written?.length, files.length);
    assert.equal(readFileSync(join(folder, 'main.bicep'), 'utf8'), files[0].content);
  });

  it('refuses a file outside the folder before writing anything', async () => {
    await assert.rejects(writeBicepFiles(folder, [...files, { path: '../escape.bicep', content: '' }], never), /outside the folder \(\.\.\/escape\.bicep\)/);
    assert.deepEqual(readdirSync(folder), []);
  });

  it('names the files to replace, the first three and a count of the rest', () => {
    assert.equal(replaceQuestion('/w', ['main.bicep']), 'A file in /w would be replaced: main.bicep. Replace it?');
    assert.equal(replaceQuestion('/w', ['a', 'b', 'c', 'd', 'e']), '5 files in /w would be replaced: a, b, c and 2 more. Replace them?');
  });
});
