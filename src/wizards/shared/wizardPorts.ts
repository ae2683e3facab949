/**
 * Where wizards meet a person: the questions UI, the plan review's question and dialogs, and what
 * the review reports back. The wizard host fills every member with quick picks and VS Code's
 * dialogs; `WizardSeam.use` (part of what `activate()` returns) replaces members until disposed.
 */
import type * as vscode from 'vscode';
import type { ApplyReport, Plan, PlanAction } from '../../core/plan';
import type { ReviewChoice, ReviewOptions, ReviewQuestion } from './review';
import type { Back, WizardUi } from './wizardUi';

/** What "Copy as Azure CLI Script" or "Save as Bicep" produced (each sets its own field). */
export interface PlanExport {
  cliScript?: string;
  /** Paths of the Bicep files written. */
  bicepFiles?: string[];
}

export interface WizardPorts {
  /** Asks the wizards' questions (multi-step quick picks and input boxes). */
  ui: WizardUi;
  /** Shows a plan's preview, a read-only markdown document (rendered in the markdown preview). */
  showPreview(document: vscode.Uri): Promise<void>;
  /** Asks a review's question; `undefined` when it was closed, `showDetails` to open the log and ask again. */
  choose(question: ReviewQuestion): Promise<ReviewChoice | 'showDetails' | undefined>;
  /** Asks an action's `confirm` question before it runs; false skips it. */
  confirm(action: PlanAction): Promise<boolean>;
  /** The folder "Save as Bicep" writes to (a folder dialog); `undefined` when it was cancelled. */
  bicepFolder(plan: Plan): Promise<string | undefined>;
  /** Opens the first Bicep file written. */
  showBicep(path: string): Promise<void>;
  /** Told of the plan under review, and again with each run's report. */
  reviewed(plan: Plan, report?: ApplyReport): void;
  /** Told of what an export produced. */
  exported(result: PlanExport): void;
}

/** The wizard host's part of `activate()`'s result. */
export interface WizardSeam {
  /** Replaces the members of `ports` given (a later call wins member by member) until the result is disposed. */
  use(ports: Partial<WizardPorts>): vscode.Disposable;
  /** Reviews a plan made elsewhere exactly as a wizard's last step does; see `WizardContext.reviewOrBack`. */
  reviewOrBack(plan: Plan, options: ReviewOptions): Promise<ApplyReport | Back | undefined>;
  /** The Activity view's rows as text, newest plan first: "title — status", its actions indented. */
  activity(): string[];
}
