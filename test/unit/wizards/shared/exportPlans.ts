/**
 * Hand-built plans shaped like the ones the wizards produce, for the exporter tests (Azure CLI
 * script and Bicep): every action kind and resource type the wizards use.
 */
import type { Plan, PlanAction, PlanKind } from '../../../../src/core/plan';

export const subA = '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24';
export const subB = 'c3d4e5f6-0a1b-4c2d-9e8f-7a6b5c4d3e2f';
export const subC = '1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b';
export const tenantA = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const tenantB = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';

export const network = '2026-01-01';
export const compute = '2026-04-01';
export const storage = '2026-09-01';
export const resources = '2025-04-01';

export function rgId(subscription: string, group: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}`;
}

export function netId(subscription: string, group: string, path: string): string {
  return `${rgId(subscription, group)}/providers/Microsoft.Network/${path}`;
}

export const vmWeb1 = `${rgId(subA, 'rg-app')}/providers/Microsoft.Compute/virtualMachines/vm-web-1`;
export const nicWeb1 = netId(subA, 'rg-app', 'networkInterfaces/nic-web-1');
export const nicWeb2 = netId(subA, 'rg-app', 'networkInterfaces/nic-web-2');
export const collectorIpConfig = netId(subA, 'rg-monitor', 'networkInterfaces/nic-collector/ipConfigurations/ipconfig1');
export const tapId = netId(subA, 'rg-monitor', 'virtualNetworkTaps/vtap-1');
export const watcherId = netId(subA, 'NetworkWatcherRG', 'networkWatchers/NetworkWatcher_germanywestcentral');
export const storageId = `${rgId(subA, 'rg-logs')}/providers/Microsoft.Storage/storageAccounts/stflowlogs01`;
export const workspaceId = `${rgId(subA, 'rg-logs')}/providers/Microsoft.OperationalInsights/workspaces/law-traffic`;
export const vnetApp = netId(subA, 'rg-app', 'virtualNetworks/vnet-app');
export const nsgWeb = netId(subA, 'rg-app', 'networkSecurityGroups/nsg-web');
export const hubVnet = netId(subA, 'rg-hub', 'virtualNetworks/vnet-hub');
export const spokeVnet = netId(subB, 'rg-spoke', 'virtualNetworks/vnet-spoke');
export const spokeVnetC = netId(subC, 'rg-spoke-c', 'virtualNetworks/vnet-spoke-c');

/** Builds a plan's actions with ids `a1`, `a2`, … and valid defaults. */
export class PlanBuilder {
  readonly actions: PlanAction[] = [];

  add(action: Partial<PlanAction> & Pick<PlanAction, 'kind' | 'resourceId' | 'resourceType'>): string {
    const id = `a${this.actions.length + 1}`;
    this.actions.push({
      id,
      title: `${action.kind} ${action.resourceId.split('/').pop() ?? ''}`,
      apiVersion: network,
      dependsOn: [],
      tenantId: tenantA,
      existing: action.kind === 'put' ? 'absent' : 'differs',
      ...action,
    });
    return id;
  }

  plan(kind: PlanKind, title: string, warnings: string[] = []): Plan {
    return { kind, title, summary: [`${this.actions.length} actions.`], checks: [], warnings, actions: this.actions };
  }
}

export function peeringBody(remote: string, settings: { forwarded?: boolean; transit?: boolean; remoteGateways?: boolean } = {}): Record<string, unknown> {
  return {
    properties: {
      remoteVirtualNetwork: { id: remote },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: settings.forwarded ?? false,
      allowGatewayTransit: settings.transit ?? false,
      useRemoteGateways: settings.remoteGateways ?? false,
    },
  };
}

export function flowLogBody(target: string, options: { enabled?: boolean; analytics?: boolean; days?: number } = {}): Record<string, unknown> {
  return {
    location: 'germanywestcentral',
    properties: {
      targetResourceId: target,
      storageId,
      enabled: options.enabled ?? true,
      retentionPolicy: { days: options.days ?? 30, enabled: (options.days ?? 30) > 0 },
      format: { type: 'JSON', version: 2 },
      flowAnalyticsConfiguration: {
        networkWatcherFlowAnalyticsConfiguration:
          options.analytics === false ? { enabled: false } : { enabled: true, workspaceResourceId: workspaceId, trafficAnalyticsInterval: 10 },
      },
    },
  };
}

/** TAP, tap configurations (one already in place), NSG rule for VXLAN, VM deallocate and start. */
export function tapPlan(): Plan {
  const plan = new PlanBuilder();
  const tap = plan.add({
    kind: 'put',
    title: 'Create virtual network TAP vtap-1',
    resourceId: tapId,
    resourceType: 'Microsoft.Network/virtualNetworkTaps',
    body: { location: 'germanywestcentral', properties: { destinationNetworkInterfaceIPConfiguration: { id: collectorIpConfig }, destinationPort: 4789 } },
  });
  const rule = plan.add({
    kind: 'put',
    title: 'Allow VXLAN (UDP 4789) into nic-collector',
    resourceId: netId(subA, 'rg-monitor', 'networkSecurityGroups/nsg-collector/securityRules/allow-vxlan-4789'),
    resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    body: {
      properties: {
        priority: 200,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Udp',
        sourceAddressPrefix: 'VirtualNetwork',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '4789',
        description: 'VXLAN from virtual network TAP vtap-1',
      },
    },
  });
  const stop = plan.add({ kind: 'post', title: 'Deallocate vm-web-1', resourceId: vmWeb1, resourceType: 'Microsoft.Compute/virtualMachines', apiVersion: compute, operation: 'deallocate', impact: 'vm-web-1 is down until it starts again.' });
  const config = plan.add({
    kind: 'put',
    title: 'Create tap configuration tap-to-collector on nic-web-1',
    resourceId: `${nicWeb1}/tapConfigurations/tap-to-collector`,
    resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
    body: { properties: { virtualNetworkTap: { id: tapId } } },
    dependsOn: [tap, rule, stop],
  });
  plan.add({
    kind: 'put',
    title: 'Keep tap configuration tap-to-collector on nic-web-2',
    resourceId: `${nicWeb2}/tapConfigurations/tap-to-collector`,
    resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
    body: { properties: { virtualNetworkTap: { id: tapId } } },
    dependsOn: [tap],
    existing: 'same',
  });
  plan.add({ kind: 'post', title: 'Start vm-web-1', resourceId: vmWeb1, resourceType: 'Microsoft.Compute/virtualMachines', apiVersion: compute, operation: 'start', dependsOn: [config] });
  return plan.plan('tap', 'Mirror nic-web-1 to nic-collector (virtual network TAP vtap-1)', ['Virtual network TAP is in preview here; each source VM must be stopped and started once.']);
}

/** Hub in subscription A (tenant A); spokes in subscription B (tenant B) and C (tenant A); a Disconnected peering re-created. */
export function peeringPlan(): Plan {
  const plan = new PlanBuilder();
  const peering = 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings';
  const spokeSide = plan.add({
    kind: 'put',
    title: 'Create peering vnet-spoke-to-vnet-hub on vnet-spoke to vnet-hub',
    resourceId: `${spokeVnet}/virtualNetworkPeerings/vnet-spoke-to-vnet-hub`,
    resourceType: peering,
    body: peeringBody(hubVnet, { forwarded: true, remoteGateways: true }),
    tenantId: tenantB,
    auxiliaryTenantIds: [tenantA],
  });
  plan.add({
    kind: 'put',
    title: 'Create peering vnet-hub-to-vnet-spoke on vnet-hub to vnet-spoke',
    resourceId: `${hubVnet}/virtualNetworkPeerings/vnet-hub-to-vnet-spoke`,
    resourceType: peering,
    body: peeringBody(spokeVnet, { forwarded: true, transit: true }),
    dependsOn: [spokeSide],
    auxiliaryTenantIds: [tenantB],
  });
  const remove = plan.add({
    kind: 'delete',
    title: 'Delete Disconnected peering vnet-spoke-c-to-vnet-hub on vnet-spoke-c',
    resourceId: `${spokeVnetC}/virtualNetworkPeerings/vnet-spoke-c-to-vnet-hub`,
    resourceType: peering,
  });
  const recreate = plan.add({
    kind: 'put',
    title: 'Create peering vnet-spoke-c-to-vnet-hub on vnet-spoke-c to vnet-hub again',
    resourceId: `${spokeVnetC}/virtualNetworkPeerings/vnet-spoke-c-to-vnet-hub`,
    resourceType: peering,
    body: peeringBody(hubVnet),
    dependsOn: [remove],
  });
  plan.add({
    kind: 'put',
    title: 'Update peering vnet-hub-to-vnet-spoke-c on vnet-hub to vnet-spoke-c',
    resourceId: `${hubVnet}/virtualNetworkPeerings/vnet-hub-to-vnet-spoke-c`,
    resourceType: peering,
    body: peeringBody(spokeVnetC),
    dependsOn: [recreate],
    existing: 'differs',
  });
  return plan.plan('peering', 'Peer vnet-hub with 2 spokes');
}

/** A peering sync: a PUT with `syncRemoteAddressSpace=true`, and one already in sync. */
export function syncPlan(): Plan {
  const plan = new PlanBuilder();
  plan.add({
    kind: 'put',
    title: 'Sync peering vnet-hub-to-vnet-spoke on vnet-hub',
    resourceId: `${hubVnet}/virtualNetworkPeerings/vnet-hub-to-vnet-spoke`,
    resourceType: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    body: peeringBody(spokeVnet),
    query: { syncRemoteAddressSpace: 'true' },
    existing: 'differs',
    auxiliaryTenantIds: [tenantB],
  });
  return plan.plan('syncPeering', 'Sync peering vnet-hub-to-vnet-spoke');
}

/** VNet and subnet flow logs with traffic analytics: provider registration, NetworkWatcherRG, watcher, storage account. */
export function flowLogsPlan(): Plan {
  const plan = new PlanBuilder();
  const register = plan.add({
    kind: 'post',
    title: 'Register Microsoft.Insights in Production',
    resourceId: `/subscriptions/${subA}/providers/Microsoft.Insights`,
    resourceType: 'Microsoft.Resources/providers',
    apiVersion: resources,
    operation: 'register',
  });
  const group = plan.add({ kind: 'put', title: 'Create resource group NetworkWatcherRG', resourceId: rgId(subA, 'NetworkWatcherRG'), resourceType: 'Microsoft.Resources/resourceGroups', apiVersion: resources, body: { location: 'germanywestcentral' } });
  const watcher = plan.add({
    kind: 'put',
    title: 'Create network watcher NetworkWatcher_germanywestcentral',
    resourceId: watcherId,
    resourceType: 'Microsoft.Network/networkWatchers',
    body: { location: 'germanywestcentral', properties: {} },
    dependsOn: [group],
  });
  const account = plan.add({
    kind: 'put',
    title: 'Create storage account stflowlogs01',
    resourceId: storageId,
    resourceType: 'Microsoft.Storage/storageAccounts',
    apiVersion: storage,
    body: { location: 'germanywestcentral', kind: 'StorageV2', sku: { name: 'Standard_LRS' }, properties: { minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, supportsHttpsTrafficOnly: true } },
  });
  plan.add({
    kind: 'put',
    title: 'Create flow log fl-vnet-app on vnet-app',
    resourceId: `${watcherId}/flowLogs/fl-vnet-app`,
    resourceType: 'Microsoft.Network/networkWatchers/flowLogs',
    body: flowLogBody(vnetApp),
    dependsOn: [register, watcher, account],
  });
  plan.add({
    kind: 'put',
    title: 'Create flow log fl-snet-web on vnet-app/snet-web',
    resourceId: `${watcherId}/flowLogs/fl-snet-web`,
    resourceType: 'Microsoft.Network/networkWatchers/flowLogs',
    body: flowLogBody(`${vnetApp}/subnets/snet-web`, { analytics: false, days: 0 }),
    dependsOn: [watcher, account],
  });
  return plan.plan('flowLogs', 'Flow logs for vnet-app and snet-web');
}

/** Migrating an NSG flow log: a VNet flow log, the NSG flow log disabled (with a question), then deleted. */
export function migratePlan(): Plan {
  const plan = new PlanBuilder();
  const vnetLog = plan.add({
    kind: 'put',
    title: 'Create flow log fl-vnet-app on vnet-app',
    resourceId: `${watcherId}/flowLogs/fl-vnet-app`,
    resourceType: 'Microsoft.Network/networkWatchers/flowLogs',
    body: flowLogBody(vnetApp),
  });
  const disable = plan.add({
    kind: 'put',
    title: 'Disable NSG flow log fl-nsg-web',
    resourceId: `${watcherId}/flowLogs/fl-nsg-web`,
    resourceType: 'Microsoft.Network/networkWatchers/flowLogs',
    body: { ...flowLogBody(nsgWeb, { enabled: false }), tags: { owner: 'network team' } },
    existing: 'differs',
    dependsOn: [vnetLog],
    confirm: 'Disable the NSG flow log fl-nsg-web now that the VNet flow log covers its traffic?',
  });
  plan.add({ kind: 'delete', title: 'Delete NSG flow log fl-nsg-web', resourceId: `${watcherId}/flowLogs/fl-nsg-web`, resourceType: 'Microsoft.Network/networkWatchers/flowLogs', dependsOn: [disable] });
  return plan.plan('migrateNsgFlowLogs', 'Move nsg-web flow logs to vnet-app');
}

/** Packet capture: the Network Watcher agent, the capture (created and started), then stopped. */
export function packetCapturePlan(): Plan {
  const plan = new PlanBuilder();
  const agent = plan.add({
    kind: 'put',
    title: 'Install the Network Watcher agent on vm-web-1',
    resourceId: `${vmWeb1}/extensions/NetworkWatcherAgentLinux`,
    resourceType: 'Microsoft.Compute/virtualMachines/extensions',
    apiVersion: compute,
    body: { location: 'germanywestcentral', properties: { publisher: 'Microsoft.Azure.NetworkWatcher', type: 'NetworkWatcherAgentLinux', typeHandlerVersion: '1.4', autoUpgradeMinorVersion: true } },
  });
  const capture = plan.add({
    kind: 'put',
    title: 'Capture packets on vm-web-1 for 5 minutes',
    resourceId: `${watcherId}/packetCaptures/pc-web-1`,
    resourceType: 'Microsoft.Network/networkWatchers/packetCaptures',
    body: {
      properties: {
        target: vmWeb1,
        targetType: 'AzureVM',
        storageLocation: { storageId },
        timeLimitInSeconds: 300,
        totalBytesPerSession: 1073741824,
        filters: [{ protocol: 'TCP', localPort: '443' }],
      },
    },
    dependsOn: [agent],
  });
  plan.add({ kind: 'post', title: 'Stop packet capture pc-web-1', resourceId: `${watcherId}/packetCaptures/pc-web-1`, resourceType: 'Microsoft.Network/networkWatchers/packetCaptures', operation: 'stop', dependsOn: [capture] });
  return plan.plan('packetCapture', 'Capture packets on vm-web-1');
}

/** Removing a TAP: its configurations, the TAP, the NSG rule, and other deletes the wizards send. */
export function removePlan(): Plan {
  const plan = new PlanBuilder();
  const config = plan.add({ kind: 'delete', title: 'Delete tap configuration tap-to-collector on nic-web-1', resourceId: `${nicWeb1}/tapConfigurations/tap-to-collector`, resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations' });
  plan.add({ kind: 'delete', title: 'Delete virtual network TAP vtap-1', resourceId: tapId, resourceType: 'Microsoft.Network/virtualNetworkTaps', dependsOn: [config] });
  plan.add({ kind: 'delete', title: 'Delete rule allow-vxlan-4789', resourceId: netId(subA, 'rg-monitor', 'networkSecurityGroups/nsg-collector/securityRules/allow-vxlan-4789'), resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules' });
  plan.add({ kind: 'delete', title: 'Delete peering vnet-hub-to-vnet-spoke', resourceId: `${hubVnet}/virtualNetworkPeerings/vnet-hub-to-vnet-spoke`, resourceType: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings' });
  plan.add({ kind: 'delete', title: 'Delete packet capture pc-web-1', resourceId: `${watcherId}/packetCaptures/pc-web-1`, resourceType: 'Microsoft.Network/networkWatchers/packetCaptures' });
  plan.add({ kind: 'delete', title: 'Remove the Network Watcher agent from vm-web-1', resourceId: `${vmWeb1}/extensions/NetworkWatcherAgentLinux`, resourceType: 'Microsoft.Compute/virtualMachines/extensions', apiVersion: compute });
  plan.add({ kind: 'delete', title: 'Delete workspace law-traffic', resourceId: workspaceId, resourceType: 'Microsoft.OperationalInsights/workspaces', apiVersion: '2025-02-01' });
  return plan.plan('removeTap', 'Remove virtual network TAP vtap-1');
}

export function allPlans(): Plan[] {
  return [tapPlan(), peeringPlan(), syncPlan(), flowLogsPlan(), migratePlan(), packetCapturePlan(), removePlan()];
}

/** Names no quoting may lose: a quote, `$`, a backtick, spaces, a backslash. */
export const hostileGroup = "rg it's $HOME `id` \\n (x)";
export const hostileName = "vtap 'one' $(touch pwned) \"two\"";

/** A TAP and tap configuration whose names try to break out of the script's quoting. */
export function hostilePlan(): Plan {
  const plan = new PlanBuilder();
  const hostileTap = netId(subA, hostileGroup, `virtualNetworkTaps/${hostileName}`);
  const tap = plan.add({
    kind: 'put',
    title: `Create TAP ${hostileName}\nrm -rf /`,
    resourceId: hostileTap,
    resourceType: 'Microsoft.Network/virtualNetworkTaps',
    body: { location: 'germanywestcentral', tags: { "it's": '$HOME ${x}' }, properties: { destinationNetworkInterfaceIPConfiguration: { id: collectorIpConfig }, destinationPort: 4789 } },
  });
  plan.add({
    kind: 'put',
    title: 'Create tap configuration',
    resourceId: netId(subA, hostileGroup, `networkInterfaces/nic web/tapConfigurations/${hostileName}`),
    resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
    body: { properties: { virtualNetworkTap: { id: hostileTap } } },
    dependsOn: [tap],
  });
  plan.add({
    kind: 'put',
    title: 'Create something az has no command for',
    resourceId: netId(subA, hostileGroup, `applicationSecurityGroups/${hostileName}`),
    resourceType: 'Microsoft.Network/applicationSecurityGroups',
    body: { location: 'germanywestcentral', properties: {}, tags: { note: "it's $HOME `id` ${x}\nnext line" } },
  });
  return plan.plan('tap', `Hostile ${hostileName}`, [`Warning with\nnewline $(id)`]);
}
