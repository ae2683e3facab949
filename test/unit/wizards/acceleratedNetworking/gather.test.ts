import assert from 'node:assert/strict';
import type { AcceleratedNic } from '../../../../src/wizards/acceleratedNetworking/acceleratedFacts';
import { gatherAcceleratedNetworking } from '../../../../src/wizards/acceleratedNetworking/gather';
import type { PickManyStep, WizardUi } from '../../../../src/wizards/shared/wizardUi';

function nic(name: string, enabled: boolean): AcceleratedNic {
  const armId = `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/${name}`;
  return { id: armId.toLowerCase(), armId, name, resourceGroup: 'rg', location: 'westeurope', subscriptionId: 's1', subscriptionName: 'Prod', tenantId: 't', enabled, vmId: `vm-${name}`, vmName: `vm-${name}`, subnetIds: [] };
}

/** A UI whose one multi-pick returns what `choose` picks from the step it was shown. */
function ui(choose: (step: PickManyStep<string>) => string[] | undefined, shown: Array<PickManyStep<string>>): WizardUi {
  return {
    pick: () => Promise.reject(new Error('no pick expected')),
    input: () => Promise.reject(new Error('no input expected')),
    pickMany: <T>(step: PickManyStep<T>) => {
      shown.push(step as unknown as PickManyStep<string>);
      return Promise.resolve(choose(step as unknown as PickManyStep<string>) as unknown as T[] | undefined);
    },
  };
}

describe('accelerated networking questions', () => {
  const nics = [nic('nic-a', false), nic('nic-b', false), nic('nic-on', true), nic('nic-on-2', true)];

  it('offers NICs with it off, pre-picks the seeded ones, and lists a seeded NIC already on as such', async () => {
    const shown: Array<PickManyStep<string>> = [];
    const answers = await gatherAcceleratedNetworking(ui((step) => step.items.filter((item) => item.picked).map((item) => item.value), shown), { nics }, { nicIds: [nics[1].id, nics[2].id] });
    assert.deepEqual(answers, { nicIds: [nics[1].id, nics[2].id] });
    const [step] = shown;
    assert.equal(step.id, 'an.nics');
    assert.equal(step.minimum, 1);
    assert.deepEqual(step.items.map((item) => [item.label, item.group, item.picked]), [
      ['nic-a', 'Accelerated networking off', false],
      ['nic-b', 'Accelerated networking off', true],
      ['nic-on', 'Already on', true],
    ]);
    assert.match(step.items[2].description ?? '', /already on/);
  });

  it('is cancelled when the pick is', async () => {
    assert.equal(await gatherAcceleratedNetworking(ui(() => undefined, []), { nics }, { nicIds: [] }), undefined);
  });
});
