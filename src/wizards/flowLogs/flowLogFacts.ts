/**
 * The plain data the flow-log plans are built from: the targets, what Azure holds today (watchers,
 * provider registration, flow logs, storage accounts, workspaces), and the answers. What Azure
 * holds is read by `src/azure/flowLogsReads.ts`, which defines those shapes, and the inventory;
 * no `vscode` or `@azure/*` import here.
 */
import type { ExistingFlowLog, StorageFact, WorkspaceFact } from '../../azure/flowLogsReads';
import type { WatcherFact } from '../shared/networkWatcher';

export type { ExistingFlowLog, FlowLogIdentity, StorageFact, TrafficAnalyticsSettings, WorkspaceFact } from '../../azure/flowLogsReads';

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

export type StorageChoice = { kind: 'existing'; account: StorageFact } | { kind: 'new'; name: string; subscriptionId: string; tenantId: string; resourceGroup: string; location: string };

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
