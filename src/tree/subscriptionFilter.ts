/** The bits of VS Code's Memento the filter uses (globalState satisfies it). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const key = 'trafficLens.selectedSubscriptions';

/** Which subscriptions the tree shows ("Select Subscriptions…"); all until the user picks. Persisted in globalState. */
export class SubscriptionFilter {
  constructor(private readonly state: StateStore) {}

  /** Lower-cased `/subscriptions/<guid>` ids, or undefined for all. */
  get selected(): ReadonlySet<string> | undefined {
    const ids = this.state.get<string[]>(key);
    return ids === undefined ? undefined : new Set(ids);
  }

  isShown(subscriptionId: string): boolean {
    const selected = this.selected;
    return selected === undefined || selected.has(subscriptionId.toLowerCase());
  }

  /** Saves the choice; undefined shows every subscription again. */
  async select(ids: readonly string[] | undefined): Promise<void> {
    await this.state.update(key, ids === undefined ? undefined : ids.map((id) => id.toLowerCase()));
  }
}
