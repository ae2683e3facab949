import assert from 'node:assert/strict';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, secopsSubscriptionId } from '../../standin/topologies/demo';
import { errorCode, rawRequest } from './standInHarness';

const vnetPath = (name: string): string => `${armIds.virtualNetwork(secopsSubscriptionId, 'rg-secops-network', name)}?api-version=2026-01-01`;
const body = (subnetPrefix: string) => ({ location: 'germanywestcentral', properties: { addressSpace: { addressPrefixes: ['10.70.0.0/16'] }, subnets: [{ name: 'snet-collectors', properties: { addressPrefix: subnetPrefix } }] } });

describe('ARM stand-in: creating a virtual network with its subnets', function () {
  this.timeout(30_000);
  let standIn: StandIn;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology(), lroPollsBeforeDone: 1 });
  });

  after(async () => {
    await standIn?.close();
  });

  it('creates the subnets a new VNet lists, so a NIC can be placed in one right after', async () => {
    const created = await rawRequest(standIn, 'PUT', vnetPath('vnet-lens-hub'), { tenantId: demoTenantId, body: body('10.70.1.0/24') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let poll = 0; poll < 3; poll += 1) {
      await rawRequest(standIn, 'GET', String(created.headers['azure-asyncoperation']).replace(standIn.url, ''), { tenantId: demoTenantId });
    }
    const subnet = await rawRequest(standIn, 'GET', vnetPath('vnet-lens-hub').replace('?', '/subnets/snet-collectors?'), { tenantId: demoTenantId });
    assert.equal(subnet.status, 200, JSON.stringify(subnet.body));
    assert.equal((subnet.body.properties as { addressPrefix: string }).addressPrefix, '10.70.1.0/24');
  });

  it('refuses a subnet outside the address space with NetcfgSubnetRangeOutsideVnet and creates nothing', async () => {
    const refused = await rawRequest(standIn, 'PUT', vnetPath('vnet-lens-other'), { tenantId: demoTenantId, body: body('10.71.1.0/24') });
    assert.equal(refused.status, 400);
    assert.equal(errorCode(refused), 'NetcfgSubnetRangeOutsideVnet');
    assert.equal((await rawRequest(standIn, 'GET', vnetPath('vnet-lens-other'), { tenantId: demoTenantId })).status, 404);
  });
});
