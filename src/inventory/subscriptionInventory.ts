import { mapBounded } from '../azure/bounded';
import { isCancellation, toArmProblem, type ArmProblem } from '../azure/armProblem';
import type { NetworkApi, NetworkWatcherRef, NicRef, NsgRef, PacketCaptureRef, PacketCaptureStatusRef, StorageAccountRef, SubscriptionRef, VirtualNetworkTapRef, VnetRef } from '../azure/networkApi';
import type { FlowLogStorageSource } from './flowLogStorageSource';
import { InventoryIndex, type SectionName, type WatcherContents } from './inventoryIndex';

export type SectionResult<T> = { ok: true; value: T } | { ok: false; problem: ArmProblem };

interface SectionValues {
  vnets: VnetRef[];
  nics: NicRef[];
  nsgs: NsgRef[];
  watchers: (WatcherContents & { problem?: ArmProblem })[];
  taps: VirtualNetworkTapRef[];
}

export const sectionNames: readonly SectionName[] = ['vnets', 'nics', 'nsgs', 'watchers', 'taps'];

/** Reports each failed list call once (for the log channel). */
export type ProblemReporter = (what: string, problem: ArmProblem) => void;

/**
 * One subscription's resources, loaded with one subscription-wide list call per resource type (in
 * parallel, at most `concurrency` at once) and cached until refreshed. Each section can be
 * refreshed alone; `cancel()` aborts whatever is loading.
 */
export class SubscriptionInventory {
  /** How flow-log rows reach their storage accounts with this subscription's sign-in; unset where no storage is browsed (benchmarks, unit tests). */
  flowLogStorage?: FlowLogStorageSource;
  /** The display name of another subscription of the sign-in (shown or not), for rows that point across subscriptions; unset in unit tests. */
  subscriptionName?: (subscriptionId: string) => string | undefined;
  private readonly sections = new Map<SectionName, Promise<SectionResult<unknown>>>();
  private readonly settled = new Map<SectionName, SectionResult<unknown>>();
  private controller = new AbortController();
  private cachedIndex: InventoryIndex | undefined;

  constructor(
    private readonly api: NetworkApi,
    readonly subscription: SubscriptionRef,
    private readonly report: ProblemReporter = () => undefined,
    private readonly concurrency = 4,
  ) {}

  /** True once every section has an answer (value or problem) in the cache. */
  get isLoaded(): boolean {
    return sectionNames.every((name) => this.settled.has(name));
  }

  /** Loads every section not cached yet; resolves when all have settled. */
  async loadAll(): Promise<void> {
    await mapBounded(sectionNames, this.concurrency, (name) => this.section(name));
  }

  section<K extends SectionName>(name: K): Promise<SectionResult<SectionValues[K]>> {
    let pending = this.sections.get(name);
    if (pending === undefined) {
      const signal = this.controller.signal;
      pending = this.fetch(name, signal).then(
        (value): SectionResult<unknown> => ({ ok: true, value }),
        (error: unknown): SectionResult<unknown> => {
          const problem = toArmProblem(error);
          if (!isCancellation(error)) {
            this.report(`Listing ${name} of subscription ${this.subscription.displayName} (${this.subscription.subscriptionId})`, problem);
          }
          return { ok: false, problem };
        },
      );
      const loading = pending;
      this.sections.set(name, loading);
      void loading.then((result) => {
        if (this.sections.get(name) !== loading) {
          return;
        }
        const previous = this.settled.get(name);
        if (!result.ok && result.problem.code === 'Cancelled' && previous !== undefined) {
          // A cancelled refetch (refetchAll) keeps the answer it was replacing.
          this.sections.set(name, Promise.resolve(previous));
          return;
        }
        this.settled.set(name, result);
        this.cachedIndex = undefined;
      });
    }
    return pending as Promise<SectionResult<SectionValues[K]>>;
  }

  /** The cached answer of a section, if it has settled. */
  cached<K extends SectionName>(name: K): SectionResult<SectionValues[K]> | undefined {
    return this.settled.get(name) as SectionResult<SectionValues[K]> | undefined;
  }

  /**
   * A packet capture's state from Network Watcher (not cached: it changes while the capture runs);
   * undefined where the API cannot ask. A failure is the problem, reported once to the log.
   */
  async packetCaptureStatus(capture: PacketCaptureRef, signal: AbortSignal): Promise<SectionResult<PacketCaptureStatusRef> | undefined> {
    if (this.api.packetCaptureStatus === undefined) {
      return undefined;
    }
    try {
      return { ok: true, value: await this.api.packetCaptureStatus(this.subscription, capture, signal) };
    } catch (error) {
      const problem = toArmProblem(error);
      if (!isCancellation(error)) {
        this.report(`Querying the status of packet capture ${capture.armId}`, problem);
      }
      return { ok: false, problem };
    }
  }

  /** The subscription's storage accounts (one subscription-wide list call); not cached here, the storage folder caches it. */
  async listStorageAccounts(signal: AbortSignal): Promise<StorageAccountRef[]> {
    return this.api.listStorageAccounts === undefined ? [] : this.api.listStorageAccounts(this.subscription, signal);
  }

  /** A subscription's display name by id (lower or any case): this one's, another the sign-in sees, or the id itself. */
  nameOfSubscription(subscriptionId: string): string {
    const id = subscriptionId.toLowerCase();
    return id === this.subscription.subscriptionId.toLowerCase() ? this.subscription.displayName : (this.subscriptionName?.(id) ?? `subscription ${id}`);
  }

  /** Lookups across the sections that loaded. */
  index(): InventoryIndex {
    if (this.cachedIndex === undefined) {
      const value = <K extends SectionName>(name: K): SectionValues[K] | undefined => {
        const result = this.cached(name);
        return result?.ok ? result.value : undefined;
      };
      this.cachedIndex = new InventoryIndex({ vnets: value('vnets'), nics: value('nics'), nsgs: value('nsgs'), watchers: value('watchers'), taps: value('taps') });
    }
    return this.cachedIndex;
  }

  /** After this extension changed the subscription: the next lists must show the change. */
  noteChanged(): void {
    this.api.noteChanged?.(this.subscription);
  }

  /**
   * Lists every section again, keeping the previous answers readable (`cached`, `index`) until the
   * new ones arrive; `section` gives the new ones. A tree redrawn after it finds the same rows, so
   * what the user had expanded stays expanded.
   */
  async refetchAll(): Promise<void> {
    for (const name of sectionNames) {
      this.sections.delete(name);
    }
    await this.loadAll();
  }

  /** Drops cached sections (all when none are named), so the next read lists again. */
  invalidate(...names: SectionName[]): void {
    for (const name of names.length === 0 ? sectionNames : names) {
      this.sections.delete(name);
      this.settled.delete(name);
    }
    this.cachedIndex = undefined;
    if (names.length === 0) {
      this.cancel();
    }
  }

  /** Aborts every list call in flight; their sections settle as `Cancelled` and are dropped from the cache. */
  cancel(): void {
    this.controller.abort();
    this.controller = new AbortController();
    for (const name of sectionNames) {
      if (!this.settled.has(name)) {
        this.sections.delete(name);
      }
    }
  }

  private async fetch(name: SectionName, signal: AbortSignal): Promise<unknown> {
    switch (name) {
      case 'vnets':
        return this.api.listVnets(this.subscription, signal);
      case 'nics':
        return this.api.listNics(this.subscription, signal);
      case 'nsgs':
        return this.api.listNsgs(this.subscription, signal);
      case 'taps':
        return this.api.listVirtualNetworkTaps(this.subscription, signal);
      case 'watchers':
        return this.fetchWatchers(signal);
    }
  }

  private async fetchWatchers(signal: AbortSignal): Promise<SectionValues['watchers']> {
    const watchers = await this.api.listNetworkWatchers(this.subscription, signal);
    return mapBounded(watchers, this.concurrency, async (watcher) => this.fetchWatcherContents(watcher, signal), signal);
  }

  private async fetchWatcherContents(watcher: NetworkWatcherRef, signal: AbortSignal): Promise<SectionValues['watchers'][number]> {
    const [flowLogs, captures] = await Promise.allSettled([this.api.listFlowLogs(this.subscription, watcher, signal), this.api.listPacketCaptures(this.subscription, watcher, signal)]);
    const contents: SectionValues['watchers'][number] = {
      watcher,
      flowLogs: flowLogs.status === 'fulfilled' ? flowLogs.value : [],
      packetCaptures: captures.status === 'fulfilled' ? captures.value : [],
    };
    const failed = flowLogs.status === 'rejected' ? flowLogs : captures.status === 'rejected' ? captures : undefined;
    if (failed) {
      if (isCancellation(failed.reason)) {
        throw failed.reason;
      }
      contents.problem = toArmProblem(failed.reason);
      this.report(`Listing flow logs and packet captures of ${watcher.name}`, contents.problem);
    }
    return contents;
  }
}
