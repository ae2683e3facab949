import * as vscode from 'vscode';
import type { ActionOutcome, ActionStatus, ApplyReport, Plan, PlanAction } from '../../core/plan';
import { nameOf } from '../../azure/armIds';
import { formatTime } from '../../flowlogs/displayFormat';
import type { ActivityEntry, RunKind } from './review';

/** How many applied plans the view keeps. */
const keptPlans = 50;

interface PlanRow {
  kind: 'plan';
  id: string;
  plan: Plan;
  startedAt: Date;
  running?: RunKind;
  summary: string;
  outcomes: Map<string, ActionOutcome>;
  /** The last run's report: what "Undo" reverses. */
  report?: ApplyReport;
}

interface ActionRow {
  kind: 'action';
  id: string;
  parent: PlanRow;
  action: PlanAction;
}

type ActivityRow = PlanRow | ActionRow;

const statusIcons: Record<ActionStatus, [string, string?]> = {
  pending: ['circle-outline'],
  running: ['loading~spin'],
  succeeded: ['pass', 'testing.iconPassed'],
  kept: ['pass-filled', 'disabledForeground'],
  failed: ['error', 'testing.iconFailed'],
  skipped: ['circle-slash', 'disabledForeground'],
  cancelled: ['stop-circle', 'disabledForeground'],
  undone: ['discard'],
};

/** The Activity view: one row per applied plan, newest first, its actions below with their status. */
export class ActivityView implements vscode.TreeDataProvider<ActivityRow>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ActivityRow | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly rows: PlanRow[] = [];
  private sequence = 0;

  /** Adds a row for `plan` at the top. */
  begin(plan: Plan): ActivityEntry {
    const row: PlanRow = { kind: 'plan', id: `activity-${++this.sequence}`, plan, startedAt: new Date(), summary: 'waiting', outcomes: new Map() };
    this.rows.unshift(row);
    this.rows.splice(keptPlans);
    this.changeEmitter.fire(undefined);
    return this.entryOf(row);
  }

  /**
   * The last report of a finished plan's row and an entry that updates that row, for "Undo"; undefined
   * for a row that is running, gone, or has changed nothing.
   */
  undoable(row: unknown): { report: ApplyReport; entry: ActivityEntry } | undefined {
    const found = this.rows.find((candidate) => candidate === row);
    if (found === undefined || found.running !== undefined || found.report === undefined || !canUndo(found.report)) {
      return undefined;
    }
    return { report: found.report, entry: this.entryOf(found) };
  }

  /** The finished rows "Undo" can take back, newest first, for the palette's pick. */
  undoableRows(): { row: unknown; title: string; description: string }[] {
    return this.rows
      .filter((row) => row.running === undefined && row.report !== undefined && canUndo(row.report))
      .map((row) => ({ row, title: row.plan.title, description: `${row.summary}, started ${formatTime(row.startedAt.getTime())} UTC` }));
  }

  private entryOf(row: PlanRow): ActivityEntry {
    return {
      start: (kind) => {
        row.running = kind;
        row.summary = kind === 'apply' ? 'applying' : kind === 'retry' ? 'retrying' : 'undoing';
        this.changeEmitter.fire(row);
      },
      update: (action, outcome) => {
        row.outcomes.set(action.id, outcome);
        this.changeEmitter.fire(row);
      },
      finish: (report: ApplyReport, summary) => {
        row.running = undefined;
        row.summary = summary;
        row.report = report;
        for (const outcome of report.outcomes) {
          row.outcomes.set(outcome.actionId, outcome);
        }
        this.changeEmitter.fire(row);
      },
    };
  }

  getTreeItem(row: ActivityRow): vscode.TreeItem {
    if (row.kind === 'plan') {
      const item = new vscode.TreeItem(row.plan.title, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = row.id;
      const done = [...row.outcomes.values()].filter((outcome) => outcome.status !== 'pending' && outcome.status !== 'running').length;
      item.description = row.running ? `${row.summary} ${done}/${row.plan.actions.length}` : row.summary;
      item.tooltip = `${row.plan.title}\nStarted ${formatTime(row.startedAt.getTime())} UTC\n${item.description}`;
      item.iconPath = row.running ? new vscode.ThemeIcon('loading~spin') : planIcon(row);
      item.contextValue = row.running === undefined && row.report !== undefined && canUndo(row.report) ? 'activityPlan;canUndo' : 'activityPlan';
      return item;
    }
    const outcome = row.parent.outcomes.get(row.action.id);
    const status: ActionStatus = outcome?.status ?? (row.action.existing === 'same' ? 'kept' : 'pending');
    const item = new vscode.TreeItem(row.action.title, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    const [icon, color] = statusIcons[status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.description = outcome?.code ? `${status}: ${outcome.code}` : status;
    const tooltip = [row.action.title, row.action.resourceId, `Status: ${status}`];
    if (outcome?.message) {
      tooltip.push(outcome.message);
    }
    if (outcome && outcome.attempts > 1) {
      tooltip.push(`${outcome.attempts} attempts`);
    }
    item.tooltip = tooltip.join('\n');
    item.contextValue = `activityAction;${status}`;
    return item;
  }

  getChildren(row?: ActivityRow): ActivityRow[] {
    if (row === undefined) {
      return this.rows;
    }
    if (row.kind === 'action') {
      return [];
    }
    return row.plan.actions.map((action) => ({ kind: 'action', id: `${row.id}/${action.id}`, parent: row, action }));
  }

  getParent(row: ActivityRow): ActivityRow | undefined {
    return row.kind === 'action' ? row.parent : undefined;
  }

  /** Drops the plans that are not running; answers how many went. */
  clearFinished(): number {
    const before = this.rows.length;
    const running = this.rows.filter((row) => row.running !== undefined);
    this.rows.splice(0, this.rows.length, ...running);
    this.changeEmitter.fire(undefined);
    return before - running.length;
  }

  /** The rows as text, for the extension's API: "title — status" with its actions indented. */
  describe(): string[] {
    return this.rows.flatMap((row) => [
      `${row.plan.title} — ${row.summary}`,
      ...row.plan.actions.map((action) => `  ${nameOf(action.resourceId)}: ${row.outcomes.get(action.id)?.status ?? 'pending'}`),
    ]);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

/** Whether a run left something in place that "Undo" can take back. */
function canUndo(report: ApplyReport): boolean {
  return report.outcomes.some((outcome) => outcome.status === 'succeeded');
}

function planIcon(row: PlanRow): vscode.ThemeIcon {
  const statuses = [...row.outcomes.values()].map((outcome) => outcome.status);
  if (statuses.includes('failed')) {
    return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
  if (statuses.includes('cancelled') || statuses.includes('skipped')) {
    return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  }
  if (statuses.length > 0 && statuses.every((status) => status === 'undone' || status === 'kept' || status === 'pending')) {
    return new vscode.ThemeIcon('discard');
  }
  return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}
