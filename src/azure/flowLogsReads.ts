/**
 * Reads the flow-log wizards need beyond the tree's inventory: storage accounts with their
 * firewall, storage name availability, the Microsoft.Insights registration, the NetworkWatcherRG
 * resource group, and Log Analytics workspaces. One instance per signed-in account.
 */
import type { FlowLog } from '@azure/arm-network';
import { resourceGroupOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import { toArmProblem } from './armProblem';
import type { FlowLogRef } from './networkApi';

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

export interface WorkspaceFact {
  armId: string;
  name: string;
  /** The workspace GUID (`customerId`), what flowAnalyticsConfiguration calls `workspaceId`. */
  customerId: string;
  location: string;
}

export class FlowLogReads {
  private readonly clients: ArmClients;

  constructor(account: ArmAccess) {
    this.clients = ArmClients.of(account);
  }

  /** The subscription's storage accounts with kind, SKU and firewall (networkRuleSet). */
  async listStorageAccounts(subscriptionId: string, tenantId: string, signal?: AbortSignal): Promise<StorageFact[]> {
    const client = this.clients.storage(tenantId, subscriptionId);
    const accounts: StorageFact[] = [];
    for await (const account of client.storageAccounts.list({ abortSignal: signal })) {
      if (!account.id || !account.name) {
        continue;
      }
      accounts.push({
        armId: account.id,
        name: account.name,
        location: (account.location ?? '').toLowerCase(),
        subscriptionId: subscriptionId.toLowerCase(),
        resourceGroup: resourceGroupOf(account.id),
        kind: account.kind ?? '',
        sku: account.sku?.name ?? '',
        defaultAction: account.networkRuleSet?.defaultAction,
        bypass: account.networkRuleSet?.bypass,
      });
    }
    return accounts.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Azure's answer to "may I create a storage account with this name?": a message when not, undefined when free. */
  async storageNameProblem(subscriptionId: string, tenantId: string, name: string, signal?: AbortSignal): Promise<string | undefined> {
    const client = this.clients.storage(tenantId, subscriptionId);
    try {
      const result = await client.storageAccounts.checkNameAvailability({ name, type: 'Microsoft.Storage/storageAccounts' }, { abortSignal: signal });
      return result.nameAvailable ? undefined : (result.message ?? `The storage account name ${name} is not available (${result.reason ?? 'unknown reason'}).`);
    } catch (error) {
      const problem = toArmProblem(error);
      return `Couldn't check whether ${name} is free: ${problem.message} (${problem.code}).`;
    }
  }

  /** `registrationState` of a resource provider, e.g. `Registered`, `NotRegistered`, `Registering`. */
  async providerState(subscriptionId: string, tenantId: string, namespace: string, signal?: AbortSignal): Promise<string> {
    const client = this.clients.resources(tenantId, subscriptionId);
    const provider = await client.providers.get(namespace, { abortSignal: signal });
    return provider.registrationState ?? 'NotRegistered';
  }

  /** A resource group's location, or undefined when it does not exist. */
  async resourceGroupLocation(subscriptionId: string, tenantId: string, name: string, signal?: AbortSignal): Promise<string | undefined> {
    const client = this.clients.resources(tenantId, subscriptionId);
    try {
      const group = await client.resourceGroups.get(name, { abortSignal: signal });
      return group.location;
    } catch (error) {
      const problem = toArmProblem(error);
      if (problem.status === 404 || problem.code === 'ResourceGroupNotFound') {
        return undefined;
      }
      throw error;
    }
  }

  /** The subscription's Log Analytics workspaces (Traffic Analytics destinations). */
  async listWorkspaces(subscriptionId: string, tenantId: string, signal?: AbortSignal): Promise<WorkspaceFact[]> {
    const client = this.clients.operationalInsights(tenantId, subscriptionId);
    const workspaces: WorkspaceFact[] = [];
    for await (const workspace of client.workspaces.list({ abortSignal: signal })) {
      if (workspace.id && workspace.name && workspace.customerId) {
        workspaces.push({ armId: workspace.id, name: workspace.name, customerId: workspace.customerId, location: (workspace.location ?? '').toLowerCase() });
      }
    }
    return workspaces.sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** What a plan compares and keeps of a listed flow log (its SDK object is the ref's `properties`). */
export function toExistingFlowLog(ref: FlowLogRef, watcherArmId: string): ExistingFlowLog {
  const flowLog = (ref.properties ?? {}) as FlowLog;
  const analytics = flowLog.flowAnalyticsConfiguration?.networkWatcherFlowAnalyticsConfiguration;
  return {
    id: ref.id,
    armId: ref.armId,
    name: ref.name,
    watcherArmId,
    location: ref.location,
    targetId: ref.targetId,
    targetArmId: ref.targetArmId,
    enabled: ref.enabled,
    storageArmId: ref.storageArmId,
    retentionDays: flowLog.retentionPolicy?.enabled ? (flowLog.retentionPolicy.days ?? 0) : 0,
    formatVersion: ref.formatVersion,
    trafficAnalytics: {
      enabled: analytics?.enabled ?? false,
      workspaceResourceId: analytics?.workspaceResourceId,
      workspaceId: analytics?.workspaceId,
      workspaceRegion: analytics?.workspaceRegion,
      intervalMinutes: analytics?.trafficAnalyticsInterval,
    },
    tags: flowLog.tags,
    enabledFilteringCriteria: flowLog.enabledFilteringCriteria,
    recordTypes: flowLog.recordTypes,
    ...(flowLog.identity?.type ? { identity: identityOf(flowLog.identity) } : {}),
    ...(flowLog.retentionPolicy ? { retentionPolicy: { days: flowLog.retentionPolicy.days, enabled: flowLog.retentionPolicy.enabled } } : {}),
    ...(flowLog.format?.type ? { formatType: flowLog.format.type } : {}),
  };
}

/** The identity as a write sends it back: the type and the user-assigned identities' ids (their principal and client ids are read-only). */
function identityOf(identity: NonNullable<FlowLog['identity']>): FlowLogIdentity {
  const ids = Object.keys(identity.userAssignedIdentities ?? {});
  return { type: String(identity.type), ...(ids.length > 0 ? { userAssignedIdentityIds: ids } : {}) };
}
