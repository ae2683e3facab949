/**
 * The question loop every wizard's gather shares: questions in order, each asked only while its
 * `shouldAsk` holds for the answers so far; Back re-asks the previous question (its old answer is
 * still in the draft); step numbers come from the questions left to ask. An `AnswerTrail` keeps the
 * answers after the last question, so Back from the plan review re-asks it with every answer kept.
 * No `vscode` import here.
 */
import { back, type Back } from './wizardUi';

/**
 * "(step/totalSteps)" in the question's title: the questions asked so far plus those the answers so
 * far lead to. The total may grow as answers add questions, but never shrinks while going forward.
 */
export interface StepNumber {
  step: number;
  totalSteps: number;
}

/** One question: the draft with its answer, `back`, or `undefined` when cancelled. */
export interface Question<D> {
  /** Unique within the wizard; Back returns to a question by it. */
  id: string;
  /**
   * False skips it: a fact the right-clicked row already answers, or an answer made it moot. It also
   * counts the steps left, so before the answers it depends on are given it is true only when it is
   * sure to be asked (or stands in for one of two questions, one of which is): the total then only
   * grows as answers come (2/5 → 3/6, never 3/6 → 4/5).
   */
  shouldAsk(draft: D): boolean;
  ask(draft: D, step: StepNumber): Promise<D | Back | undefined>;
}

/**
 * Where a wizard's questions ended: the answers and the questions asked, in order. Passed to the
 * same gather again (Back from the plan review), it re-asks the last question with every answer kept.
 */
export class AnswerTrail {
  private last: { draft: unknown; asked: string[] } | undefined;

  /** True once questions were answered, at least one of them asked: Back has a question to return to. */
  get canGoBack(): boolean {
    return this.last !== undefined && this.last.asked.length > 0;
  }

  /** @internal For `askQuestions`: the last answers, then forgotten until the questions end again. */
  take<D>(): { draft: D; asked: string[] } | undefined {
    const last = this.last;
    this.last = undefined;
    return last === undefined ? undefined : { draft: last.draft as D, asked: [...last.asked] };
  }

  /** @internal For `askQuestions`. */
  keep<D>(draft: D, asked: readonly string[]): void {
    this.last = { draft, asked: [...asked] };
  }
}

/**
 * Asks `questions` from `draft` on, and returns the last draft, or `undefined` when cancelled
 * (Escape, or Back on the first question asked). `questions` may be a function of the draft when
 * answers add questions (a name for each new spoke). With a `trail` that holds earlier answers, it
 * starts from them instead of `draft`, at the last question asked then, as if Back had been pressed.
 */
export async function askQuestions<D>(questions: readonly Question<D>[] | ((draft: D) => readonly Question<D>[]), draft: D, trail?: AnswerTrail): Promise<D | undefined> {
  const listOf = typeof questions === 'function' ? questions : () => questions;
  const history: string[] = [];
  let from = 0;
  const resumed = trail?.take<D>();
  if (resumed !== undefined && resumed.asked.length > 0) {
    draft = resumed.draft;
    history.push(...resumed.asked);
    const last = history.pop() as string;
    from = Math.max(0, listOf(draft).findIndex((candidate) => candidate.id === last));
  }
  for (;;) {
    const list = listOf(draft);
    const index = list.findIndex((question, at) => at >= from && question.shouldAsk(draft));
    if (index < 0) {
      trail?.keep(draft, history);
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

/**
 * Another wizard's questions asked inside a bigger one: each reads and writes its part of the
 * bigger draft (`get`/`set`), and is asked only while `when` holds for the bigger draft (and its
 * own `shouldAsk` for its part). Ids stay the same, so a script answers them as it does when the
 * smaller wizard runs alone.
 */
export function liftQuestions<D, S>(questions: readonly Question<S>[], get: (draft: D) => S, set: (draft: D, part: S) => D, when: (draft: D) => boolean = () => true): Question<D>[] {
  return questions.map((question) => ({
    id: question.id,
    shouldAsk: (draft) => when(draft) && question.shouldAsk(get(draft)),
    ask: async (draft, step) => {
      const answer = await question.ask(get(draft), step);
      return answer === back || answer === undefined ? (answer as Back | undefined) : set(draft, answer as S);
    },
  }));
}
