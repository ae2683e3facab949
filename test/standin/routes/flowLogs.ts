import { ArmError, invalidRequest, missingSubscriptionRegistration } from '../armErrors';
import type { Route } from '../http';
import { asObject, idKey, type ArmResource, type ArmState, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, newGuid, page, requireString, requireSubscription, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';
import { isPremiumStorage } from './storageAccounts';
import { isProviderRegistered } from './resources';
import { workspaceType } from './workspaces';

const base = { family: 'network', resourceType: 'networkWatchers/flowLogs', namespace: 'Microsoft.Network' } as const;
const flowLogsPath = `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs`;

/**
 * Not confirmed against a public ARM answer: Microsoft documents that the storage account must be
 * in the target's region, but the exact error code was not found in public sources.
 */
export const flowLogStorageRegionCode = 'FlowLogStorageAccountLocationMismatch';
/** Not confirmed either: the flow log (its watcher) must be in the target's region. */
export const flowLogTargetRegionCode = 'FlowLogTargetLocationMismatch';

/**
 * Not confirmed either. Microsoft Learn, "Virtual network flow logs" and "NSG flow logs" overviews,
 * storage account considerations: "Performance tier: The storage account must be standard. Premium
 * storage accounts aren't supported." (quoted by the product group in Azure/azure-cli#21724).
 * FileStorage and BlockBlobStorage accounts exist only as premium, so they are refused too.
 */
export const flowLogPremiumStorageCode = 'FlowLogPremiumStorageAccountNotSupported';
/**
 * Not confirmed: retention is 0 (keep forever) to 365 days, as the flow-log articles and the portal
 * say; Azure/azure-policy#1522 reports the portal refusing 400 days.
 */
export const flowLogRetentionCode = 'FlowLogRetentionPolicyDaysOutOfRange';
/** Not confirmed: the Traffic Analytics workspace must exist. */
export const trafficAnalyticsWorkspaceNotFoundCode = 'TrafficAnalyticsWorkspaceNotFound';
/** Not confirmed: `workspaceId` must be the workspace's GUID (`customerId`). */
export const trafficAnalyticsWorkspaceIdCode = 'InvalidTAWorkspaceId';
/** Not confirmed: `trafficAnalyticsInterval` is 10 or 60 minutes. */
export const trafficAnalyticsIntervalCode = 'InvalidTAInterval';
/**
 * Confirmed by a public ARM answer (aztfmod/terraform-azurerm-caf#613): `InvalidTAWorkspaceRegion`,
 * "The specified region eastus2 for workspace is invalid. Workspace … located in northeurope region."
 */
export const trafficAnalyticsRegionCode = 'InvalidTAWorkspaceRegion';

/** Refuses a storage account Network Watcher cannot write flow logs to: any premium account. */
function checkFlowLogStorage(storage: ArmResource, id: string): void {
  if (isPremiumStorage(storage)) {
    throw invalidRequest(flowLogPremiumStorageCode, `Storage account ${storage.id} (${String(asObject(storage.sku).name ?? 'Premium')}, ${String(storage.kind ?? '')}) cannot be used by flow log ${id}: flow logs need a standard storage account; premium storage accounts are not supported.`);
  }
}

function checkRetention(properties: JsonObject, id: string): void {
  const days = asObject(properties.retentionPolicy).days;
  if (typeof days === 'number' && (days < 0 || days > 365)) {
    throw invalidRequest(flowLogRetentionCode, `retentionPolicy.days of flow log ${id} is ${days}; it must be from 0 (keep forever) to 365 days.`);
  }
}

/**
 * The Traffic Analytics block, when enabled: the workspace exists, `workspaceId` is its `customerId`,
 * `workspaceRegion` its location, and the processing interval 10 or 60 minutes (Microsoft Learn,
 * "Manage virtual network flow logs - Azure portal": "available options are: Every 1 hour and Every
 * 10 mins. The default processing interval is every one hour.").
 */
function checkTrafficAnalytics(state: ArmState, properties: JsonObject, id: string): void {
  const config = asObject(asObject(properties.flowAnalyticsConfiguration).networkWatcherFlowAnalyticsConfiguration);
  if (config.enabled !== true) {
    return;
  }
  const workspaceResourceId = typeof config.workspaceResourceId === 'string' ? config.workspaceResourceId : '';
  const workspace = workspaceResourceId === '' ? undefined : state.getTyped(workspaceType, workspaceResourceId);
  if (!workspace) {
    throw invalidRequest(trafficAnalyticsWorkspaceNotFoundCode, `Traffic Analytics of flow log ${id} names workspace '${workspaceResourceId}', which was not found. Give the resource id of an existing Log Analytics workspace.`);
  }
  const customerId = String(workspace.properties.customerId ?? '');
  if (String(config.workspaceId ?? '').toLowerCase() !== customerId.toLowerCase()) {
    throw invalidRequest(trafficAnalyticsWorkspaceIdCode, `The specified workspace id ${String(config.workspaceId ?? '')} is invalid. Workspace ${workspace.id} has workspace id (customerId) ${customerId}.`);
  }
  const region = String(config.workspaceRegion ?? '');
  if (region.replace(/\s/g, '').toLowerCase() !== (workspace.location ?? '').replace(/\s/g, '').toLowerCase()) {
    throw invalidRequest(trafficAnalyticsRegionCode, `The specified region ${region} for workspace is invalid. Workspace ${workspace.id} located in ${String(workspace.location)} region.`);
  }
  const interval = config.trafficAnalyticsInterval;
  if (interval !== undefined && interval !== 10 && interval !== 60) {
    throw invalidRequest(trafficAnalyticsIntervalCode, `trafficAnalyticsInterval of flow log ${id} is ${String(interval)}; Traffic Analytics processes flow logs every 10 or 60 minutes.`);
  }
}

const targetTypes = [types.networkSecurityGroup, types.virtualNetwork, types.subnet, types.networkInterface];

function flowLogId(watcher: ArmResource, name: string): string {
  return `${watcher.id}/flowLogs/${name}`;
}

function findFlowLog(state: ArmState, watcher: ArmResource, name: string): ArmResource | undefined {
  return state.getTyped(types.flowLog, flowLogId(watcher, name));
}

/** The region a flow-log target lives in (a subnet lives in its VNet's region). */
function regionOf(state: ArmState, target: ArmResource): string | undefined {
  if (target.location) {
    return target.location;
  }
  const vnetId = target.id.replace(/\/subnets\/[^/]+$/i, '');
  return state.getTyped(types.virtualNetwork, vnetId)?.location;
}

function withIdentityIds(identity: unknown): unknown {
  const value = asObject(identity);
  const assigned = asObject(value.userAssignedIdentities);
  if (Object.keys(assigned).length === 0) {
    return identity;
  }
  return {
    ...value,
    userAssignedIdentities: Object.fromEntries(Object.keys(assigned).map((key) => [key, { clientId: newGuid(), principalId: newGuid() }])),
  };
}

export const flowLogRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: flowLogsPath,
    handle: (context) => page(context, context.core.state.list(types.flowLog, requireTop(context, types.networkWatcher, 'networkWatcherName').id)),
  },
  {
    ...base,
    method: 'GET',
    template: `${flowLogsPath}/{flowLogName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const flowLog = findFlowLog(context.core.state, watcher, context.params.flowLogName);
      if (!flowLog) {
        throw new ArmError(404, 'NotFound', `Resource ${flowLogId(watcher, context.params.flowLogName)} not found.`);
      }
      return { status: 200, body: view(flowLog, context) };
    },
  },
  {
    ...base,
    method: 'PUT',
    template: `${flowLogsPath}/{flowLogName}`,
    handle: (context) => {
      const { state } = context.core;
      const subscription = requireSubscription(context);
      if (!isProviderRegistered(subscription, 'microsoft.insights')) {
        // Flow logs write through Microsoft.Insights; Azure refuses them until it is registered, and
        // a registration still `Registering` is not registered yet.
        throw missingSubscriptionRegistration('Microsoft.Insights');
      }
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      const existing = findFlowLog(state, watcher, context.params.flowLogName);
      const id = existing?.id ?? flowLogId(watcher, context.params.flowLogName);
      const properties = bodyProperties(context);
      const targetId = requireString(properties, 'targetResourceId', id);
      const storageId = requireString(properties, 'storageId', id);
      const target = targetTypes.map((type) => state.getTyped(type, targetId)).find((found) => found !== undefined);
      if (!target) {
        throw invalidRequest('InvalidResourceReference', `Resource ${targetId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
      if (!existing && target.type.toLowerCase() === types.networkSecurityGroup.toLowerCase()) {
        // Azure blocks new NSG flow logs since June 30, 2025; existing ones can still be changed.
        throw invalidRequest(
          'NsgFlowLogCreationBlocked',
          'On September 30, 2027, Network Security Group (NSG) flow logs will be retired. As part of this retirement, creation of new NSG flow logs is blocked starting June 30, 2025, but you will be able to continue using and modifying settings for existing NSG flow logs that are previously deployed/configured until Sept 30th 2027. We recommend migrating to virtual network flow logs, which overcome the limitations of NSG flow logs. For migration, please refer to https://learn.microsoft.com/en-us/azure/network-watcher/nsg-flow-logs-migrate.',
        );
      }
      const storage = state.getTyped(types.storageAccount, storageId);
      if (!storage) {
        throw invalidRequest('InvalidResourceReference', `Resource ${storageId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      }
      checkFlowLogStorage(storage, id);
      const targetRegion = regionOf(state, target) ?? '';
      if (targetRegion.toLowerCase() !== (watcher.location ?? '').toLowerCase()) {
        throw invalidRequest(flowLogTargetRegionCode, `Flow log ${id} and its target resource ${target.id} must be in the same region: the network watcher is in '${watcher.location}', the target in '${targetRegion}'.`);
      }
      if ((storage.location ?? '').toLowerCase() !== targetRegion.toLowerCase()) {
        throw invalidRequest(flowLogStorageRegionCode, `Storage account ${storage.id} is in '${storage.location}' but the flow log target ${target.id} is in '${targetRegion}'. The storage account must be in the same region as the target resource.`);
      }
      checkRetention(properties, id);
      checkTrafficAnalytics(state, properties, id);
      const duplicate = state.list(types.flowLog).find((flowLog) => idKey(String(flowLog.properties.targetResourceId)) === idKey(target.id) && idKey(flowLog.id) !== idKey(id));
      if (duplicate) {
        throw invalidRequest('FlowLogAlreadyExists', `Target resource ${target.id} already has flow log ${duplicate.id}. A resource can have only one flow log.`);
      }
      const resource: ArmResource = {
        id,
        name: existing?.name ?? context.params.flowLogName,
        type: types.flowLog,
        location: typeof context.body.location === 'string' ? context.body.location : watcher.location,
        tags: (context.body.tags as Record<string, string> | undefined) ?? {},
        properties: {
          enabled: true,
          flowAnalyticsConfiguration: {},
          retentionPolicy: { days: 0, enabled: false },
          format: { type: 'JSON', version: 2 },
          ...properties,
          targetResourceId: target.id,
          targetResourceGuid: String(target.properties.resourceGuid ?? newGuid()),
          storageId: storage.id,
        },
      };
      if (context.body.identity !== undefined) {
        resource.identity = withIdentityIds(context.body.identity);
      }
      return startPut(context, resource, { existed: existing !== undefined });
    },
  },
  {
    ...base,
    method: 'DELETE',
    template: `${flowLogsPath}/{flowLogName}`,
    handle: (context) => {
      const watcher = requireTop(context, types.networkWatcher, 'networkWatcherName');
      return startDelete(context, findFlowLog(context.core.state, watcher, context.params.flowLogName));
    },
  },
];
