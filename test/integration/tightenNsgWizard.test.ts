import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApplyReport, PlanAction } from '../../src/core/plan';
import type { ScriptedAnswer } from './scriptedUi';
import { prodSubscriptionId, prodVnetId } from '../standin/topologies/demo';
import { armGet, call, demoToken, standInUrl, waitForOperation } from './standInClient';
import { suiteLog } from './suiteLog';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const nsgId = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-network/providers/Microsoft.Network/networkSecurityGroups/nsg-prod-web`;
const subnetId = `${prodVnetId}/subnets/snet-web`;

interface RuleBody {
  name: string;
  properties: Record<string, unknown>;
}

interface NsgBody {
  location: string;
  tags?: Record<string, string>;
  properties: { securityRules: RuleBody[] };
}

async function readNsg(): Promise<NsgBody> {
  const answer = await armGet(nsgId, network);
  assert.equal(answer.status, 200, `GET ${nsgId}`);
  return answer.body as NsgBody;
}

/** The rules as a PUT would carry them: without what Azure computes. */
function writableRules(nsg: NsgBody): RuleBody[] {
  return nsg.properties.securityRules.map((rule) => {
    const { provisioningState: _state, ...properties } = rule.properties;
    return { name: rule.name, properties };
  });
}

let demoRules: RuleBody[] | undefined;

/** Puts nsg-prod-web's rules back as the demo has them, whatever a failed test left. */
async function restoreDemo(): Promise<void> {
  if (demoRules === undefined) {
    return;
  }
  const nsg = await readNsg();
  if (JSON.stringify(writableRules(nsg)) !== JSON.stringify(demoRules)) {
    await waitForOperation(await call('PUT', `${standInUrl}${nsgId}?api-version=${network}`, { location: nsg.location, ...(nsg.tags ? { tags: nsg.tags } : {}), properties: { securityRules: demoRules } }, demoToken()));
  }
}

/** The answers after the NSG is known: the demo's flow logs span the last hours before 02:00 UTC today, so three days cover them. */
function answers(granularity: string, deny: string, rules: string[]): ScriptedAnswer[] {
  return [
    { id: 'tighten.window', pick: 'Last 3 days' },
    { id: 'tighten.granularity', pick: granularity },
    { id: 'tighten.deny', pick: deny },
    { id: 'tighten.rules', pick: rules },
  ];
}

describe('Tighten NSG wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started), { cleanUp: restoreDemo });

  before(async () => {
    demoRules = writableRules(await readNsg());
  });

  async function showProdRows(): Promise<void> {
    await api.inventory.children();
    await api.inventory.children(`/subscriptions/${prodSubscriptionId}`);
    await api.inventory.children(`/subscriptions/${prodSubscriptionId}#vnets`);
    await api.inventory.children(prodVnetId.toLowerCase());
  }

  it('on the subnet, proposes rules from the NSG flow log of its NICs and shows the simulation before the actions', async () => {
    api.wizards.answer(answers('Its /24', 'No explicit deny', ['Allow-In-Tcp-443']));
    api.wizards.choose(['cancel']);
    await showProdRows();
    await api.inventory.runOnRows('trafficLens.tightenNsg', [subnetId.toLowerCase()]);
    const plan = api.wizards.lastPlan();
    assert.ok(plan, 'a plan was shown');
    assert.equal(api.wizards.lastReport(), undefined, 'cancelled at the review');
    suiteLog(`    ${plan.summary.join('\n    ')}`);
    assert.equal(plan.kind, 'tightenNsg');
    assert.equal(plan.title, 'Tighten nsg-prod-web from observed traffic');
    assert.match(plan.summary[0], /^From \d+ observed flows \(\d+ blobs? of flow log fl-nsg-prod-web/, 'the NSG flow log is read; the VNet flow log of the same NICs is not counted again');
    assert.deepEqual(plan.checks.slice(0, 2).map((check) => check.id), ['tighten.becomeDenied', 'tighten.stayDenied']);
    assert.match(plan.checks[1].detail, /inbound TCP \d+\.\d+\.\d+\.\d+ → 10\.1\.1\.[45]:\d+ \(denied, \d+×\) at nic-web-0[12] → (deny-rdp|DenyAllInBound)/, 'the scanners logged denied stay denied');
    assert.ok(plan.summary.some((line) => line.startsWith('Broad rules that carried traffic: ') && line.includes('allow-https-internet (source Internet')), 'the internet HTTPS rule carried traffic');
    const dropped = plan.summary.find((line) => line.startsWith('Proposed but not kept: '));
    assert.equal(plan.checks[0].status, dropped === undefined ? 'passed' : 'warning', 'flows of rules not kept become denied, and only then');
    const body = plan.actions[0].body as unknown as NsgBody;
    assert.deepEqual(body.properties.securityRules.map((rule) => rule.name), ['Allow-In-Tcp-443', 'deny-rdp']);
    const https = body.properties.securityRules[0].properties;
    const sources = (https.sourceAddressPrefixes as string[] | undefined) ?? [https.sourceAddressPrefix as string];
    assert.ok(sources.length > 0 && sources.every((prefix) => /^\d+\.\d+\.\d+\.0\/24$/.test(prefix)), sources.join(', '));
    assert.equal(https.destinationPortRange, '443');
    assert.equal(https.priority, 100);
  });

  const strictAnswers: ScriptedAnswer[] = [
    { id: 'tighten.window', pick: 'Last 3 days' },
    { id: 'tighten.granularity', pick: 'Each address' },
    { id: 'tighten.deny', pick: 'Deny all other inbound' },
    { id: 'tighten.rules', pick: ['Allow-In-Tcp-443'] },
  ];

  async function runOnNsgRow(): Promise<void> {
    await showProdRows();
    await api.inventory.children(`/subscriptions/${prodSubscriptionId}#nsgs`);
    await api.inventory.runOnRows('trafficLens.tightenNsg', [nsgId.toLowerCase()]);
  }

  it('applies the tightened rules to nsg-prod-web with an explicit deny, after copying the CLI script', async () => {
    api.wizards.answer(strictAnswers);
    api.wizards.choose(['copyCli', 'apply']);
    await runOnNsgRow();
    const report = api.wizards.lastReport();
    assert.ok(report);
    assert.equal(report.complete, true, describeReport(report));
    assert.match(api.wizards.lastExport().cliScript ?? '', /nsg-prod-web/);
    const rules = (await readNsg()).properties.securityRules;
    assert.deepEqual(rules.map((rule) => [rule.name, rule.properties.access, rule.properties.priority]), [
      ['Allow-In-Tcp-443', 'Allow', 100],
      ['deny-rdp', 'Deny', 110],
      ['Deny-All-Inbound', 'Deny', 4096],
    ]);
    const https = rules[0].properties;
    const sources = (https.sourceAddressPrefixes as string[]).length > 0 ? (https.sourceAddressPrefixes as string[]) : [https.sourceAddressPrefix as string];
    assert.ok(sources.every((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address)), `each source address on its own: ${sources.join(', ')}`);
  });

  it('Undo Applied Plan after a successful apply puts the rules back exactly as they were', async () => {
    await restoreDemo();
    const before = writableRules(await readNsg());
    api.wizards.answer(strictAnswers);
    api.wizards.choose(['apply']);
    await runOnNsgRow();
    const applied = api.wizards.lastReport();
    assert.ok(applied);
    assert.equal(applied.complete, true, describeReport(applied));
    assert.notDeepEqual(writableRules(await readNsg()), before, 'the apply changed the rules');
    assert.match(api.wizards.activity()[0], / — applied$/);

    // From the palette: the newest applied plan is offered; the confirmation is the review's question.
    api.wizards.answer([{ id: 'activity.undo', pick: applied.plan.title }]);
    api.wizards.choose(['undoCreated']);
    const undone = (await vscode.commands.executeCommand('trafficLens.undoActivity')) as ApplyReport | undefined;
    assert.ok(undone);
    assert.deepEqual(undone.outcomes.map((outcome) => outcome.status), ['undone'], describeReport(undone));
    assert.deepEqual(writableRules(await readNsg()), before, 'the rules are as they were');
    assert.match(api.wizards.activity()[0], / — undone \(1\)$/);
  });

  it('Undo Created after a later action fails puts the rules back exactly as they were', async () => {
    await restoreDemo();
    const before = writableRules(await readNsg());
    api.wizards.answer(strictAnswers);
    api.wizards.choose(['cancel']);
    await runOnNsgRow();
    const plan = api.wizards.lastPlan();
    assert.ok(plan);
    // The tightening, then a write Azure refuses (a priority above 4096): the review offers Undo Created for the first.
    const refused: PlanAction = {
      id: 'a2',
      kind: 'put',
      title: 'Create security rule refused on nsg-prod-web',
      resourceId: `${nsgId}/securityRules/refused`,
      resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
      apiVersion: network,
      body: { properties: { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '8080', sourceAddressPrefix: '*', destinationAddressPrefix: '*', access: 'Deny', priority: 5000, direction: 'Inbound' } },
      dependsOn: ['a1'],
      tenantId: plan.actions[0].tenantId,
      existing: 'absent',
    };
    api.wizards.choose(['apply', 'undoCreated']);
    const report = await api.wizards.review({ ...plan, actions: [plan.actions[0], refused] });
    assert.ok(report);
    const [applied] = api.wizards.allReports();
    assert.deepEqual(applied.outcomes.map((outcome) => outcome.status), ['succeeded', 'failed'], describeReport(applied));
    assert.equal(applied.outcomes[1].code, 'SecurityRuleInvalidPriority');
    assert.deepEqual(report.outcomes.map((outcome) => outcome.status), ['undone', 'failed'], describeReport(report));
    assert.deepEqual(writableRules(await readNsg()), before, 'the rules are as they were');
  });
});
