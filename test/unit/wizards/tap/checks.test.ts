import assert from 'node:assert/strict';
import {
  acceleratedNetworkingCheck,
  decidingRule,
  freeInboundPriority,
  ipv4Check,
  loadBalancerCheck,
  oneConfigurationCheck,
  reachCheck,
  regionCheck,
  sameRegionCheck,
  validateTapName,
  vxlanBlocks,
  type TapCheckInput,
} from '../../../../src/wizards/tap/checks';
import { armId, estate, key, lbDestination, nicDestination, nsg, peering, rule, sourceNic, tap, vnet } from './builders';

function input(fields: Partial<TapCheckInput> = {}): TapCheckInput {
  const world = fields.estate ?? estate();
  return { destination: nicDestination(), tapId: key(armId.tap('vtap-collectors')), tapName: 'vtap-collectors', tapLocation: 'eastus', sources: world.nics.slice(0, 2), estate: world, ...fields };
}

describe('TAP checks', () => {
  it('validates TAP names with Azure\u2019s rules for virtualNetworkTaps', () => {
    assert.equal(validateTapName('vtap-collectors'), undefined);
    assert.equal(validateTapName('a'), undefined);
    assert.equal(validateTapName('tap_'), undefined);
    assert.equal(validateTapName('T.1-x_2'), undefined);
    assert.match(validateTapName('') ?? '', /required/);
    assert.match(validateTapName('x'.repeat(81)) ?? '', /at most 80 characters \(this one has 81\)/);
    assert.equal(validateTapName('x'.repeat(80)), undefined);
    assert.match(validateTapName('-tap') ?? '', /start with a letter or a digit/);
    assert.match(validateTapName('_tap') ?? '', /start with a letter or a digit/);
    assert.match(validateTapName('tap.') ?? '', /end with a letter, a digit or an underscore/);
    assert.match(validateTapName('tap-') ?? '', /end with/);
    assert.match(validateTapName('tap collectors') ?? '', /only letters, digits/);
    assert.match(validateTapName('tap/1', 'A tap configuration name') ?? '', /^A tap configuration name can contain only/);
  });

  it('passes a documented region and refuses one that is not (West Europe), naming the list and the setting', () => {
    assert.equal(regionCheck(input({ tapLocation: 'East US' })).status, 'passed');
    const westEurope = regionCheck(input({ tapLocation: 'westeurope' }));
    assert.equal(westEurope.status, 'failed');
    assert.match(westEurope.detail, /westeurope is not a region where virtual network TAP is in public preview .*eastus.*virtual-network-tap-overview.*trafficLens\.tap\.previewRegions/);
    assert.match(regionCheck(input({ tapLocation: 'australiaeast' })).detail, /coming soon/);
  });

  it('passes a region the user says the subscription is enrolled in (trafficLens.tap.previewRegions)', () => {
    const base = input({ tapLocation: 'West Europe' });
    const enrolled = regionCheck({ ...base, estate: { ...base.estate, previewRegions: ['westeurope'] } });
    assert.equal(enrolled.status, 'passed');
    assert.match(enrolled.detail, /trafficLens\.tap\.previewRegions says your subscription is enrolled there/);
  });

  it('refuses a source in another region than the TAP, naming it', () => {
    assert.equal(sameRegionCheck(input()).status, 'passed');
    const check = sameRegionCheck(input({ sources: [sourceNic('nic-web-02'), sourceNic('nic-dev-01', { location: 'northeurope' })] }));
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /vtap-collectors is in eastus, but nic-dev-01 is in northeurope/);
  });

  it('accepts sources in the destination VNet or a VNet peered Connected both ways', () => {
    const sameVnet = reachCheck(input({ sources: [sourceNic('nic-hub-02', { vnet: 'vnet-hub', subnet: 'snet-collectors' })] }));
    assert.equal(sameVnet.status, 'passed');
    assert.match(sameVnet.detail, /nic-hub-02 \(same VNet\)/);
    const peered = reachCheck(input());
    assert.equal(peered.status, 'passed', peered.detail);
    assert.match(peered.detail, /nic-web-02 \(via peering vnet-spoke ↔ vnet-hub\)/);
  });

  it('refuses a source whose VNet is not peered, or peered but not Connected', () => {
    const world = estate();
    const lonely = reachCheck(input({ sources: [world.nics[2]] }));
    assert.equal(lonely.status, 'failed');
    assert.match(lonely.detail, /nic-lonely-01's VNet vnet-lonely is not peered with vnet-hub/);
    const initiated = estate({
      vnets: [vnet('vnet-hub', estate().vnets[0].subnets), vnet('vnet-spoke', estate().vnets[1].subnets, [peering('vnet-spoke', 'vnet-hub', 'Initiated')])],
    });
    const check = reachCheck(input({ estate: initiated, sources: initiated.nics.slice(0, 1) }));
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /peering between vnet-spoke \(nic-web-02\) and vnet-hub is Initiated, not Connected/);
  });

  it('keeps a NIC already mirrored into this TAP and refuses one mirrored into another TAP', () => {
    const tapId = key(armId.tap('vtap-collectors'));
    const mine = sourceNic('nic-web-01', { tapConfigurations: [{ id: 'x', armId: 'x', name: 'tapcfg-web-01', tapId }] });
    const kept = oneConfigurationCheck(input({ sources: [mine] }));
    assert.equal(kept.status, 'passed');
    assert.match(kept.detail, /nic-web-01 already mirror/);
    const other = sourceNic('nic-web-03', { tapConfigurations: [{ id: 'y', armId: 'y', name: 'cfg-other', tapId: key(armId.tap('vtap-other')) }] });
    const world = estate({ taps: [tap('vtap-collectors'), tap('vtap-other')] });
    const refused = oneConfigurationCheck(input({ estate: world, sources: [mine, other] }));
    assert.equal(refused.status, 'failed');
    assert.match(refused.detail, /nic-web-03 already mirrors into vtap-other \(tap configuration cfg-other\)/);
  });

  it('refuses a Basic load balancer and a public frontend; says nothing for a NIC destination', () => {
    assert.equal(loadBalancerCheck(input()), undefined);
    assert.equal(loadBalancerCheck(input({ destination: lbDestination() }))?.status, 'passed');
    const basic = loadBalancerCheck(input({ destination: lbDestination({ sku: 'Basic' }) }));
    assert.equal(basic?.status, 'failed');
    assert.match(basic?.detail ?? '', /ilb-collectors is a Basic load balancer/);
    assert.equal(loadBalancerCheck(input({ destination: lbDestination({ isPublic: true }) }))?.status, 'failed');
  });

  it('refuses an IPv6 destination', () => {
    assert.equal(ipv4Check(input()).status, 'passed');
    const check = ipv4Check(input({ destination: nicDestination({ ipVersion: 'IPv6', privateIp: 'fd00::4' }) }));
    assert.equal(check.status, 'failed');
    assert.match(check.detail, /does not support IPv6/);
  });

  it('notes accelerated networking on sources', () => {
    assert.equal(acceleratedNetworkingCheck(input()).status, 'passed');
    const check = acceleratedNetworkingCheck(input({ sources: [sourceNic('nic-web-02', { acceleratedNetworking: true })] }));
    assert.equal(check.status, 'warning');
    assert.match(check.detail, /nic-web-02 uses accelerated networking.*v6 VM sizes/);
  });

  it('finds the inbound rule that decides VXLAN: protocol, port ranges, sources and priority order', () => {
    const group = nsg('nsg-x', [
      rule({ name: 'deny-all', priority: 4000, access: 'Deny' }),
      rule({ name: 'allow-tcp', priority: 100, protocol: 'Tcp', destinationPorts: '4789' }),
      rule({ name: 'deny-internet', priority: 200, access: 'Deny', source: 'Internet' }),
      rule({ name: 'allow-range', priority: 300, protocol: 'Udp', destinationPorts: '80, 4000-5000', source: '10.1.0.0/16' }),
      rule({ name: 'outbound', priority: 50, direction: 'Outbound', access: 'Deny' }),
    ]);
    assert.equal(decidingRule(group, '10.1.1.5', '10.0.1.4')?.name, 'allow-range');
    assert.equal(decidingRule(group, '10.2.1.5', '10.0.1.4')?.name, 'deny-all');
    assert.equal(decidingRule(nsg('nsg-y', [rule({ name: 'allow-22', protocol: 'Tcp', destinationPorts: '22' })]), '10.1.1.5', '10.0.1.4'), undefined, 'the default AllowVnetInBound decides');
  });

  it('reports the NSGs in front of the destination that deny VXLAN from a source', () => {
    assert.deepEqual(vxlanBlocks(input()), [], 'nsg-collectors allows it (default rule)');
    const denying = nsg('nsg-collectors', [rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [armId.subnet('vnet-hub', 'snet-collectors')]);
    const blocks = vxlanBlocks(input({ estate: estate({ nsgs: [denying] }) }));
    assert.deepEqual(blocks.map((block) => `${block.nsg.name}/${block.rule.name}`), ['nsg-collectors/deny-all-in']);
    const nicNsg = nsg('nsg-collector-nic', [rule({ name: 'deny-udp', priority: 100, access: 'Deny', protocol: 'Udp' })]);
    const both = vxlanBlocks(input({ destination: nicDestination({ nicNsgId: nicNsg.id }), estate: estate({ nsgs: [...estate().nsgs, nicNsg] }) }));
    assert.deepEqual(both.map((block) => block.nsg.name), ['nsg-collector-nic']);
  });

  it('picks an unused inbound priority before the deny rule', () => {
    const group = nsg('nsg-x', [rule({ priority: 4000, access: 'Deny' }), rule({ priority: 3990 }), rule({ priority: 3980, direction: 'Outbound' })]);
    assert.equal(freeInboundPriority(group, 4000), 3980);
    assert.equal(freeInboundPriority(group, 105), 100);
    assert.equal(freeInboundPriority(nsg('nsg-y', [rule({ priority: 100 })]), 101), undefined);
    assert.equal(freeInboundPriority(nsg('nsg-z', []), 65000), 4090);
  });
});
