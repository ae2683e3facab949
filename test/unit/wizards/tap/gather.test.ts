import assert from 'node:assert/strict';
import { gatherTap } from '../../../../src/wizards/tap/gather';
import { back, type InputStep, type PickManyStep, type PickStep, type WizardUi } from '../../../../src/wizards/shared/wizardUi';
import { armId, estate, key, lbDestination } from './builders';

type Answer = { id: string; pick?: string | string[]; input?: string; back?: true };

/** Answers from a script; an unexpected question fails. Records the steps it saw. */
interface Seen {
  id: string;
  value?: string;
  picked?: string[];
  /** A pick's placeholder and its first item's value (what Enter alone takes). */
  placeholder?: string;
  first?: unknown;
}

function scripted(script: Answer[]): WizardUi & { seen: Seen[] } {
  const seen: Seen[] = [];
  const next = (id: string): Answer => {
    const answer = script.shift();
    assert.equal(answer?.id, id, `unexpected question ${id}`);
    return answer!;
  };
  const choose = <T>(step: PickStep<T>, label: string): T => {
    const item = step.items.find((candidate) => candidate.label === label || candidate.value === label);
    assert.ok(item, `${step.id} has no item ${label}: ${step.items.map((candidate) => candidate.label).join(', ')}`);
    return item.value;
  };
  return {
    seen,
    async pick<T>(step: PickStep<T>) {
      seen.push({ id: step.id, placeholder: step.placeholder, first: step.items[0]?.value });
      const answer = next(step.id);
      return answer.back ? back : choose(step, answer.pick as string);
    },
    async pickMany<T>(step: PickManyStep<T>) {
      seen.push({ id: step.id, picked: step.items.filter((item) => item.picked).map((item) => item.label) });
      const answer = next(step.id);
      return answer.back ? back : (answer.pick as string[]).map((label) => choose(step, label));
    },
    async input(step: InputStep) {
      seen.push({ id: step.id, value: step.value });
      const answer = next(step.id);
      if (answer.back) {
        return back;
      }
      const value = answer.input ?? step.value ?? '';
      assert.equal(step.validate?.(value), undefined);
      return value;
    },
  };
}

describe('TAP questions', () => {
  it('asks for a new TAP on an ILB frontend with defaults, and Back re-asks the previous question', async () => {
    const ui = scripted([
      { id: 'tap.destinationKind', pick: 'loadBalancer' },
      { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
      { id: 'tap.name', back: true },
      { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
      { id: 'tap.name' },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    const answers = await gatherTap(ui, estate(), { nicIds: [key(armId.nic('nic-web-02'))] });
    assert.deepEqual(answers, {
      destinationKind: 'loadBalancer',
      destinationId: lbDestination().id,
      tap: { kind: 'new', name: 'vtap-ilb-collectors' },
      sourceIds: [key(armId.nic('nic-web-02'))],
      configurationName: 'tapcfg-vtap-ilb-collectors',
      addNsgRule: false,
      restartVms: false,
    });
    assert.deepEqual(ui.seen.find((step) => step.id === 'tap.sources')?.picked, ['nic-web-02'], 'pre-picked from the selection');
    const restart = ui.seen.find((step) => step.id === 'tap.restartVms');
    assert.equal(restart?.first, 'no', 'Enter alone does not plan downtime');
    assert.match(restart?.placeholder ?? '', /^Restart the source VMs\?/, 'the question comes first, where a narrow quick pick still shows it');
  });

  it('skips destination questions when seeded with a TAP, and offers reuse when a TAP already sends to the destination', async () => {
    const seeded = await gatherTap(scripted([{ id: 'tap.sources', pick: ['nic-app-01'] }, { id: 'tap.configurationName' }, { id: 'tap.restartVms', pick: 'yes' }]), estate(), { tapId: key(armId.tap('vtap-collectors')) });
    assert.deepEqual(seeded?.tap, { kind: 'existing', id: key(armId.tap('vtap-collectors')) });
    assert.equal(seeded?.restartVms, true);
    const reuse = await gatherTap(
      scripted([
        { id: 'tap.destinationKind', pick: 'nic' },
        { id: 'tap.destination', pick: 'nic-collector-01 › ipconfig1' },
        { id: 'tap.tap', pick: 'vtap-collectors' },
        { id: 'tap.sources', pick: ['nic-web-02'] },
        { id: 'tap.configurationName', input: 'cfg-1' },
        { id: 'tap.restartVms', pick: 'no' },
      ]),
      estate(),
    );
    assert.deepEqual(reuse?.tap, { kind: 'existing', id: key(armId.tap('vtap-collectors')) });
    assert.equal(reuse?.configurationName, 'cfg-1');
  });

  it('returns undefined when cancelled or backed out of the first question', async () => {
    const cancelling: WizardUi = { pick: async () => undefined, pickMany: async () => undefined, input: async () => undefined };
    assert.equal(await gatherTap(cancelling, estate()), undefined);
    assert.equal(await gatherTap(scripted([{ id: 'tap.destinationKind', back: true }]), estate()), undefined);
  });
});
