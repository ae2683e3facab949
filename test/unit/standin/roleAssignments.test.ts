import { ComputeManagementClient } from '@azure/arm-compute';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestCredential } from '../../standin/credential';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds, type Topology } from '../../standin/topology';
import { demoTenantId, demoTopology, hubFlowLogStorageId, hubSubscriptionId } from '../../standin/topologies/demo';
import { clientOptions, errorCode, rawRequest } from './standInHarness';
import { sshEd25519PublicKey } from '../../fixtures/sshKeys';

const group = 'rg-hub-network';
const blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const roleDefinitionId = `/subscriptions/${hubSubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${blobDataReader}`;
const assignmentUrl = (name: string, scope = hubFlowLogStorageId) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;

function topology(): Topology {
  const estate = demoTopology();
  const hubGroup = estate.subscriptions.find((subscription) => subscription.subscriptionId === hubSubscriptionId)?.resourceGroups.find((candidate) => candidate.name === group);
  assert.ok(hubGroup);
  hubGroup.networkInterfaces = [
    ...(hubGroup.networkInterfaces ?? []),
    { name: 'nic-collector-02', subnetId: armIds.subnet(hubSubscriptionId, group, 'vnet-hub', 'snet-collectors'), privateIpAddress: '10.0.1.5', macAddress: '00-0D-3A-4C-21-80', acceleratedNetworking: true },
  ];
  return estate;
}

describe('ARM stand-in: role assignments for a VM identity on a storage account (REST, 2022-04-01)', function () {
  this.timeout(20000);
  let standIn: StandIn;
  let principalId: string;

  before(async () => {
    standIn = await startStandIn({ topology: topology() });
    const compute = new ComputeManagementClient(new TestCredential({ tenantId: demoTenantId }), hubSubscriptionId, clientOptions(standIn));
    const vm = await compute.virtualMachines.createOrUpdate(group, 'vm-collector-02', {
      location: 'germanywestcentral',
      identity: { type: 'SystemAssigned' },
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }, osDisk: { createOption: 'FromImage' } },
      osProfile: { computerName: 'collector', adminUsername: 'azureuser', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: sshEd25519PublicKey() }] } } },
      networkProfile: { networkInterfaces: [{ id: armIds.networkInterface(hubSubscriptionId, group, 'nic-collector-02') }] },
    }, { updateIntervalInMs: 5 });
    principalId = vm.identity?.principalId ?? '';
    assert.ok(principalId);
  });

  after(async () => {
    await standIn.close();
  });

  const put = (name: string, properties: Record<string, unknown>, scope?: string) => rawRequest(standIn, 'PUT', assignmentUrl(name, scope), { tenantId: demoTenantId, body: { properties } });

  it('refuses a new identity without principalType (replication delay), then assigns Storage Blob Data Reader with it', async () => {
    const early = await put(randomUUID(), { roleDefinitionId, principalId });
    assert.deepEqual([early.status, errorCode(early)], [400, 'PrincipalNotFound']);
    assert.match(String((early.body.error as { message: string }).message), /set the role assignment principalType property/);
    const name = randomUUID();
    const created = await put(name, { roleDefinitionId, principalId, principalType: 'ServicePrincipal' });
    assert.equal(created.status, 201);
    assert.equal(created.body.id, `${hubFlowLogStorageId}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    assert.equal(created.body.type, 'Microsoft.Authorization/roleAssignments');
    const properties = created.body.properties as Record<string, string>;
    assert.deepEqual([properties.scope, properties.roleDefinitionId, properties.principalId, properties.principalType], [hubFlowLogStorageId, roleDefinitionId, principalId, 'ServicePrincipal']);
    const again = await put(name, { roleDefinitionId, principalId, principalType: 'ServicePrincipal' });
    assert.equal(again.status, 200, 'the same assignment again is an update');
    const duplicate = await put(randomUUID(), { roleDefinitionId, principalId, principalType: 'ServicePrincipal' });
    assert.deepEqual([duplicate.status, errorCode(duplicate)], [409, 'RoleAssignmentExists']);
    const changed = await put(name, { roleDefinitionId: roleDefinitionId.replace(blobDataReader, 'acdd72a7-3385-48ef-bd42-f606fba81ae7'), principalId, principalType: 'ServicePrincipal' });
    assert.deepEqual([changed.status, errorCode(changed)], [400, 'RoleAssignmentUpdateNotPermitted']);
  });

  it('gets, lists by principal (at and above the scope) and deletes an assignment', async () => {
    const name = randomUUID();
    const groupScope = armIds.resourceGroup(hubSubscriptionId, 'rg-hub-logs');
    assert.equal((await put(name, { roleDefinitionId: roleDefinitionId.replace(blobDataReader, 'acdd72a7-3385-48ef-bd42-f606fba81ae7'), principalId, principalType: 'ServicePrincipal' }, groupScope)).status, 201);
    const got = await rawRequest(standIn, 'GET', assignmentUrl(name, groupScope), { tenantId: demoTenantId });
    assert.equal(got.status, 200);
    const listed = await rawRequest(standIn, 'GET', `${hubFlowLogStorageId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`, { tenantId: demoTenantId });
    const scopesListed = (listed.body.value as Array<{ properties: { scope: string } }>).map((item) => item.properties.scope).sort();
    assert.deepEqual(scopesListed, [groupScope, hubFlowLogStorageId].sort());
    const deleted = await rawRequest(standIn, 'DELETE', assignmentUrl(name, groupScope), { tenantId: demoTenantId });
    assert.equal(deleted.status, 200);
    assert.equal((await rawRequest(standIn, 'DELETE', assignmentUrl(name, groupScope), { tenantId: demoTenantId })).status, 204);
    const gone = await rawRequest(standIn, 'GET', assignmentUrl(name, groupScope), { tenantId: demoTenantId });
    assert.deepEqual([gone.status, errorCode(gone)], [404, 'RoleAssignmentNotFound']);
  });

  it('reads the Storage Blob Data Reader role definition, and refuses an unknown one', async () => {
    const role = await rawRequest(standIn, 'GET', `${roleDefinitionId}?api-version=2022-04-01`, { tenantId: demoTenantId });
    assert.equal(role.status, 200);
    assert.equal(role.body.id, roleDefinitionId);
    const properties = role.body.properties as { roleName: string; type: string; permissions: Array<{ dataActions: string[] }> };
    assert.deepEqual([properties.roleName, properties.type], ['Storage Blob Data Reader', 'BuiltInRole']);
    assert.deepEqual(properties.permissions[0].dataActions, ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read']);
    const unknown = await rawRequest(standIn, 'GET', `${roleDefinitionId.replace(blobDataReader, randomUUID())}?api-version=2022-04-01`, { tenantId: demoTenantId });
    assert.deepEqual([unknown.status, errorCode(unknown)], [404, 'RoleDefinitionDoesNotExist']);
  });

  it('refuses a name that is not a GUID, an unknown role, an unknown principal, a missing account and another api-version', async () => {
    const notGuid = await put('collector-reader', { roleDefinitionId, principalId, principalType: 'ServicePrincipal' });
    assert.deepEqual([notGuid.status, errorCode(notGuid)], [400, 'InvalidRoleAssignmentId']);
    const unknownRole = await put(randomUUID(), { roleDefinitionId: roleDefinitionId.replace(blobDataReader, randomUUID()), principalId, principalType: 'ServicePrincipal' });
    assert.deepEqual([unknownRole.status, errorCode(unknownRole)], [400, 'RoleDefinitionDoesNotExist']);
    const unknownPrincipal = await put(randomUUID(), { roleDefinitionId, principalId: randomUUID(), principalType: 'ServicePrincipal' });
    assert.deepEqual([unknownPrincipal.status, errorCode(unknownPrincipal)], [400, 'PrincipalNotFound']);
    const missingAccount = await put(randomUUID(), { roleDefinitionId, principalId, principalType: 'ServicePrincipal' }, armIds.storageAccount(hubSubscriptionId, 'rg-hub-logs', 'stnope'));
    assert.deepEqual([missingAccount.status, errorCode(missingAccount)], [404, 'ResourceNotFound']);
    const readOnly = await put(randomUUID(), { roleDefinitionId, principalId, principalType: 'ServicePrincipal', scope: hubFlowLogStorageId });
    assert.deepEqual([readOnly.status, errorCode(readOnly)], [400, 'InvalidRequestContent']);
    const version = await rawRequest(standIn, 'PUT', assignmentUrl(randomUUID()).replace('2022-04-01', '2020-04-01-preview'), { tenantId: demoTenantId, body: { properties: { roleDefinitionId, principalId } } });
    assert.equal(version.status, 400);
  });
});
