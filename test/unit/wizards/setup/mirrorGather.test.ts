import assert from 'node:assert/strict';
import type { SubscriptionRef, VnetRef } from '../../../../src/azure/networkApi';
import { peeringVnetOf } from '../../../../src/wizards/peering/peeringVnet';
import { askQuestions } from '../../../../src/wizards/shared/questions';
import { back } from '../../../../src/wizards/shared/wizardUi';
import { mirrorQuestions, mirrorSetUpOf, newChoice, placementOf, type CollectorPlacement, type EmbeddedCollector, type MirrorDraft, type MirrorQuestionsEstate } from '../../../../src/wizards/setup/mirrorGather';
import { ScriptedUi, type ScriptedAnswer } from '../../../integration/scriptedUi';
import { armId, estate as tapEstate, key, sourceNic, subnet, subscriptionId, vnet } from '../tap/builders';

const securityId = '99999999-8888-7777-6666-555555555555';
const subscriptions = [
  { subscriptionId, displayName: 'Workloads', tenantId: 'tenant-1' },
  { subscriptionId: securityId, displayName: 'Security Operations', tenantId: 'tenant-1' },
];

function questionsEstate(): MirrorQuestionsEstate {
  const ref = (id: string, name: string): SubscriptionRef => ({ id: `/subscriptions/${id}`, subscriptionId: id, displayName: name, tenantId: 'tenant-1', state: 'Enabled', properties: {} });
  const spoke: VnetRef = { ...vnet('vnet-app', [subnet('vnet-app', 'snet-web')]), addressSpace: ['10.0.0.0/16'] };
  const base = tapEstate();
  const tap = { ...base, nics: [sourceNic('nic-web-01', { vnet: 'vnet-app', subnet: 'snet-web', subscriptionName: 'Workloads' }), sourceNic('nic-web-02', { vnet: 'vnet-app', subnet: 'snet-web', subscriptionName: 'Workloads' })], vnets: [...base.vnets, spoke] };
  return { subscriptions, tap, vnets: tap.vnets.map((item) => peeringVnetOf({ ...item, addressSpace: item.addressSpace.length > 0 ? item.addressSpace : ['10.1.0.0/16'] }, ref(subscriptionId, 'Workloads'))), virtualHubs: [] };
}

interface FakeCollector {
  vmName?: string;
}

/** The collector wizard's questions as the set-up sees them: one name, recording where it was placed. */
function fakeCollector(placements: CollectorPlacement[]): EmbeddedCollector<FakeCollector> {
  return { start: () => ({}), nameOf: (draft) => draft.vmName, questions: (placement) => [
    {
      id: 'collector.vmName',
      shouldAsk: () => true,
      ask: async (draft, step) => {
        placements.push(placement);
        const answer = await ui.input({ id: 'collector.vmName', title: 't', ...step, prompt: 'name', value: draft.vmName ?? 'vm-sensor' });
        return answer === back || answer === undefined ? answer : { ...draft, vmName: answer };
      },
    },
  ] };
}

let ui: ScriptedUi;

async function run(option: '1A' | '1B' | '1C', answers: ScriptedAnswer[], placements: CollectorPlacement[] = []): Promise<MirrorDraft<FakeCollector> | undefined> {
  ui = new ScriptedUi({ next: () => answers.shift() });
  const estate = questionsEstate();
  const draft = await askQuestions(mirrorQuestions(ui, estate, fakeCollector(placements)), { option, collector: {} });
  assert.deepEqual(answers, [], 'every scripted answer was asked for');
  return draft;
}

describe('Monitoring set-up: mirroring questions', () => {
  it('1B: sources, security subscription, a new hub, a new collector placed in the hub\'s subnet, with Back from the collector to the collector choice', async () => {
    const placements: CollectorPlacement[] = [];
    const draft = await run('1B', [
      { id: 'setup.sources', pick: ['nic-web-01', 'nic-web-02'] },
      { id: 'setup.securitySubscription', pick: 'Security Operations' },
      { id: 'setup.hub', pick: 'New hub virtual network…' },
      { id: 'setup.hubName', input: 'vnet-sec-hub' },
      { id: 'setup.hubResourceGroup', input: 'rg-sec' },
      { id: 'setup.hubAddressSpace', input: '10.60.0.0/16' },
      { id: 'setup.collector', pick: 'New collector VM…' },
      { id: 'collector.vmName', back: true },
      { id: 'setup.collector', pick: 'New collector VM…' },
      { id: 'collector.vmName', input: 'vm-ndr-01' },
      { id: 'setup.tapName', input: 'vtap-vm-ndr-01' },
      { id: 'setup.restartVms', pick: 'No' },
    ], placements);
    assert.ok(draft);
    assert.equal(draft.collector.vmName, 'vm-ndr-01');
    assert.deepEqual(placements[0].plannedSubnet, { armId: `/subscriptions/${securityId}/resourceGroups/rg-sec/providers/Microsoft.Network/virtualNetworks/vnet-sec-hub/subnets/snet-collectors`, addressPrefix: '10.60.1.0/24', location: 'eastus', resourceGroup: 'rg-sec' });
    const setUp = mirrorSetUpOf(draft, questionsEstate(), { kind: 'existing', destinationId: 'x' }, false);
    assert.equal(setUp?.hub.kind, 'new');
    assert.equal(setUp?.hub.kind === 'new' && setUp.hub.answers.createResourceGroup, true);
    assert.deepEqual(setUp?.sourceIds, [key(armId.nic('nic-web-01')), key(armId.nic('nic-web-02'))]);
    assert.equal(setUp?.configurationName, 'tapcfg-vtap-vm-ndr-01');
  });

  it('suggests a hub address space no network shown uses', async () => {
    const asked: string[] = [];
    const answers: ScriptedAnswer[] = [
      { id: 'setup.sources', pick: ['nic-web-01'] },
      { id: 'setup.securitySubscription', pick: 'Security Operations' },
      { id: 'setup.hub', pick: newChoice },
      { id: 'setup.hubName', input: 'vnet-sec-hub' },
      { id: 'setup.hubResourceGroup', input: 'rg-sec' },
      { id: 'setup.hubAddressSpace', cancel: true },
    ];
    ui = new ScriptedUi({ next: () => answers.shift() });
    const original = ui.input.bind(ui);
    ui.input = async (step) => {
      asked.push(`${step.id}=${step.value ?? ''}`);
      return original(step);
    };
    assert.equal(await askQuestions(mirrorQuestions(ui, questionsEstate(), fakeCollector([])), { option: '1B', collector: {} }), undefined);
    // 10.0/16 and 10.1/16 are the workloads' networks.
    assert.ok(asked.includes('setup.hubAddressSpace=10.2.0.0/16'), asked.join(', '));
  });

  it('1A asks for one subscription and offers only its networks, with no new hub', async () => {
    const answers: ScriptedAnswer[] = [
      { id: 'setup.subscription', pick: 'Workloads' },
      { id: 'setup.sources', pick: ['nic-web-01'] },
      { id: 'setup.hub', pick: 'vnet-hub' },
      { id: 'setup.collector', pick: 'nic-collector-01 › ipconfig1' },
      { id: 'setup.tapName', input: 'vtap-a' },
      { id: 'setup.restartVms', pick: 'Yes' },
    ];
    ui = new ScriptedUi({ next: () => answers.shift() });
    const estate = questionsEstate();
    const draft = await askQuestions(mirrorQuestions(ui, estate, fakeCollector([])), { option: '1A', collector: {} });
    assert.ok(draft);
    assert.deepEqual(placementOf(draft, estate), { subscriptionId, vnetId: key(armId.vnet('vnet-hub')) });
    assert.equal(draft.collectorChoice, estate.tap.destinations[0].id);
    assert.equal(draft.restartVms, true);
  });
});
