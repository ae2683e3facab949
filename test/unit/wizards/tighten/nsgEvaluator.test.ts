import assert from 'node:assert/strict';
import type { ObservedFlow } from '../../../../src/core/observedFlow';
import {
  addressInPrefix,
  addressTermMatches,
  evaluateNsg,
  evaluatePath,
  portMatches,
  ruleFromArm,
  ruleFromText,
  ruleToArm,
  type AddressContext,
  type NsgRule,
} from '../../../../src/wizards/tighten/nsgEvaluator';

const context: AddressContext = { virtualNetworkPrefixes: ['10.1.0.0/16', '10.2.0.0/16'] };

function rule(fields: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority'>): NsgRule {
  return { direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['*'], sourcePortRanges: ['*'], destinationAddressPrefixes: ['*'], destinationPortRanges: ['*'], ...fields };
}

function flow(fields: Partial<ObservedFlow> = {}): ObservedFlow {
  return { srcIp: '203.0.113.7', srcPort: 50123, dstIp: '10.1.1.4', dstPort: 443, protocol: 6, direction: 'inbound', decision: 'allow', count: 1, firstSeen: 0, lastSeen: 0, ...fields };
}

describe('NSG evaluator', () => {
  it('applies the default rules when no custom rule matches: the internet is denied in, the VNet allowed, the load balancer probe allowed', () => {
    assert.equal(evaluateNsg([], flow(), context).rule.name, 'DenyAllInBound');
    assert.equal(evaluateNsg([], flow({ srcIp: '10.2.0.5' }), context).rule.name, 'AllowVnetInBound', 'a peered VNet is in VirtualNetwork');
    assert.equal(evaluateNsg([], flow({ srcIp: '168.63.129.16' }), context).access, 'Allow');
    assert.equal(evaluateNsg([], flow({ direction: 'outbound', srcIp: '10.1.1.4', dstIp: '93.184.216.34' }), context).rule.name, 'AllowInternetOutBound');
    assert.equal(evaluateNsg([], flow({ direction: 'outbound', srcIp: '10.1.1.4', dstIp: '10.1.2.9' }), context).rule.name, 'AllowVnetOutBound');
    // 192.168.0.0/16 is neither the VNet nor the internet: only DenyAllOutBound matches.
    assert.equal(evaluateNsg([], flow({ direction: 'outbound', srcIp: '10.1.1.4', dstIp: '192.168.5.5' }), context).rule.name, 'DenyAllOutBound');
  });

  it('processes rules by priority, lowest number first, and stops at the first match whatever order they are listed in', () => {
    const rules = [rule({ name: 'AllowHttps', priority: 300, destinationPortRanges: ['443'] }), rule({ name: 'DenyBadNet', priority: 200, access: 'Deny', sourceAddressPrefixes: ['203.0.113.0/24'] })];
    assert.equal(evaluateNsg(rules, flow(), context).rule.name, 'DenyBadNet');
    assert.equal(evaluateNsg(rules, flow({ srcIp: '198.51.100.1' }), context).rule.name, 'AllowHttps');
    assert.equal(evaluateNsg(rules, flow({ srcIp: '198.51.100.1', dstPort: 22 }), context).rule.name, 'DenyAllInBound');
  });

  it('matches protocols, port ranges and direction as written', () => {
    const udp = [rule({ name: 'Dns', priority: 100, protocol: 'Udp', destinationPortRanges: ['53'] }), rule({ name: 'High', priority: 110, protocol: '*', destinationPortRanges: ['8000-8100'] })];
    assert.equal(evaluateNsg(udp, flow({ protocol: 17, dstPort: 53 }), context).rule.name, 'Dns');
    assert.equal(evaluateNsg(udp, flow({ protocol: 6, dstPort: 53 }), context).rule.name, 'DenyAllInBound', 'TCP is not Udp');
    assert.equal(evaluateNsg(udp, flow({ protocol: 6, dstPort: 8100 }), context).rule.name, 'High');
    assert.equal(evaluateNsg(udp, flow({ protocol: 6, dstPort: 8101 }), context).rule.name, 'DenyAllInBound');
    const icmp = [rule({ name: 'Ping', priority: 100, protocol: 'Icmp' })];
    assert.equal(evaluateNsg(icmp, flow({ protocol: 1, dstPort: 0 }), context).rule.name, 'Ping');
    assert.equal(evaluateNsg(icmp, flow({ protocol: 58, srcIp: '2001:db8::1', dstIp: 'fd00::4', dstPort: 0 }), context).rule.name, 'Ping', 'Icmp covers ICMPv6');
    const esp = [rule({ name: 'Ipsec', priority: 100, protocol: 'Esp' }), rule({ name: 'Auth', priority: 110, protocol: 'Ah' })];
    assert.equal(evaluateNsg(esp, flow({ protocol: 51, dstPort: 0 }), context).rule.name, 'Auth');
    const outbound = [rule({ name: 'OutOnly', priority: 100, direction: 'Outbound', access: 'Deny' })];
    assert.equal(evaluateNsg(outbound, flow(), context).rule.name, 'DenyAllInBound', 'an outbound rule never decides inbound traffic');
    assert.equal(portMatches('1024-65535', 1023), false);
    assert.equal(portMatches('*', 1), true);
  });

  it('reads address prefixes, single addresses, ranges and IPv6', () => {
    assert.equal(addressInPrefix('10.1.0.0/16', '10.1.255.1'), true);
    assert.equal(addressInPrefix('10.1.1.4', '10.1.1.4'), true);
    assert.equal(addressInPrefix('10.1.1.1-10.1.1.9', '10.1.1.9'), true);
    assert.equal(addressInPrefix('10.1.1.1-10.1.1.9', '10.1.1.10'), false);
    assert.equal(addressInPrefix('fd00:1::/64', 'fd00:1::abcd'), true);
    assert.equal(addressInPrefix('fd00:1::/64', '10.1.1.4'), false);
    assert.equal(addressTermMatches('Internet', '10.9.9.9', context), 'no', 'private space outside the VNet is not the internet');
    assert.equal(addressTermMatches('Internet', '20.50.1.1', context), 'yes');
    assert.equal(addressTermMatches('AzureLoadBalancer', '168.63.129.16', context), 'yes');
    assert.equal(addressTermMatches('VirtualNetwork', '168.63.129.16', context), 'yes', "the host's virtual IP is in VirtualNetwork");
    assert.equal(addressTermMatches('Storage', '20.50.1.1', context), 'unknown');
  });

  it('says which earlier rules could not be evaluated (other service tags, application security groups)', () => {
    const rules = [rule({ name: 'ToStorage', priority: 100, access: 'Deny', sourceAddressPrefixes: ['Storage'] }), rule({ name: 'Web', priority: 200 })];
    const verdict = evaluateNsg(rules, flow(), context);
    assert.equal(verdict.rule.name, 'Web');
    assert.deepEqual(verdict.unknown, [{ rule: 'ToStorage', term: 'Storage' }]);
  });

  it('evaluates inbound subnet NSG then NIC NSG, outbound NIC NSG then subnet NSG; both must allow', () => {
    const subnetNsg = { id: 'nsg-subnet', rules: [rule({ name: 'SubnetWeb', priority: 100, destinationPortRanges: ['443'] }), rule({ name: 'SubnetNoOut', priority: 100, direction: 'Outbound', access: 'Deny', destinationAddressPrefixes: ['Internet'] })] };
    const nicNsg = { id: 'nsg-nic', rules: [rule({ name: 'NicDenyWeb', priority: 100, access: 'Deny', destinationPortRanges: ['443'] })] };
    const inbound = evaluatePath({ subnetNsg, nicNsg }, flow(), context);
    assert.equal(inbound.access, 'Deny');
    assert.deepEqual(inbound.steps.map((step) => `${step.level}:${step.verdict.rule.name}`), ['subnet:SubnetWeb', 'nic:NicDenyWeb']);

    const outbound = evaluatePath({ subnetNsg, nicNsg }, flow({ direction: 'outbound', srcIp: '10.1.1.4', dstIp: '20.50.1.1' }), context);
    assert.equal(outbound.access, 'Deny');
    assert.deepEqual(outbound.steps.map((step) => `${step.level}:${step.verdict.rule.name}`), ['nic:AllowInternetOutBound', 'subnet:SubnetNoOut']);

    const inboundDeniedAtSubnet = evaluatePath({ subnetNsg, nicNsg }, flow({ dstPort: 22 }), context);
    assert.deepEqual(inboundDeniedAtSubnet.steps.map((step) => step.level), ['subnet'], 'the NIC NSG is never reached');
    assert.equal(evaluatePath({}, flow({ dstPort: 22 }), context).access, 'Allow', 'no NSG on the path allows everything');
  });

  it('reads rules from the tree text and from ARM bodies, and writes a list of one in the single field', () => {
    const fromText = ruleFromText({ name: 'Web', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.0.0/24, 10.0.1.0/24', sourcePorts: '*', destination: '*', destinationPorts: '80, 443' });
    assert.deepEqual(fromText.sourceAddressPrefixes, ['10.0.0.0/24', '10.0.1.0/24']);
    assert.deepEqual(fromText.destinationPortRanges, ['80', '443']);
    const fromArm = ruleFromArm({ name: 'Asg', properties: { priority: 120, direction: 'Outbound', access: 'Deny', protocol: '*', sourceApplicationSecurityGroups: [{ id: '/X/ASG1' }], sourcePortRange: '*', destinationAddressPrefixes: ['1.2.3.4', '5.6.7.8'], destinationPortRange: '*' } });
    assert.deepEqual(fromArm.sourceAddressPrefixes, []);
    assert.deepEqual(fromArm.sourceApplicationSecurityGroups, ['/x/asg1']);
    assert.equal(evaluateNsg([fromArm], flow({ direction: 'outbound', srcIp: '10.1.1.4', dstIp: '1.2.3.4' }), context).unknown[0].rule, 'Asg');
    const body = ruleToArm(fromText);
    assert.deepEqual(body.properties.sourceAddressPrefixes, ['10.0.0.0/24', '10.0.1.0/24']);
    assert.equal(body.properties.sourcePortRange, '*');
    assert.equal('sourcePortRanges' in body.properties, false);
  });
});
