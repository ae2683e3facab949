import assert from 'node:assert/strict';
import type { ApplyReport, Plan } from '../../../../src/core/plan';
import { askQuestions, type AnswerTrail, type Question } from '../../../../src/wizards/shared/questions';
import type { ReviewOptions } from '../../../../src/wizards/shared/review';
import { askPlanReview } from '../../../../src/wizards/shared/wizardFlow';
import { back, type Back } from '../../../../src/wizards/shared/wizardUi';
import { plan } from './builders';

interface Draft {
  region?: string;
  name?: string;
}

describe('askPlanReview', () => {
  it('goes Back from the review to the last question, keeps the other answers and plans again', async () => {
    const replies: Record<string, (string | Back)[]> = { region: ['westeurope', 'northeurope'], name: ['bad name', back, 'good-name'] };
    const asked: string[] = [];
    const question = (id: keyof Draft): Question<Draft> => ({
      id,
      shouldAsk: () => true,
      ask: async (draft, step) => {
        asked.push(`${id} ${step.step}/${step.totalSteps}${draft[id] ? ` was ${draft[id]}` : ''}`);
        const reply = replies[id].shift();
        assert.ok(reply !== undefined, `no reply left for ${id}`);
        return reply === back ? back : { ...draft, [id]: reply };
      },
    });
    const ask = (trail: AnswerTrail): Promise<Draft | undefined> => askQuestions([question('region'), question('name')], {}, trail);
    const reviews: string[] = [];
    const done: ApplyReport = { plan: plan(), outcomes: [], complete: true };
    const review = async (reviewed: Plan, options: ReviewOptions): Promise<ApplyReport | Back | undefined> => {
      reviews.push(`${reviewed.title} ${options.canGoBack ? 'with Back' : 'without Back'}`);
      return reviewed.title.includes('bad name') ? back : done;
    };
    const report = await askPlanReview(review, ask, (answers) => plan({ title: `${answers.region} ${answers.name}` }));
    assert.equal(report, done);
    assert.deepEqual(reviews, ['westeurope bad name with Back', 'northeurope good-name with Back']);
    assert.deepEqual(asked, ['region 1/2', 'name 2/2', 'name 2/2 was bad name', 'region 1/2 was westeurope', 'name 2/2 was bad name']);
  });

  it('ends without a review when the questions are cancelled', async () => {
    let reviewed = false;
    const report = await askPlanReview(
      async () => {
        reviewed = true;
        return undefined;
      },
      async () => undefined,
      () => plan(),
    );
    assert.equal(report, undefined);
    assert.equal(reviewed, false);
  });
});
