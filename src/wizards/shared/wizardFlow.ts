/**
 * Questions, plan and review as one loop: Back in the review returns to the last question with every
 * answer kept, and the plan is made again from the changed answers. Every set-up wizard ends this
 * way. No `vscode` import here.
 */
import type { ApplyReport, Plan } from '../../core/plan';
import { AnswerTrail } from './questions';
import type { ReviewOptions } from './review';
import { back, type Back } from './wizardUi';

/** The review a flow ends with (`WizardContext.reviewOrBack`). */
export type ReviewStep = (plan: Plan, options: ReviewOptions) => Promise<ApplyReport | Back | undefined>;

/**
 * Asks with `ask` (which passes the trail to `askQuestions`), plans with `plan`, and reviews; on Back
 * asks again from the last question. Resolves with the review's report, or `undefined` when the
 * questions or the review were cancelled.
 */
export async function askPlanReview<A>(review: ReviewStep, ask: (trail: AnswerTrail) => Promise<A | undefined>, plan: (answers: A) => Plan | Promise<Plan>): Promise<ApplyReport | undefined> {
  const trail = new AnswerTrail();
  for (;;) {
    const answers = await ask(trail);
    if (answers === undefined) {
      return undefined;
    }
    const result = await review(await plan(answers), { canGoBack: trail.canGoBack });
    if (result !== back) {
      return result;
    }
  }
}
