import assert from 'node:assert/strict';
import type { PickManyStep, PickStep, WizardUi } from '../../../../src/wizards/shared/wizardUi';
import { back } from '../../../../src/wizards/shared/wizardUi';
import { gatherTightenNsg, type Propose } from '../../../../src/wizards/tighten/gather';
import type { NsgRule } from '../../../../src/wizards/tighten/nsgEvaluator';
import type { TightenProposal } from '../../../../src/wizards/tighten/ruleSynthesis';
import type { TightenNsg } from '../../../../src/wizards/tighten/tightenFacts';

function nsg(name: string): TightenNsg {
  const armId = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`;
  return { id: armId.toLowerCase(), armId, name, resourceGroup: 'rg', location: 'westeurope', subscriptionId: 's1', subscriptionName: 'Prod', tenantId: 't', subnetIds: ['x'], nicIds: [] };
}

function allow(name: string, direction: 'Inbound' | 'Outbound', port: string): NsgRule {
  return { name, priority: 100, direction, access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['203.0.113.0/24'], sourcePortRanges: ['*'], destinationAddressPrefixes: ['10.1.1.4'], destinationPortRanges: [port] };
}

const proposal: TightenProposal = {
  rules: [
    { rule: allow('Allow-In-Tcp-443', 'Inbound', '443'), origin: 'allow', flows: 3, count: 20 },
    { rule: allow('Allow-Out-Tcp-5671', 'Outbound', '5671'), origin: 'allow', flows: 1, count: 1 },
    { rule: { ...allow('deny-rdp', 'Inbound', '3389'), access: 'Deny' }, origin: 'kept', flows: 2, count: 2 },
  ],
  neverHit: [],
  broad: [],
  outside: 0,
  notes: [],
};

/** Answers picks by step id; a multi-pick keeps what is pre-picked minus `drop`. */
function ui(picks: Record<string, (step: PickStep<unknown>) => unknown>, drop: string[], asked: string[]): WizardUi {
  return {
    pick: <T>(step: PickStep<T>) => {
      asked.push(step.id);
      return Promise.resolve(picks[step.id](step as PickStep<unknown>) as T);
    },
    pickMany: <T>(step: PickManyStep<T>) => {
      asked.push(step.id);
      return Promise.resolve(step.items.filter((item) => item.picked && !drop.includes(item.label)).map((item) => item.value));
    },
    input: () => Promise.reject(new Error('no input expected')),
  };
}

const byLabel = (label: string) => (step: PickStep<unknown>) => step.items.find((item) => item.label === label)?.value;

describe('Tighten NSG questions', () => {
  it('skips the NSG when the row fixes it, asks window, granularity and deny, then the proposed allows (all picked), computed for those answers', async () => {
    const asked: string[] = [];
    const proposed: unknown[] = [];
    const propose: Propose = (answers) => {
      proposed.push(answers);
      return Promise.resolve(proposal);
    };
    const answers = await gatherTightenNsg(
      ui({ 'tighten.window': byLabel('Last 6 hours'), 'tighten.granularity': byLabel('Its subnet'), 'tighten.deny': byLabel('Deny all other inbound') }, ['Allow-Out-Tcp-5671'], asked),
      { nsgs: [nsg('nsg-web'), nsg('nsg-app')] },
      { nsgId: nsg('nsg-web').id },
      propose,
    );
    assert.deepEqual(asked, ['tighten.window', 'tighten.granularity', 'tighten.deny', 'tighten.rules']);
    assert.deepEqual(proposed, [{ nsgId: nsg('nsg-web').id, windowHours: 6, granularity: 'subnet', explicitDeny: 'inbound' }]);
    assert.deepEqual(answers, { nsgId: nsg('nsg-web').id, windowHours: 6, granularity: 'subnet', explicitDeny: 'inbound', acceptedRules: ['Allow-In-Tcp-443'] });
  });

  it('asks for the NSG from the palette, and is cancelled when the flows cannot be read', async () => {
    const asked: string[] = [];
    const answers = await gatherTightenNsg(
      ui({ 'tighten.nsg': byLabel('nsg-app'), 'tighten.window': byLabel('Last 24 hours'), 'tighten.granularity': byLabel('Each address'), 'tighten.deny': byLabel('No explicit deny') }, [], asked),
      { nsgs: [nsg('nsg-web'), nsg('nsg-app')] },
      {},
      () => Promise.resolve(undefined),
    );
    assert.equal(answers, undefined);
    assert.deepEqual(asked, ['tighten.nsg', 'tighten.window', 'tighten.granularity', 'tighten.deny']);
  });

  it('goes Back from the granularity to the window with the earlier answer kept', async () => {
    const asked: string[] = [];
    let first = true;
    const answers = await gatherTightenNsg(
      ui(
        {
          'tighten.window': (step) => step.items.find((item) => item.picked)?.value,
          'tighten.granularity': (step) => {
            if (first) {
              first = false;
              return back;
            }
            return step.items.find((item) => item.picked)?.value;
          },
          'tighten.deny': byLabel('No explicit deny'),
        },
        [],
        asked,
      ),
      { nsgs: [nsg('nsg-web')] },
      { nsgId: nsg('nsg-web').id },
      () => Promise.resolve(proposal),
    );
    assert.deepEqual(asked, ['tighten.window', 'tighten.granularity', 'tighten.window', 'tighten.granularity', 'tighten.deny', 'tighten.rules']);
    assert.equal(answers?.windowHours, 24, 'the default window');
    assert.equal(answers?.granularity, '24', 'the default granularity');
  });
});
