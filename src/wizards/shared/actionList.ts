import type { PlanAction } from '../../core/plan';

/** A plan's actions as a builder adds them, numbered `a1`, `a2`, … in that order. */
export class ActionList {
  readonly actions: PlanAction[] = [];

  add(action: Omit<PlanAction, 'id'>): PlanAction {
    const full: PlanAction = { id: `a${this.actions.length + 1}`, ...action };
    this.actions.push(full);
    return full;
  }
}
