/**
 * Drives the extension's wizards from a script, through the seam `activate()` returns
 * (`WizardSeam.use`): queued answers replace the quick picks, queued choices the plan review's
 * question, Bicep goes to a temporary folder without a dialog, and the last plan, report and
 * exports are kept for assertions.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApplyReport, Plan } from '../../src/core/plan';
import type { ReviewChoice, ReviewOptions } from '../../src/wizards/shared/review';
import type { PlanExport, WizardPorts, WizardSeam } from '../../src/wizards/shared/wizardPorts';
import { back, type Back } from '../../src/wizards/shared/wizardUi';
import { ScriptedUi, type ScriptedAnswer } from './scriptedUi';

export type { ReviewChoice, PlanExport };

export class ScriptedWizards {
  private readonly answers: ScriptedAnswer[] = [];
  private readonly choices: ReviewChoice[] = [];
  private plan: Plan | undefined;
  private report: ApplyReport | undefined;
  private reports: ApplyReport[] = [];
  private exports: PlanExport = {};
  /** The scripted members while a script drives (from the first queued answer or choice until `reset`). */
  private script: vscode.Disposable | undefined;

  constructor(private readonly seam: WizardSeam) {
    // Watching stays on for good: a review without a script is watched as well.
    seam.use({
      reviewed: (plan, report) => {
        this.plan = plan;
        this.report = report;
        if (report !== undefined) {
          this.reports.push(report);
        }
      },
      exported: (result) => {
        this.exports = { ...this.exports, ...result };
      },
    });
  }

  /**
   * Queues answers. From the first queued answer or choice until `reset()`, questions are answered
   * only from the queue: a question whose id differs from the next answer's, or one asked when none
   * is left, fails the wizard at once, and a review with no choice left cancels (a report dismisses).
   */
  answer(answers: ScriptedAnswer[]): void {
    this.answers.push(...answers);
    this.startScript();
  }

  /**
   * Queues what plan reviews and partial-failure reports choose: the first choice answers the
   * preview, later ones the follow-ups after a partial failure; `fix:<id>` starts the plan's remedy
   * of that id (its wizard takes the next queued answers).
   */
  choose(choices: ReviewChoice[]): void {
    this.choices.push(...choices);
    this.startScript();
  }

  lastPlan(): Plan | undefined {
    return this.plan;
  }

  lastReport(): ApplyReport | undefined {
    return this.report;
  }

  /** Every report since the last `reset`, oldest first: an apply's, then a retry's or an undo's. */
  allReports(): ApplyReport[] {
    return [...this.reports];
  }

  /** Answers and choices not used yet. */
  pending(): { answers: number; choices: number } {
    return { answers: this.answers.length, choices: this.choices.length };
  }

  /** Drops queued answers and choices, forgets the last plan, report and exports; people answer again. */
  reset(): void {
    this.script?.dispose();
    this.script = undefined;
    this.answers.length = 0;
    this.choices.length = 0;
    this.plan = undefined;
    this.report = undefined;
    this.reports = [];
    this.exports = {};
  }

  /** What the last "Copy as Azure CLI Script" / "Save as Bicep" produced. */
  lastExport(): PlanExport {
    return this.exports;
  }

  /** The Activity view's rows as text, newest plan first. */
  activity(): string[] {
    return this.seam.activity();
  }

  /** Reviews a plan built by hand exactly as a wizard's `review(plan)` does (queued choices answer it). */
  async review(plan: Plan): Promise<ApplyReport | undefined> {
    const report = await this.seam.reviewOrBack(plan, {});
    return report === back ? undefined : report;
  }

  /** The same as a wizard's last step: with `canGoBack` the review offers Back and may resolve with `back`. */
  reviewOrBack(plan: Plan, options: ReviewOptions): Promise<ApplyReport | Back | undefined> {
    return this.seam.reviewOrBack(plan, options);
  }

  private startScript(): void {
    if (this.script !== undefined) {
      return;
    }
    const scripted: Partial<WizardPorts> = {
      ui: new ScriptedUi({ next: () => this.answers.shift() }),
      showPreview: async (uri) => {
        // The preview is read through its document; no editor opens.
        await vscode.workspace.openTextDocument(uri);
      },
      choose: async (question) => {
        const next = this.choices.shift();
        if (next === undefined) {
          // Nothing left to choose: a script never waits for a person.
          return question.kind === 'review' ? 'cancel' : 'dismiss';
        }
        if (!question.offered.includes(next)) {
          throw new Error(`The scripted review chose "${next}", but "${question.message}" offers ${question.offered.map((choice) => `"${choice}"`).join(', ')}.`);
        }
        return next;
      },
      confirm: async () => true,
      bicepFolder: () => mkdtemp(join(tmpdir(), 'traffic-lens-bicep-')),
      showBicep: async () => undefined,
    };
    this.script = this.seam.use(scripted);
  }
}
