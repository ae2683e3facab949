import type * as vscode from 'vscode';
import type { LensTreeProvider } from '../../tree/lensTreeProvider';
import type { ApplyReport, Plan } from './plan';
import type { WizardContext } from './wizardContext';

/** A question answered by a test script: by the step's `id`; `pick` matches an item's label, or its value when that is a string. */
export interface ScriptedAnswer {
  id: string;
  pick?: string | string[];
  input?: string;
  back?: true;
  cancel?: true;
}

/** What a scripted plan review does: the first choice answers the preview, later ones the follow-ups after a partial failure. */
export type ReviewChoice = 'apply' | 'cancel' | 'copyCli' | 'saveBicep' | 'retryRemaining' | 'undoCreated' | 'dismiss';

/** Drives wizards from integration tests (part of the API `activate()` returns). */
export interface WizardTestApi {
  /** Queues answers; while any are queued, questions are answered from them, and a question whose id differs from the next answer's fails the wizard at once. */
  answer(answers: ScriptedAnswer[]): void;
  /** Queues what plan reviews and partial-failure reports choose. */
  choose(choices: ReviewChoice[]): void;
  lastPlan(): Plan | undefined;
  lastReport(): ApplyReport | undefined;
  /** Answers and choices not used yet. */
  pending(): { answers: number; choices: number };
  /** Drops queued answers and choices and forgets the last plan and report. */
  reset(): void;
}

/** Builds the `WizardContext` wizards get, and the test API. */
export function createWizardHost(tree: LensTreeProvider, log: vscode.LogOutputChannel): { context: WizardContext; testApi: WizardTestApi; disposables: vscode.Disposable[] } {
  void tree;
  void log;
  throw new Error('createWizardHost is not implemented yet');
}
