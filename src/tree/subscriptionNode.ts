import type * as vscode from 'vscode';
import type { SubscriptionRef } from '../azure/networkApi';
import type { SectionName } from '../inventory/inventoryIndex';
import { MessageNode } from './messageNode';
import { NsgNode } from './nsgNode';
import { ResourceNode } from './resourceNode';
import { StorageAccountsFolderNode } from './storageNodes';
import { sectionNames, type SubscriptionInventory } from '../inventory/subscriptionInventory';
import { mirroredElsewhere } from './tapMirrors';
import { TapNode } from './tapNode';
import { describeFolder, describeSubscription, emptyFolderMessage, type FolderKind, type ItemDescription } from './treeItems';
import { treeItemFrom, type TreeNode } from './treeNode';
import { VnetNode } from './vnetNode';
import { WatcherNode } from './watcherNode';

/**
 * A subscription. Expanding it loads its inventory (one list call per resource type, in
 * parallel) behind a "Loading…" row that can be cancelled, then shows one folder per kind.
 */
export class SubscriptionNode extends ResourceNode {
  private loading: Promise<void> | undefined;
  private wasCancelled = false;
  private storageFolder: StorageAccountsFolderNode | undefined;

  constructor(
    readonly subscription: SubscriptionRef,
    inventory: SubscriptionInventory,
    private readonly tenantName: string | undefined,
    /** Tells the tree this node's children changed (its load finished). */
    private readonly changed: (node: TreeNode) => void,
    /** The inventory of another subscription the tree lists (by lower-case subscription id), for resources that refer across subscriptions. */
    readonly inventoryOf: (subscriptionId: string) => SubscriptionInventory | undefined = () => undefined,
  ) {
    super(undefined, subscription.id, { armId: `/subscriptions/${subscription.subscriptionId}`, name: subscription.displayName, tenantId: subscription.tenantId, properties: subscription.properties }, inventory);
  }

  /** Draws a row of this subscription again (its own data changed, not its children's). */
  redraw(node: TreeNode): void {
    this.changed(node);
  }

  /** What is changing or re-reading this subscription (newest last): the row shows the newest, with a spinner. */
  private readonly busy: string[] = [];

  /** Shows `title` on the row until the returned function is called (overlapping plans each keep their own). */
  markBusy(title: string): () => void {
    this.busy.push(title);
    this.changed(this);
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const at = this.busy.lastIndexOf(title);
      if (at >= 0) {
        this.busy.splice(at, 1);
      }
      this.changed(this);
    };
  }

  get subscriptionInventory(): SubscriptionInventory {
    return this.inventory;
  }

  /** The load in flight, if any (tests wait on it). */
  get pending(): Promise<void> | undefined {
    return this.loading;
  }

  protected describe(): ItemDescription {
    return describeSubscription(this.subscription, this.tenantName, this.busy.at(-1));
  }

  override async children(): Promise<TreeNode[]> {
    if (this.inventory.isLoaded) {
      return this.folders();
    }
    if (this.wasCancelled) {
      return [MessageNode.cancelled(this)];
    }
    if (this.loading === undefined) {
      const load = this.inventory.loadAll().then(() => {
        if (this.loading === load) {
          this.loading = undefined;
          this.wasCancelled = !this.inventory.isLoaded;
          this.changed(this);
        }
      });
      this.loading = load;
    }
    return [MessageNode.loading(this, 'Loading network resources…')];
  }

  private folders(): TreeNode[] {
    const results = sectionNames.map((name) => this.inventory.cached(name));
    const failed = results.filter((result) => result !== undefined && !result.ok);
    if (failed.length === results.length) {
      const first = failed[0];
      return first && !first.ok ? [MessageNode.error(this, first.problem)] : [];
    }
    const folders: TreeNode[] = (['vnets', 'nsgs', 'watchers', 'taps'] as const).map((kind) => new FolderNode(this, kind, this.inventory));
    const storage = this.inventory.flowLogStorage;
    if (storage !== undefined) {
      this.storageFolder ??= new StorageAccountsFolderNode(this, this.inventory, storage);
      folders.push(this.storageFolder);
    }
    return folders;
  }

  /**
   * After this extension changed the subscription: lists it again while its rows stay, then
   * redraws them (a refresh would collapse everything under it while it loads).
   */
  async reload(): Promise<void> {
    if (!this.inventory.isLoaded) {
      this.invalidate();
      this.changed(this);
      return;
    }
    this.storageFolder?.invalidate();
    this.storageFolder = undefined;
    const notBusy = this.markBusy('Reading the changes…');
    const load = this.inventory.refetchAll();
    this.loading = load;
    try {
      await load;
    } finally {
      if (this.loading === load) {
        this.loading = undefined;
      }
      // Redraws the row and its rows with what was read.
      notBusy();
    }
  }

  invalidate(): void {
    this.storageFolder?.invalidate();
    this.storageFolder = undefined;
    this.loading = undefined;
    this.wasCancelled = false;
    this.inventory.invalidate();
  }

  /** Aborts the list calls in flight (this node's load or a folder's refresh); their rows then show "Loading cancelled". */
  cancel(): void {
    this.inventory.cancel();
  }
}

const folderSections: Record<FolderKind, SectionName> = { vnets: 'vnets', nsgs: 'nsgs', watchers: 'watchers', taps: 'taps' };

/** "Virtual networks", "Network security groups", "Network watchers", "Virtual network TAPs" under a subscription. */
export class FolderNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: SubscriptionNode,
    readonly kind: FolderKind,
    private readonly inventory: SubscriptionInventory,
  ) {
    this.id = `${parent.id}#${kind}`;
  }

  toTreeItem(): vscode.TreeItem {
    const result = this.inventory.cached(folderSections[this.kind]);
    return treeItemFrom(this.id, describeFolder(this.kind, result?.ok ? result.value.length : undefined, this.kind === 'taps' ? mirroredElsewhere(this.inventory) : []));
  }

  async children(): Promise<TreeNode[]> {
    const hadAnswer = this.inventory.cached(folderSections[this.kind]) !== undefined;
    const result = await this.inventory.section(folderSections[this.kind]);
    if (!hadAnswer && this.inventory.cached(folderSections[this.kind]) !== undefined) {
      // The row was drawn without its count while the list loaded (after a refresh of the folder).
      queueMicrotask(() => this.parent.redraw(this));
    }
    if (!result.ok) {
      return [result.problem.code === 'Cancelled' ? MessageNode.cancelled(this) : MessageNode.error(this, result.problem)];
    }
    if (result.value.length === 0) {
      return [MessageNode.empty(this, emptyFolderMessage(this.kind, this.kind === 'taps' ? mirroredElsewhere(this.inventory) : []))];
    }
    switch (this.kind) {
      case 'vnets': {
        const vnets = await this.inventory.section('vnets');
        return vnets.ok ? vnets.value.map((vnet) => new VnetNode(this, vnet, this.inventory)) : [];
      }
      case 'nsgs': {
        await this.inventory.section('watchers');
        const nsgs = await this.inventory.section('nsgs');
        return nsgs.ok ? nsgs.value.map((nsg) => new NsgNode(this, nsg, this.inventory)) : [];
      }
      case 'watchers': {
        const watchers = await this.inventory.section('watchers');
        return watchers.ok ? watchers.value.map((contents) => new WatcherNode(this, contents, this.inventory)) : [];
      }
      case 'taps': {
        await this.inventory.section('nics');
        const taps = await this.inventory.section('taps');
        return taps.ok ? taps.value.map((tap) => new TapNode(this, tap, this.inventory, this.parent.inventoryOf)) : [];
      }
    }
  }

  invalidate(): void {
    this.inventory.invalidate(folderSections[this.kind]);
  }
}

