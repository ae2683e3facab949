import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitoringOptions, type MonitoringOption } from '../../../../src/wizards/setup/options';
import { importsIn } from '../../importGraph';

/** The project root: this test is bundled to out/test/unit/wizards/setup/. */
const root = resolve(__dirname, '..', '..', '..', '..', '..');

const sentenceFields = ['visibility', 'cost', 'downtime'] as const;

describe('set-up monitoring options', () => {
  it('offers the five set-ups in order: 1A, 1B, 1C, 2, 3', () => {
    assert.deepEqual(monitoringOptions.map((option) => option.id), ['1A', '1B', '1C', '2', '3']);
    assert.equal(new Set(monitoringOptions.map((option) => option.label)).size, monitoringOptions.length, 'two options share a label');
  });

  it('fills every field of every option', () => {
    const empty: string[] = [];
    for (const option of monitoringOptions) {
      for (const field of ['label', 'detail', 'brief', ...sentenceFields] as const) {
        if (option[field].trim() === '') {
          empty.push(`${option.id}.${field}`);
        }
      }
      if (option.docs.length === 0 || option.docs.some((url) => url.trim() === '')) {
        empty.push(`${option.id}.docs`);
      }
    }
    assert.deepEqual(empty, []);
  });

  it('has a brief line the quick pick shows whole: what it shows · what it costs · downtime', () => {
    // About 80 characters fit the second line of a quick pick item at VS Code's default width (measured in code-server).
    const long = monitoringOptions.filter((option) => option.brief.length > 80 || option.brief.split(' · ').length !== 3).map((option) => `${option.id} (${option.brief.length})`);
    assert.deepEqual(long, []);
  });

  it('says what it shows, what it costs and what downtime it takes in one sentence each', () => {
    const notOneSentence = monitoringOptions.flatMap((option: MonitoringOption) =>
      sentenceFields
        .filter((field) => !/^[A-Z].*\.$/.test(option[field]) || (option[field].match(/[.!?](\s|$)/g) ?? []).length !== 1)
        .map((field) => `${option.id}.${field}: ${option[field]}`),
    );
    assert.deepEqual(notOneSentence, []);
  });

  it('cites Microsoft documentation or pricing pages over https for every option', () => {
    const other = monitoringOptions.flatMap((option) => option.docs.filter((url) => !/^https:\/\/(learn\.microsoft\.com\/(azure|cli\/azure)\/|azure\.microsoft\.com\/pricing\/details\/)/.test(url)).map((url) => `${option.id}: ${url}`));
    assert.deepEqual(other, []);
    const tap = 'https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview';
    assert.deepEqual(monitoringOptions.filter((option) => option.docs.includes(tap)).map((option) => option.id), ['1A', '1B', '1C']);
    assert.ok(monitoringOptions.find((option) => option.id === '3')?.docs.includes('https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview'));
  });

  it('is pure data that the command and the walkthrough can share: it imports nothing', () => {
    assert.deepEqual(importsIn(readFileSync(join(root, 'src', 'wizards', 'setup', 'options.ts'), 'utf8')), []);
  });
});
