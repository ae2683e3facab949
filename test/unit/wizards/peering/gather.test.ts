import assert from 'node:assert/strict';
import { gatherPeering, hubHint, hubItems, spokeItems } from '../../../../src/wizards/peering/gather';
import { defaultPeeringName } from '../../../../src/wizards/peering/checks';
import { ScriptedUi, type ScriptedAnswer } from '../../../integration/scriptedUi';
import type { WizardUi } from '../../../../src/wizards/shared/wizardUi';

/** `ui` that also notes each question's "id step/total". */
function counting(ui: WizardUi, steps: string[]): WizardUi {
  const note = (step: { id: string; step?: number; totalSteps?: number }): void => void steps.push(`${step.id} ${step.step}/${step.totalSteps}`);
  return {
    pick: (step) => (note(step), ui.pick(step)),
    pickMany: (step) => (note(step), ui.pickMany(step)),
    input: (step) => (note(step), ui.input(step)),
  };
}
import { existingPeering, peeringVnet } from './builders';

function scripted(answers: ScriptedAnswer[]): ScriptedUi {
  const queue = [...answers];
  return new ScriptedUi({ next: () => queue.shift() });
}

const hub = peeringVnet({ name: 'vnet-hub', hasGateway: true });
const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
const prod = peeringVnet({ name: 'vnet-prod', addressSpace: ['10.1.0.0/16'] });
const all = [dev, hub, prod];

describe('peering questions', () => {
  it('from one VNet counts four steps whichever role it takes (before: 1/5, then 2/4)', async () => {
    const walks: Array<['spoke' | 'hub', ScriptedAnswer]> = [['spoke', { id: 'peering.hub', pick: 'vnet-hub' }], ['hub', { id: 'peering.spokes', pick: ['vnet-prod'] }]];
    for (const [role, partner] of walks) {
      const steps: string[] = [];
      await gatherPeering(counting(scripted([{ id: 'peering.role', pick: role }, partner, { id: 'peering.options', pick: [] }, { id: 'peering.names', pick: 'default' }]), steps), { selected: [role === 'spoke' ? dev : hub], all });
      assert.deepEqual(steps.map((step) => step.split(' ')[1]), ['1/4', '2/4', '3/4', '4/4'], `${role}: ${steps.join(', ')}`);
    }
  });

  it('offers the suggested hub first and active among several selected VNets', async () => {
    const steps: string[] = [];
    const offered: string[] = [];
    const ui = scripted([{ id: 'peering.hub', pick: 'vnet-hub' }, { id: 'peering.options', pick: [] }, { id: 'peering.names', pick: 'default' }]);
    const watching: WizardUi = {
      pick: (step) => {
        if (step.id === 'peering.hub') {
          offered.push(`first ${step.items[0]?.label}`, ...step.items.filter((item) => item.picked).map((item) => `picked ${item.label}`));
        }
        return ui.pick(step);
      },
      pickMany: (step) => ui.pickMany(step),
      input: (step) => ui.input(step),
    };
    const answers = await gatherPeering(counting(watching, steps), { selected: [dev, prod, hub], all, suggestedHubId: hub.id });
    assert.equal(answers?.hub, hub);
    assert.deepEqual(answers?.spokes.map((vnet) => vnet.name), ['vnet-dev', 'vnet-prod']);
    assert.deepEqual(offered, ['first vnet-hub', 'picked vnet-hub']);
    assert.deepEqual(steps, ['peering.hub 1/3', 'peering.options 2/3', 'peering.names 3/3']);
  });

  it('from one VNet made the hub after Back from the spoke role, offers the other VNets as its spokes, not itself', async () => {
    const ui = scripted([
      { id: 'peering.role', pick: 'spoke' },
      { id: 'peering.hub', pick: 'vnet-hub' },
      { id: 'peering.options', back: true },
      { id: 'peering.hub', back: true },
      { id: 'peering.role', pick: 'hub' },
      { id: 'peering.spokes', pick: ['vnet-prod'] },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'default' },
    ]);
    const offered: string[] = [];
    const watching: WizardUi = {
      pick: (step) => ui.pick(step),
      pickMany: (step) => {
        if (step.id === 'peering.spokes') {
          offered.push(step.placeholder ?? '', ...step.items.map((item) => item.label));
        }
        return ui.pickMany(step);
      },
      input: (step) => ui.input(step),
    };
    const answers = await gatherPeering(watching, { selected: [dev], all });
    assert.deepEqual(offered, ['Spokes to peer with vnet-dev', 'vnet-hub', 'vnet-prod']);
    assert.equal(answers?.hub, dev);
    assert.deepEqual(answers?.spokes.map((vnet) => vnet.name), ['vnet-prod']);
  });

  it('suggests custom names for the new hub when Back leads to another hub, not the names of the old pair', async () => {
    const ui = scripted([
      { id: 'peering.hub', pick: 'vnet-hub' },
      { id: 'peering.spokes', pick: ['vnet-dev'] },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'custom' },
      { id: 'peering.hubSideName', input: 'hub-dev-mine' },
      { id: 'peering.spokeSideName', back: true },
      { id: 'peering.hubSideName', back: true },
      { id: 'peering.names', back: true },
      { id: 'peering.options', back: true },
      { id: 'peering.spokes', back: true },
      { id: 'peering.hub', pick: 'vnet-prod' },
      { id: 'peering.spokes', pick: ['vnet-dev'] },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'custom' },
      { id: 'peering.hubSideName', input: 'prod-dev' },
      { id: 'peering.spokeSideName', input: 'dev-prod' },
    ]);
    const offered: string[] = [];
    const watching: WizardUi = {
      pick: (step) => ui.pick(step),
      pickMany: (step) => ui.pickMany(step),
      input: (step) => (offered.push(`${step.id} ${step.value ?? ''}`), ui.input(step)),
    };
    const answers = await gatherPeering(watching, { selected: [], all });
    assert.equal(offered.at(-2), `peering.hubSideName ${defaultPeeringName('vnet-prod', 'vnet-dev')}`, offered.join(', '));
    assert.deepEqual(answers?.names[dev.id], { hubSide: 'prod-dev', spokeSide: 'dev-prod' });
  });

  it('lists likely hubs first under their own separator: named as a hub, peered with several, in a hub subscription', () => {
    const sandbox = peeringVnet({ name: 'vnet-a-sandbox', addressSpace: ['10.9.0.0/16'], subscriptionName: 'Dev' });
    const transit = peeringVnet({ name: 'vnet-transit-weu', addressSpace: ['10.8.0.0/16'], subscriptionName: 'Dev' });
    const shared = peeringVnet({ name: 'vnet-shared', addressSpace: ['10.7.0.0/16'], subscriptionName: 'Dev' });
    shared.peerings = [existingPeering(shared, dev, { name: 'shared-to-dev' }), existingPeering(shared, prod, { name: 'shared-to-prod' })];
    const landing = peeringVnet({ name: 'vnet-landing', addressSpace: ['10.6.0.0/16'], subscriptionName: 'Contoso Security' });
    const plain = peeringVnet({ name: 'vnet-plain', addressSpace: ['10.5.0.0/16'], subscriptionName: 'Dev' });
    assert.deepEqual(hubHint(transit), { hint: 'named as a hub', rank: 0 });
    assert.deepEqual(hubHint(shared), { hint: 'peered with 2 networks', rank: 1 });
    assert.deepEqual(hubHint(landing), { hint: 'hub or security subscription', rank: 2 });
    assert.equal(hubHint(plain), undefined);
    const items = hubItems([sandbox, landing, plain, shared, transit], undefined, undefined);
    assert.deepEqual(
      items.map((item) => `${item.group}: ${item.label}`),
      ['Likely hubs: vnet-transit-weu', 'Likely hubs: vnet-shared', 'Likely hubs: vnet-landing', 'Other virtual networks: vnet-a-sandbox', 'Other virtual networks: vnet-plain'],
    );
    assert.match(items[0].detail ?? '', /^Likely hub: named as a hub · /);
    assert.deepEqual(hubItems([sandbox, plain], undefined, undefined).map((item) => item.group), ['Virtual networks', 'Virtual networks']);
  });

  it('focuses the likely hub, not the first VNet alphabetically; with none, no VNet is active', async () => {
    const sandbox = peeringVnet({ name: 'vnet-a-sandbox', addressSpace: ['10.9.0.0/16'], subscriptionName: 'Dev' });
    const seen: Array<{ first?: string; noDefault?: boolean }> = [];
    const other = peeringVnet({ name: 'vnet-b-apps', addressSpace: ['10.8.0.0/16'], subscriptionName: 'Dev' });
    for (const vnets of [[sandbox, dev, hub, prod], [sandbox, other]]) {
      const inner = scripted([{ id: 'peering.hub', cancel: true }]);
      const ui: WizardUi = {
        pick: (step) => {
          seen.push({ first: step.items[0]?.label, noDefault: (step as { noDefault?: boolean }).noDefault });
          return inner.pick(step);
        },
        pickMany: (step) => inner.pickMany(step),
        input: (step) => inner.input(step),
      };
      await gatherPeering(ui, { selected: [], all: vnets });
    }
    assert.deepEqual(seen, [{ first: 'vnet-hub', noDefault: false }, { first: 'vnet-a-sandbox', noDefault: true }]);
  });

  it('marks spokes Azure would refuse with the reason, after the ones that can peer', () => {
    const hubPeered = peeringVnet({ name: 'vnet-hub', addressSpace: ['10.0.0.0/16'] });
    hubPeered.peerings = [existingPeering(hubPeered, prod, { name: 'hub-to-prod', peeringState: 'Connected' })];
    const sandbox = peeringVnet({ name: 'vnet-sandbox', addressSpace: ['10.1.0.0/16'], subscriptionName: 'Dev' });
    const inside = peeringVnet({ name: 'vnet-inside', addressSpace: ['10.0.4.0/24'], subscriptionName: 'Dev' });
    const items = spokeItems([dev, inside, prod, sandbox], hubPeered, new Set());
    assert.deepEqual(
      items.map((item) => `${item.group}: ${item.label}`),
      ['Virtual networks: vnet-dev', 'Virtual networks: vnet-prod', "Can't be peered with vnet-hub: vnet-inside", "Can't be peered with vnet-hub: vnet-sandbox"],
    );
    assert.equal(items[1].detail, 'germanywestcentral');
    assert.equal(items[2].detail, "$(warning) Can't be peered: overlaps vnet-hub (10.0.0.0/16 ↔ 10.0.4.0/24)");
    assert.equal(items[3].detail, "$(warning) Can't be peered: vnet-sandbox overlaps vnet-prod, already peered with vnet-hub (10.1.0.0/16 ↔ 10.1.0.0/16)");
  });

  it('from the palette asks hub, spokes, options and names, with default names', async () => {
    const answers = await gatherPeering(
      scripted([
        { id: 'peering.hub', pick: 'vnet-hub' },
        { id: 'peering.spokes', pick: ['vnet-dev', 'vnet-prod'] },
        { id: 'peering.options', pick: ['allowForwardedTraffic', 'useHubGateway'] },
        { id: 'peering.names', pick: 'default' },
      ]),
      { selected: [], all },
    );
    assert.equal(answers?.hub, hub);
    assert.deepEqual(answers?.spokes.map((vnet) => vnet.name), ['vnet-dev', 'vnet-prod']);
    assert.equal(answers?.allowForwardedTraffic, true);
    assert.equal(answers?.useHubGateway, true);
    assert.deepEqual(answers?.names[dev.id], { hubSide: 'vnet-hub-to-vnet-dev', spokeSide: 'vnet-dev-to-vnet-hub' });
  });

  it('from one VNet as a spoke skips the spokes question; custom names skip sides that exist; Back re-asks', async () => {
    const spoke = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    spoke.peerings = [existingPeering(spoke, hub, { name: 'dev-to-hub' })];
    const answers = await gatherPeering(
      scripted([
        { id: 'peering.role', pick: 'spoke' },
        { id: 'peering.hub', pick: 'vnet-prod' },
        { id: 'peering.options', back: true },
        { id: 'peering.hub', pick: 'vnet-hub' },
        { id: 'peering.options', pick: [] },
        { id: 'peering.names', pick: 'custom' },
        { id: 'peering.hubSideName', input: 'hub-to-dev' },
      ]),
      { selected: [spoke], all: [spoke, hub, prod] },
    );
    assert.equal(answers?.hub, hub);
    assert.deepEqual(answers?.spokes, [spoke]);
    assert.equal(answers?.allowForwardedTraffic, false);
    assert.equal(answers?.names[spoke.id].hubSide, 'hub-to-dev');
  });

  it('from several VNets asks only which is the hub; cancel returns undefined', async () => {
    const answers = await gatherPeering(
      scripted([
        { id: 'peering.hub', pick: 'vnet-hub' },
        { id: 'peering.options', pick: ['allowForwardedTraffic'] },
        { id: 'peering.names', pick: 'default' },
      ]),
      { selected: all, all },
    );
    assert.deepEqual(answers?.spokes.map((vnet) => vnet.name), ['vnet-dev', 'vnet-prod']);
    assert.equal(await gatherPeering(scripted([{ id: 'peering.hub', cancel: true }]), { selected: [], all }), undefined);
  });

  it('marks the previous answer of each single pick as picked when Back re-asks it', async () => {
    const inner = scripted([
      { id: 'peering.role', pick: 'spoke' },
      { id: 'peering.hub', pick: 'vnet-hub' },
      { id: 'peering.options', pick: [] },
      { id: 'peering.names', pick: 'custom' },
      { id: 'peering.hubSideName', back: true },
      { id: 'peering.names', back: true },
      { id: 'peering.options', back: true },
      { id: 'peering.hub', back: true },
      { id: 'peering.role', cancel: true },
    ]);
    const asked: { id: string; picked: unknown[] }[] = [];
    const ui: WizardUi = {
      pick: (step) => {
        asked.push({ id: step.id, picked: step.items.filter((item) => item.picked).map((item) => (typeof item.value === 'string' ? item.value : item.label)) });
        return inner.pick(step);
      },
      pickMany: (step) => inner.pickMany(step),
      input: (step) => inner.input(step),
    };
    assert.equal(await gatherPeering(ui, { selected: [dev], all }), undefined);
    assert.deepEqual(asked, [
      { id: 'peering.role', picked: [] },
      { id: 'peering.hub', picked: [] },
      { id: 'peering.names', picked: [] },
      { id: 'peering.names', picked: ['custom'] },
      { id: 'peering.hub', picked: ['vnet-hub'] },
      { id: 'peering.role', picked: ['spoke'] },
    ]);
  });

  it('refuses an invalid custom name', async () => {
    await assert.rejects(
      gatherPeering(
        scripted([
          { id: 'peering.role', pick: 'hub' },
          { id: 'peering.spokes', pick: ['vnet-dev'] },
          { id: 'peering.options', pick: [] },
          { id: 'peering.names', pick: 'custom' },
          { id: 'peering.hubSideName', input: 'bad name-' },
        ]),
        { selected: [hub], all },
      ),
      /can contain only letters/,
    );
  });
});
