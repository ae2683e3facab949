/**
 * The question loop every wizard's gather shares: questions in order, each asked only while its
 * `shouldAsk` holds for the answers so far; Back re-asks the previous question (its old answer is
 * still in the draft); step numbers come from the questions left to ask. No `vscode` import here.
 */
import { back, type Back } from './wizardUi';

/** "(step/totalSteps)" in the question's title. */
export interface StepNumber {
  step: number;
  totalSteps: number;
}

/** One question: the draft with its answer, `back`, or `undefined` when cancelled. */
export interface Question<D> {
  /** Unique within the wizard; Back returns to a question by it. */
  id: string;
  /** False skips it: a fact the right-clicked row already answers, or an answer made it moot. */
  shouldAsk(draft: D): boolean;
  ask(draft: D, step: StepNumber): Promise<D | Back | undefined>;
}

/**
 * Asks `questions` from `draft` on, and returns the last draft, or `undefined` when cancelled
 * (Escape, or Back on the first question asked). `questions` may be a function of the draft when
 * answers add questions (a name for each new spoke).
 */
export async function askQuestions<D>(questions: readonly Question<D>[] | ((draft: D) => readonly Question<D>[]), draft: D): Promise<D | undefined> {
  const listOf = typeof questions === 'function' ? questions : () => questions;
  const history: string[] = [];
  let from = 0;
  for (;;) {
    const list = listOf(draft);
    const index = list.findIndex((question, at) => at >= from && question.shouldAsk(draft));
    if (index < 0) {
      return draft;
    }
    const question = list[index];
    const remaining = list.slice(index).filter((later) => later.shouldAsk(draft)).length;
    const result = await question.ask(draft, { step: history.length + 1, totalSteps: history.length + remaining });
    if (result === undefined) {
      return undefined;
    }
    if (result === back) {
      const previous = history.pop();
      if (previous === undefined) {
        return undefined;
      }
      from = Math.max(0, listOf(draft).findIndex((candidate) => candidate.id === previous));
      continue;
    }
    draft = result;
    history.push(question.id);
    from = listOf(draft).findIndex((candidate) => candidate.id === question.id) + 1;
  }
}
