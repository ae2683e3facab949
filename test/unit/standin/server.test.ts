import { StorageManagementClient } from '@azure/arm-storage';
import assert from 'node:assert/strict';
import { TestCredential } from '../../standin/credential';
import { tapConfigurationLimitCode } from '../../standin/routes/tapConfigurations';
import { flowLogStorageRegionCode } from '../../standin/routes/flowLogs';
import { startStandIn, type StandIn } from '../../standin/server';
import {
  collectorNicId,
  collectorTapId,
  demoTenantId,
  demoTopology,
  devSandboxVnetId,
  devSubscriptionId,
  devVnetId,
  hubFlowLogStorageId,
  hubFlowLogStorageUkSouthId,
  hubSubscriptionId,
  hubVnetId,
  prodSubscriptionId,
  prodVnetId,
} from '../../standin/topologies/demo';
import { types } from '../../standin/types';
import { collect, sdkClients } from './standInHarness';

const fastPoll = { updateIntervalInMs: 5 };

function armFailure(code: string, status?: number) {
  return (error: unknown): boolean => {
    const failure = error as { code?: string; statusCode?: number; message?: string };
    assert.equal(failure.code, code, `expected ARM code ${code}, got ${failure.code} (${failure.message})`);
    if (status !== undefined) {
      assert.equal(failure.statusCode, status);
    }
    return true;
  };
}

describe('ARM stand-in driven by the real Azure SDKs (demo topology)', function () {
  this.timeout(15000);
  let standIn: StandIn;

  before(async () => {
    // A page size of 2 makes every list of the demo span several pages.
    standIn = await startStandIn({ topology: demoTopology(), pageSize: 2, lroCompleteAfterMs: 30000 });
  });

  after(async () => {
    await standIn.close();
  });

  afterEach(() => {
    standIn.faults.reset();
  });

  it('lists the signed-in tenant\'s subscriptions and the tenants the user can see', async () => {
    const { subscriptions } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const found = await collect(subscriptions.subscriptions.list());
    assert.deepEqual(found.map((item) => item.displayName).sort(), ['Contoso Security Hub', 'Contoso Security Operations', 'Contoso Workload Dev', 'Contoso Workload Prod']);
    assert.ok(found.every((item) => item.state === 'Enabled' && item.tenantId === demoTenantId));
    const tenants = await collect(subscriptions.tenants.list());
    assert.deepEqual(tenants.map((item) => item.displayName).sort(), ['Contoso', 'Fabrikam Partners']);
  });

  it('follows nextLink across pages for subscription-wide lists', async () => {
    const { network } = sdkClients(standIn, demoTenantId, prodSubscriptionId);
    const route = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces';
    const before = standIn.requests.count(route);
    const nics = await collect(network.networkInterfaces.listAll());
    assert.deepEqual(nics.map((nic) => nic.name), ['nic-web-01', 'nic-web-02', 'nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-jump-01']);
    assert.equal(standIn.requests.count(route) - before, 4, 'eight NICs at two per page take four requests');
    const web = nics[0];
    assert.equal(web.macAddress, '00-0D-3A-7A-10-01');
    assert.equal(web.enableAcceleratedNetworking, true);
    assert.equal(web.ipConfigurations?.[0].privateIPAddress, '10.1.1.4');
    assert.equal(web.tapConfigurations?.[0].virtualNetworkTap?.id, collectorTapId);
  });

  it('serves VNets with subnets, NSG links and peerings, and per-parent lists', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const vnets = await collect(network.virtualNetworks.listAll());
    assert.deepEqual(vnets.map((vnet) => vnet.name), ['vnet-hub']);
    const hub = vnets[0];
    assert.deepEqual(hub.addressSpace?.addressPrefixes, ['10.0.0.0/16']);
    assert.deepEqual(hub.subnets?.map((subnet) => subnet.name), ['AzureFirewallSubnet', 'snet-collectors', 'snet-shared']);
    const subnets = await collect(network.subnets.list('rg-hub-network', 'vnet-hub'));
    assert.equal(subnets.length, 3);
    const collectors = await network.subnets.get('rg-hub-network', 'vnet-hub', 'snet-collectors');
    assert.match(collectors.networkSecurityGroup?.id ?? '', /networkSecurityGroups\/nsg-collectors$/);
    assert.deepEqual(collectors.ipConfigurations?.map((config) => config.id), [`${collectorNicId}/ipConfigurations/ipconfig1`]);
    const peerings = await collect(network.virtualNetworkPeerings.list('rg-hub-network', 'vnet-hub'));
    assert.deepEqual(peerings.map((peering) => [peering.name, peering.peeringState]), [['hub-to-prod', 'Connected']]);
    const rules = await collect(network.securityRules.list('rg-hub-network', 'nsg-collectors'));
    assert.deepEqual(rules.map((rule) => rule.priority), [100, 110, 4000]);
    const nsg = await network.networkSecurityGroups.get('rg-hub-network', 'nsg-collectors');
    assert.equal(nsg.defaultSecurityRules?.length, 6);
  });

  it('lists network watchers, TAPs, load balancers, storage accounts and their keys', async () => {
    const { network, storage } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const watchers = await collect(network.networkWatchers.listAll());
    assert.deepEqual(watchers.map((watcher) => watcher.location).sort(), ['germanywestcentral', 'uksouth']);
    const taps = await collect(network.virtualNetworkTaps.listAll());
    assert.equal(taps[0].id, collectorTapId);
    assert.equal(taps[0].destinationNetworkInterfaceIPConfiguration?.id, `${collectorNicId}/ipConfigurations/ipconfig1`);
    const balancers = await collect(network.loadBalancers.listAll());
    assert.equal(balancers[0].frontendIPConfigurations?.[0].privateIPAddress, '10.0.1.10');
    const accounts = await collect(storage.storageAccounts.list());
    assert.deepEqual(accounts.map((account) => [account.name, account.location]), [['sthubflowlogsgwc01', 'germanywestcentral'], ['sthubflowlogsuks01', 'uksouth']]);
    const keys = await storage.storageAccounts.listKeys('rg-hub-logs', 'sthubflowlogsgwc01');
    assert.deepEqual(keys.keys?.map((key) => key.keyName), ['key1', 'key2']);
    assert.ok((keys.keys?.[0].value ?? '').length > 40);
  });

  it('sees the api-version each SDK sends and accepts it', async () => {
    const { resources, network, subscriptions, storage } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    await collect(resources.resourceGroups.list());
    await collect(network.networkInterfaces.listAll());
    await collect(subscriptions.subscriptions.list());
    await collect(storage.storageAccounts.list());
    const seen = (route: string) => [...(standIn.requests.apiVersions.get(route) ?? [])];
    assert.deepEqual(seen('GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkInterfaces'), ['2026-01-01']);
    assert.deepEqual(seen('GET /subscriptions'), ['2022-12-01']);
    assert.deepEqual(seen('GET /subscriptions/{subscriptionId}/resourcegroups'), ['2025-04-01']);
    assert.deepEqual(seen('GET /subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts'), ['2026-09-01']);
  });

  it('creates the missing side of a peering with a poller: both sides become Connected', async () => {
    const hubClients = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const devClients = sdkClients(standIn, demoTenantId, devSubscriptionId);
    const before = await devClients.network.virtualNetworkPeerings.get('rg-dev-network', 'vnet-dev-spoke', 'dev-to-hub');
    assert.equal(before.peeringState, 'Initiated');
    const created = await hubClients.network.virtualNetworkPeerings.createOrUpdate('rg-hub-network', 'vnet-hub', 'hub-to-dev', {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      remoteVirtualNetwork: { id: devVnetId },
    }, fastPoll);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.peeringState, 'Connected');
    assert.deepEqual(created.remoteAddressSpace?.addressPrefixes, ['10.2.0.0/16']);
    const after = await devClients.network.virtualNetworkPeerings.get('rg-dev-network', 'vnet-dev-spoke', 'dev-to-hub');
    assert.equal(after.peeringState, 'Connected');
    assert.ok(standIn.requests.countMatching('/operations/{operationId}') > 0, 'the SDK polled the Azure-AsyncOperation URL');
  });

  it('refuses to peer overlapping address spaces with VnetAddressSpacesOverlap', async () => {
    const { network } = sdkClients(standIn, demoTenantId, prodSubscriptionId);
    await assert.rejects(
      network.virtualNetworkPeerings.createOrUpdate('rg-prod-network', 'vnet-prod-spoke', 'prod-to-sandbox', { remoteVirtualNetwork: { id: devSandboxVnetId } }, fastPoll),
      (error: unknown) => {
        armFailure('VnetAddressSpacesOverlap', 400)(error);
        assert.match((error as Error).message, /10\.1\.0\.0\/16/);
        return true;
      },
    );
  });

  it('refuses a peering whose remote overlaps a VNet the local one is already peered with (VnetAddressSpaceOverlapsWithAlreadyPeeredVnet)', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    await assert.rejects(
      network.virtualNetworkPeerings.createOrUpdate('rg-hub-network', 'vnet-hub', 'hub-to-sandbox', { remoteVirtualNetwork: { id: devSandboxVnetId } }, fastPoll),
      (error: unknown) => {
        armFailure('VnetAddressSpaceOverlapsWithAlreadyPeeredVnet', 400)(error);
        const message = (error as Error).message;
        assert.match(message, /Virtual networks \S+\/vnet-dev-sandbox and \S+\/vnet-hub cannot be peered because address space of the first virtual network overlaps with address space of virtual network \S+\/vnet-prod-spoke already peered with the second virtual network/);
        assert.match(message, /Overlapping address prefixes: 10\.1\.0\.0\/16/);
        return true;
      },
    );
    assert.equal(standIn.state.list(types.peering, hubVnetId).some((peering) => peering.name === 'hub-to-sandbox'), false);
  });

  it('refuses a peering whose local VNet overlaps a VNet the remote one is already peered with, as Azure words it', async () => {
    const { network } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    await assert.rejects(
      network.virtualNetworkPeerings.createOrUpdate('rg-dev-network', 'vnet-dev-sandbox', 'sandbox-to-hub', { remoteVirtualNetwork: { id: hubVnetId } }, fastPoll),
      (error: unknown) => {
        armFailure('VnetAddressSpaceOverlapsWithAlreadyPeeredVnet', 400)(error);
        assert.match((error as Error).message, /^Cannot create or update peering \S+\/vnet-dev-sandbox\/virtualNetworkPeerings\/sandbox-to-hub\. Virtual networks \S+\/vnet-dev-sandbox and \S+\/vnet-hub cannot be peered .* virtual network \S+\/vnet-prod-spoke already peered with the second virtual network\. Overlapping address prefixes: 10\.1\.0\.0\/16\./);
        return true;
      },
    );
  });

  it('deleting one side of a peering leaves the other Disconnected and the deleted one NotFound', async () => {
    const prod = sdkClients(standIn, demoTenantId, prodSubscriptionId);
    const hub = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    await prod.network.virtualNetworkPeerings.delete('rg-prod-network', 'vnet-prod-spoke', 'prod-to-hub', fastPoll);
    const remaining = await hub.network.virtualNetworkPeerings.get('rg-hub-network', 'vnet-hub', 'hub-to-prod');
    assert.equal(remaining.peeringState, 'Disconnected');
    await assert.rejects(prod.network.virtualNetworkPeerings.get('rg-prod-network', 'vnet-prod-spoke', 'prod-to-hub'), armFailure('NotFound', 404));
    assert.ok(prodVnetId.endsWith('vnet-prod-spoke'));
  });

  it('allows one tap configuration per NIC and keeps the TAP\'s list of users current', async () => {
    const { network } = sdkClients(standIn, demoTenantId, prodSubscriptionId);
    await assert.rejects(
      network.networkInterfaceTapConfigurations.createOrUpdate('rg-prod-app', 'nic-web-01', 'second', { virtualNetworkTap: { id: collectorTapId } }, fastPoll),
      armFailure(tapConfigurationLimitCode, 400),
    );
    const created = await network.networkInterfaceTapConfigurations.createOrUpdate('rg-prod-app', 'nic-web-02', 'tapcfg-web-02', { virtualNetworkTap: { id: collectorTapId } }, fastPoll);
    assert.equal(created.provisioningState, 'Succeeded');
    const hub = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const tap = await hub.network.virtualNetworkTaps.get('rg-hub-network', 'vtap-collectors');
    assert.equal(tap.networkInterfaceTapConfigurations?.length, 2);
    await network.networkInterfaceTapConfigurations.delete('rg-prod-app', 'nic-web-02', 'tapcfg-web-02', fastPoll);
    const afterDelete = await hub.network.virtualNetworkTaps.get('rg-hub-network', 'vtap-collectors');
    assert.equal(afterDelete.networkInterfaceTapConfigurations?.length, 1);
  });

  it('refuses a tap configuration on a NIC in another region than the TAP', async () => {
    const { network } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    await assert.rejects(
      network.networkInterfaceTapConfigurations.createOrUpdate('rg-dev-network', 'nic-dev-01', 'tapcfg-dev-01', { virtualNetworkTap: { id: collectorTapId } }, fastPoll),
      (error: unknown) => {
        armFailure('InvalidResourceReference', 400)(error);
        assert.match((error as Error).message, /same region/);
        return true;
      },
    );
  });

  it('creates and deletes a virtual network TAP, a security rule, a network watcher and a packet capture', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const tap = await network.virtualNetworkTaps.createOrUpdate('rg-hub-network', 'vtap-jumpbox', {
      location: 'germanywestcentral',
      destinationNetworkInterfaceIPConfiguration: { id: `${collectorNicId}/ipConfigurations/ipconfig1` },
    }, fastPoll);
    assert.equal(tap.destinationPort, 4789);
    await network.virtualNetworkTaps.delete('rg-hub-network', 'vtap-jumpbox', fastPoll);
    await assert.rejects(network.virtualNetworkTaps.get('rg-hub-network', 'vtap-jumpbox'), armFailure('ResourceNotFound', 404));

    const rule = await network.securityRules.createOrUpdate('rg-hub-network', 'nsg-shared', 'allow-dns', {
      priority: 120, direction: 'Inbound', access: 'Allow', protocol: 'Udp', sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '53',
    }, fastPoll);
    assert.equal(rule.provisioningState, 'Succeeded');
    await assert.rejects(
      network.securityRules.createOrUpdate('rg-hub-network', 'nsg-shared', 'clash', { priority: 120, direction: 'Inbound', access: 'Deny', protocol: '*' }, fastPoll),
      armFailure('SecurityRuleConflict', 400),
    );

    await assert.rejects(network.networkWatchers.createOrUpdate('rg-hub-network', 'second-gwc', { location: 'germanywestcentral' }), armFailure('NetworkWatcherCountLimitReached', 400));
    const watcher = await network.networkWatchers.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_eastus', { location: 'eastus' });
    assert.equal(watcher.provisioningState, 'Succeeded');
    await network.networkWatchers.delete('NetworkWatcherRG', 'NetworkWatcher_eastus', fastPoll);

    const capture = await network.packetCaptures.create('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-collector', {
      target: '/subscriptions/3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13/resourceGroups/rg-hub-network/providers/Microsoft.Compute/virtualMachines/vm-collector-01',
      storageLocation: { storageId: hubFlowLogStorageId },
      timeLimitInSeconds: 600,
    }, fastPoll);
    assert.equal(capture.provisioningState, 'Succeeded');
    const status = await network.packetCaptures.getStatus('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-collector', fastPoll);
    assert.equal(status.packetCaptureStatus, 'Running');
    await network.packetCaptures.stop('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-collector', fastPoll);
    const stopped = await network.packetCaptures.getStatus('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-collector', fastPoll);
    assert.equal(stopped.packetCaptureStatus, 'Stopped');
    await network.packetCaptures.delete('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-collector', fastPoll);
    assert.deepEqual(await collect(network.packetCaptures.list('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral')), []);
  });

  it('refuses new NSG flow logs and flow-log storage in another region, and creates a VNet flow log', async () => {
    const { network } = sdkClients(standIn, demoTenantId, prodSubscriptionId);
    const nsg = prodVnetId.replace('virtualNetworks/vnet-prod-spoke', 'networkSecurityGroups/nsg-prod-app');
    await assert.rejects(
      network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'fl-nsg-prod-app', { location: 'germanywestcentral', targetResourceId: nsg, storageId: hubFlowLogStorageId, enabled: true }, fastPoll),
      armFailure('NsgFlowLogCreationBlocked', 400),
    );
    const existing = await network.flowLogs.get('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'fl-nsg-prod-web');
    const changed = await network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'fl-nsg-prod-web', { ...existing, enabled: false }, fastPoll);
    assert.equal(changed.enabled, false, 'an existing NSG flow log can still be changed');

    const subnet = `${prodVnetId}/subnets/snet-app`;
    await assert.rejects(
      network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'fl-snet-app', { location: 'germanywestcentral', targetResourceId: subnet, storageId: hubFlowLogStorageUkSouthId, enabled: true }, fastPoll),
      armFailure(flowLogStorageRegionCode, 400),
    );
    const created = await network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'fl-snet-app', {
      location: 'germanywestcentral', targetResourceId: subnet, storageId: hubFlowLogStorageId, enabled: true, format: { type: 'JSON', version: 2 },
    }, fastPoll);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.targetResourceId, subnet);
    const all = await collect(network.flowLogs.list('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral'));
    assert.deepEqual(all.map((flowLog) => flowLog.name), ['fl-vnet-prod-spoke', 'fl-nsg-prod-web', 'fl-snet-app']);
  });

  it('refuses flow logs while Microsoft.Insights is not registered, then accepts them after registering', async () => {
    const { network, resources } = sdkClients(standIn, demoTenantId, devSubscriptionId);
    const body = { location: 'uksouth', targetResourceId: devVnetId, storageId: hubFlowLogStorageUkSouthId, enabled: true };
    await assert.rejects(network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_uksouth', 'fl-dev', body, fastPoll), armFailure('MissingSubscriptionRegistration', 409));
    const provider = await resources.providers.get('Microsoft.Insights');
    assert.equal(provider.registrationState, 'NotRegistered');
    const registering = await resources.providers.register('Microsoft.Insights');
    assert.equal(registering.registrationState, 'Registering');
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registering');
    assert.equal((await resources.providers.get('Microsoft.Insights')).registrationState, 'Registered');
    const created = await network.flowLogs.createOrUpdate('NetworkWatcherRG', 'NetworkWatcher_uksouth', 'fl-dev', body, fastPoll);
    assert.equal(created.provisioningState, 'Succeeded');
  });

  it('surfaces a failed long-running operation with its error, and leaves the resource Failed', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    standIn.faults.failOperation({ match: 'securityRules/doomed', code: 'InternalServerError', message: 'Rule programming failed on the host.' });
    await assert.rejects(
      network.securityRules.createOrUpdate('rg-hub-network', 'nsg-shared', 'doomed', { priority: 300, direction: 'Outbound', access: 'Deny', protocol: 'Tcp' }, fastPoll),
      /Rule programming failed on the host/,
    );
    const rule = await network.securityRules.get('rg-hub-network', 'nsg-shared', 'doomed');
    assert.equal(rule.provisioningState, 'Failed');
  });

  it('answers 429 with Retry-After, which the SDK retries, and throws after four attempts', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const route = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/networkSecurityGroups';
    let before = standIn.requests.count(route);
    standIn.faults.throttle({ match: '/providers/Microsoft.Network/networkSecurityGroups', count: 2, retryAfterSeconds: 0 });
    assert.equal((await collect(network.networkSecurityGroups.listAll())).length, 2);
    assert.equal(standIn.requests.count(route) - before, 3, 'two throttled answers, then the page');

    before = standIn.requests.count(route);
    standIn.faults.throttle({ match: '/providers/Microsoft.Network/networkSecurityGroups', count: 1, retryAfterMs: 5 });
    assert.equal((await collect(network.networkSecurityGroups.listAll())).length, 2);
    assert.equal(standIn.requests.count(route) - before, 2, 'x-ms-retry-after-ms is honoured too');

    standIn.faults.throttle({ match: '/providers/Microsoft.Network/networkSecurityGroups', count: 10, retryAfterSeconds: 0 });
    await assert.rejects(collect(network.networkSecurityGroups.listAll()), armFailure('SubscriptionRequestsThrottled', 429));
  });

  it('answers 5xx, which the SDK retries', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const route = 'GET /subscriptions/{subscriptionId}/providers/Microsoft.Network/loadBalancers';
    const before = standIn.requests.count(route);
    standIn.faults.serverError({ match: '/loadBalancers', count: 2, status: 503 });
    assert.equal((await collect(network.loadBalancers.listAll())).length, 1);
    assert.equal(standIn.requests.count(route) - before, 3);
  });

  it('answers an expired token with ExpiredAuthenticationToken', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    standIn.faults.expireToken({ match: '/virtualNetworkTaps' });
    await assert.rejects(collect(network.virtualNetworkTaps.listAll()), armFailure('ExpiredAuthenticationToken', 401));
  });

  it('answers an api-version the provider does not know with NoRegisteredProviderFound', async () => {
    const client = new StorageManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, {
      endpoint: standIn.url,
      tlsOptions: { ca: standIn.caPem },
      apiVersion: '2014-01-01',
    });
    await assert.rejects(collect(client.storageAccounts.list()), armFailure('NoRegisteredProviderFound', 400));
  });
});
