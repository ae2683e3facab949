import * as vscode from 'vscode';
import type { AzureSignIn, SignedInAccount } from '../azure/azureSignIn';
import { isCancellation, problemLogLine, toArmProblem } from '../azure/armProblem';
import { CloudSettingsError } from '../azure/cloud';
import type { SubscriptionRef } from '../azure/networkApi';
import { MessageNode } from './messageNode';
import { storageLevelOf } from './storageNodes';
import type { TreeStorageSource } from './storageSource';
import type { SubscriptionFilter } from './subscriptionFilter';
import type { EstateSource, EstateSubscription } from '../inventory/estate';
import { SubscriptionInventory } from '../inventory/subscriptionInventory';
import { SubscriptionNode } from './subscriptionNode';
import { displayedTreeItem, type TreeNode } from './treeNode';

/** A row as the extension's API reports it to tests and other extensions. */
export interface InventoryRow {
  id: string;
  label: string;
  description?: string;
  contextValue?: string;
  tooltip?: string;
  /** The command a click runs, if any. */
  command?: string;
}

/** Drives and reads the inventory tree (returned by `activate()` as `inventory`). */
export interface InventoryApi {
  /** Rows under the row with this id (the subscriptions without one), after any load behind a "Loading…" row has finished. */
  children(id?: string): Promise<InventoryRow[]>;
  /** Refreshes one row, or the whole tree. */
  refresh(id?: string): Promise<void>;
  /** Runs the command of a row as a click does (Retry on an error row, Sign In on a tenant row). */
  click(id: string): Promise<unknown>;
  /** Shows a row in the view, selected, and expands it. */
  reveal(id: string): Promise<void>;
  /** Runs a context-menu command on rows, as the menu does: the first row, and all of them as the selection. */
  runOnRows(command: string, ids: readonly string[]): Promise<unknown>;
  isSignedIn(): boolean;
}

interface RootListing {
  subscriptions: { subscription: SubscriptionRef; account: SignedInAccount }[];
  /** Rows to show when there are no subscriptions, or next to them (tenants that need a sign-in, errors). */
  messages: TreeNode[];
}

/** The inventory view: subscriptions › folders › resources. Nodes own their rows; this class only delegates and caches. */
export class LensTreeProvider implements vscode.TreeDataProvider<TreeNode>, EstateSource, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private root: Promise<RootListing> | undefined;
  private rootController = new AbortController();
  private readonly subscriptionNodes = new Map<string, SubscriptionNode>();
  /** Every subscription of the sign-in, shown or hidden, by lower-case GUID: names for rows that point across subscriptions. */
  private listedSubscriptions = new Map<string, SubscriptionRef>();
  private readonly known = new Map<string, TreeNode>();
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private view: vscode.TreeView<TreeNode> | undefined;

  constructor(
    private readonly signIn: AzureSignIn,
    private readonly filter: SubscriptionFilter,
    private readonly log: vscode.LogOutputChannel,
    /** Flow-log storage for a subscription's rows, with the account that listed it. */
    private readonly flowLogStorage?: (account: SignedInAccount, subscription: SubscriptionRef) => TreeStorageSource,
  ) {
    this.disposables.push(signIn.onDidChange(() => this.refresh()));
  }

  /** The view showing this tree (for reveal). */
  attachView(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return displayedTreeItem(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = node === undefined ? await this.rootChildren() : await node.children(this.rootController.signal);
    for (const child of children) {
      this.known.set(child.id, child);
    }
    return children;
  }

  /** Refreshes one node (drops its cache) or, without one, the whole tree. */
  refresh(node?: TreeNode): void {
    if (node === undefined) {
      this.rootController.abort();
      this.rootController = new AbortController();
      for (const subscription of this.subscriptionNodes.values()) {
        subscription.cancel();
      }
      for (const known of this.known.values()) {
        storageLevelOf(known)?.clear();
      }
      this.root = undefined;
      this.subscriptionNodes.clear();
      this.known.clear();
      this.changeEmitter.fire(undefined);
      return;
    }
    node.invalidate?.();
    this.changeEmitter.fire(node);
  }

  /** Refreshes the node a Retry row belongs to. */
  retry(node: TreeNode | undefined): void {
    this.refresh(node);
  }

  /**
   * Aborts the load behind a "Loading…" row of a storage level (`node`, the row's parent), or
   * without one every load in flight; the rows show "Loading cancelled" with a Retry.
   */
  cancelLoading(node?: TreeNode): void {
    const level = storageLevelOf(node);
    if (level !== undefined) {
      level.cancel();
      return;
    }
    for (const known of this.known.values()) {
      storageLevelOf(known)?.cancel();
    }
    for (const subscription of this.subscriptionNodes.values()) {
      subscription.cancel();
    }
  }

  /** Every subscription the sign-in can see, hidden ones included (for "Select Subscriptions…"). */
  async allSubscriptions(): Promise<SubscriptionRef[]> {
    if (!this.signIn.isSignedIn) {
      return [];
    }
    this.root ??= this.listRoot(this.rootController.signal);
    return (await this.root).subscriptions.map((entry) => entry.subscription);
  }

  /**
   * The subscriptions the tree shows, each with the account that lists it and its cached inventory
   * (the same cache the tree reads, so a wizard and the tree agree). Loads nothing by itself.
   */
  async estate(): Promise<EstateSubscription[]> {
    if (!this.signIn.isSignedIn) {
      return [];
    }
    this.root ??= this.listRoot(this.rootController.signal);
    const listing = await this.root;
    this.rootRows(listing);
    return listing.subscriptions.flatMap(({ subscription, account }) => {
      const node = this.subscriptionNodes.get(subscription.id);
      return node === undefined ? [] : [{ subscription, account, inventory: node.subscriptionInventory }];
    });
  }

  /** While a plan changes these subscriptions (GUIDs or ids), their rows say so with `title`, until the returned function is called. */
  markSubscriptionsBusy(subscriptionIds: readonly string[], title: string): () => void {
    const releases = this.subscriptionNodesOf(subscriptionIds).map((node) => node.markBusy(title));
    return () => releases.forEach((release) => release());
  }

  private subscriptionNodesOf(subscriptionIds: readonly string[]): SubscriptionNode[] {
    return subscriptionIds.flatMap((id) => {
      const node = this.subscriptionNodes.get(id.toLowerCase().startsWith('/subscriptions/') ? id.toLowerCase() : `/subscriptions/${id.toLowerCase()}`);
      return node === undefined ? [] : [node];
    });
  }

  /** After a change this extension made: lists these subscriptions again and redraws them. */
  invalidateSubscriptions(subscriptionIds: readonly string[]): void {
    for (const node of this.subscriptionNodesOf(subscriptionIds)) {
      node.subscriptionInventory.noteChanged();
      void node.reload();
    }
  }

  /** A node the tree has shown, by id. */
  node(id: string): TreeNode | undefined {
    return this.known.get(id);
  }

  private rootChildren(): Promise<TreeNode[]> {
    if (!this.signIn.isSignedIn) {
      return Promise.resolve([]);
    }
    this.root ??= this.listRoot(this.rootController.signal);
    return this.root.then((listing) => this.rootRows(listing));
  }

  private rootRows(listing: RootListing): TreeNode[] {
    const rows: TreeNode[] = [];
    this.listedSubscriptions = new Map(listing.subscriptions.map(({ subscription }) => [subscription.subscriptionId.toLowerCase(), subscription]));
    for (const { subscription, account } of listing.subscriptions) {
      if (!this.filter.isShown(subscription.id)) {
        continue;
      }
      let node = this.subscriptionNodes.get(subscription.id);
      if (node === undefined) {
        const inventory = new SubscriptionInventory(account.api, subscription, (what, problem) => this.log.error(problemLogLine(what, problem)));
        const storage = this.flowLogStorage?.(account, subscription);
        const treeStorage: TreeStorageSource | undefined = storage && { ...storage, changed: (changed) => this.changeEmitter.fire(changed) };
        inventory.flowLogStorage = treeStorage;
        inventory.subscriptionName = (subscriptionId) => this.listedSubscriptions.get(subscriptionId)?.displayName;
        node = new SubscriptionNode(
          subscription,
          inventory,
          subscription.tenantName,
          (changed) => this.changeEmitter.fire(changed),
          (subscriptionId) => this.subscriptionNodes.get(`/subscriptions/${subscriptionId}`)?.subscriptionInventory,
        );
        this.subscriptionNodes.set(subscription.id, node);
      }
      rows.push(node);
    }
    if (rows.length === 0 && listing.subscriptions.length > 0) {
      rows.push(MessageNode.signIn(undefined, 'All subscriptions are hidden. Select Subscriptions…', { title: 'Select Subscriptions…', command: 'trafficLens.selectSubscriptions' }));
    } else if (listing.subscriptions.length === 0 && listing.messages.length === 0) {
      rows.push(MessageNode.empty(undefined, 'No subscriptions for this sign-in'));
    }
    return [...rows, ...listing.messages];
  }

  private async listRoot(signal: AbortSignal): Promise<RootListing> {
    const listing: RootListing = { subscriptions: [], messages: [] };
    try {
      this.signIn.cloud();
    } catch (error) {
      if (error instanceof CloudSettingsError) {
        listing.messages.push(MessageNode.error(undefined, { code: 'InvalidSettings', message: error.message }));
        return listing;
      }
      throw error;
    }
    const seen = new Set<string>();
    for (const account of this.signIn.accounts) {
      account.tenantProblems.clear();
      try {
        const subscriptions = await account.api.listSubscriptions(signal);
        for (const subscription of subscriptions) {
          if (!seen.has(subscription.id)) {
            seen.add(subscription.id);
            listing.subscriptions.push({ subscription, account });
          }
        }
      } catch (error) {
        if (isCancellation(error)) {
          listing.messages.push(MessageNode.cancelled(undefined));
          continue;
        }
        const problem = toArmProblem(error);
        this.log.error(problemLogLine(`Listing subscriptions for ${account.label}`, problem));
        listing.messages.push(MessageNode.error(undefined, problem));
        continue;
      }
      for (const { tenant, problem } of account.tenantProblems.values()) {
        if (problem.code === 'AuthenticationRequiredError') {
          listing.messages.push(
            MessageNode.signIn(undefined, `Sign in to ${tenant.displayName} (${account.label})…`, {
              title: 'Sign In to Tenant',
              command: 'trafficLens.signIn',
              arguments: [{ tenantId: tenant.tenantId, accountId: account.id }],
            }),
          );
        }
      }
    }
    // A signed-in user with subscriptions in several tenants sees them side by side, sorted by name.
    listing.subscriptions.sort((a, b) => a.subscription.displayName.localeCompare(b.subscription.displayName));
    return listing;
  }

  /** What `activate()` returns for tests: rows by id, waiting out "Loading…" rows. */
  api(): InventoryApi {
    return {
      children: async (id) => {
        const node = id === undefined ? undefined : this.known.get(id);
        if (id !== undefined && node === undefined) {
          throw new Error(`No row with id ${id} has been shown; list its parent first.`);
        }
        for (;;) {
          const children = await this.getChildren(node);
          const pending = node instanceof SubscriptionNode ? node.pending : storageLevelOf(node)?.pending;
          if (pending !== undefined && children.some((child) => child instanceof MessageNode && child.kind === 'loading')) {
            await pending;
            continue;
          }
          return children.map((child) => toRow(child));
        }
      },
      refresh: async (id) => {
        const node = id === undefined ? undefined : this.known.get(id);
        if (id !== undefined && node === undefined) {
          throw new Error(`No row with id ${id} has been shown.`);
        }
        this.refresh(node);
      },
      click: async (id) => {
        const command = this.known.get(id)?.toTreeItem().command;
        if (command === undefined) {
          throw new Error(`Row ${id} has not been shown or has no command.`);
        }
        return vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      },
      reveal: async (id) => {
        const node = this.known.get(id);
        if (node === undefined || this.view === undefined) {
          throw new Error(`Row ${id} has not been shown.`);
        }
        await this.view.reveal(node, { select: true, focus: true, expand: true });
      },
      runOnRows: async (command, ids) => {
        const nodes = ids.map((id) => {
          const node = this.known.get(id);
          if (node === undefined) {
            throw new Error(`Row ${id} has not been shown.`);
          }
          return node;
        });
        return vscode.commands.executeCommand(command, nodes[0], nodes);
      },
      isSignedIn: () => this.signIn.isSignedIn,
    };
  }

  dispose(): void {
    this.rootController.abort();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}

function toRow(node: TreeNode): InventoryRow {
  const item = displayedTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
  return {
    id: node.id,
    label,
    description: typeof item.description === 'string' ? item.description : undefined,
    contextValue: item.contextValue,
    tooltip,
    command: item.command?.command,
  };
}
