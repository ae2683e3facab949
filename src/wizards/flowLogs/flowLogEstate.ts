/**
 * What the flow-log wizards read before asking and planning: the subscriptions the tree shows,
 * reloaded so plans see Azure as it is now, turned into targets, storage accounts, workspaces,
 * watchers and flow logs; then, for the subscriptions a plan touches, the Microsoft.Insights
 * registration and the NetworkWatcherRG resource group.
 */
import { parentId } from '../../azure/armIds';
import { FlowLogReads, toExistingFlowLog } from '../../azure/flowLogsReads';
import type { NicRef, VnetRef } from '../../azure/networkApi';
import type { EstateSubscription } from '../../inventory/estate';
import { estateEntryOf, reloadSections } from '../shared/estate';
import { watcherFactsOf, watcherResourceGroup, watchersUnreadable, type WatcherFact } from '../shared/networkWatcher';
import { type ExistingFlowLog, type FlowLogFacts, type FlowLogTarget, type StorageFact, type SubscriptionFacts, type WorkspaceFact } from './flowLogFacts';

/** A read that failed: the wizard goes on without it and logs this. */
export type ReadProblem = (what: string, error: unknown) => void;

export interface FlowLogEstate {
  subscriptions: EstateSubscription[];
  /** Every VNet, subnet and NIC of the shown subscriptions, as flow-log targets. */
  targets: FlowLogTarget[];
  /** NSG id → what it is attached to (subnets, NICs) and its name and region. */
  nsgs: Map<string, { armId: string; name: string; location: string; subscriptionId: string; tenantId: string; subnetIds: string[]; nicIds: string[] }>;
  flowLogs: ExistingFlowLog[];
  watchers: Map<string, WatcherFact[]>;
  /** Subscriptions whose watchers could not be listed, by lower-cased id. */
  watcherProblems: Map<string, { code: string; message: string }>;
  storageAccounts: StorageFact[];
  workspaces: WorkspaceFact[];
  /** Azure's answer to "is this storage account name free?" (a message when not). */
  storageNameProblem(name: string, subscriptionId: string): Promise<string | undefined>;
  /** Provider registration and NetworkWatcherRG for the target subscriptions, plus watchers and flow logs. */
  factsFor(targets: readonly FlowLogTarget[]): Promise<FlowLogFacts>;
}

function vnetTarget(vnet: VnetRef, entry: EstateSubscription, nicsOf: (subnetId: string) => NicRef[]): FlowLogTarget {
  return {
    id: vnet.id,
    armId: vnet.armId,
    name: vnet.name,
    kind: 'vnet',
    location: vnet.location.toLowerCase(),
    subscriptionId: entry.subscription.subscriptionId.toLowerCase(),
    tenantId: entry.subscription.tenantId,
    vnetId: vnet.id,
    nicCount: vnet.subnets.reduce((sum, subnet) => sum + nicsOf(subnet.id).length, 0),
  };
}

/** Reloads every shown subscription's inventory and reads storage accounts and workspaces across them. */
export async function readFlowLogEstate(subscriptions: EstateSubscription[], onProblem: ReadProblem, signal?: AbortSignal): Promise<FlowLogEstate> {
  const estate: FlowLogEstate = {
    subscriptions,
    targets: [],
    nsgs: new Map(),
    flowLogs: [],
    watchers: new Map(),
    watcherProblems: new Map(),
    storageAccounts: [],
    workspaces: [],
    storageNameProblem: async (name, subscriptionId) => {
      const entry = estateEntryOf(subscriptions, subscriptionId) ?? subscriptions[0];
      return entry === undefined ? undefined : new FlowLogReads(entry.account).storageNameProblem(entry.subscription.subscriptionId, entry.subscription.tenantId, name, signal);
    },
    factsFor: (targets) => factsFor(estate, targets, signal),
  };
  await Promise.all(
    subscriptions.map(async (entry) => {
      const { subscriptionId, tenantId, displayName } = entry.subscription;
      const reads = new FlowLogReads(entry.account);
      const [, accounts, workspaces] = await Promise.all([
        reloadSections(entry, 'vnets', 'nics', 'nsgs', 'watchers'),
        reads.listStorageAccounts(subscriptionId, tenantId, signal).catch((error: unknown) => {
          onProblem(`Listing storage accounts of subscription ${displayName} (${subscriptionId})`, error);
          return [];
        }),
        reads.listWorkspaces(subscriptionId, tenantId, signal).catch((error: unknown) => {
          onProblem(`Listing Log Analytics workspaces of subscription ${displayName} (${subscriptionId})`, error);
          return [];
        }),
      ]);
      estate.storageAccounts.push(...accounts);
      estate.workspaces.push(...workspaces);
      const index = entry.inventory.index();
      const nicsOf = (subnetId: string): NicRef[] => index.nicsBySubnet.get(subnetId) ?? [];
      for (const vnet of index.vnetsById.values()) {
        estate.targets.push(vnetTarget(vnet, entry, nicsOf));
        for (const subnet of vnet.subnets) {
          estate.targets.push({ ...vnetTarget(vnet, entry, nicsOf), id: subnet.id, armId: subnet.armId, name: `${vnet.name}/${subnet.name}`, kind: 'subnet', nicCount: nicsOf(subnet.id).length });
        }
      }
      for (const nic of index.nicsById.values()) {
        const vnetId = (nic.subnetIds[0] === undefined ? undefined : parentId(nic.subnetIds[0]));
        estate.targets.push({ id: nic.id, armId: nic.armId, name: nic.name, kind: 'nic', location: nic.location.toLowerCase(), subscriptionId: subscriptionId.toLowerCase(), tenantId, vnetId, subnetIds: nic.subnetIds, nicCount: 1 });
      }
      for (const nsg of index.nsgsById.values()) {
        estate.nsgs.set(nsg.id, { armId: nsg.armId, name: nsg.name, location: nsg.location.toLowerCase(), subscriptionId: subscriptionId.toLowerCase(), tenantId, subnetIds: nsg.subnetIds, nicIds: nsg.nicIds });
      }
      // A failed list is already in the log (the inventory reports it); a plan for this subscription refuses.
      const watchers = entry.inventory.cached('watchers');
      if (watchers?.ok) {
        estate.watchers.set(subscriptionId.toLowerCase(), watcherFactsOf(watchers.value));
        for (const contents of watchers.value) {
          estate.flowLogs.push(...contents.flowLogs.map((flowLog) => toExistingFlowLog(flowLog, contents.watcher.armId)));
        }
      } else if (watchers !== undefined) {
        estate.watcherProblems.set(subscriptionId.toLowerCase(), watchers.problem);
      }
    }),
  );
  return estate;
}

async function factsFor(estate: FlowLogEstate, targets: readonly FlowLogTarget[], signal?: AbortSignal): Promise<FlowLogFacts> {
  const ids = [...new Set(targets.map((target) => target.subscriptionId.toLowerCase()))];
  const subscriptions = await Promise.all(
    ids.map(async (subscriptionId): Promise<SubscriptionFacts> => {
      const entry = estateEntryOf(estate.subscriptions, subscriptionId);
      if (entry === undefined) {
        throw new Error(`Subscription ${subscriptionId} is not shown in the tree; select it with "Select Subscriptions…" and try again.`);
      }
      const { tenantId, displayName } = entry.subscription;
      const problem = estate.watcherProblems.get(subscriptionId);
      if (problem !== undefined) {
        throw watchersUnreadable(displayName, problem);
      }
      const reads = new FlowLogReads(entry.account);
      const [insightsState, watcherGroupLocation] = await Promise.all([
        reads.providerState(entry.subscription.subscriptionId, tenantId, 'Microsoft.Insights', signal),
        reads.resourceGroupLocation(entry.subscription.subscriptionId, tenantId, watcherResourceGroup, signal),
      ]);
      return { subscriptionId: entry.subscription.subscriptionId, tenantId, displayName, insightsState, watchers: estate.watchers.get(subscriptionId) ?? [], watcherGroupLocation };
    }),
  );
  return { subscriptions, flowLogs: estate.flowLogs };
}
