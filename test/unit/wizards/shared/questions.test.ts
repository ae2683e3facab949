import assert from 'node:assert/strict';
import { AnswerTrail, askQuestions, liftQuestions, type Question, type StepNumber } from '../../../../src/wizards/shared/questions';
import { back, type Back } from '../../../../src/wizards/shared/wizardUi';

interface Draft {
  kind?: string;
  name?: string;
  size?: string;
}

type Reply = string | Back | undefined;

/** Questions that answer from `replies` in turn and record what was asked, with its step numbers and old value. */
function recorder(replies: Reply[]) {
  const asked: string[] = [];
  const question = (id: keyof Draft, shouldAsk: (draft: Draft) => boolean = () => true): Question<Draft> => ({
    id,
    shouldAsk,
    ask: (draft: Draft, step: StepNumber) => {
      asked.push(`${id} ${step.step}/${step.totalSteps}${draft[id] ? ` was ${draft[id]}` : ''}`);
      assert.ok(replies.length > 0, `no reply left for ${id}`);
      const reply = replies.shift();
      return Promise.resolve(reply === back || reply === undefined ? reply : { ...draft, [id]: reply });
    },
  });
  return { asked, question };
}

describe('askQuestions', () => {
  it('skips questions whose shouldAsk is false and numbers the steps from the questions left', async () => {
    const { asked, question } = recorder(['vm', 'web', 'large']);
    const draft = await askQuestions([question('kind'), question('name', (current) => current.kind === 'vm'), question('size')], {});
    assert.deepEqual(draft, { kind: 'vm', name: 'web', size: 'large' });
    assert.deepEqual(asked, ['kind 1/2', 'name 2/3', 'size 3/3']);

    const skipped = recorder(['disk', 'small']);
    assert.deepEqual(await askQuestions([skipped.question('kind'), skipped.question('name', (current) => current.kind === 'vm'), skipped.question('size')], {}), { kind: 'disk', size: 'small' });
    assert.deepEqual(skipped.asked, ['kind 1/2', 'size 2/2']);
  });

  it('re-asks the previous question on Back with its old answer, and renumbers after a changed answer', async () => {
    const { asked, question } = recorder(['vm', 'web', back, back, 'disk', 'small']);
    const draft = await askQuestions([question('kind'), question('name', (current) => current.kind === 'vm'), question('size')], {});
    assert.deepEqual(draft, { kind: 'disk', name: 'web', size: 'small' });
    assert.deepEqual(asked, ['kind 1/2', 'name 2/3', 'size 3/3', 'name 2/3 was web', 'kind 1/3 was vm', 'size 2/2']);
  });

  it('returns undefined when cancelled, or on Back at the first question asked', async () => {
    const cancelled = recorder(['vm', undefined]);
    assert.equal(await askQuestions([cancelled.question('kind'), cancelled.question('name')], {}), undefined);
    const backedOut = recorder([back]);
    assert.equal(await askQuestions([backedOut.question('kind', () => false), backedOut.question('name')], {}), undefined);
    assert.deepEqual(backedOut.asked, ['name 1/1']);
  });

  it('takes the question list from the draft when answers add questions', async () => {
    const { asked, question } = recorder(['vm', 'web', back, back, 'disk', 'small']);
    const list = (draft: Draft): Question<Draft>[] => (draft.kind === 'vm' ? [question('kind'), question('name'), question('size')] : [question('kind'), question('size')]);
    assert.deepEqual(await askQuestions(list, {}), { kind: 'disk', name: 'web', size: 'small' });
    assert.deepEqual(asked, ['kind 1/2', 'name 2/3', 'size 3/3', 'name 2/3 was web', 'kind 1/3 was vm', 'size 2/2']);
  });

  it('with a trail, asks again from the last question asked with every answer kept (Back from the review)', async () => {
    const trail = new AnswerTrail();
    assert.equal(trail.canGoBack, false);
    const first = recorder(['vm', 'web', 'large']);
    const list = (question: ReturnType<typeof recorder>['question']): Question<Draft>[] => [question('kind'), question('name', (current) => current.kind === 'vm'), question('size')];
    assert.deepEqual(await askQuestions(list(first.question), {}, trail), { kind: 'vm', name: 'web', size: 'large' });
    assert.equal(trail.canGoBack, true);

    const again = recorder([back, 'db', 'small']);
    assert.deepEqual(await askQuestions(list(again.question), {}, trail), { kind: 'vm', name: 'db', size: 'small' });
    assert.deepEqual(again.asked, ['size 3/3 was large', 'name 2/3 was web', 'size 3/3 was large'], 'the last question first, with its step number, then Back as usual');

    const none = new AnswerTrail();
    const skipped = recorder([]);
    assert.deepEqual(await askQuestions([skipped.question('kind', () => false)], {}, none), {});
    assert.equal(none.canGoBack, false, 'nothing was asked, so the review has nothing to go back to');
  });
});

describe('liftQuestions', () => {
  it('asks a smaller wizard\'s questions on its part of a bigger draft, Back crossing from one to the other', async () => {
    interface Big {
      option?: string;
      part: Draft;
    }
    const { asked, question } = recorder(['vm', back, 'disk', 'small']);
    const option: Question<Big> = {
      id: 'option',
      shouldAsk: () => true,
      ask: (draft, step) => {
        asked.push(`option ${step.step}/${step.totalSteps}${draft.option ? ` was ${draft.option}` : ''}`);
        return Promise.resolve({ ...draft, option: draft.option ? 'again' : 'collector' });
      },
    };
    const lifted = liftQuestions([question('kind'), question('size')], (draft: Big) => draft.part, (draft, part) => ({ ...draft, part }), (draft) => draft.option !== undefined);
    const result = await askQuestions<Big>([option, ...lifted], { part: {} });
    // Back on the lifted "size" returns to the lifted "kind"; the part's answers land in the part.
    assert.deepEqual(result, { option: 'collector', part: { kind: 'disk', size: 'small' } });
    assert.deepEqual(asked, ['option 1/1', 'kind 2/3', 'size 3/3 ', 'kind 2/3 was vm', 'size 3/3'].map((line) => line.trim()));
  });
});
