import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ArmActionRunner } from '../../azure/armActionRunner';
import { nameOf, subscriptionOf } from '../../azure/armIds';
import type { EstateSource, EstateSubscription } from '../../inventory/estate';
import { estateEntryOf } from './estate';
import { ActivityView } from './activityView';
import type { ActionRunner } from '../../azure/actionRunner';
import { applyPlan, retryRemaining, undoCreated } from './applyPlan';
import { plural } from '../../core/quantities';
import { toBicep } from './bicep';
import { replaceQuestion, writeBicepFiles } from './bicepFiles';
import { toAzureCliScript, type CliScriptOptions } from './cliScript';
import type { ApplyReport, Plan, PlanRemedy } from '../../core/plan';
import { previewFileName, renderPreview } from './preview';
import { QuickPickUi } from './quickPickUi';
import { reviewPlan, type ReviewOptions, type ReviewPorts, type ReviewQuestion } from './review';
import { ScriptedUi } from './scriptedUi';
import type { WizardContext } from './wizardContext';
import { back, type Back, type WizardUi } from './wizardUi';
import { withCancellableProgress } from './progress';

/** A question answered by a test script: by the step's `id`; `pick` matches an item's label, or its value when that is a string. */
export interface ScriptedAnswer {
  id: string;
  pick?: string | string[];
  input?: string;
  back?: true;
  cancel?: true;
}

/**
 * What a scripted plan review does: the first choice answers the preview, later ones the follow-ups
 * after a partial failure. `back` returns to the wizard's last question; `fix:<id>` starts the
 * plan's remedy of that id (its wizard takes the next scripted answers).
 */
export type ReviewChoice = 'apply' | 'cancel' | 'copyCli' | 'saveBicep' | 'back' | `fix:${string}` | 'retryRemaining' | 'undoCreated' | 'dismiss';

/** What "Copy as Azure CLI Script" and "Save as Bicep" last produced. */
export interface PlanExport {
  cliScript?: string;
  /** Paths of the Bicep files written. */
  bicepFiles?: string[];
}

/** Drives wizards from integration tests (part of the API `activate()` returns). */
export interface WizardTestApi {
  /**
   * Queues answers. From the first queued answer or choice until `reset()`, questions are answered
   * only from the queue: a question whose id differs from the next answer's, or one asked when none
   * is left, fails the wizard at once, and a review with no choice left cancels (a report dismisses).
   */
  answer(answers: ScriptedAnswer[]): void;
  /** Queues what plan reviews and partial-failure reports choose. */
  choose(choices: ReviewChoice[]): void;
  lastPlan(): Plan | undefined;
  lastReport(): ApplyReport | undefined;
  /** Answers and choices not used yet. */
  pending(): { answers: number; choices: number };
  /** Drops queued answers and choices and forgets the last plan and report. */
  reset(): void;
  /** What the last scripted "Copy as Azure CLI Script" / "Save as Bicep" produced (Bicep goes to a temporary folder without a dialog). */
  lastExport(): PlanExport;
  /** The Activity view's rows as text, newest plan first. */
  activity(): string[];
  /** Reviews a plan built by hand exactly as a wizard's `review(plan)` does (queued choices answer it). */
  review(plan: Plan): Promise<ApplyReport | undefined>;
  /** The same as a wizard's last step: with `canGoBack` the review offers Back and may resolve with `back`. */
  reviewOrBack(plan: Plan, options: ReviewOptions): Promise<ApplyReport | Back | undefined>;
}

/** Builds the `WizardContext` wizards get, and the test API. */
export function createWizardHost(tree: EstateSource, log: vscode.LogOutputChannel): { context: WizardContext; testApi: WizardTestApi; disposables: vscode.Disposable[] } {
  const answers: ScriptedAnswer[] = [];
  const choices: ReviewChoice[] = [];
  /** One runner per signed-in account, so its write pacer remembers ARM's budget across plans, retries and undos. */
  const runners = new WeakMap<object, ActionRunner>();
  /** Set by the first queued answer or choice until `reset`: a script is driving, so nothing may wait for a person. */
  let scripting = false;
  let lastPlan: Plan | undefined;
  let lastReport: ApplyReport | undefined;
  let lastExport: PlanExport = {};
  const quickPickUi = new QuickPickUi();
  const scriptedUi = new ScriptedUi({ next: () => answers.shift() });

  const activity = new ActivityView();
  const activityView = vscode.window.createTreeView('trafficLens.activity', { treeDataProvider: activity });
  const previews = new PlanPreviews();
  const disposables: vscode.Disposable[] = [
    activity,
    activityView,
    previews,
    vscode.workspace.registerTextDocumentContentProvider(planScheme, previews),
    // The output channel keeps every step; this only tidies the view.
    vscode.commands.registerCommand('trafficLens.clearActivity', () => activity.clearFinished()),
  ];

  const portsFor = (scripted: boolean): ReviewPorts => ({
    showPreview: async (plan) => {
      const estate = await tree.estate();
      const uri = previews.add(plan, new Map(estate.map((entry) => [entry.subscription.subscriptionId.toLowerCase(), entry.subscription.displayName])));
      if (scripted) {
        // A test reads the preview through the document; it opens no editor.
        await vscode.workspace.openTextDocument(uri);
        return;
      }
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
      }
    },
    choose: async (question) => {
      const next = choices.shift();
      if (next !== undefined) {
        if (!question.offered.includes(next)) {
          throw new Error(`The scripted review chose "${next}", but "${question.message}" offers ${question.offered.map((choice) => `"${choice}"`).join(', ')}.`);
        }
        log.info(`Scripted review: ${next} (${question.message})`);
        return next;
      }
      if (scripted) {
        // Nothing left to choose: a script never waits for a person.
        return question.kind === 'review' ? 'cancel' : 'dismiss';
      }
      return askUser(question);
    },
    notify: (message, severity) => {
      if (severity === 'status') {
        vscode.window.setStatusBarMessage(`$(check) ${message}`, 5000);
        return;
      }
      const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(message);
    },
    copyCliScript: async (plan) => {
      const script = toAzureCliScript(plan, await exportOptions(tree, plan));
      lastExport = { ...lastExport, cliScript: script };
      await vscode.env.clipboard.writeText(script);
      log.info(`Copied the Azure CLI script of "${plan.title}" (${plan.actions.length} actions).`);
      return `Copied the Azure CLI script for "${plan.title}" to the clipboard.`;
    },
    saveBicep: async (plan) => {
      let folder: string;
      if (scripted) {
        folder = await mkdtemp(join(tmpdir(), 'traffic-lens-bicep-'));
      } else {
        const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Save Bicep Here', title: `Save "${plan.title}" as Bicep` });
        if (picked === undefined || picked.length === 0) {
          return undefined;
        }
        folder = picked[0].fsPath;
      }
      const { files } = toBicep(plan, await exportOptions(tree, plan));
      const written = await writeBicepFiles(folder, files, async (replaced) => {
        const answer = await vscode.window.showWarningMessage(replaceQuestion(folder, replaced), { modal: true }, 'Replace');
        return answer === 'Replace';
      });
      if (written === undefined) {
        log.info(`Did not save "${plan.title}" as Bicep: the files in ${folder} were kept.`);
        return undefined;
      }
      lastExport = { ...lastExport, bicepFiles: written };
      log.info(`Saved "${plan.title}" as Bicep: ${written.join(', ')}`);
      if (!scripted && written.length > 0) {
        await vscode.window.showTextDocument(vscode.Uri.file(written[0]), { preview: true, preserveFocus: true });
      }
      return `Saved ${plural(written.length, 'Bicep file')} to ${folder}.`;
    },
    withProgress: async (title, work) => await withCancellableProgress(title, (progress, signal) => work((message) => progress.report({ message }), signal)),
    runnerFor: (plan) => runnerFor(tree, plan, runners),
    confirm: async (action) => {
      if (scripted) {
        log.info(`Scripted review confirmed: ${action.confirm ?? action.title}`);
        return true;
      }
      const answer = await vscode.window.showWarningMessage(action.confirm ?? action.title, { modal: true, detail: action.title }, 'Continue');
      return answer === 'Continue';
    },
    engine: { applyPlan, retryRemaining, undoCreated },
    beginActivity: (plan) => activity.begin(plan),
    subscriptionsBusy: (ids, title) => tree.markSubscriptionsBusy(ids, title),
    subscriptionsChanged: (ids) => tree.invalidateSubscriptions(ids),
    log: {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
      show: () => log.show(),
    },
    remember: (plan, report) => {
      lastPlan = plan;
      lastReport = report;
    },
    startRemedy: async (remedy) => {
      await vscode.commands.executeCommand(remedy.command, ...remedyArguments(remedy));
    },
  });

  const context: WizardContext = {
    // While a script drives, a question past its answers fails at once instead of waiting for a person.
    ui: (): WizardUi => ({
      pick: (step) => (scripting ? scriptedUi.pick(step) : quickPickUi.pick(step)),
      pickMany: (step) => (scripting ? scriptedUi.pickMany(step) : quickPickUi.pickMany(step)),
      input: (step) => (scripting ? scriptedUi.input(step) : quickPickUi.input(step)),
    }),
    estate: () => tree.estate(),
    review: async (plan) => {
      const report = await reviewPlan(plan, portsFor(scripting));
      return report === back ? undefined : report;
    },
    reviewOrBack: (plan, options) => reviewPlan(plan, portsFor(scripting), options),
    log,
  };

  const testApi: WizardTestApi = {
    answer: (more) => {
      answers.push(...more);
      scripting = true;
    },
    choose: (more) => {
      choices.push(...more);
      scripting = true;
    },
    lastPlan: () => lastPlan,
    lastReport: () => lastReport,
    pending: () => ({ answers: answers.length, choices: choices.length }),
    reset: () => {
      scripting = false;
      answers.length = 0;
      choices.length = 0;
      lastPlan = undefined;
      lastReport = undefined;
      lastExport = {};
    },
    lastExport: () => lastExport,
    activity: () => activity.describe(),
    review: (plan) => context.review(plan),
    reviewOrBack: (plan, options) => context.reviewOrBack(plan, options),
  };

  return { context, testApi, disposables };
}

const choiceLabels: Record<Exclude<ReviewChoice, `fix:${string}`>, string> = {
  apply: 'Apply',
  copyCli: 'Copy as Azure CLI Script',
  saveBicep: 'Save as Bicep…',
  back: 'Back',
  cancel: 'Cancel',
  retryRemaining: 'Retry Remaining',
  undoCreated: 'Undo Created',
  dismiss: 'Dismiss',
};

const choiceIcons: Partial<Record<ReviewChoice, string>> = { apply: 'check', copyCli: 'clippy', saveBicep: 'save', back: 'arrow-left', cancel: 'close' };

/** A choice's words: a remedy's command title, or the fixed label. */
function labelOf(question: ReviewQuestion, choice: ReviewChoice): string {
  if (choice.startsWith('fix:')) {
    return question.remedies?.find((remedy) => `fix:${remedy.id}` === choice)?.label ?? choice;
  }
  return choiceLabels[choice as Exclude<ReviewChoice, `fix:${string}`>];
}

/** What a remedy's command receives: the first row as the clicked one, all of them as the selection (what `resourcesOf` reads). */
function remedyArguments(remedy: PlanRemedy): [unknown, unknown[]] {
  const rows = remedy.resourceIds.map((armId) => ({ resource: { armId, name: nameOf(armId), tenantId: '', properties: {} } }));
  return [rows[0], rows];
}

/** The review as a quick pick next to the preview (Back in its title bar when offered); a report as a warning with buttons. */
async function askUser(question: ReviewQuestion): Promise<ReviewChoice | 'showDetails' | undefined> {
  if (question.kind === 'review') {
    return new Promise((resolve) => {
      const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { choice: ReviewChoice }>();
      quickPick.title = question.message;
      quickPick.placeholder = 'Read the plan preview, then choose';
      quickPick.ignoreFocusOut = true;
      quickPick.buttons = question.offered.includes('back') ? [vscode.QuickInputButtons.Back] : [];
      quickPick.items = question.offered.map((choice) => ({
        label: `$(${choiceIcons[choice] ?? (choice.startsWith('fix:') ? 'tools' : 'circle')}) ${labelOf(question, choice)}`,
        description: question.notes?.[choice],
        choice,
      }));
      let result: ReviewChoice | undefined;
      const disposables: vscode.Disposable[] = [
        quickPick.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) {
            result = 'back';
            quickPick.hide();
          }
        }),
        quickPick.onDidAccept(() => {
          result = quickPick.activeItems[0]?.choice;
          quickPick.hide();
        }),
        quickPick.onDidHide(() => {
          disposables.forEach((disposable) => disposable.dispose());
          quickPick.dispose();
          resolve(result);
        }),
      ];
      quickPick.show();
    });
  }
  const buttons = question.offered.filter((choice) => choice !== 'dismiss').map((choice) => labelOf(question, choice));
  const show = question.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const answer = await show(question.message, ...buttons, 'Show Details');
  if (answer === 'Show Details') {
    return 'showDetails';
  }
  return question.offered.find((choice) => labelOf(question, choice) === answer) ?? 'dismiss';
}

/** The estate entry of the subscription of the plan's first action (`undefined` when the tree does not show it). */
async function ownerOf(tree: EstateSource, plan: Plan): Promise<EstateSubscription | undefined> {
  const first = plan.actions[0];
  const subscriptionId = first ? subscriptionOf(first.resourceId) : '';
  const estate = await tree.estate();
  return subscriptionId === '' ? estate[0] : estateEntryOf(estate, subscriptionId);
}

/** Exports address the cloud the plan was made in (`az rest` URLs). */
async function exportOptions(tree: EstateSource, plan: Plan): Promise<CliScriptOptions> {
  const owner = await ownerOf(tree, plan).catch(() => undefined);
  return owner === undefined ? {} : { resourceManagerEndpoint: owner.account.resourceManagerEndpoint };
}

/** Builds the runner for `plan` from the signed-in account that lists the subscription of its first action. */
async function runnerFor(tree: EstateSource, plan: Plan, runners: WeakMap<object, ActionRunner>): Promise<ActionRunner> {
  const owner = await ownerOf(tree, plan);
  if (owner === undefined) {
    const first = plan.actions[0];
    const subscriptionId = first ? subscriptionOf(first.resourceId) : '';
    throw new Error(`Couldn't apply "${plan.title}": subscription ${subscriptionId || '(none)'} is not among the signed-in subscriptions the tree shows. Sign in or select it, then try again.`);
  }
  const account = owner.account;
  // One runner per account, so its write pacer remembers ARM's budget across plans, retries and undos.
  const cached = runners.get(account);
  if (cached !== undefined) {
    return cached;
  }
  const runner = new ArmActionRunner({ resourceManagerEndpoint: account.resourceManagerEndpoint, credentialForTenant: (tenantId) => account.credentialForTenant(tenantId) });
  runners.set(account, runner);
  return runner;
}


const planScheme = 'traffic-lens-plan';

/** Read-only plan previews, one virtual markdown document per review. */
class PlanPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private sequence = 0;

  add(plan: Plan, subscriptionNames: ReadonlyMap<string, string>): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: planScheme, path: `/${++this.sequence}/${previewFileName(plan.title)}` });
    this.contents.set(uri.toString(), renderPreview(plan, { subscriptionNames }));
    // Older previews stay readable while their editors are open; only the latest 20 are kept.
    for (const key of [...this.contents.keys()].slice(0, -20)) {
      this.contents.delete(key);
    }
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# This plan preview is no longer available\n\nRun the wizard again to see its plan.\n';
  }

  dispose(): void {
    this.contents.clear();
  }
}
