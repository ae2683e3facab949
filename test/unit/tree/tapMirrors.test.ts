import assert from 'node:assert/strict';
import type { NetworkApi, NicRef } from '../../../src/azure/networkApi';
import { SubscriptionInventory } from '../../../src/inventory/subscriptionInventory';
import { mirroredElsewhere, nicTapTargets } from '../../../src/tree/tapMirrors';
import { armId, nic, subscription, tap } from './builders';

const hubSubscription = '99999999-8888-7777-6666-555555555555';
const hubTap = (name: string): string => `/subscriptions/${hubSubscription}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkTaps/${name}`.toLowerCase();

/** An inventory of the builders' subscription whose lists return these NICs and TAPs. */
async function inventoryWith(nics: NicRef[], names: Record<string, string> = {}): Promise<SubscriptionInventory> {
  const api: NetworkApi = {
    listTenants: async () => [],
    listSubscriptions: async () => [],
    listVnets: async () => [],
    listNics: async () => nics,
    listNsgs: async () => [],
    listNetworkWatchers: async () => [],
    listVirtualNetworkTaps: async () => [{ ...tap(), id: armId.tap('VTap-Local').toLowerCase(), armId: armId.tap('VTap-Local'), name: 'VTap-Local' }],
    listFlowLogs: async () => [],
    listPacketCaptures: async () => [],
  };
  const inventory = new SubscriptionInventory(api, subscription());
  inventory.subscriptionName = (id) => names[id];
  await inventory.loadAll();
  return inventory;
}

describe('TAP mirrors across subscriptions', () => {
  it("names a NIC's TAP, with the TAP's subscription when it is another one", async () => {
    const localTap = armId.tap('VTap-Local').toLowerCase();
    const inventory = await inventoryWith([], { [hubSubscription]: 'Contoso Security Hub' });
    assert.deepEqual(nicTapTargets(nic({ tapIds: [hubTap('vtap-collectors')] }), inventory), [{ name: 'vtap-collectors', subscriptionName: 'Contoso Security Hub' }]);
    assert.deepEqual(nicTapTargets(nic({ tapIds: [localTap] }), inventory), [{ name: 'VTap-Local' }], 'a TAP of its own subscription: its name as listed, no subscription name');
  });

  it('counts the NICs mirrored into each TAP of other subscriptions, most first, and none of its own', async () => {
    const inventory = await inventoryWith(
      [
        nic({ name: 'nic-1', tapIds: [hubTap('vtap-collectors')] }),
        nic({ name: 'nic-2', tapIds: [hubTap('vtap-collectors')] }),
        nic({ name: 'nic-3', tapIds: [hubTap('vtap-ids')] }),
        nic({ name: 'nic-4', tapIds: [armId.tap('VTap-Local').toLowerCase()] }),
        nic({ name: 'nic-5' }),
      ],
      { [hubSubscription]: 'Contoso Security Hub' },
    );
    assert.deepEqual(mirroredElsewhere(inventory), [
      { tapName: 'vtap-collectors', subscriptionName: 'Contoso Security Hub', nicCount: 2 },
      { tapName: 'vtap-ids', subscriptionName: 'Contoso Security Hub', nicCount: 1 },
    ]);
  });

  it('names a subscription the sign-in does not list by its id', async () => {
    const inventory = await inventoryWith([nic({ tapIds: [hubTap('vtap-collectors')] })]);
    assert.deepEqual(mirroredElsewhere(inventory), [{ tapName: 'vtap-collectors', subscriptionName: `subscription ${hubSubscription}`, nicCount: 1 }]);
  });

  it('says nothing before the NICs are listed', () => {
    const inventory = new SubscriptionInventory({} as NetworkApi, subscription());
    assert.deepEqual(mirroredElsewhere(inventory), []);
  });
});
