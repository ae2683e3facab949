import { ArmError, invalidRequest, missingSubscriptionRegistration } from '../armErrors';
import type { Route } from '../http';
import { asObject, idKey, type ArmResource, type ArmState } from '../state';
import { types } from '../types';
import { bodyProperties, newGuid, page, requireString, requireSubscription, requireTop, startDelete, startPut, view } from './common';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'networkWatchers/flowLogs', namespace: 'Microsoft.Network' } as const;
const flowLogsPath = `${networkPath}/networkWatchers/{networkWatcherName}/flowLogs`;

/**
 * Not confirmed against a public ARM answer: Microsoft documents that the storage account must be
 * in the target's region, but the exact error code was not found in public sources.
 */
export const flowLogStorageRegionCode = 'FlowLogStorageAccountLocationMismatch';
/** Not confirmed either: the flow log (its watcher) must be in the target's region. */
export const flowLogTargetRegionCode = 'FlowLogTargetLocationMismatch';

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
      if (!subscription.registeredProviders.has('microsoft.insights')) {
        // Flow logs write through Microsoft.Insights; Azure refuses them until it is registered.
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
      const targetRegion = regionOf(state, target) ?? '';
      if (targetRegion.toLowerCase() !== (watcher.location ?? '').toLowerCase()) {
        throw invalidRequest(flowLogTargetRegionCode, `Flow log ${id} and its target resource ${target.id} must be in the same region: the network watcher is in '${watcher.location}', the target in '${targetRegion}'.`);
      }
      if ((storage.location ?? '').toLowerCase() !== targetRegion.toLowerCase()) {
        throw invalidRequest(flowLogStorageRegionCode, `Storage account ${storage.id} is in '${storage.location}' but the flow log target ${target.id} is in '${targetRegion}'. The storage account must be in the same region as the target resource.`);
      }
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
