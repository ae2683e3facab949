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
import type { Plan, PlanRemedy } from '../../core/plan';
import { previewFileName, renderPreview } from './preview';
import { QuickPickUi } from './quickPickUi';
import { reviewPlan, undoApplied, type ReviewChoice, type ReviewPorts, type ReviewQuestion } from './review';
import type { WizardContext } from './wizardContext';
import type { WizardPorts, WizardSeam } from './wizardPorts';
import { back, type WizardUi } from './wizardUi';
import { withCancellableProgress } from './progress';

/** Builds the `WizardContext` wizards get, and the seam `activate()` returns. */
export function createWizardHost(tree: EstateSource, log: vscode.LogOutputChannel): { context: WizardContext; seam: WizardSeam; disposables: vscode.Disposable[] } {
  /** One runner per signed-in account, so its write pacer remembers ARM's budget across plans, retries and undos. */
  const runners = new WeakMap<object, ActionRunner>();

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
    vscode.commands.registerCommand('trafficLens.undoActivity', async (given?: unknown) => {
      let row = given;
      if (row === undefined) {
        const rows = activity.undoableRows();
        if (rows.length === 0) {
          void vscode.window.showInformationMessage('No applied plan to undo: the Activity view lists the plans applied in this window.');
          return undefined;
        }
        const picked = await context.ui().pick({
          id: 'activity.undo',
          title: 'Undo an Applied Plan',
          placeholder: 'Which plan? What it created is deleted, what it changed is put back.',
          items: rows.map((candidate) => ({ label: candidate.title, description: candidate.description, value: candidate.row })),
        });
        if (picked === undefined || picked === back) {
          return undefined;
        }
        row = picked;
      }
      const undoable = activity.undoable(row);
      if (undoable === undefined) {
        void vscode.window.showInformationMessage('Choose a finished plan in the Activity view that changed something, then Undo.');
        return undefined;
      }
      return undoApplied(undoable.report, reviewPorts, undoable.entry);
    }),
  ];

  const defaults: WizardPorts = {
    ui: new QuickPickUi(),
    showPreview: async (uri) => {
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
      }
    },
    choose: (question) => askUser(question),
    confirm: async (action) => {
      const answer = await vscode.window.showWarningMessage(action.confirm ?? action.title, { modal: true, detail: action.title }, 'Continue');
      return answer === 'Continue';
    },
    bicepFolder: async (plan) => {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Save Bicep Here', title: `Save "${plan.title}" as Bicep` });
      return picked === undefined || picked.length === 0 ? undefined : picked[0].fsPath;
    },
    showBicep: async (path) => {
      await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true, preserveFocus: true });
    },
    reviewed: () => undefined,
    exported: () => undefined,
  };
  /** Members installed through `seam.use`, latest last. */
  const installed: Partial<WizardPorts>[] = [];
  const port = <K extends keyof WizardPorts>(name: K): WizardPorts[K] => {
    for (let index = installed.length - 1; index >= 0; index--) {
      const member = installed[index][name];
      if (member !== undefined) {
        return member as WizardPorts[K];
      }
    }
    return defaults[name];
  };

  const reviewPorts: ReviewPorts = {
    showPreview: async (plan) => {
      const estate = await tree.estate();
      const uri = previews.add(plan, new Map(estate.map((entry) => [entry.subscription.subscriptionId.toLowerCase(), entry.subscription.displayName])));
      await port('showPreview')(uri);
    },
    choose: (question) => port('choose')(question),
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
      await vscode.env.clipboard.writeText(script);
      port('exported')({ cliScript: script });
      log.info(`Copied the Azure CLI script of "${plan.title}" (${plan.actions.length} actions).`);
      return `Copied the Azure CLI script for "${plan.title}" to the clipboard.`;
    },
    saveBicep: async (plan) => {
      const folder = await port('bicepFolder')(plan);
      if (folder === undefined) {
        return undefined;
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
      port('exported')({ bicepFiles: written });
      log.info(`Saved "${plan.title}" as Bicep: ${written.join(', ')}`);
      if (written.length > 0) {
        await port('showBicep')(written[0]);
      }
      return `Saved ${plural(written.length, 'Bicep file')} to ${folder}.`;
    },
    withProgress: async (title, work) => await withCancellableProgress(title, (progress, signal) => work((message) => progress.report({ message }), signal)),
    runnerFor: (plan) => runnerFor(tree, plan, runners),
    confirm: (action) => port('confirm')(action),
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
    remember: (plan, report) => port('reviewed')(plan, report),
    startRemedy: async (remedy) => {
      await vscode.commands.executeCommand(remedy.command, ...remedyArguments(remedy));
    },
  };

  const context: WizardContext = {
    // Each question goes to the UI installed when it is asked, not when the wizard started.
    ui: (): WizardUi => ({
      pick: (step) => port('ui').pick(step),
      pickMany: (step) => port('ui').pickMany(step),
      input: (step) => port('ui').input(step),
    }),
    estate: () => tree.estate(),
    review: async (plan) => {
      const report = await reviewPlan(plan, reviewPorts);
      return report === back ? undefined : report;
    },
    reviewOrBack: (plan, options) => reviewPlan(plan, reviewPorts, options),
    log,
  };

  const seam: WizardSeam = {
    use: (ports) => {
      const entry = { ...ports };
      installed.push(entry);
      return new vscode.Disposable(() => {
        const index = installed.indexOf(entry);
        if (index >= 0) {
          installed.splice(index, 1);
        }
      });
    },
    reviewOrBack: (plan, options) => context.reviewOrBack(plan, options),
    activity: () => activity.describe(),
  };

  return { context, seam, disposables };
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
