import assert from 'node:assert/strict';
import { extensionScopeOf, idKey, nameOf, parentId, resourceGroupOf, resourceTypeOf, subscriptionOf } from '../../../src/azure/armIds';
import { parseArmPath } from '../../../src/wizards/shared/armPath';

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

  it('reads an extension resource (a role assignment on a storage account) as its own type on its scope', () => {
    const storage = '/subscriptions/8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stflowlogs';
    const assignment = `${storage}/providers/Microsoft.Authorization/roleAssignments/0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b`;
    assert.equal(resourceTypeOf(assignment), 'microsoft.authorization/roleassignments');
    assert.equal(extensionScopeOf(assignment), storage);
    assert.equal(nameOf(assignment), '0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b');
    assert.equal(subscriptionOf(assignment), '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24');
    assert.equal(resourceGroupOf(assignment), 'rg-logs');
    assert.deepEqual(parseArmPath(assignment), { scopeId: storage, subscriptionId: '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24', resourceGroup: 'rg-logs', namespace: 'Microsoft.Authorization', types: ['roleAssignments'], names: ['0f6c2a9e-1b3d-4e5f-8a7b-9c0d1e2f3a4b'] });
    const onGroup = '/subscriptions/s/resourceGroups/rg-logs/providers/Microsoft.Authorization/roleAssignments/g';
    assert.equal(extensionScopeOf(onGroup), '/subscriptions/s/resourceGroups/rg-logs');
    assert.equal(resourceTypeOf(onGroup), 'microsoft.authorization/roleassignments');
    assert.equal(extensionScopeOf(subnet), undefined, 'an ordinary child resource extends nothing');
    assert.equal(extensionScopeOf('/subscriptions/s/providers/Microsoft.Network'), undefined, 'nor does a provider registration');
    assert.equal(parseArmPath(subnet).scopeId, '');
  });
});
