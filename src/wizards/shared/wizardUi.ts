/**
 * The questions a wizard asks, as data. `vscode` implements them with multi-step quick picks and
 * input boxes (Back, validation, cancel); integration tests answer them from a script through the
 * extension's API, where an unexpected question fails at once. No `vscode` import here.
 */

/**
 * Returned by a step (or a review) when the user pressed Back. From the global symbol registry, so
 * the extension's bundle and a test bundle that reads the extension's API compare it equal.
 */
export const back = Symbol.for('trafficLens.back');
export type Back = typeof back;

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  /** Pre-selected in a multi-pick; the active item (what Enter takes) in a pick. */
  picked?: boolean;
  /** Items of one group follow each other; the UI shows the group's name on a separator above them. */
  group?: string;
}

interface StepBase {
  /** Stable id the test script answers by, e.g. `tap.destination`. */
  id: string;
  /** The wizard's title; the UI adds "(2/5)" (VS Code's own step count of a multi-step input). */
  title: string;
  step?: number;
  totalSteps?: number;
}

export interface PickStep<T> extends StepBase {
  placeholder: string;
  items: PickItem<T>[];
  /** Shown instead of the list when `items` is empty. */
  emptyMessage?: string;
  /** No item is active at first (unless one is `picked`): Enter alone takes nothing where the first item is no safe guess. */
  noDefault?: boolean;
}

export interface PickManyStep<T> extends PickStep<T> {
  /** Fewer picked is refused with this message, e.g. "Pick at least one NIC". */
  minimum?: number;
}

export interface InputStep extends StepBase {
  prompt: string;
  value?: string;
  placeholder?: string;
  /** Pure validation: a message names what is wrong, `undefined` accepts. */
  validate?(value: string): string | undefined;
  /** Slower checks (name taken?) run after `validate` passes; only the latest answer counts. */
  validateAsync?(value: string): Promise<string | undefined>;
}

export interface WizardUi {
  pick<T>(step: PickStep<T>): Promise<T | Back | undefined>;
  pickMany<T>(step: PickManyStep<T>): Promise<T[] | Back | undefined>;
  input(step: InputStep): Promise<string | Back | undefined>;
}
