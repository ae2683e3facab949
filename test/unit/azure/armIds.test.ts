import assert from 'node:assert/strict';
import { idKey, nameOf, parentId, resourceGroupOf, resourceTypeOf, subscriptionOf } from '../../../src/azure/armIds';

const subnet = '/subscriptions/8B1D4E72-2c9a-4f3e-b6d8-5a7c9e1f3b24/resourceGroups/rg-Prod-Network/providers/Microsoft.Network/virtualNetworks/vnet-prod-spoke/subnets/snet-web';

describe('ARM id helpers', () => {
  it('reads the parts of an id as Azure spelled them', () => {
    assert.equal(resourceGroupOf(subnet), 'rg-Prod-Network');
    assert.equal(nameOf(subnet), 'snet-web');
    assert.equal(parentId(subnet), '/subscriptions/8B1D4E72-2c9a-4f3e-b6d8-5a7c9e1f3b24/resourceGroups/rg-Prod-Network/providers/Microsoft.Network/virtualNetworks/vnet-prod-spoke');
    assert.equal(resourceGroupOf('/subscriptions/s'), '');
  });

  it('gives keys and types in lower case', () => {
    assert.equal(idKey(subnet), subnet.toLowerCase());
    assert.equal(resourceTypeOf(subnet), 'microsoft.network/virtualnetworks/subnets');
    assert.equal(resourceTypeOf('/subscriptions/s'), '');
    assert.equal(subscriptionOf(subnet), '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24');
  });
});
