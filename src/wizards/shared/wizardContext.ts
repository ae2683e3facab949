import type * as vscode from 'vscode';
import type { EstateSubscription } from '../../inventory/estate';
import type { ApplyReport, Plan } from '../../core/plan';
import type { ReviewOptions } from './review';
import type { Back, WizardUi } from './wizardUi';

/** What every wizard gets from `activate()`: questions, the estate it reads, and the one place plans are shown and applied. */
export interface WizardContext {
  /** The questions UI: quick picks and input boxes, unless replaced through `WizardSeam.use`. */
  ui(): WizardUi;
  /** The subscriptions the tree shows, with their cached inventories (reload what a plan reads with `reloadSections` before reading `index()`). */
  estate(): Promise<EstateSubscription[]>;
  /**
   * Shows the plan (checks, warnings, actions, estimate) with Apply, "Copy as Azure CLI Script" and
   * "Save as Bicep"; on Apply runs it with progress, pacing and retries, reports partial failures
   * with "Retry Remaining" / "Undo Created", and refreshes the subscriptions it changed. Resolves
   * with the report of the last run, or `undefined` when the user did not apply it.
   */
  review(plan: Plan): Promise<ApplyReport | undefined>;
  /** The same review, which also offers Back when `options.canGoBack`, and then resolves with `back`. */
  reviewOrBack(plan: Plan, options: ReviewOptions): Promise<ApplyReport | Back | undefined>;
  log: vscode.LogOutputChannel;
}
