/**
 * The plan review every wizard ends with: show the preview, offer Apply / "Copy as Azure CLI
 * Script" / "Save as Bicep" / Cancel, apply with progress, and after a partial failure or a cancel
 * offer "Retry Remaining" / "Undo Created" until the user is done. Everything the flow touches
 * (windows, clipboard, Azure, the Activity view) comes in through `ReviewPorts`, so this file has
 * no `vscode` import and is tested with fakes.
 */
import { plural } from '../../core/quantities';
import { nameOf, subscriptionOf } from '../../azure/armIds';
import type { ActionRunner } from '../../azure/actionRunner';
import type { ApplyOptions } from './applyPlan';
import type { ActionOutcome, ActionStatus, ApplyReport, Plan, PlanAction, PlanRemedy } from '../../core/plan';
import { deallocations, isBlocked } from '../../core/plan';
import { back, type Back } from './wizardUi';

/**
 * What a review's question may answer: the first question answers the preview, later ones the
 * follow-ups after a partial failure. `back` returns to the wizard's last question; `fix:<id>`
 * starts the plan's remedy of that id.
 */
export type ReviewChoice = 'apply' | 'cancel' | 'copyCli' | 'saveBicep' | 'back' | `fix:${string}` | 'retryRemaining' | 'undoCreated' | 'dismiss';

/** What a run does: apply the plan, retry what is left, or undo what was created. */
export type RunKind = 'apply' | 'retry' | 'undo';

/** The apply engine (`applyPlan.ts`), injectable for tests. */
export interface ApplyEngine {
  applyPlan(plan: Plan, runner: ActionRunner, options?: ApplyOptions): Promise<ApplyReport>;
  retryRemaining(report: ApplyReport, runner: ActionRunner, options?: ApplyOptions): Promise<ApplyReport>;
  undoCreated(report: ApplyReport, runner: ActionRunner, options?: ApplyOptions): Promise<ApplyReport>;
}

/** One plan's row in the Activity view. */
export interface ActivityEntry {
  update(action: PlanAction, outcome: ActionOutcome): void;
  /** The run is over; `summary` is the row's status text, e.g. "applied" or "2 failed". */
  finish(report: ApplyReport, summary: string): void;
  /** A run starts (again): the row shows a spinner. */
  start(kind: RunKind): void;
}

/** A question the review asks: the first offer answers the preview, later ones a report. */
export interface ReviewQuestion {
  kind: 'review' | 'report';
  message: string;
  offered: ReviewChoice[];
  /** How serious the message is (reports of failures are warnings). */
  severity: 'info' | 'warning';
  /** A short note next to a choice, e.g. the downtime Apply causes. */
  notes?: Partial<Record<ReviewChoice, string>>;
  /** The wizards behind the `fix:<id>` choices offered. */
  remedies?: PlanRemedy[];
}

/** How a review may end besides Apply and Cancel. */
export interface ReviewOptions {
  /** Offer Back: the wizard re-asks its last question with every answer kept. */
  canGoBack?: boolean;
}

export interface ReviewPorts {
  showPreview(plan: Plan): Promise<void>;
  /** `undefined` when the user closed the question; `showDetails` asks for the log and the same question again. */
  choose(question: ReviewQuestion): Promise<ReviewChoice | 'showDetails' | undefined>;
  /** A notification that needs no answer; `status`, a passing confirmation (the status bar), as for a copy to the clipboard. */
  notify(message: string, severity: 'status' | 'info' | 'warning' | 'error'): void;
  copyCliScript(plan: Plan): Promise<string>;
  /** Returns the message to show, or `undefined` when the user cancelled the folder dialog. */
  saveBicep(plan: Plan): Promise<string | undefined>;
  /** Runs `work` with cancellable progress; `report(message)` updates the progress message. */
  withProgress(title: string, work: (report: (message: string) => void, signal: AbortSignal) => Promise<ApplyReport>): Promise<ApplyReport>;
  runnerFor(plan: Plan): Promise<ActionRunner>;
  /** Asks the action's `confirm` question; false skips it (and what depends on it). */
  confirm(action: PlanAction): Promise<boolean>;
  engine: ApplyEngine;
  beginActivity(plan: Plan): ActivityEntry;
  /** Shows these subscriptions (GUIDs) in the tree as being changed, with `title`, until the returned function is called. */
  subscriptionsBusy(subscriptionIds: string[], title: string): () => void;
  /** Refreshes these subscriptions (GUIDs) in the tree. */
  subscriptionsChanged(subscriptionIds: string[]): void;
  log: { info(message: string): void; warn(message: string): void; error(message: string): void; show(): void };
  /** Told of the plan under review, and again with each run's report. */
  remember(plan: Plan, report?: ApplyReport): void;
  /** Runs a remedy's command on its rows; resolves when that wizard ends. */
  startRemedy(remedy: PlanRemedy): Promise<void>;
}

const terminal = new Set<ActionStatus>(['succeeded', 'kept', 'failed', 'skipped', 'cancelled', 'undone']);
/** How many names a notification lists before "and N more". */
const listedNames = 3;

/**
 * The choices of a plan's review, the pre-selected one first: Apply when the plan can run and stops
 * no VM; after a safe choice when it deallocates VMs, so Enter alone never plans downtime; the
 * remedies and Back first when a check failed.
 */
export function reviewChoices(plan: Plan, options: ReviewOptions = {}): ReviewChoice[] {
  const goBack: ReviewChoice[] = options.canGoBack ? ['back'] : [];
  const fixes: ReviewChoice[] = isBlocked(plan) ? (plan.remedies ?? []).map((remedy) => `fix:${remedy.id}` as const) : [];
  if (isBlocked(plan)) {
    return [...fixes, ...goBack, 'copyCli', 'saveBicep', 'cancel'];
  }
  if (deallocations(plan).length > 0) {
    return options.canGoBack ? ['back', 'apply', 'copyCli', 'saveBicep', 'cancel'] : ['copyCli', 'apply', 'saveBicep', 'cancel'];
  }
  return ['apply', 'copyCli', 'saveBicep', ...goBack, 'cancel'];
}

/**
 * Shows `plan`, and applies it when the user chooses Apply; resolves with the last run's report,
 * `back` when the user chose Back (offered with `options.canGoBack`), or `undefined`.
 */
export async function reviewPlan(plan: Plan, ports: ReviewPorts, options: ReviewOptions = {}): Promise<ApplyReport | Back | undefined> {
  ports.remember(plan);
  await ports.showPreview(plan);
  const blocked = isBlocked(plan);
  const offered = reviewChoices(plan, options);
  const failedChecks = plan.checks.filter((check) => check.status === 'failed').map((check) => check.title);
  const stopped = deallocations(plan).length;
  const downtime = stopped > 0 ? `stops and starts ${plural(stopped, 'VM')} (a few minutes of downtime each)` : undefined;
  const message = blocked
    ? `${plan.title}: can't apply, ${failedChecks.length === 1 ? 'a check failed' : `${failedChecks.length} checks failed`}: ${failedChecks.join('; ')}.`
    : `${plan.title}: apply ${plural(plan.actions.filter((action) => action.existing !== 'same').length, 'change')}?${downtime ? ` It ${downtime}.` : ''}`;
  const notes: Partial<Record<ReviewChoice, string>> = {};
  if (downtime) {
    notes.apply = `Also ${downtime}`;
  }
  if (options.canGoBack) {
    notes.back = 'Change an answer; the others are kept';
  }
  const remedies = blocked ? (plan.remedies ?? []) : [];
  for (const remedy of remedies) {
    notes[`fix:${remedy.id}`] = remedy.detail;
  }
  for (;;) {
    const choice = await ports.choose({ kind: 'review', message, offered, severity: blocked ? 'warning' : 'info', notes, ...(remedies.length > 0 ? { remedies } : {}) });
    if (choice === 'copyCli' || choice === 'saveBicep') {
      try {
        const done = choice === 'copyCli' ? await ports.copyCliScript(plan) : await ports.saveBicep(plan);
        if (done !== undefined) {
          ports.notify(done, choice === 'copyCli' ? 'status' : 'info');
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        ports.log.error(`${choice === 'copyCli' ? 'Copy as Azure CLI Script' : 'Save as Bicep'} failed for "${plan.title}": ${reason}`);
        ports.notify(`Couldn't ${choice === 'copyCli' ? 'copy the Azure CLI script' : 'save the Bicep files'} for "${plan.title}": ${reason}`, 'error');
      }
      continue;
    }
    if (choice === 'showDetails') {
      ports.log.show();
      continue;
    }
    if (choice === 'back' && options.canGoBack) {
      return back;
    }
    const remedy = remedies.find((candidate) => choice === `fix:${candidate.id}`);
    if (remedy !== undefined) {
      ports.log.info(`Starting ${remedy.label} (${remedy.detail}) to fix "${plan.title}".`);
      await ports.startRemedy(remedy);
      return undefined;
    }
    if (choice !== 'apply') {
      return undefined;
    }
    break;
  }

  const runner = await ports.runnerFor(plan);
  const activity = ports.beginActivity(plan);
  return followUp('apply', await run('apply', plan, undefined, runner, activity, ports), undefined, runner, activity, ports);
}

/**
 * "Undo" of a plan applied earlier (the Activity view's row): asks first, then deletes what it
 * created and puts back what it changed as it was read, with the same progress, report and
 * follow-up questions as after a partial failure. Undefined when the user did not confirm.
 */
export async function undoApplied(report: ApplyReport, ports: ReviewPorts, activity: ActivityEntry): Promise<ApplyReport | undefined> {
  const plan = report.plan;
  const done = report.outcomes.filter((outcome) => outcome.status === 'succeeded').length;
  const message = `Undo "${plan.title}"? What it created is deleted and what it changed is put back as it was before (${plural(done, 'change')}).`;
  for (;;) {
    const choice = await ports.choose({ kind: 'report', message, offered: ['undoCreated', 'dismiss'], severity: 'warning' });
    if (choice === 'showDetails') {
      ports.log.show();
      continue;
    }
    if (choice !== 'undoCreated') {
      return undefined;
    }
    break;
  }
  const runner = await ports.runnerFor(plan);
  return followUp('undo', await run('undo', plan, report, runner, activity, ports), report, runner, activity, ports);
}

/** After a run: tells the outcome, and while something is left to decide, asks and runs again. */
async function followUp(firstKind: RunKind, firstReport: ApplyReport, firstPrevious: ApplyReport | undefined, runner: ActionRunner, activity: ActivityEntry, ports: ReviewPorts): Promise<ApplyReport> {
  const plan = firstReport.plan;
  let kind = firstKind;
  let previous = firstPrevious;
  let report = firstReport;
  for (;;) {
    const outcome = describeReport(report, kind, previous);
    if (outcome.question === undefined) {
      ports.notify(outcome.message, outcome.severity);
      return report;
    }
    const choice = await ports.choose(outcome.question);
    if (choice === 'showDetails') {
      ports.log.show();
      continue;
    }
    if ((choice === 'retryRemaining' || choice === 'undoCreated') && outcome.question.offered.includes(choice)) {
      kind = choice === 'retryRemaining' ? 'retry' : 'undo';
      previous = report;
      report = await run(kind, plan, report, runner, activity, ports);
    } else {
      return report;
    }
  }
}

async function run(kind: RunKind, plan: Plan, previous: ApplyReport | undefined, runner: ActionRunner, activity: ActivityEntry, ports: ReviewPorts): Promise<ApplyReport> {
  const total = plan.actions.length;
  const statuses = new Map<string, ActionStatus>();
  for (const outcome of previous?.outcomes ?? []) {
    // A retry counts what already succeeded as done; an undo starts its count from zero.
    if (kind === 'retry' && (outcome.status === 'succeeded' || outcome.status === 'kept')) {
      statuses.set(outcome.actionId, outcome.status);
    }
  }
  const messages = new Map<string, string | undefined>();
  const doneCount = (): number => [...statuses.values()].filter((status) => terminal.has(status)).length;
  const title = `${kind === 'apply' ? 'Applying' : kind === 'retry' ? 'Retrying' : 'Undoing'}: ${plan.title}`;
  activity.start(kind);
  ports.log.info(`${title} (${plural(total, 'action')})`);
  // The same subscriptions the refresh afterwards may cover.
  const touched = [...new Set(plan.actions.flatMap(subscriptionsAffected))];
  const notBusy = ports.subscriptionsBusy(touched, kind === 'apply' ? 'Applying changes…' : kind === 'retry' ? 'Retrying changes…' : 'Undoing changes…');
  let report: ApplyReport;
  try {
    report = await ports.withProgress(title, async (progress, signal) => {
      progress(`0/${total}`);
      const options: ApplyOptions = {
        signal,
        // Big plans (hundreds of tap configurations) run wide: the runner's pacer keeps writes within ARM's limits.
        concurrency: Math.min(100, Math.max(8, Math.ceil(total / 5))),
        confirm: (action) => ports.confirm(action),
        onUpdate: (action, outcome) => {
          const before = statuses.get(action.id);
          const beforeMessage = messages.get(action.id);
          statuses.set(action.id, outcome.status);
          messages.set(action.id, outcome.message);
          activity.update(action, outcome);
          if (before === outcome.status && (beforeMessage === outcome.message || outcome.message === undefined)) {
            // Only an attempt count changed: nothing new to tell.
            return;
          }
          const described = before === outcome.status && outcome.status === 'running' ? `Waiting to try again: ${action.title}: ${outcome.code ?? ''} ${outcome.message ?? ''}`.trim() : describeOutcome(action, outcome, kind);
          // The count is of finished actions, not a step number: a start and the finish before it share one.
          const line = `${described} (${doneCount()} of ${total} done)`;
          if (outcome.status === 'failed') {
            ports.log.error(line);
          } else if (before === outcome.status) {
            ports.log.warn(line);
          } else {
            ports.log.info(line);
          }
          progress(`${doneCount()}/${total}: ${described}`);
        },
      };
      if (kind === 'apply') {
        return ports.engine.applyPlan(plan, runner, options);
      }
      return kind === 'retry' ? ports.engine.retryRemaining(previous as ApplyReport, runner, options) : ports.engine.undoCreated(previous as ApplyReport, runner, options);
    });
  } catch (error) {
    // The engine reports failures per action; reaching here means it could not run at all.
    const reason = error instanceof Error ? error.message : String(error);
    ports.log.error(`${title} stopped: ${reason}`);
    report = {
      plan,
      outcomes: plan.actions.map((action) => ({ actionId: action.id, status: statuses.get(action.id) ?? 'failed', attempts: 0, ...(statuses.has(action.id) ? {} : { code: 'ApplyFailed', message: reason }) })),
      complete: false,
    };
  }
  ports.remember(plan, report);
  activity.finish(report, summarize(report, kind, previous));
  const changed = new Set<string>();
  for (const outcome of report.outcomes) {
    const action = plan.actions.find((candidate) => candidate.id === outcome.actionId);
    if (action && (outcome.status === 'succeeded' || outcome.status === 'undone' || outcome.status === 'failed')) {
      for (const subscription of subscriptionsAffected(action)) {
        changed.add(subscription);
      }
    }
  }
  if (changed.size > 0) {
    ports.subscriptionsChanged([...changed]);
  }
  // After the refresh has begun, so that the rows stay marked until they show the change.
  notBusy();
  return report;
}

/**
 * The subscriptions whose listing an action changes: its own, and those of the resources its body
 * refers to (a tap configuration adds a source to a TAP in the hub; a peering changes the state of
 * the remote side).
 */
export function subscriptionsAffected(action: PlanAction): string[] {
  const found = new Set<string>();
  const own = subscriptionOf(action.resourceId);
  if (own !== '') {
    found.add(own);
  }
  for (const match of JSON.stringify(action.body ?? null).matchAll(/\/subscriptions\/([0-9a-f-]{36})\//gi)) {
    found.add(match[1].toLowerCase());
  }
  return [...found];
}

/** The Activity row's status text after a run. */
export function summarize(report: ApplyReport, kind: RunKind = 'apply', previous?: ApplyReport): string {
  const count = (status: ActionStatus): number => report.outcomes.filter((outcome) => outcome.status === status).length;
  const failed = count('failed');
  if (kind === 'undo') {
    const failedBefore = previous?.outcomes.filter((outcome) => outcome.status === 'failed').length ?? 0;
    const undoFailed = failed - failedBefore;
    return undoFailed > 0 ? `undo failed for ${undoFailed}` : `undone (${count('undone')})`;
  }
  if (failed > 0) {
    return `${failed} failed`;
  }
  if (count('cancelled') > 0) {
    return 'cancelled';
  }
  if (report.complete) {
    return 'applied';
  }
  return `${count('skipped')} skipped`;
}

interface ReportOutcome {
  message: string;
  severity: 'info' | 'warning';
  /** Set when the user has something to decide (retry, undo). */
  question?: ReviewQuestion;
}

/**
 * What to tell the user after a run: a plain notification when everything is in place (or undone),
 * otherwise a warning naming what now exists and what failed with Azure's codes, with the choices
 * that make sense for it.
 */
export function describeReport(report: ApplyReport, kind: RunKind = 'apply', previous?: ApplyReport): ReportOutcome {
  const plan = report.plan;
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const named = (outcomes: ActionOutcome[], withCode: boolean): string =>
    listNames(outcomes.map((outcome) => {
      const action = byId.get(outcome.actionId);
      const name = action ? nameOf(action.resourceId) : outcome.actionId;
      return withCode && outcome.code ? `${name} (${outcome.code})` : name;
    }));
  const withStatus = (...statuses: ActionStatus[]): ActionOutcome[] => report.outcomes.filter((outcome) => statuses.includes(outcome.status));
  const created = withStatus('succeeded');
  const failed = withStatus('failed');
  const cancelled = withStatus('cancelled');
  const notRun = withStatus('skipped', 'cancelled', 'pending');

  if (kind === 'undo') {
    // Only what the previous run created was to be undone; actions that had failed stay failed.
    const targets = new Set((previous?.outcomes ?? report.outcomes).filter((outcome) => outcome.status === 'succeeded' || (previous === undefined && outcome.status === 'undone')).map((outcome) => outcome.actionId));
    const ofTargets = report.outcomes.filter((outcome) => targets.has(outcome.actionId));
    const undone = ofTargets.filter((outcome) => outcome.status === 'undone');
    const undoFailed = ofTargets.filter((outcome) => outcome.status === 'failed');
    const cannotUndo = ofTargets.filter((outcome) => outcome.status === 'succeeded');
    if (undoFailed.length === 0 && cannotUndo.length === 0) {
      // The outcome first: a collapsed notification shows only its start.
      return { message: `Undone (${undone.length > 0 ? named(undone, false) : 'nothing needed undoing'}): ${plan.title}.`, severity: 'info' };
    }
    const sentences = [`Couldn't undo everything: ${plan.title}.`];
    if (undoFailed.length > 0) {
      sentences.push(`Still in place: ${named(undoFailed, true)}.`);
    }
    if (cannotUndo.length > 0) {
      sentences.push(`Updated, not created, so left as they are: ${named(cannotUndo, false)}.`);
    }
    if (undone.length > 0) {
      sentences.push(`Undone: ${named(undone, false)}.`);
    }
    const message = sentences.join(' ');
    if (undoFailed.length === 0) {
      return { message, severity: 'warning' };
    }
    return { message, severity: 'warning', question: { kind: 'report', message, offered: ['undoCreated', 'dismiss'], severity: 'warning' } };
  }

  if (report.complete) {
    const kept = withStatus('kept');
    const parts = [created.length > 0 ? `${plural(created.length, 'change')} made` : '', kept.length > 0 ? `${kept.length} already in place` : ''].filter((part) => part !== '');
    return { message: `Done${parts.length > 0 ? ` (${parts.join(', ')})` : ''}: ${plan.title}.`, severity: 'info' };
  }

  const sentences: string[] = [];
  const cancelledOnly = cancelled.length > 0 && failed.length === 0;
  if (cancelledOnly) {
    sentences.push(`Cancelled: ${plan.title}.`);
    sentences.push(created.length > 0 ? `Created before the cancel: ${named(created, false)}.` : 'Nothing was created before the cancel.');
  } else {
    sentences.push(failed.length > 0 ? `${failed.length} of ${plural(plan.actions.length, 'action')} failed in ${plan.title}: ${named(failed, true)}.` : `Not everything ran: ${plan.title}.`);
    sentences.push(created.length > 0 ? `Now in place: ${named(created, false)}.` : 'Nothing was created.');
  }
  const notRunListed = cancelledOnly ? notRun.filter((outcome) => outcome.status !== 'cancelled') : notRun;
  if (notRunListed.length > 0) {
    sentences.push(`Not run: ${named(notRunListed, false)}.`);
  }
  const offered: ReviewChoice[] = ['retryRemaining'];
  if (created.length > 0) {
    offered.push('undoCreated');
  }
  offered.push('dismiss');
  const message = sentences.join(' ');
  return { message, severity: 'warning', question: { kind: 'report', message, offered, severity: 'warning' } };
}

/** The log line for an outcome: "Created tap configuration tap-1 on nic-web-1 (2 attempts)". */
export function describeOutcome(action: PlanAction, outcome: ActionOutcome, kind: RunKind = 'apply'): string {
  const attempts = outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : '';
  switch (outcome.status) {
    case 'pending':
      return `Waiting: ${action.title}`;
    case 'running':
      return `${kind === 'undo' ? 'Undoing' : 'Started'}: ${action.title}`;
    case 'succeeded':
      return `${pastTense(action.title)}${attempts}`;
    case 'kept':
      // A message says where Azure already had it ("Already granted by role assignment …").
      return `Already in place, kept: ${action.title}${outcome.message ? ` (${outcome.message})` : ''}`;
    case 'failed':
      return `${kind === 'undo' ? 'Undo failed' : 'Failed'}: ${action.title}: ${outcome.code ?? 'Error'}${outcome.message ? ` ${outcome.message}` : ''}${attempts}`;
    case 'skipped':
      return `Skipped: ${action.title}${outcome.message ? ` (${outcome.message})` : ''}`;
    case 'cancelled':
      return `Cancelled: ${action.title}`;
    case 'undone':
      return `Undone: ${action.title}${attempts}`;
  }
}

/** "Create tap configuration x" → "Created tap configuration x"; "Stop capture" → "Stopped capture". */
export function pastTense(title: string): string {
  const match = /^([A-Z][a-z]+)(\b.*)$/s.exec(title);
  if (!match) {
    return `Done: ${title}`;
  }
  const [, verb, rest] = match as unknown as [string, string, string];
  const irregular: Record<string, string> = { Set: 'Set', Run: 'Ran', Stop: 'Stopped', Add: 'Added', Put: 'Put', Keep: 'Kept' };
  const past = irregular[verb] ?? (verb.endsWith('e') ? `${verb}d` : verb.endsWith('y') && !/[aeiou]y$/.test(verb) ? `${verb.slice(0, -1)}ied` : `${verb}ed`);
  return `${past}${rest}`;
}

function listNames(names: string[]): string {
  if (names.length <= listedNames + 1) {
    return names.join(', ');
  }
  return `${names.slice(0, listedNames).join(', ')} and ${names.length - listedNames} more`;
}

