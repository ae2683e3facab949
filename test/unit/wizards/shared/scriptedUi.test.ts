import assert from 'node:assert/strict';
import { ScriptedUi, ScriptMismatchError, type ScriptedAnswer } from '../../../integration/scriptedUi';
import { back, type PickStep } from '../../../../src/wizards/shared/wizardUi';

function scripted(answers: ScriptedAnswer[]): ScriptedUi {
  return new ScriptedUi({ next: () => answers.shift() });
}

const nics: PickStep<string> = {
  id: 'tap.sources',
  title: 'Mirror traffic',
  placeholder: 'Pick NICs',
  items: [
    { label: 'nic-web-1', description: 'germanywestcentral', value: '/subscriptions/s/nic-web-1' },
    { label: 'nic-web-2', value: 'nic-web-2-value' },
  ],
};

describe('scripted wizard UI', () => {
  it('picks by exact label, or by string value ignoring case', async () => {
    assert.equal(await scripted([{ id: 'tap.sources', pick: 'nic-web-1' }]).pick(nics), '/subscriptions/s/nic-web-1');
    assert.equal(await scripted([{ id: 'tap.sources', pick: 'NIC-WEB-2-VALUE' }]).pick(nics), 'nic-web-2-value');
    assert.deepEqual(await scripted([{ id: 'tap.sources', pick: ['nic-web-1', 'nic-web-2'] }]).pickMany(nics), ['/subscriptions/s/nic-web-1', 'nic-web-2-value']);
  });

  it('fails at once when the question is not the one the script expected, naming both ids', async () => {
    await assert.rejects(scripted([{ id: 'tap.destination', pick: 'x' }]).pick(nics), (error: Error) => {
      assert.ok(error instanceof ScriptMismatchError);
      assert.match(error.message, /asked "tap\.sources" but the next scripted answer is for "tap\.destination"/);
      return true;
    });
    await assert.rejects(scripted([]).pick(nics), /asked "tap\.sources" but no scripted answer was left/);
  });

  it('lists the labels offered when nothing matches, or the empty message', async () => {
    await assert.rejects(scripted([{ id: 'tap.sources', pick: 'nic-db' }]).pick(nics), /offers no "nic-db"; it offered "nic-web-1", "nic-web-2"/);
    await assert.rejects(scripted([{ id: 'tap.sources', pick: 'nic-db' }]).pick({ ...nics, items: [], emptyMessage: 'No NICs in germanywestcentral' }), /offered nothing \(No NICs in germanywestcentral\)/);
  });

  it('enforces a multi-pick minimum', async () => {
    await assert.rejects(scripted([{ id: 'tap.sources', pick: [] }]).pickMany({ ...nics, minimum: 1 }), /needs at least 1 item\(s\); the answer picked 0/);
  });

  it('returns Back and cancel', async () => {
    assert.equal(await scripted([{ id: 'tap.sources', back: true }]).pick(nics), back);
    assert.equal(await scripted([{ id: 'tap.sources', cancel: true }]).pickMany(nics), undefined);
    assert.equal(await scripted([{ id: 'name', back: true }]).input({ id: 'name', title: 't', prompt: 'p' }), back);
  });

  it('runs validation on inputs, and fails the wizard with its message', async () => {
    const step = {
      id: 'tap.name',
      title: 'TAP',
      prompt: 'Name',
      validate: (value: string) => (/^[a-z-]+$/.test(value) ? undefined : 'Use lower-case letters and hyphens'),
      validateAsync: async (value: string) => (value === 'taken' ? 'A TAP named taken already exists' : undefined),
    };
    assert.equal(await scripted([{ id: 'tap.name', input: 'tap-one' }]).input(step), 'tap-one');
    await assert.rejects(scripted([{ id: 'tap.name', input: 'Bad Name' }]).input(step), /"tap\.name" refused "Bad Name": Use lower-case letters and hyphens/);
    await assert.rejects(scripted([{ id: 'tap.name', input: 'taken' }]).input(step), /A TAP named taken already exists/);
  });

  it('refuses an answer of the wrong shape', async () => {
    await assert.rejects(scripted([{ id: 'tap.sources', input: 'x' }]).pick(nics), /needs exactly one "pick" \(it had "input"\)/);
    await assert.rejects(scripted([{ id: 'name', pick: 'x' }]).input({ id: 'name', title: 't', prompt: 'p' }), /needs "input" \(it had "pick"\)/);
  });
});
