import type { PlanAction } from '../core/plan';
import type { WritePacer } from './writePacer';

/** Sends plan actions to Azure; implemented on the official SDKs in `src/azure/armActionRunner.ts`. */
export interface ActionRunner {
  /** Sends one action and waits for its long-running operation to end; throws what `toArmProblem` understands. */
  run(action: PlanAction, signal: AbortSignal): Promise<void>;
  /** Reverses a succeeded action as its `undo` step says (default for a created resource: delete it). */
  undo(action: PlanAction, signal: AbortSignal): Promise<void>;
  /** Whether the resource a `put` writes exists now (a failed create may have left it behind); absent means "assume it does". */
  exists?(action: PlanAction, signal: AbortSignal): Promise<boolean>;
  /** The pacer `applyPlan` uses when the options name none; an ARM runner keeps it in step with ARM's rate-limit headers. */
  readonly pacer?: WritePacer;
}
