import assert from 'node:assert/strict';
import { crossTenantCheck, defaultPeeringName, gatewayChecks, overlapCheck, peeredOverlap, peeredOverlapCheck, selfPeeringCheck, spokeOverlapCheck, validatePeeringName } from '../../../../src/wizards/peering/checks';
import { hasVirtualNetworkGateway } from '../../../../src/wizards/peering/peeringVnet';
import { existingPeering, peeringVnet, tenantB } from './builders';

describe('peering checks', () => {
  it('validates peering names as Azure does', () => {
    assert.equal(validatePeeringName('hub-to-dev'), undefined);
    assert.equal(validatePeeringName('a'), undefined);
    assert.equal(validatePeeringName('hub_to.dev_'), undefined);
    assert.equal(validatePeeringName('x'.repeat(80)), undefined);
    assert.match(validatePeeringName('') ?? '', /^A peering name is required/);
    assert.match(validatePeeringName('x'.repeat(81)) ?? '', /at most 80 characters \(this one has 81\)/);
    assert.match(validatePeeringName('hub to dev') ?? '', /can contain only letters/);
    assert.match(validatePeeringName('-hub') ?? '', /must start with a letter or a digit/);
    assert.match(validatePeeringName('_hub') ?? '', /must start with a letter or a digit/);
    assert.match(validatePeeringName('hub-') ?? '', /must end with a letter, a digit or an underscore/);
    assert.match(validatePeeringName('hub.') ?? '', /must end with a letter, a digit or an underscore/);
  });

  it('builds valid default names, shortened when the VNet names are long', () => {
    assert.equal(defaultPeeringName('vnet-hub', 'vnet-dev-spoke'), 'vnet-hub-to-vnet-dev-spoke');
    const long = defaultPeeringName('h'.repeat(50), 's'.repeat(50));
    assert.equal(long.length <= 80, true);
    assert.equal(validatePeeringName(long), undefined);
    assert.equal(validatePeeringName(defaultPeeringName(`${'h'.repeat(75)}-x`, 'spoke')), undefined);
  });

  it('refuses a VNet peered with itself', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    assert.equal(selfPeeringCheck(hub, peeringVnet({ name: 'vnet-spoke' })), undefined);
    assert.equal(selfPeeringCheck(hub, hub)?.status, 'failed');
  });

  it('refuses hub and spoke overlaps and names the prefixes', () => {
    const hub = peeringVnet({ name: 'vnet-hub', addressSpace: ['10.0.0.0/16', 'fd00:1::/48'] });
    const check = overlapCheck(hub, peeringVnet({ name: 'vnet-bad', addressSpace: ['10.0.5.0/24'] }));
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /Couldn't peer vnet-hub with vnet-bad: their address spaces overlap \(10\.0\.0\.0\/16 ↔ 10\.0\.5\.0\/24\)/);
    assert.equal(overlapCheck(hub, peeringVnet({ name: 'vnet-v6', addressSpace: ['10.9.0.0/16', 'fd00:1:0:8::/64'] })).status, 'failed');
    assert.equal(overlapCheck(hub, peeringVnet({ name: 'vnet-ok', addressSpace: ['10.2.0.0/16', 'fd00:2::/48'] })).status, 'passed');
  });

  it('refuses spokes overlapping one another, naming each pair', () => {
    const a = peeringVnet({ name: 'spoke-a', addressSpace: ['10.5.0.0/16'] });
    const b = peeringVnet({ name: 'spoke-b', addressSpace: ['10.5.1.0/24'] });
    const c = peeringVnet({ name: 'spoke-c', addressSpace: ['10.6.0.0/16'] });
    assert.equal(spokeOverlapCheck([a, c]), undefined);
    const check = spokeOverlapCheck([a, b, c]);
    assert.equal(check?.status, 'failed');
    assert.match(check?.detail ?? '', /spoke-a and spoke-b \(10\.5\.0\.0\/16 ↔ 10\.5\.1\.0\/24\)/);
    assert.match(check?.detail ?? '', /VnetAddressSpaceOverlapsWithAlreadyPeeredVnet/);
  });

  it('refuses a spoke overlapping a VNet already peered with the hub, and a hub overlapping one already peered with the spoke', () => {
    const hub = peeringVnet({ name: 'vnet-hub', addressSpace: ['10.0.0.0/16'] });
    const prod = peeringVnet({ name: 'vnet-prod', addressSpace: ['10.1.0.0/16'] });
    hub.peerings = [existingPeering(hub, prod, { name: 'hub-to-prod', peeringState: 'Connected' })];
    const sandbox = peeringVnet({ name: 'vnet-sandbox', addressSpace: ['10.1.0.0/16'] });
    const check = peeredOverlapCheck(hub, sandbox);
    assert.equal(check?.status, 'failed');
    assert.match(check?.detail ?? '', /Couldn't peer vnet-hub with vnet-sandbox: vnet-sandbox overlaps vnet-prod, already peered with vnet-hub \(10\.1\.0\.0\/16 ↔ 10\.1\.0\.0\/16\)/);
    // The peering to the spoke itself is no other network.
    assert.equal(peeredOverlapCheck(hub, prod), undefined);
    assert.equal(peeredOverlapCheck(hub, peeringVnet({ name: 'vnet-ok', addressSpace: ['10.2.0.0/16'] })), undefined);
    const legacy = peeringVnet({ name: 'vnet-legacy', addressSpace: ['10.0.128.0/17'] });
    const spoke = peeringVnet({ name: 'vnet-spoke', addressSpace: ['10.3.0.0/16'] });
    spoke.peerings = [existingPeering(spoke, legacy, { name: 'spoke-to-legacy' })];
    assert.equal(peeredOverlap(hub, spoke)?.overlapping.name, 'vnet-hub');
    assert.match(peeredOverlapCheck(hub, spoke)?.detail ?? '', /vnet-hub overlaps vnet-legacy, already peered with vnet-spoke \(10\.0\.0\.0\/16 ↔ 10\.0\.128\.0\/17\)/);
  });

  it('allows gateway transit only from a hub with a gateway, to spokes without one that use no other remote gateway', () => {
    const hub = peeringVnet({ name: 'vnet-hub', hasGateway: true });
    const other = peeringVnet({ name: 'vnet-other-hub', addressSpace: ['10.50.0.0/16'] });
    const plain = peeringVnet({ name: 'spoke-plain', addressSpace: ['10.1.0.0/16'] });
    const withGateway = peeringVnet({ name: 'spoke-gw', addressSpace: ['10.2.0.0/16'], hasGateway: true });
    const usingOther = peeringVnet({ name: 'spoke-used', addressSpace: ['10.3.0.0/16'] });
    usingOther.peerings = [existingPeering(usingOther, other, { name: 'used-to-other', useRemoteGateways: true, peeringState: 'Connected' })];
    const byId = new Map(gatewayChecks(hub, [plain, withGateway, usingOther]).map((check) => [check.id, check]));
    assert.equal(byId.get('gateway:hub')?.status, 'passed');
    assert.equal(byId.get('gateway:spoke-plain')?.status, 'passed');
    assert.equal(byId.get('gateway:spoke-gw')?.status, 'failed');
    assert.equal(byId.get('gateway:spoke-used')?.status, 'failed');
    assert.match(byId.get('gateway:spoke-used')?.detail ?? '', /used-to-other already uses the gateway of vnet-other-hub/);
    // Its own peering to this hub using remote gateways is the one being planned: fine.
    const reusing = peeringVnet({ name: 'spoke-again', addressSpace: ['10.4.0.0/16'] });
    reusing.peerings = [existingPeering(reusing, hub, { name: 'again-to-hub', useRemoteGateways: true })];
    assert.equal(gatewayChecks(hub, [reusing]).find((check) => check.id === 'gateway:spoke-again')?.status, 'passed');
    assert.equal(gatewayChecks(peeringVnet({ name: 'vnet-hub' }), [plain])[0].status, 'failed');
  });

  it('finds a gateway from the GatewaySubnet\'s IP configurations', () => {
    const gatewaySubnet = (ipConfigurations: { id: string }[]) => ({
      id: 'x', armId: 'x', name: 'GatewaySubnet', resourceGroup: 'rg', vnetId: 'v', addressPrefixes: ['10.0.255.0/27'], properties: { ipConfigurations },
    });
    const vnet = (subnets: ReturnType<typeof gatewaySubnet>[]) => ({ id: 'v', armId: 'v', name: 'v', resourceGroup: 'rg', properties: {}, location: 'germanywestcentral', addressSpace: [], peerings: [], subnets });
    assert.equal(hasVirtualNetworkGateway(vnet([gatewaySubnet([{ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw-hub/ipConfigurations/default' }])])), true);
    assert.equal(hasVirtualNetworkGateway(vnet([gatewaySubnet([])])), false);
    assert.equal(hasVirtualNetworkGateway(vnet([gatewaySubnet([{ id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic/ipConfigurations/ip' }])])), false);
    assert.equal(hasVirtualNetworkGateway(vnet([])), false);
  });

  it('warns about cross-tenant peering, naming both tenants', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    assert.equal(crossTenantCheck(hub, [peeringVnet({ name: 'same-tenant', addressSpace: ['10.1.0.0/16'] })]), undefined);
    const check = crossTenantCheck(hub, [peeringVnet({ name: 'vnet-partner', tenantId: tenantB })]);
    assert.equal(check?.status, 'warning');
    assert.match(check?.detail ?? '', /vnet-partner \(tenant bbbbbbbb-.*Network Contributor/);
  });
});
