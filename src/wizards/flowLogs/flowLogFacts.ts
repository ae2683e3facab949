/**
 * The plain data the flow-log plans are built from: the targets, what Azure holds today (watchers,
 * provider registration, flow logs, storage accounts, workspaces), and the answers. Read by
 * `src/azure/flowLogsReads.ts` and the inventory; no `vscode` or `@azure/*` import here.
 */
import type { WatcherFact } from '../shared/networkWatcher';

/** What a VNet flow log can be attached to (an NSG only appears as the source of a migration). */
export type FlowLogTargetKind = 'vnet' | 'subnet' | 'nic' | 'nsg';

export interface FlowLogTarget {
  /** Lower-cased ARM id. */
  id: string;
  armId: string;
  /** What a person reads: `vnet-dev-spoke`, `vnet-dev-spoke/snet-app`, `nic-dev-01`. */
  name: string;
  kind: FlowLogTargetKind;
  location: string;
  subscriptionId: string;
  tenantId: string;
  /** Lower-cased id of the virtual network it belongs to (a subnet's or a NIC's), or its own for a VNet. */
  vnetId?: string;
  /** Lower-cased ids of the subnets a NIC sits in. */
  subnetIds?: string[];
  /** NICs whose traffic it covers (for the estimate). */
  nicCount: number;
}

export interface TrafficAnalyticsSettings {
  enabled: boolean;
  workspaceResourceId?: string;
  intervalMinutes?: number;
}

/**
 * A flow log's managed identity as a write sends it back: its type and the ARM ids of its
 * user-assigned identities (their principal and client ids are Azure's to fill in).
 */
export interface FlowLogIdentity {
  /** `SystemAssigned`, `UserAssigned`, `SystemAssigned, UserAssigned` or `None`. */
  type: string;
  userAssignedIdentityIds?: string[];
}

/** A flow log Azure holds, with what a plan compares and what an update must keep. */
export interface ExistingFlowLog {
  id: string;
  armId: string;
  name: string;
  /** ARM id of its network watcher. */
  watcherArmId: string;
  location: string;
  targetId: string;
  targetArmId: string;
  enabled: boolean;
  storageArmId: string;
  /** 0 = kept forever. */
  retentionDays: number;
  formatVersion?: number;
  trafficAnalytics: TrafficAnalyticsSettings & { workspaceId?: string; workspaceRegion?: string };
  tags?: Record<string, string>;
  enabledFilteringCriteria?: string;
  recordTypes?: string;
  /** Kept on every write: a flow log writing with a managed identity loses its storage access without it. */
  identity?: FlowLogIdentity;
  /** `retentionPolicy` as Azure holds it (days are kept while retention is off). */
  retentionPolicy?: { days?: number; enabled?: boolean };
  /** `format.type` as Azure holds it (`JSON`). */
  formatType?: string;
}

export interface SubscriptionFacts {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  /** Microsoft.Insights `registrationState`: `Registered`, `NotRegistered`, `Registering`, … */
  insightsState: string;
  watchers: WatcherFact[];
  /** Location of the NetworkWatcherRG resource group, undefined when it does not exist. */
  watcherGroupLocation?: string;
}

export interface StorageFact {
  armId: string;
  name: string;
  location: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `StorageV2`, `Storage`, `BlobStorage`, … */
  kind: string;
  sku: string;
  /** networkRuleSet.defaultAction: `Allow` or `Deny`. */
  defaultAction?: string;
  /** networkRuleSet.bypass, e.g. `AzureServices` or `Logging, Metrics`. */
  bypass?: string;
}

export type StorageChoice = { kind: 'existing'; account: StorageFact } | { kind: 'new'; name: string; subscriptionId: string; tenantId: string; resourceGroup: string; location: string };

export interface WorkspaceFact {
  armId: string;
  name: string;
  /** The workspace GUID (`customerId`), what flowAnalyticsConfiguration calls `workspaceId`. */
  customerId: string;
  location: string;
}

export interface FlowLogAnswers {
  targets: FlowLogTarget[];
  storage: StorageChoice;
  retentionDays: number;
  trafficAnalytics?: { workspace: WorkspaceFact; intervalMinutes: 10 | 60 };
  /** Flow log names by target id; targets without one get `defaultFlowLogName`. */
  flowLogNames?: Record<string, string>;
  /** Estimate input; `defaultFlowsPerHourPerNic` when unset. */
  flowsPerHourPerNic?: number;
}

export interface FlowLogFacts {
  subscriptions: SubscriptionFacts[];
  /** Every flow log of the target subscriptions (same-target detection, double-logging warnings). */
  flowLogs: ExistingFlowLog[];
}
