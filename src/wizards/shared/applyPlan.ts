import type { ActionOutcome, ApplyReport, Plan, PlanAction } from './plan';

/** Sends plan actions to Azure; implemented on the official SDKs in `src/azure/armActionRunner.ts`. */
export interface ActionRunner {
  /** Sends one action and waits for its long-running operation to end; throws what `toArmProblem` understands. */
  run(action: PlanAction, signal: AbortSignal): Promise<void>;
  /** Reverses a succeeded action as its `undo` step says (default for a created resource: delete it). */
  undo(action: PlanAction, signal: AbortSignal): Promise<void>;
}

export interface ApplyOptions {
  /** Actions in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called whenever an action's outcome changes (output channel, Activity view, progress). */
  onUpdate?(action: PlanAction, outcome: ActionOutcome): void;
  /** Asked before an action with `confirm`; false skips it (and what depends on it). */
  confirm?(action: PlanAction): Promise<boolean>;
}

/** Runs a plan's actions in dependency order with bounded parallelism and ARM-paced writes. */
export function applyPlan(plan: Plan, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  void plan;
  void runner;
  void options;
  throw new Error('applyPlan is not implemented yet');
}

/** Runs again what failed, was skipped or cancelled in `report`; what succeeded stays. */
export function retryRemaining(report: ApplyReport, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  void report;
  void runner;
  void options;
  throw new Error('retryRemaining is not implemented yet');
}

/** Reverses, in reverse dependency order, every action `report` shows as succeeded (never `kept` ones). */
export function undoCreated(report: ApplyReport, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  void report;
  void runner;
  void options;
  throw new Error('undoCreated is not implemented yet');
}
