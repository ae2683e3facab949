import assert from 'node:assert/strict';
import type { ObservedFlow } from '../../../../src/core/observedFlow';
import { toBicep } from '../../../../src/wizards/shared/bicep';
import { toAzureCliScript } from '../../../../src/wizards/shared/cliScript';
import { renderPreview } from '../../../../src/wizards/shared/preview';
import { currentRuleBodies, currentRules, nsgBody, planTightenNsg } from '../../../../src/wizards/tighten/plan';
import type { RawResource, TightenFacts } from '../../../../src/wizards/tighten/tightenFacts';

const armId = '/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-prod-network/providers/Microsoft.Network/networkSecurityGroups/nsg-prod-web';
const id = armId.toLowerCase();

/** nsg-prod-web as ARM returns it: rules with both the single and the list fields, read-only fields included. */
const raw: RawResource = {
  id: armId,
  location: 'germanywestcentral',
  tags: { environment: 'prod' },
  properties: {
    provisioningState: 'Succeeded',
    resourceGuid: '0f0f0f0f-0000-0000-0000-000000000000',
    securityRules: [
      { name: 'allow-https-internet', id: `${armId}/securityRules/allow-https-internet`, etag: 'W/"1"', properties: { provisioningState: 'Succeeded', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '443', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*', access: 'Allow', priority: 100, direction: 'Inbound', sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [] } },
      { name: 'allow-http-internet', properties: { provisioningState: 'Succeeded', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '80', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*', access: 'Allow', priority: 110, direction: 'Inbound' } },
      { name: 'deny-rdp', properties: { provisioningState: 'Succeeded', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '3389', sourceAddressPrefix: '*', destinationAddressPrefix: '*', access: 'Deny', priority: 200, direction: 'Inbound', description: 'No RDP' } },
    ],
    defaultSecurityRules: [{ name: 'AllowVnetInBound' }],
    subnets: [{ id: '/subscriptions/x/subnets/snet-web' }],
  },
};

/** A NIC of snet-web: the path's rules for nsg-prod-web are those read in `raw`. */
function nic(name: string, ip: string): TightenFacts['interfaces'][number] {
  return { nicId: `/x/networkinterfaces/${name}`, name, privateIps: [ip], path: { subnetNsg: { id, rules: currentRules(raw) } }, context: { virtualNetworkPrefixes: ['10.1.0.0/16', '10.0.0.0/16'] } };
}

const facts: TightenFacts = {
  nsg: { id, armId, name: 'nsg-prod-web', resourceGroup: 'rg-prod-network', location: 'germanywestcentral', subscriptionId: '22222222-2222-2222-2222-222222222222', subscriptionName: 'Prod', tenantId: 't', subnetIds: [], nicIds: [] },
  raw,
  interfaces: [nic('nic-web-01', '10.1.1.4'), nic('nic-web-02', '10.1.1.5')],
  subnetPrefixes: ['10.1.1.0/24'],
  vnetPrefixes: ['10.1.0.0/16'],
  from: Date.UTC(2025, 5, 15, 8),
  to: Date.UTC(2025, 5, 15, 11),
  source: '3 blobs of flow log fl-nsg-prod-web',
};

function flow(srcIp: string, dstIp: string, dstPort: number, fields: Partial<ObservedFlow> = {}): ObservedFlow {
  return { srcIp, srcPort: 50000, dstIp, dstPort, protocol: 6, direction: 'inbound', decision: 'allow', count: 1, firstSeen: facts.from, lastSeen: facts.from, ...fields };
}

const flows = [flow('203.0.113.7', '10.1.1.4', 443, { count: 20 }), flow('198.51.100.4', '10.1.1.4', 443, { count: 3 }), flow('192.0.2.9', '10.1.1.4', 3389, { decision: 'deny', count: 2 })];

describe('Tighten NSG plan', () => {
  it('PUTs the NSG with the proposed rules, kept deny rules as read with a new priority, and read-only fields left out', () => {
    const plan = planTightenNsg({ nsgId: id, windowHours: 3, granularity: '24', explicitDeny: 'none' }, facts, flows);
    assert.equal(plan.kind, 'tightenNsg');
    assert.equal(plan.actions.length, 1);
    const [action] = plan.actions;
    assert.equal(action.kind, 'put');
    assert.equal(action.resourceId, armId);
    const body = action.body as { location: string; tags: unknown; properties: Record<string, unknown> & { securityRules: Array<{ name: string; properties: Record<string, unknown> }> } };
    assert.equal(body.location, 'germanywestcentral');
    assert.deepEqual(body.tags, { environment: 'prod' });
    assert.deepEqual(Object.keys(body.properties), ['securityRules'], 'no read-only NSG property is sent');
    assert.deepEqual(body.properties.securityRules.map((rule) => rule.name), ['Allow-In-Tcp-443', 'deny-rdp']);
    const https = body.properties.securityRules[0].properties;
    assert.deepEqual(https.sourceAddressPrefixes, ['198.51.100.0/24', '203.0.113.0/24']);
    assert.equal(https.destinationAddressPrefix, '10.1.1.4', 'a list of one goes in the single field');
    const denyRdp = body.properties.securityRules[1].properties;
    assert.equal(denyRdp.priority, 110);
    assert.equal(denyRdp.description, 'No RDP');
    assert.equal('provisioningState' in denyRdp, false);
  });

  it('undoes with a PUT of exactly the rules read before', () => {
    const plan = planTightenNsg({ nsgId: id, windowHours: 3, granularity: '24', explicitDeny: 'none' }, facts, flows);
    const undo = plan.actions[0].undo;
    assert.equal(undo?.kind, 'put');
    const rules = (undo as unknown as { body: { properties: { securityRules: Array<{ name: string; properties: Record<string, unknown> }> } } }).body.properties.securityRules;
    assert.deepEqual(rules.map((rule) => rule.name), ['allow-https-internet', 'allow-http-internet', 'deny-rdp']);
    assert.deepEqual(rules[0].properties, { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '443', sourceAddressPrefix: 'Internet', destinationAddressPrefix: '*', access: 'Allow', priority: 100, direction: 'Inbound', sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [] });
    assert.deepEqual(nsgBody(raw, currentRuleBodies(raw)), (undo as { body: unknown }).body);
  });

  it('shows the simulation first: none of the allowed flows become denied, the RDP attempt stays denied; never-hit and broad rules in the summary', () => {
    const plan = planTightenNsg({ nsgId: id, windowHours: 3, granularity: '24', explicitDeny: 'none' }, facts, flows);
    const byId = new Map(plan.checks.map((check) => [check.id, check]));
    assert.equal(byId.get('tighten.becomeDenied')?.status, 'passed');
    assert.match(byId.get('tighten.stayDenied')?.detail ?? '', /192\.0\.2\.9 → 10\.1\.1\.4:3389 .* → deny-rdp/);
    assert.ok(plan.summary.some((line) => line.includes('Never hit in the window: allow-http-internet (110, inbound allow)')), plan.summary.join('\n'));
    assert.ok(plan.summary.some((line) => line.startsWith('Broad rules that carried traffic: allow-https-internet (source Internet')), plan.summary.join('\n'));
    const preview = renderPreview(plan);
    assert.ok(preview.indexOf('## Checks') < preview.indexOf('## Actions'));
    assert.match(preview, /Allowed flows that would become denied/);
  });

  it('lists the flows that become denied when the user drops a proposed rule, and blocks Apply when no flows were logged', () => {
    const plan = planTightenNsg({ nsgId: id, windowHours: 3, granularity: 'address', explicitDeny: 'none', acceptedRules: [] }, facts, flows);
    const check = plan.checks.find((candidate) => candidate.id === 'tighten.becomeDenied');
    assert.equal(check?.status, 'warning');
    assert.match(check?.detail ?? '', /^2 flows \(23 tuples\) seen allowed would be denied: inbound TCP 203\.0\.113\.7 → 10\.1\.1\.4:443 \(allowed, 20×\) at nic-web-01 → DenyAllInBound; inbound TCP 198\.51\.100\.4/);
    assert.ok(plan.summary.includes('Proposed but not kept: Allow-In-Tcp-443.'));
    const empty = planTightenNsg({ nsgId: id, windowHours: 3, granularity: '24', explicitDeny: 'none' }, facts, []);
    assert.equal(empty.checks[0].status, 'failed');
    assert.match(empty.checks[0].detail, /No flows were logged for nsg-prod-web/);
  });

  it('exports as an Azure CLI script and Bicep with the new rules, the kept deny and the NSG’s location', () => {
    const plan = planTightenNsg({ nsgId: id, windowHours: 3, granularity: '24', explicitDeny: 'inbound' }, facts, flows);
    const script = toAzureCliScript(plan);
    assert.match(script, /nsg-prod-web/);
    assert.match(script, /Allow-In-Tcp-443/);
    assert.match(script, /Deny-All-Inbound/);
    const bicep = toBicep(plan).files.map((file) => file.content).join('\n');
    assert.match(bicep, /Microsoft\.Network\/networkSecurityGroups@2026-01-01/);
    assert.match(bicep, /'deny-rdp'/);
    assert.match(bicep, /germanywestcentral/);
  });
});
