/**
 * The `WizardUi` tests drive: every question takes the next queued answer, and a question the
 * script did not expect fails the wizard at once instead of waiting for a person. No `vscode`
 * import here, so unit tests of the wizards' questions use it too.
 */
import { back, type Back, type InputStep, type PickItem, type PickManyStep, type PickStep, type WizardUi } from '../../src/wizards/shared/wizardUi';

/** A question answered by a test script: by the step's `id`; `pick` matches an item's label, or its value when that is a string. */
export interface ScriptedAnswer {
  id: string;
  pick?: string | string[];
  input?: string;
  back?: true;
  cancel?: true;
}

/** Thrown when a scripted answer does not fit the question asked; its message says what differed. */
export class ScriptMismatchError extends Error {
  override readonly name = 'ScriptMismatchError';
}

/** Where the scripted UI takes its answers from (a test's queue). */
export interface AnswerSource {
  /** Removes and returns the next answer, or `undefined` when none is left. */
  next(): ScriptedAnswer | undefined;
}

/** Answers questions from `source`; see `ScriptedWizards.answer`. */
export class ScriptedUi implements WizardUi {
  constructor(private readonly source: AnswerSource) {}

  async pick<T>(step: PickStep<T>): Promise<T | Back | undefined> {
    const answer = this.take(step.id);
    if (answer.back || answer.cancel) {
      return answer.back ? back : undefined;
    }
    const wanted = typeof answer.pick === 'string' ? answer.pick : answer.pick?.length === 1 ? answer.pick[0] : undefined;
    if (wanted === undefined) {
      throw new ScriptMismatchError(`The answer to "${step.id}" needs exactly one "pick" (it had ${describeAnswer(answer)}).`);
    }
    return matchItem(step, wanted).value;
  }

  async pickMany<T>(step: PickManyStep<T>): Promise<T[] | Back | undefined> {
    const answer = this.take(step.id);
    if (answer.back || answer.cancel) {
      return answer.back ? back : undefined;
    }
    if (answer.pick === undefined) {
      throw new ScriptMismatchError(`The answer to "${step.id}" needs "pick" (it had ${describeAnswer(answer)}).`);
    }
    const wanted = typeof answer.pick === 'string' ? [answer.pick] : answer.pick;
    const picked = wanted.map((text) => matchItem(step, text).value);
    const minimum = step.minimum ?? 0;
    if (picked.length < minimum) {
      throw new ScriptMismatchError(`"${step.id}" needs at least ${minimum} item(s); the answer picked ${picked.length}.`);
    }
    return picked;
  }

  async input(step: InputStep): Promise<string | Back | undefined> {
    const answer = this.take(step.id);
    if (answer.back || answer.cancel) {
      return answer.back ? back : undefined;
    }
    if (answer.input === undefined) {
      throw new ScriptMismatchError(`The answer to "${step.id}" needs "input" (it had ${describeAnswer(answer)}).`);
    }
    const problem = step.validate?.(answer.input) ?? (await step.validateAsync?.(answer.input));
    if (problem !== undefined) {
      throw new ScriptMismatchError(`"${step.id}" refused "${answer.input}": ${problem}`);
    }
    return answer.input;
  }

  private take(stepId: string): ScriptedAnswer {
    const answer = this.source.next();
    if (answer === undefined) {
      throw new ScriptMismatchError(`The wizard asked "${stepId}" but no scripted answer was left.`);
    }
    if (answer.id !== stepId) {
      throw new ScriptMismatchError(`The wizard asked "${stepId}" but the next scripted answer is for "${answer.id}".`);
    }
    return answer;
  }
}

/** The item whose label is `wanted` exactly, else whose string value equals it ignoring case. */
function matchItem<T>(step: PickStep<T>, wanted: string): PickItem<T> {
  const byLabel = step.items.find((item) => item.label === wanted);
  if (byLabel !== undefined) {
    return byLabel;
  }
  const lower = wanted.toLowerCase();
  const byValue = step.items.find((item) => typeof item.value === 'string' && item.value.toLowerCase() === lower);
  if (byValue !== undefined) {
    return byValue;
  }
  const offered = step.items.length === 0 ? `nothing (${step.emptyMessage ?? 'the list was empty'})` : step.items.map((item) => `"${item.label}"`).join(', ');
  throw new ScriptMismatchError(`"${step.id}" offers no "${wanted}"; it offered ${offered}.`);
}

function describeAnswer(answer: ScriptedAnswer): string {
  const keys = Object.keys(answer).filter((key) => key !== 'id');
  return keys.length === 0 ? 'nothing' : keys.map((key) => `"${key}"`).join(', ');
}
