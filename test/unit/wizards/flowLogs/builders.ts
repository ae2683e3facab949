import type { ExistingFlowLog, FlowLogAnswers, FlowLogFacts, FlowLogTarget, StorageFact, SubscriptionFacts, WorkspaceFact } from '../../../../src/wizards/flowLogs/flowLogFacts';

export const devSubscription = 'c5e7a9b1-3d2f-4a6c-8e0b-1f3d5a7c9e35';
export const tenantId = '7c3e9a41-5b2d-4f8e-a1c6-3d9b0e2f4a58';
const group = `/subscriptions/${devSubscription}/resourceGroups/rg-dev-network`;
export const vnetArmId = `${group}/providers/Microsoft.Network/virtualNetworks/vnet-dev-spoke`;
export const subnetArmId = `${vnetArmId}/subnets/snet-app`;
export const watcherArmId = `/subscriptions/${devSubscription}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth`;

export function target(overrides: Partial<FlowLogTarget> = {}): FlowLogTarget {
  const armId = overrides.armId ?? vnetArmId;
  return { id: armId.toLowerCase(), armId, name: 'vnet-dev-spoke', kind: 'vnet', location: 'uksouth', subscriptionId: devSubscription, tenantId, vnetId: vnetArmId.toLowerCase(), nicCount: 2, ...overrides };
}

export function subnetTarget(overrides: Partial<FlowLogTarget> = {}): FlowLogTarget {
  return target({ armId: subnetArmId, id: subnetArmId.toLowerCase(), name: 'vnet-dev-spoke/snet-app', kind: 'subnet', ...overrides });
}

export function storageAccount(overrides: Partial<StorageFact> = {}): StorageFact {
  const name = overrides.name ?? 'stdevflowlogs';
  return { armId: `${group}/providers/Microsoft.Storage/storageAccounts/${name}`, name, location: 'uksouth', subscriptionId: devSubscription, resourceGroup: 'rg-dev-network', kind: 'StorageV2', sku: 'Standard_LRS', defaultAction: 'Allow', bypass: 'AzureServices', ...overrides };
}

export function workspace(overrides: Partial<WorkspaceFact> = {}): WorkspaceFact {
  return { armId: `/subscriptions/${devSubscription}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-dev`, name: 'law-dev', customerId: '00000000-1111-2222-3333-444444444444', location: 'uksouth', ...overrides };
}

export function subscriptionFacts(overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts {
  return {
    subscriptionId: devSubscription,
    tenantId,
    displayName: 'Contoso Workload Dev',
    insightsState: 'Registered',
    watchers: [{ armId: watcherArmId, name: 'NetworkWatcher_uksouth', resourceGroup: 'NetworkWatcherRG', location: 'uksouth' }],
    watcherGroupLocation: 'uksouth',
    ...overrides,
  };
}

export function facts(overrides: Partial<FlowLogFacts> = {}): FlowLogFacts {
  return { subscriptions: [subscriptionFacts()], flowLogs: [], ...overrides };
}

export function existingFlowLog(overrides: Partial<ExistingFlowLog> = {}): ExistingFlowLog {
  const name = overrides.name ?? 'fl-vnet-dev-spoke';
  const armId = `${watcherArmId}/flowLogs/${name}`;
  return {
    id: armId.toLowerCase(),
    armId,
    name,
    watcherArmId,
    location: 'uksouth',
    targetId: vnetArmId.toLowerCase(),
    targetArmId: vnetArmId,
    enabled: true,
    storageArmId: storageAccount().armId,
    retentionDays: 30,
    formatVersion: 2,
    trafficAnalytics: { enabled: false },
    ...overrides,
  };
}

export function answers(overrides: Partial<FlowLogAnswers> = {}): FlowLogAnswers {
  return { targets: [target()], storage: { kind: 'existing', account: storageAccount() }, retentionDays: 30, ...overrides };
}
