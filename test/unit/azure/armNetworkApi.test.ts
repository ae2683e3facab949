import assert from 'node:assert/strict';
import { ArmNetworkApi } from '../../../src/azure/armNetworkApi';
import { toArmProblem } from '../../../src/azure/armProblem';
import { UnsignedTestCredential } from '../../../src/azure/credentials';
import type { SubscriptionRef } from '../../../src/azure/networkApi';
import { SubscriptionInventory } from '../../../src/inventory/subscriptionInventory';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { collectorNicId, collectorTapId, demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId, hubVnetId, prodSubscriptionId, prodVnetId } from '../../standin/topologies/demo';
import { apiFor } from './demoApi';

/** The demo estate plus `extraGroups` resource groups in the prod subscription, each with a VNet, an NSG and a NIC. */
function topologyWithGroups(extraGroups: number): Topology {
  const topology = demoTopology();
  const prod = topology.subscriptions.find((subscription) => subscription.subscriptionId === prodSubscriptionId)!;
  for (let i = 0; i < extraGroups; i++) {
    const group = `rg-extra-${i}`;
    prod.resourceGroups.push({
      name: group,
      location: 'germanywestcentral',
      networkSecurityGroups: [{ name: `nsg-extra-${i}`, rules: [] }],
      virtualNetworks: [{ name: `vnet-extra-${i}`, addressPrefixes: [`10.${100 + i}.0.0/16`], subnets: [{ name: 'snet-a', addressPrefix: `10.${100 + i}.1.0/24` }] }],
      networkInterfaces: [{ name: `nic-extra-${i}`, subnetId: armIds.subnet(prodSubscriptionId, group, `vnet-extra-${i}`, 'snet-a'), privateIpAddress: `10.${100 + i}.1.4`, macAddress: `00-0D-3A-00-00-${String(i).padStart(2, '0')}` }],
    });
  }
  return topology;
}

describe('ArmNetworkApi against the ARM stand-in', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let api: ArmNetworkApi;
  let subscriptions: SubscriptionRef[];
  const tenantProblems: string[] = [];

  before(async () => {
    // Two items per page: every list below has to follow nextLink to be complete.
    standIn = await startStandIn({ topology: demoTopology(), pageSize: 2 });
    api = apiFor(standIn, { onTenantProblem: (tenant, problem) => tenantProblems.push(`${tenant.tenantId}:${problem.code}`) });
    subscriptions = await api.listSubscriptions();
  });

  after(async () => {
    await standIn?.close();
  });

  afterEach(() => standIn.faults.reset());

  const subscription = (id: string): SubscriptionRef => subscriptions.find((candidate) => candidate.subscriptionId === id)!;

  it('lists the subscriptions of every tenant, sorted by name, with lower-cased ids and the tenant name', async () => {
    assert.deepEqual(subscriptions.map((item) => item.displayName), ['Contoso Security Hub', 'Contoso Security Operations', 'Contoso Workload Dev', 'Contoso Workload Prod']);
    assert.equal(subscription(hubSubscriptionId).id, `/subscriptions/${hubSubscriptionId}`);
    assert.equal(subscription(hubSubscriptionId).tenantName, 'Contoso');
    assert.deepEqual(tenantProblems, []);
    assert.deepEqual((await api.listTenants()).map((tenant) => tenant.displayName).sort(), ['Contoso', 'Fabrikam Partners']);
  });

  it('still lists the other tenants\' subscriptions when one tenant needs its own sign-in', async () => {
    const credential = new UnsignedTestCredential(demoTenantId);
    const problems: string[] = [];
    const partial = new ArmNetworkApi({
      endpoint: standIn.url,
      homeCredential: credential,
      credentialForTenant: (tenantId) => ({
        getToken: async (scopes, options) => {
          if (tenantId !== demoTenantId) {
            throw Object.assign(new Error(`Sign in to tenant ${tenantId}.`), { name: 'AuthenticationRequiredError' });
          }
          return credential.getToken(scopes, { ...options, tenantId });
        },
      }),
      caPem: standIn.caPem,
      onTenantProblem: (tenant, problem) => problems.push(`${tenant.displayName}: ${problem.code}`),
    });
    assert.deepEqual((await partial.listSubscriptions()).map((item) => item.displayName), ['Contoso Security Hub', 'Contoso Security Operations', 'Contoso Workload Dev', 'Contoso Workload Prod']);
    assert.deepEqual(problems, ['Fabrikam Partners: AuthenticationRequiredError']);
  });

  it('reads VNets with their subnets, NSG links and peerings embedded', async () => {
    const vnets = await api.listVnets(subscription(hubSubscriptionId));
    assert.deepEqual(vnets.map((vnet) => vnet.id), [hubVnetId.toLowerCase()]);
    const [hub] = vnets;
    assert.equal(hub.armId, hubVnetId);
    assert.deepEqual(hub.addressSpace, ['10.0.0.0/16']);
    assert.equal(hub.location, 'germanywestcentral');
    assert.deepEqual(hub.subnets.map((subnet) => [subnet.name, subnet.addressPrefixes.join(), subnet.networkSecurityGroupId?.split('/').pop()]), [
      ['AzureFirewallSubnet', '10.0.0.0/26', undefined],
      ['snet-collectors', '10.0.1.0/24', 'nsg-collectors'],
      ['snet-shared', '10.0.2.0/24', 'nsg-shared'],
    ]);
    assert.deepEqual(hub.peerings.map((peering) => [peering.name, peering.peeringState, peering.remoteVnetId]), [['hub-to-prod', 'Connected', prodVnetId.toLowerCase()]]);
    const [devSpoke] = (await api.listVnets(subscription(devSubscriptionId))).filter((vnet) => vnet.name === 'vnet-dev-spoke');
    assert.equal(devSpoke.peerings[0].peeringState, 'Initiated');
  });

  it('reads NICs with IP, VM, accelerated networking and TAP configuration, across resource groups and pages', async () => {
    const nics = await api.listNics(subscription(prodSubscriptionId));
    assert.deepEqual(nics.map((nic) => nic.name), ['nic-app-01', 'nic-app-02', 'nic-db-01', 'nic-jump-01', 'nic-legacy-01', 'nic-legacy-02', 'nic-web-01', 'nic-web-02']);
    const web = nics.find((nic) => nic.name === 'nic-web-01')!;
    assert.equal(web.primaryPrivateIp, '10.1.1.4');
    assert.equal(web.virtualMachineName, 'vm-web-01');
    assert.equal(web.acceleratedNetworking, true);
    assert.deepEqual(web.tapIds, [collectorTapId.toLowerCase()]);
    assert.equal(web.subnetIds[0], `${prodVnetId}/subnets/snet-web`.toLowerCase());
    assert.equal(nics.find((nic) => nic.name === 'nic-app-01')!.acceleratedNetworking, false);
  });

  it('reads NSG rules, watchers, flow logs and TAPs', async () => {
    const hub = subscription(hubSubscriptionId);
    const nsgs = await api.listNsgs(hub);
    const collectors = nsgs.find((nsg) => nsg.name === 'nsg-collectors')!;
    assert.deepEqual(collectors.rules.map((rule) => `${rule.priority} ${rule.access} ${rule.destinationPorts}`), ['100 Allow 4789', '110 Allow 22', '4000 Deny *']);
    const taps = await api.listVirtualNetworkTaps(hub);
    assert.deepEqual(taps.map((tap) => tap.name), ['vtap-collectors']);
    assert.ok(taps[0].destinationId?.startsWith(collectorNicId.toLowerCase()));
    assert.equal(taps[0].sourceIds.length, 1, 'one NIC in prod mirrors into it');

    const prod = subscription(prodSubscriptionId);
    const [watcher] = await api.listNetworkWatchers(prod);
    const flowLogs = await api.listFlowLogs(prod, watcher);
    assert.deepEqual(flowLogs.map((flowLog) => [flowLog.name, flowLog.targetId, flowLog.enabled, flowLog.storageArmId.split('/').pop()]), [
      ['fl-nsg-prod-web', armIds.networkSecurityGroup(prodSubscriptionId, 'rg-prod-network', 'nsg-prod-web').toLowerCase(), true, 'sthubflowlogsgwc01'],
      ['fl-vnet-prod-spoke', prodVnetId.toLowerCase(), true, 'sthubflowlogsgwc01'],
    ]);
    assert.deepEqual(await api.listPacketCaptures(prod, watcher), []);
  });

  it('reports ARM\'s error code of a refused list, and the SDK retries a throttled one', async () => {
    const hub = subscription(hubSubscriptionId);
    standIn.faults.throttle({ match: '/providers/Microsoft.Network/virtualNetworks', count: 1, retryAfterMs: 5 });
    assert.equal((await api.listVnets(hub)).length, 1, 'one 429 with Retry-After is retried by the SDK');
    standIn.faults.expireToken({ match: '/providers/Microsoft.Network/networkInterfaces', count: 1 });
    const problem = await api.listNics(hub).then(() => undefined, toArmProblem);
    assert.equal(problem?.code, 'ExpiredAuthenticationToken');
    assert.equal(problem?.status, 401);
    assert.ok(problem?.correlationId);
    standIn.faults.forbid({ match: '/providers/Microsoft.Network/networkSecurityGroups' });
    const denied = await api.listNsgs(hub).then(() => undefined, toArmProblem);
    assert.deepEqual([denied?.code, denied?.status], ['AuthorizationFailed', 403]);
    assert.match(denied?.message ?? '', /Microsoft\.Network\/networkSecurityGroups\/read/);
  });

  it('aborts a list when its signal fires', async () => {
    standIn.faults.setLatency(300);
    const controller = new AbortController();
    const listing = api.listNics(subscription(prodSubscriptionId), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const problem = await listing.then(() => undefined, toArmProblem);
    assert.equal(problem?.code, 'Cancelled');
  });
});

describe('Loading a subscription\'s inventory', function () {
  this.timeout(30_000);

  async function requestsToLoad(extraGroups: number): Promise<{ requests: number; vnets: number }> {
    const standIn = await startStandIn({ topology: topologyWithGroups(extraGroups) });
    try {
      const api = apiFor(standIn);
      const prod = (await api.listSubscriptions()).find((subscription) => subscription.subscriptionId === prodSubscriptionId)!;
      standIn.requests.reset();
      const inventory = new SubscriptionInventory(api, prod);
      await inventory.loadAll();
      const vnets = inventory.cached('vnets');
      assert.ok(vnets?.ok);
      return { requests: standIn.requests.total, vnets: vnets.value.length };
    } finally {
      await standIn.close();
    }
  }

  it('makes the same number of requests whether the subscription has 3 or 23 resource groups', async () => {
    const few = await requestsToLoad(0);
    const many = await requestsToLoad(20);
    assert.equal(few.vnets, 1);
    assert.equal(many.vnets, 21);
    // VNets, NICs, NSGs, watchers and TAPs, plus flow logs and packet captures of its one watcher.
    assert.equal(few.requests, 7);
    assert.equal(many.requests, few.requests);
  });
});
