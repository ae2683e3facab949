import assert from 'node:assert/strict';
import type { ObservedFlow } from '../../../../src/core/observedFlow';
import type { NsgRule } from '../../../../src/wizards/tighten/nsgEvaluator';
import {
  acceptedRules,
  aggregateAddress,
  portRanges,
  proposeRules,
  ruleName,
  simulate,
  spreadPriorities,
  type InterfaceScope,
  type TightenScope,
} from '../../../../src/wizards/tighten/ruleSynthesis';

const nsgId = '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-web';

function rule(fields: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority'>): NsgRule {
  return { direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['*'], sourcePortRanges: ['*'], destinationAddressPrefixes: ['*'], destinationPortRanges: ['*'], ...fields };
}

/** The web tier's NSG as it often looks after a quick start: HTTPS and SSH from anywhere, RDP nobody uses, one blocked host. */
const nsgRules: NsgRule[] = [
  rule({ name: 'DenyBadHost', priority: 100, access: 'Deny', protocol: '*', sourceAddressPrefixes: ['192.0.2.66'] }),
  rule({ name: 'AllowHttpsAny', priority: 200, destinationPortRanges: ['443'] }),
  rule({ name: 'AllowSshAny', priority: 210, destinationPortRanges: ['22'] }),
  rule({ name: 'AllowRdp', priority: 220, destinationPortRanges: ['3389'] }),
];

function nic(name: string, ip: string, extra: Partial<InterfaceScope> = {}): InterfaceScope {
  return {
    nicId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networkinterfaces/${name}`,
    name,
    privateIps: [ip],
    path: { subnetNsg: { id: nsgId, rules: nsgRules } },
    context: { virtualNetworkPrefixes: ['10.1.0.0/16', '10.2.0.0/16'] },
    ...extra,
  };
}

let time = 1_750_000_000_000;
function flow(srcIp: string, dstIp: string, dstPort: number, fields: Partial<ObservedFlow> = {}): ObservedFlow {
  time += 1000;
  return { srcIp, srcPort: 50000 + (time % 1000), dstIp, dstPort, protocol: 6, direction: 'inbound', decision: 'allow', count: 1, firstSeen: time, lastSeen: time, ...fields };
}

const flows: ObservedFlow[] = [
  flow('203.0.113.7', '10.1.1.4', 443, { count: 12 }),
  flow('203.0.113.9', '10.1.1.4', 443, { count: 3 }),
  flow('203.0.113.9', '10.1.1.5', 443, { count: 2 }),
  flow('198.51.100.20', '10.1.1.4', 22),
  flow('192.0.2.66', '10.1.1.4', 443, { decision: 'deny', count: 5 }),
  flow('10.2.0.8', '10.1.1.5', 8080, { count: 4 }),
  flow('168.63.129.16', '10.1.1.4', 80, { count: 30 }),
  flow('45.1.2.3', '10.1.1.4', 3306, { decision: 'deny', count: 7 }),
  flow('10.1.1.4', '20.60.1.1', 443, { direction: 'outbound', count: 9 }),
  flow('10.1.1.4', '10.1.1.5', 0, { protocol: 1, direction: 'outbound' }),
  flow('10.1.1.4', '10.1.1.5', 0, { protocol: 1 }),
  flow('203.0.113.7', '10.9.9.9', 443, { nicId: 'elsewhere' }),
];

const scope: TightenScope = { nsg: { id: nsgId, name: 'nsg-web', rules: nsgRules }, interfaces: [nic('nic-web-1', '10.1.1.4'), nic('nic-web-2', '10.1.1.5')], flows };

function names(rules: readonly { rule: NsgRule }[]): string[] {
  return rules.map((proposed) => proposed.rule.name);
}

describe('NSG rule synthesis', () => {
  it('proposes specific allows for the observed allowed traffic the default rules would not allow, and keeps the deny rules after them', () => {
    const proposal = proposeRules(scope, { granularity: '24', explicitDeny: 'none' });
    assert.deepEqual(names(proposal.rules), ['Allow-In-Tcp-443', 'Allow-In-Tcp-22', 'DenyBadHost']);
    const https = proposal.rules[0].rule;
    assert.deepEqual(https.sourceAddressPrefixes, ['203.0.113.0/24']);
    assert.deepEqual(https.destinationAddressPrefixes, ['10.1.1.4', '10.1.1.5']);
    assert.deepEqual(https.destinationPortRanges, ['443']);
    assert.equal(proposal.rules[0].count, 17);
    assert.deepEqual(
      proposal.rules.map((proposed) => proposed.rule.priority),
      [100, 110, 120],
    );
    assert.equal(proposal.rules[2].origin, 'kept');
    assert.equal(proposal.rules[2].count, 5, 'the kept deny still denies the bad host');
    assert.deepEqual(proposal.neverHit.map((unused) => unused.name), ['AllowRdp']);
    assert.deepEqual(
      proposal.broad.map((used) => `${used.rule.name}: ${used.reasons.join('; ')}`),
      [
        // The load balancer's probes come from 168.63.129.16, which VirtualNetwork includes: AllowVnetInBound (65000) decides them before 65001.
        'AllowVnetInBound: source VirtualNetwork; every protocol and port',
        'AllowHttpsAny: any source',
        'AllowInternetOutBound: destination Internet; every protocol and port',
        'AllowSshAny: any source',
        'AllowVnetOutBound: destination VirtualNetwork; every protocol and port',
      ],
    );
    assert.equal(proposal.outside, 1);
    assert.ok(proposal.notes.some((note) => note.includes('AllowInternetOutBound')));
  });

  it('simulates the proposal: nothing allowed becomes denied, the denied stay denied', () => {
    const proposal = proposeRules(scope, { granularity: '24', explicitDeny: 'none' });
    const simulation = simulate(scope, proposal.rules.map((proposed) => proposed.rule));
    assert.equal(simulation.becomeDenied.length, 0);
    assert.deepEqual(simulation.stayDenied.map((simulated) => simulated.flow.srcIp).sort(), ['192.0.2.66', '45.1.2.3']);
    assert.deepEqual(simulation.stayDenied.find((simulated) => simulated.flow.srcIp === '45.1.2.3')?.after.steps[0].verdict.rule.name, 'DenyAllInBound');
    assert.equal(simulation.becomeAllowed.length, 0);
    assert.equal(simulation.disagree.length, 0, 'the current rules explain every logged decision');
    assert.equal(simulation.stayAllowed.length, 9);
  });

  it('shows which flows become denied when the user drops a proposed allow', () => {
    const proposal = proposeRules(scope, { granularity: '24', explicitDeny: 'none' });
    const simulation = simulate(scope, acceptedRules(proposal, new Set(['Allow-In-Tcp-443'])));
    assert.deepEqual(simulation.becomeDenied.map((simulated) => `${simulated.flow.srcIp}→${simulated.flow.dstIp}:${simulated.flow.dstPort} at ${simulated.nic}`), ['198.51.100.20→10.1.1.4:22 at nic-web-1']);
    const both = proposeRules(scope, { granularity: '24', explicitDeny: 'both' });
    const kept = acceptedRules(both, new Set(['Allow-In-Tcp-443']));
    assert.deepEqual(kept.map((rule) => `${rule.name} ${rule.priority}`), ['Allow-In-Tcp-443 100', 'DenyBadHost 110', 'Deny-All-Inbound 4096', 'Deny-All-Outbound 4096'], 'numbered again without gaps left by dropped rules');
  });

  it('with an explicit deny, allows the VNet, load balancer and outbound traffic seen, by service tag where Azure has one', () => {
    const proposal = proposeRules(scope, { granularity: 'address', explicitDeny: 'both' });
    const byName = new Map(proposal.rules.map((proposed) => [proposed.rule.name, proposed.rule]));
    assert.deepEqual(names(proposal.rules), ['Allow-In-Tcp-AzureLoadBalancer-80', 'Allow-In-Tcp-443', 'Allow-In-Tcp-443-2', 'Allow-In-Tcp-8080', 'Allow-In-Icmp', 'Allow-In-Tcp-22', 'DenyBadHost', 'Deny-All-Inbound', 'Allow-Out-Tcp-443', 'Allow-Out-Icmp', 'Deny-All-Outbound']);
    // Exactly what was seen: 203.0.113.9 reached both servers, 203.0.113.7 only the first, so they do not share a rule.
    assert.deepEqual(byName.get('Allow-In-Tcp-443')?.sourceAddressPrefixes, ['203.0.113.7']);
    assert.deepEqual(byName.get('Allow-In-Tcp-443')?.destinationAddressPrefixes, ['10.1.1.4']);
    assert.deepEqual(byName.get('Allow-In-Tcp-443-2')?.sourceAddressPrefixes, ['203.0.113.9']);
    assert.deepEqual(byName.get('Allow-In-Tcp-443-2')?.destinationAddressPrefixes, ['10.1.1.4', '10.1.1.5']);
    assert.deepEqual(byName.get('Allow-In-Tcp-AzureLoadBalancer-80')?.sourceAddressPrefixes, ['AzureLoadBalancer']);
    const probeAndClient = proposeRules({ ...scope, flows: [...flows, flow('203.0.113.50', '10.1.1.4', 80)] }, { granularity: 'address', explicitDeny: 'both' });
    assert.deepEqual(
      probeAndClient.rules.filter((proposed) => proposed.rule.destinationPortRanges.includes('80')).map((proposed) => proposed.rule.sourceAddressPrefixes),
      [['AzureLoadBalancer'], ['203.0.113.50']],
      'a service tag never shares an address list (Azure refuses tags there)',
    );
    assert.deepEqual(byName.get('Allow-Out-Tcp-443')?.destinationAddressPrefixes, ['20.60.1.1']);
    assert.equal(byName.get('Allow-In-Icmp')?.destinationPortRanges[0], '*');
    assert.equal(byName.get('Deny-All-Inbound')?.priority, 4096);
    assert.ok(proposal.notes.some((note) => note.includes('health probes (AzureLoadBalancer) not seen in the window are denied')));
    const simulation = simulate(scope, proposal.rules.map((proposed) => proposed.rule));
    assert.equal(simulation.becomeDenied.length, 0);
    assert.equal(proposal.rules.find((proposed) => proposed.rule.name === 'Deny-All-Inbound')?.count, 7, 'the explicit deny now decides the MySQL probe');
  });

  it('tightens an NSG on a NIC while the subnet NSG still decides first inbound', () => {
    const nicNsgId = '/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg-nic';
    const subnetRules = [rule({ name: 'OnlyHttps', priority: 100, destinationPortRanges: ['443'] }), rule({ name: 'NoMore', priority: 200, access: 'Deny', protocol: '*' })];
    const nicRules = [rule({ name: 'AllowAll', priority: 100, protocol: '*' })];
    const one: InterfaceScope = nic('nic-api', '10.1.2.4', { path: { subnetNsg: { id: nsgId, rules: subnetRules }, nicNsg: { id: nicNsgId, rules: nicRules } } });
    const nicScope: TightenScope = {
      nsg: { id: nicNsgId, name: 'nsg-nic', rules: nicRules },
      interfaces: [one],
      flows: [flow('203.0.113.7', '10.1.2.4', 443, { count: 4 }), flow('203.0.113.7', '10.1.2.4', 22, { decision: 'deny' })],
    };
    const proposal = proposeRules(nicScope, { granularity: '16', explicitDeny: 'none' });
    assert.deepEqual(proposal.rules.map((proposed) => `${proposed.rule.name} ${proposed.rule.sourceAddressPrefixes.join(',')}`), ['Allow-In-Tcp-443 203.0.0.0/16']);
    assert.deepEqual(proposal.broad.map((used) => used.rule.name), ['AllowAll']);
    const simulation = simulate(nicScope, proposal.rules.map((proposed) => proposed.rule));
    assert.equal(simulation.becomeDenied.length, 0);
    assert.equal(simulation.stayDenied[0].after.steps[0].verdict.rule.name, 'NoMore', 'denied at the subnet NSG before the NIC NSG');
  });

  it('widens remote addresses to the granularity asked, using the estate’s subnets and VNets', () => {
    const prefixes = { subnetPrefixes: ['10.2.0.0/24', '10.2.0.0/26'], vnetPrefixes: ['10.2.0.0/16'] };
    assert.equal(aggregateAddress('10.2.0.8', { granularity: 'subnet', ...prefixes }), '10.2.0.0/26', 'the smallest subnet holding it');
    assert.equal(aggregateAddress('10.2.0.8', { granularity: 'vnet', ...prefixes }), '10.2.0.0/16');
    assert.equal(aggregateAddress('203.0.113.7', { granularity: 'vnet', ...prefixes }), '203.0.113.7', 'outside every VNet it stays itself');
    assert.equal(aggregateAddress('203.0.113.7', { granularity: '16' }), '203.0.0.0/16');
    assert.equal(aggregateAddress('2001:db8:1:2::7', { granularity: '24' }), '2001:db8:1:2::/64');
  });

  it('names rules as Azure allows and spreads priorities with gaps between 100 and 4095', () => {
    const taken = new Set<string>(['allow-in-tcp-443']);
    assert.equal(ruleName('Allow-In-Tcp-443', taken), 'Allow-In-Tcp-443-2');
    assert.equal(ruleName('-Allow in/Tcp-', taken), 'Allow-in-Tcp');
    const long = ruleName(`Allow-In-Tcp-${Array.from({ length: 40 }, (_, index) => 1000 + index * 2).join('-')}`, taken);
    assert.ok(long.length <= 80 && /^\w[\w.-]*\w$/.test(long), long);
    assert.deepEqual(spreadPriorities(3), [100, 110, 120]);
    const many = spreadPriorities(1000);
    assert.equal(many[999] <= 4095, true);
    assert.equal(new Set(many).size, 1000);
    assert.throws(() => spreadPriorities(5000), /do not fit/);
    assert.deepEqual(portRanges([8002, 22, 8000, 8001, 80]), ['22', '80', '8000-8002']);
  });
});
