/**
 * Plans built by the real plan builders over every branch the wizards take, from the fixtures of
 * each wizard's builders.ts under test/unit/wizards: TAP to a NIC and to a load balancer frontend,
 * new and existing TAPs, sources in other subscriptions, the VXLAN rule, VM restarts; peering both
 * ways, forwarded traffic, gateway transit, cross-tenant, updates, Disconnected re-creates, sync;
 * flow logs on a VNet, subnet and NIC, new and existing storage, Traffic Analytics on and off, new
 * watcher, group and registration, updates, NSG migration; packet captures with every destination
 * and filters.
 */
import type { PeeringRef } from '../../../src/azure/networkApi';
import { planFlowLogs, planNsgMigration } from '../../../src/wizards/flowLogs/plan';
import type { VmFact } from '../../../src/wizards/packetCapture/captureFacts';
import { planPacketCapture } from '../../../src/wizards/packetCapture/plan';
import { planPeering, planPeeringSync, syncTargetsFor, type PeeringAnswers } from '../../../src/wizards/peering/plan';
import type { PeeringVnet } from '../../../src/wizards/peering/peeringVnet';
import type { Plan } from '../../../src/core/plan';
import { planRemoveTap, planRemoveTapSource, planTap } from '../../../src/wizards/tap/plan';
import * as flow from '../wizards/flowLogs/builders';
import * as capture from '../wizards/packetCapture/builders';
import { existingPeering, peeringVnet, tenantB } from '../wizards/peering/builders';
import * as tap from '../wizards/tap/builders';

const otherSubscription = '99999999-8888-7777-6666-555555555555';

/** A peering as the SDK reads it, read-only and status fields included, as the inventory holds it. */
function readPeering(local: PeeringVnet, remote: PeeringVnet, fields: Partial<PeeringRef> & { name: string }, extra: Record<string, unknown> = {}): PeeringRef {
  const peering = existingPeering(local, remote, fields);
  peering.properties = {
    id: peering.armId,
    name: fields.name,
    type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    etag: 'W/"00000000-0000-0000-0000-000000000001"',
    allowVirtualNetworkAccess: true,
    allowForwardedTraffic: peering.allowForwardedTraffic,
    allowGatewayTransit: peering.allowGatewayTransit,
    useRemoteGateways: peering.useRemoteGateways,
    doNotVerifyRemoteGateways: false,
    remoteVirtualNetwork: { id: remote.armId },
    remoteAddressSpace: { addressPrefixes: remote.addressSpace },
    remoteVirtualNetworkAddressSpace: { addressPrefixes: remote.addressSpace },
    remoteBgpCommunities: { virtualNetworkCommunity: '12076:20002', regionalCommunity: '12076:50004' },
    peeringState: peering.peeringState,
    peeringSyncLevel: peering.syncLevel,
    provisioningState: 'Succeeded',
    resourceGuid: '5b5d4c3a-1f2e-4d3c-9b8a-7f6e5d4c3b2a',
    ...extra,
  };
  return peering;
}

function tapPlans(): Array<[string, Plan]> {
  const denying = tap.nsg('nsg-collectors', [tap.rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [tap.armId.subnet('vnet-hub', 'snet-collectors')]);
  const farArmId = tap.armId.nic('nic-far-01').replace(tap.subscriptionId, otherSubscription);
  const far = tap.sourceNic('nic-far-01', { armId: farArmId, id: tap.key(farArmId), subscriptionId: otherSubscription, vmArmId: tap.armId.vm('vm-far-01').replace(tap.subscriptionId, otherSubscription) });
  const mirrored = tap.sourceNic('nic-web-02', {
    tapConfigurations: [{ id: tap.key(`${tap.armId.nic('nic-web-02')}/tapConfigurations/cfg`), armId: `${tap.armId.nic('nic-web-02')}/tapConfigurations/cfg`, name: 'cfg', tapId: tap.key(tap.armId.tap('vtap-collectors')) }],
  });
  const world = tap.estate({ nsgs: [denying], nics: [...tap.estate().nics, far] });
  const collectors = tap.tap('vtap-collectors', { sourceIds: [mirrored.tapConfigurations[0].id] });
  return [
    [
      'TAP: a new TAP to a NIC, the VXLAN rule, VM restarts, a source in another subscription',
      planTap(tap.answers({ tap: { kind: 'new', name: 'vtap-new' }, sourceIds: [tap.key(tap.armId.nic('nic-web-02')), far.id], restartVms: true, addNsgRule: true }), world),
    ],
    [
      'TAP: a new TAP to a load balancer frontend',
      planTap(tap.answers({ destinationKind: 'loadBalancer', destinationId: tap.lbDestination().id, tap: { kind: 'new', name: 'vtap-ilb' }, configurationName: 'tapcfg-vtap-ilb' }), tap.estate()),
    ],
    [
      'TAP: an existing TAP, one source already mirrored, an existing VXLAN rule updated',
      planTap(
        tap.answers({ sourceIds: [mirrored.id, tap.key(tap.armId.nic('nic-app-01'))], restartVms: true }),
        tap.estate({
          nics: [mirrored, tap.sourceNic('nic-app-01', { subnet: 'snet-app' })],
          nsgs: [tap.nsg('nsg-collectors', [tap.rule({ name: 'AllowVxlanInbound', priority: 4050, protocol: 'Udp', destinationPorts: '4789' }), tap.rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [tap.armId.subnet('vnet-hub', 'snet-collectors')])],
        }),
      ),
    ],
    ['TAP: an existing TAP whose destination differs', planTap(tap.answers(), tap.estate({ taps: [tap.tap('vtap-collectors', { destinationPort: 4790 })] }))],
    ['TAP: remove a TAP with its tap configurations', planRemoveTap(collectors, tap.estate({ nics: [mirrored] }))],
    ['TAP: remove a TAP on a load balancer frontend', planRemoveTap(tap.tap('vtap-ilb', { destinationId: tap.lbDestination().id, destinationArmId: tap.lbDestination().armId }), tap.estate())],
    ['TAP: stop mirroring one NIC', planRemoveTapSource(mirrored, tap.estate({ nics: [mirrored] }))],
  ];
}

function peeringPlans(): Array<[string, Plan]> {
  const base: PeeringAnswers = {
    hub: peeringVnet({ name: 'vnet-hub' }),
    spokes: [peeringVnet({ name: 'vnet-dev', subscriptionId: 'sub-dev', subscriptionName: 'Dev', addressSpace: ['10.2.0.0/16'] })],
    allowForwardedTraffic: true,
    useHubGateway: false,
    names: {},
  };
  const gatewayHub = peeringVnet({ name: 'vnet-hub', hasGateway: true });
  const partner = peeringVnet({ name: 'vnet-partner', subscriptionId: 'sub-partner', tenantId: tenantB, addressSpace: ['10.9.0.0/16'] });

  // Existing peerings: one as planned, one to update (a subnet peering), one Disconnected.
  const hub = peeringVnet({ name: 'vnet-hub' });
  const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
  const data = peeringVnet({ name: 'vnet-data', addressSpace: ['10.3.0.0/16'] });
  dev.peerings = [readPeering(dev, hub, { name: 'dev-to-hub', allowForwardedTraffic: true, peeringState: 'Connected' })];
  data.peerings = [readPeering(data, hub, { name: 'data-to-hub', peeringState: 'Disconnected' })];
  hub.peerings = [
    readPeering(hub, dev, { name: 'hub-to-dev', peeringState: 'Connected' }, { peerCompleteVnets: false, localSubnetNames: ['snet-shared'], remoteSubnetNames: ['snet-app'], enableOnlyIPv6Peering: false, localAddressSpace: { addressPrefixes: ['10.0.1.0/24'] } }),
    readPeering(hub, data, { name: 'hub-to-data', peeringState: 'Disconnected' }),
  ];

  // Sync: the hub's peering to dev is LocalNotInSync after dev grew.
  const syncHub = peeringVnet({ name: 'vnet-hub' });
  const syncDev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16', '10.4.0.0/16'] });
  syncHub.peerings = [readPeering(syncHub, syncDev, { name: 'hub-to-dev', peeringState: 'Connected', syncLevel: 'LocalNotInSync' })];
  syncDev.peerings = [readPeering(syncDev, syncHub, { name: 'dev-to-hub', peeringState: 'Connected', syncLevel: 'RemoteNotInSync' })];
  const vnets = new Map([[syncHub.id, syncHub], [syncDev.id, syncDev]]);
  const sync = syncTargetsFor(syncDev.peerings, vnets);

  return [
    ['peering: both directions, forwarded traffic', planPeering(base)],
    ['peering: gateway transit on the hub, remote gateways on the spoke', planPeering({ ...base, hub: gatewayHub, allowForwardedTraffic: false, useHubGateway: true })],
    ['peering: a spoke in another tenant', planPeering({ ...base, spokes: [partner] })],
    ['peering: existing peerings kept, updated, and re-created', planPeering({ ...base, hub, spokes: [dev, data], allowForwardedTraffic: true })],
    ['peering: sync', planPeeringSync(sync.targets, sync.missing)],
  ];
}

function flowLogPlans(): Array<[string, Plan]> {
  const nicArmId = `/subscriptions/${flow.devSubscription}/resourceGroups/rg-dev-app/providers/Microsoft.Network/networkInterfaces/nic-dev-01`;
  const nicTarget = flow.target({ armId: nicArmId, id: nicArmId.toLowerCase(), name: 'nic-dev-01', kind: 'nic', nicCount: 1 });
  const bare = flow.facts({ subscriptions: [flow.subscriptionFacts({ insightsState: 'NotRegistered', watchers: [], watcherGroupLocation: undefined })] });
  const newStorage = { kind: 'new' as const, name: 'stdevflow01', subscriptionId: flow.devSubscription, tenantId: flow.tenantId, resourceGroup: 'rg-dev-network', location: 'uksouth' };
  const identity = { type: 'UserAssigned', userAssignedIdentityIds: [`/subscriptions/${flow.devSubscription}/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flowlogs`] };
  const existing = flow.existingFlowLog({ tags: { owner: 'network team' }, enabledFilteringCriteria: "srcIP=='10.0.0.4'", recordTypes: 'B,E', identity });
  const nsgArmId = `/subscriptions/${flow.devSubscription}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkSecurityGroups/nsg-dev-app`;
  const nsgFlowLog = flow.existingFlowLog({
    name: 'fl-nsg-dev-app',
    targetArmId: nsgArmId,
    targetId: nsgArmId.toLowerCase(),
    retentionDays: 7,
    formatVersion: 1,
    identity,
    trafficAnalytics: { enabled: true, workspaceResourceId: flow.workspace().armId, workspaceId: flow.workspace().customerId, workspaceRegion: 'uksouth', intervalMinutes: 60 },
  });
  const disabledVnetLog = flow.existingFlowLog({ enabled: false, identity: { type: 'SystemAssigned' } });
  const otherVnet = flow.vnetArmId.replace('vnet-dev-spoke', 'vnet-dev-data');
  const keptVnetLog = flow.existingFlowLog({ name: 'fl-vnet-dev-data', targetArmId: otherVnet, targetId: otherVnet.toLowerCase() });
  return [
    ['flow logs: a VNet, existing storage, Traffic Analytics on', planFlowLogs(flow.answers({ trafficAnalytics: { workspace: flow.workspace(), intervalMinutes: 10 } }), flow.facts())],
    ['flow logs: a subnet and a NIC, new storage, Traffic Analytics off, new watcher, resource group and registration', planFlowLogs(flow.answers({ targets: [flow.subnetTarget(), nicTarget], storage: newStorage, retentionDays: 0 }), bare)],
    ['flow logs: an existing flow log updated', planFlowLogs(flow.answers({ retentionDays: 90, trafficAnalytics: { workspace: flow.workspace(), intervalMinutes: 60 } }), flow.facts({ flowLogs: [existing] }))],
    [
      'flow logs: NSG migration (a new VNet flow log, a disabled one enabled, one kept, the NSG flow log disabled)',
      planNsgMigration(
        [
          {
            flowLog: nsgFlowLog,
            nsgName: 'nsg-dev-app',
            targets: [flow.target(), flow.target({ armId: otherVnet, id: otherVnet.toLowerCase(), vnetId: otherVnet.toLowerCase(), name: 'vnet-dev-data' }), flow.subnetTarget()],
          },
        ],
        flow.facts({ flowLogs: [disabledVnetLog, keptVnetLog, nsgFlowLog] }),
      ),
    ],
    ['flow logs: NSG migration with a new watcher', planNsgMigration([{ flowLog: nsgFlowLog, nsgName: 'nsg-dev-app', targets: [flow.target()] }], bare)],
  ];
}

function capturePlans(): Array<[string, Plan]> {
  const vm = capture.vm();
  const facts = capture.facts();
  const answers = capture.answers({
    filters: [
      { protocol: 'TCP', localIPAddress: '10.1.2.4', localPort: '443' },
      { protocol: 'Any', remoteIPAddress: '10.9.0.0/16', remotePort: '53' },
    ],
  });
  const windows: VmFact = { ...vm, osType: 'Windows', extensions: [{ ...vm.extensions[0], type: 'NetworkWatcherAgentWindows', provisioningState: 'Failed' }] };
  return [
    ['packet capture: storage and file, filters, watcher and agent in place', planPacketCapture(answers, facts)],
    [
      'packet capture: new watcher and resource group, agent installed, storage only, no filters',
      planPacketCapture({ ...answers, destination: 'storage', filePath: undefined, filters: [], bytesPerPacket: 128 }, { ...facts, vm: { ...vm, extensions: [] }, watcher: undefined, watcherGroupLocation: undefined }),
    ],
    [
      'packet capture: file only on Windows, agent reinstalled, existing resource group',
      planPacketCapture({ ...answers, destination: 'file', storageArmId: undefined, filePath: 'C:\\captures\\pc-app.cap', filters: [{ protocol: 'UDP' }] }, { ...facts, vm: windows, watcher: undefined, watcherGroupLocation: 'germanywestcentral' }),
    ],
  ];
}

/** Every plan the wizards make, by a name that says which branches it takes. */
export function wizardPlans(): Array<[string, Plan]> {
  return [...tapPlans(), ...peeringPlans(), ...flowLogPlans(), ...capturePlans()];
}
