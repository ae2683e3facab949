import assert from 'node:assert/strict';
import { ArmClients, type ArmAccess } from '../../../src/azure/armClients';
import { ScopedCredential, UnsignedTestCredential } from '../../../src/azure/credentials';
import type { SubscriptionRef } from '../../../src/azure/networkApi';
import { PacketCaptureReads } from '../../../src/azure/packetCaptureReads';
import { readPeeringStatus } from '../../../src/azure/peeringReads';
import { listLoadBalancers } from '../../../src/azure/tapReads';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { collectorNicId, demoTenantId, demoTopology, hubSubscriptionId, hubVnetId } from '../../standin/topologies/demo';

/** The wizards' reads through the sign-in's clients, against the ARM stand-in over TLS with its own CA. */
describe('Wizard reads against the ARM stand-in', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let account: ArmAccess;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    const credential = new UnsignedTestCredential(demoTenantId);
    const credentialForTenant = (tenantId: string) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenantId);
    const access = { resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem };
    account = { ...access, clients: new ArmClients(access) };
  });

  after(async () => {
    await standIn.close();
  });

  const hub: SubscriptionRef = { id: `/subscriptions/${hubSubscriptionId}`, subscriptionId: hubSubscriptionId, tenantId: demoTenantId, displayName: 'hub', state: 'Enabled', properties: {} };

  it('lists a subscription’s load balancers with their frontends and backend pools', async () => {
    const balancers = await listLoadBalancers(account, hub);
    assert.deepEqual(balancers.map((balancer) => balancer.name), ['ilb-collectors']);
    assert.equal(balancers[0].sku, 'Standard');
    assert.deepEqual(balancers[0].frontends.map((frontend) => [frontend.name, frontend.privateIp]), [['fe-collectors', '10.0.1.10']]);
    assert.deepEqual(balancers[0].backendIpConfigurationIds, [armIds.ipConfiguration(collectorNicId).toLowerCase()]);
  });

  it('reads a peering’s state, and NotFound for a peering that does not exist', async () => {
    const status = await readPeeringStatus(account, demoTenantId, `${hubVnetId}/virtualNetworkPeerings/hub-to-prod`);
    assert.equal(status.name, 'hub-to-prod');
    assert.equal(status.peeringState, 'Connected');
    assert.deepEqual(await readPeeringStatus(account, demoTenantId, `${hubVnetId}/virtualNetworkPeerings/hub-to-nowhere`), {
      armId: `${hubVnetId}/virtualNetworkPeerings/hub-to-nowhere`,
      name: 'hub-to-nowhere',
      peeringState: 'NotFound',
    });
  });

  it('reads a VM’s OS and power state, and no capture where the watcher has none of that name', async () => {
    const reads = new PacketCaptureReads(account);
    const vm = await reads.readVm(armIds.virtualMachine(hubSubscriptionId, 'rg-hub-network', 'vm-jumpbox-01'), demoTenantId, ['10.0.2.4']);
    assert.equal(vm.osType, 'Windows');
    assert.equal(vm.powerState, 'running');
    const watcher = armIds.networkWatcher(hubSubscriptionId, 'NetworkWatcherRG', 'NetworkWatcher_uksouth');
    assert.equal(await reads.readCapture(watcher, 'no-such-capture', demoTenantId), undefined);
  });
});
