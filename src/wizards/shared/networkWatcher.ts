/**
 * A region's Network Watcher as Azure creates it on first use: `NetworkWatcher_<region>` in the
 * resource group NetworkWatcherRG. Flow logs and packet captures live under it, so their plans
 * create both when the subscription has no watcher in the region. Pure: no `vscode` import here.
 */
import type { ActionList } from './actionList';
import type { PlanAction } from '../../core/plan';
import { networkApiVersion, resourcesApiVersion } from './apiVersions';

export const watcherResourceGroup = 'NetworkWatcherRG';

/** A region's watcher as the plans see it; `location` in lower case. */
export interface WatcherFact {
  armId: string;
  name: string;
  resourceGroup: string;
  location: string;
}

/** The watchers of a subscription's inventory, as plans see them. */
export function watcherFactsOf(listed: readonly { watcher: WatcherFact }[]): WatcherFact[] {
  return listed.map(({ watcher }) => ({ armId: watcher.armId, name: watcher.name, resourceGroup: watcher.resourceGroup, location: watcher.location.toLowerCase() }));
}

/**
 * Why a plan for this subscription cannot be made: its watchers could not be listed, and a plan
 * that saw none would create one in a region that may already have its watcher.
 */
export function watchersUnreadable(subscriptionName: string, problem: { code: string; message: string }): Error {
  return new Error(`Couldn't list the network watchers of ${subscriptionName} (${problem.code}: ${problem.message}), so the plan can't tell whether a region has its watcher. Refresh the tree and try again.`);
}

/** Where a watcher is missing: the subscription (its id, name and tenant) and the region. */
export interface WatcherPlace {
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  location: string;
}

/** The name Azure gives a region's watcher: `NetworkWatcher_northeurope`. */
export function defaultWatcherName(region: string): string {
  return `NetworkWatcher_${region.toLowerCase()}`;
}

/** The watcher Azure creates for a region: `NetworkWatcher_<region>` in NetworkWatcherRG. */
export function defaultWatcherArmId(subscriptionId: string, region: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${watcherResourceGroup}/providers/Microsoft.Network/networkWatchers/${defaultWatcherName(region)}`;
}

/** Adds the creation of NetworkWatcherRG (in the watcher's region) for a subscription that has none. */
export function addWatcherGroup(list: ActionList, place: WatcherPlace): PlanAction {
  return list.add({
    kind: 'put',
    title: `Create resource group ${watcherResourceGroup} in ${place.subscriptionName}`,
    resourceId: `/subscriptions/${place.subscriptionId}/resourceGroups/${watcherResourceGroup}`,
    resourceType: 'Microsoft.Resources/resourceGroups',
    apiVersion: resourcesApiVersion,
    body: { location: place.location },
    dependsOn: [],
    tenantId: place.tenantId,
    existing: 'absent',
    undo: { kind: 'none', reason: `${watcherResourceGroup} is kept: it holds the network watchers of every region in ${place.subscriptionName}.` },
  });
}

/** Adds the creation of `NetworkWatcher_<region>`, after `dependsOn` (the resource group's action, when the plan creates it). */
export function addWatcher(list: ActionList, place: WatcherPlace, dependsOn: string[]): PlanAction {
  return list.add({
    kind: 'put',
    title: `Create network watcher ${defaultWatcherName(place.location)} in ${place.subscriptionName}`,
    resourceId: defaultWatcherArmId(place.subscriptionId, place.location),
    resourceType: 'Microsoft.Network/networkWatchers',
    apiVersion: networkApiVersion,
    body: { location: place.location, properties: {} },
    dependsOn,
    tenantId: place.tenantId,
    existing: 'absent',
    undo: { kind: 'none', reason: `${defaultWatcherName(place.location)} is kept: deleting it would delete every flow log and packet capture in ${place.location}.` },
  });
}
