import type { PlanAction } from '../core/plan';
import type { WritePacer } from './writePacer';

/** What running an action gave back, beyond "it succeeded". */
export interface ActionResult {
  /**
   * For a `put`: the resource as Azure holds it once the operation ended (read back by id), as ARM
   * returns it (`id`, `identity`, `properties`, …). `applyPlan` keeps only what later actions reference.
   */
  resource?: Record<string, unknown>;
  /**
   * Set when Azure already held what the action asks for under another name, so nothing was changed
   * and Undo must leave it: "Already granted by role assignment 0f6c…". The outcome becomes `kept`.
   */
  alreadyInPlace?: string;
}

/** Sends plan actions to Azure; implemented on the official SDKs in `src/azure/armActionRunner.ts`. */
export interface ActionRunner {
  /**
   * Sends one action and waits for its long-running operation to end; throws what `toArmProblem`
   * understands. The action's `bodyFrom` values are already filled into its body (an action still
   * holding references is refused).
   */
  run(action: PlanAction, signal: AbortSignal): Promise<ActionResult | void>;
  /** Reverses a succeeded action as its `undo` step says (default for a created resource: delete it). */
  undo(action: PlanAction, signal: AbortSignal): Promise<void>;
  /** Whether the resource a `put` writes exists now (a failed create may have left it behind); absent means "assume it does". */
  exists?(action: PlanAction, signal: AbortSignal): Promise<boolean>;
  /** Reads the resource a `put` writes, by id at its api-version: a kept action that later actions take values from. */
  read?(action: PlanAction, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** The pacer `applyPlan` uses when the options name none; an ARM runner keeps it in step with ARM's rate-limit headers. */
  readonly pacer?: WritePacer;
}
