import assert from 'node:assert/strict';
import { isBlocked, actionsToSend } from '../../../../src/core/plan';
import { peeringApiVersion, planPeering, planPeeringSync, syncTargetsFor, type PeeringAnswers } from '../../../../src/wizards/peering/plan';
import type { PeeringVnet } from '../../../../src/wizards/peering/peeringVnet';
import { existingPeering, peeringVnet, tenantB } from './builders';
import { toAzureCliScript } from '../../../../src/wizards/shared/cliScript';

function answers(fields: Partial<PeeringAnswers> = {}): PeeringAnswers {
  return {
    hub: peeringVnet({ name: 'vnet-hub' }),
    spokes: [peeringVnet({ name: 'vnet-dev', subscriptionId: 'sub-dev', subscriptionName: 'Dev', addressSpace: ['10.2.0.0/16'] })],
    allowForwardedTraffic: true,
    useHubGateway: false,
    names: {},
    ...fields,
  };
}

describe('peering plan', () => {
  it('plans both directions per spoke: spoke side first, hub side after it, with full bodies', () => {
    const plan = planPeering(answers());
    assert.equal(plan.kind, 'peering');
    assert.equal(plan.title, 'Peer vnet-hub with vnet-dev');
    assert.equal(isBlocked(plan), false);
    assert.deepEqual(plan.actions.map((action) => [action.id, action.resourceId.split('/').slice(-3).join('/'), action.existing, action.dependsOn]), [
      ['a1', 'vnet-dev/virtualNetworkPeerings/vnet-dev-to-vnet-hub', 'absent', []],
      ['a2', 'vnet-hub/virtualNetworkPeerings/vnet-hub-to-vnet-dev', 'absent', ['a1']],
    ]);
    const [spokeSide, hubSide] = plan.actions;
    assert.equal(spokeSide.apiVersion, peeringApiVersion);
    assert.equal(spokeSide.resourceType, 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings');
    assert.match(spokeSide.resourceId, /^\/subscriptions\/sub-dev\//);
    assert.deepEqual(spokeSide.body, {
      properties: {
        remoteVirtualNetwork: { id: '/subscriptions/sub-hub/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub' },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: false,
        useRemoteGateways: false,
      },
    });
    assert.deepEqual(hubSide.undo, { kind: 'delete' });
    assert.equal(hubSide.auxiliaryTenantIds, undefined);
  });

  it('uses the names asked, and many spokes each get their pair', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const a = peeringVnet({ name: 'spoke-a', addressSpace: ['10.1.0.0/16'] });
    const b = peeringVnet({ name: 'spoke-b', addressSpace: ['10.2.0.0/16'] });
    const plan = planPeering(answers({ hub, spokes: [a, b, a], names: { [a.id]: { hubSide: 'hub-a', spokeSide: 'a-hub' } } }));
    assert.equal(plan.title, 'Peer vnet-hub with 2 spokes');
    assert.deepEqual(plan.actions.map((action) => action.resourceId.split('/').pop()), ['a-hub', 'hub-a', 'spoke-b-to-vnet-hub', 'vnet-hub-to-spoke-b']);
    // The hub side of spoke-b waits for its spoke side and for the hub's previous write: Azure
    // refuses a second write on one VNet while one runs (AnotherOperationInProgress).
    assert.deepEqual(plan.actions[3].dependsOn, ['a3', 'a2']);
  });

  it('refuses overlaps with the hub, self-peering and invalid names, and still lists the plan', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const overlapping = peeringVnet({ name: 'vnet-bad', addressSpace: ['10.0.128.0/17'] });
    const plan = planPeering(answers({ hub, spokes: [overlapping, hub], names: { [overlapping.id]: { hubSide: 'bad name', spokeSide: 'ok' } } }));
    assert.equal(isBlocked(plan), true);
    const failed = plan.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    assert.deepEqual(failed, ['overlap:vnet-bad', 'nameValid:vnet-hub:bad name', 'self:vnet-hub']);
    assert.equal(plan.actions.length, 2);
  });

  it('keeps an existing peering to the same remote under its own name: same when as planned, differs otherwise', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    dev.peerings = [existingPeering(dev, hub, { name: 'dev-to-hub', allowForwardedTraffic: true })];
    hub.peerings = [existingPeering(hub, dev, { name: 'hub-to-dev', allowForwardedTraffic: false, peeringState: 'Connected' })];
    const plan = planPeering(answers({ hub, spokes: [dev] }));
    assert.deepEqual(plan.actions.map((action) => [action.resourceId.split('/').pop(), action.existing]), [
      ['dev-to-hub', 'same'],
      ['hub-to-dev', 'differs'],
    ]);
    assert.deepEqual(plan.actions[1].undo, {
      kind: 'put',
      body: {
        properties: {
          remoteAddressSpace: { addressPrefixes: ['10.2.0.0/16'] },
          remoteVirtualNetwork: { id: dev.armId },
          allowVirtualNetworkAccess: true,
          allowForwardedTraffic: false,
          allowGatewayTransit: false,
          useRemoteGateways: false,
        },
      },
    });
    assert.deepEqual(actionsToSend(plan).map((action) => action.id), ['a2']);
    assert.match(plan.checks.find((check) => check.id === 'existing:vnet-dev')?.detail ?? '', /dev-to-hub on vnet-dev is already as planned; hub-to-dev on vnet-hub will be updated\.$/);

    // Applied: a re-run sends nothing.
    hub.peerings = [existingPeering(hub, dev, { name: 'hub-to-dev', allowForwardedTraffic: true, peeringState: 'Connected' })];
    assert.deepEqual(actionsToSend(planPeering(answers({ hub, spokes: [dev] }))), []);
  });

  it('refuses a name taken by a peering to another network', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    const other = peeringVnet({ name: 'vnet-other', addressSpace: ['10.3.0.0/16'] });
    hub.peerings = [existingPeering(hub, other, { name: 'vnet-hub-to-vnet-dev' })];
    const plan = planPeering(answers({ hub, spokes: [dev] }));
    const check = plan.checks.find((candidate) => candidate.id === 'name:vnet-hub:vnet-hub-to-vnet-dev');
    assert.equal(check?.status, 'failed');
    assert.match(check?.detail ?? '', /already has a peering named vnet-hub-to-vnet-dev, to vnet-other/);
  });

  it('deletes and re-creates a Disconnected peering', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    dev.peerings = [existingPeering(dev, hub, { name: 'dev-to-hub', peeringState: 'Disconnected' })];
    const plan = planPeering(answers({ hub, spokes: [dev] }));
    assert.deepEqual(plan.actions.map((action) => [action.id, action.kind, action.resourceId.split('/').pop(), action.dependsOn]), [
      ['a1', 'delete', 'dev-to-hub', []],
      ['a2', 'put', 'dev-to-hub', ['a1']],
      ['a3', 'put', 'vnet-hub-to-vnet-dev', ['a2']],
    ]);
    const fixed = plan.checks.find((check) => check.status === 'fixed');
    assert.deepEqual(fixed?.fixedBy, ['a1', 'a2']);
  });

  it('sets gateway transit on the hub side and remote gateways on the spoke side, and refuses it without a hub gateway', () => {
    const withGateway = planPeering(answers({ hub: peeringVnet({ name: 'vnet-hub', hasGateway: true }), useHubGateway: true }));
    assert.equal(isBlocked(withGateway), false);
    const props = (index: number) => (withGateway.actions[index].body as { properties: Record<string, unknown> }).properties;
    assert.deepEqual([props(0).allowGatewayTransit, props(0).useRemoteGateways], [true, false]);
    assert.deepEqual([props(1).allowGatewayTransit, props(1).useRemoteGateways], [false, true]);
    const without = planPeering(answers({ useHubGateway: true }));
    assert.equal(without.checks.find((check) => check.id === 'gateway:hub')?.status, 'failed');
  });

  it('with the hub gateway, puts the hub side (gateway transit) first and makes the spoke side (remote gateways) depend on it', () => {
    const hub = peeringVnet({ name: 'vnet-hub', hasGateway: true });
    const dev = peeringVnet({ name: 'vnet-dev', subscriptionId: 'sub-dev', addressSpace: ['10.2.0.0/16'] });
    const test = peeringVnet({ name: 'vnet-test', subscriptionId: 'sub-dev', addressSpace: ['10.3.0.0/16'] });
    const plan = planPeering(answers({ hub, spokes: [dev, test], useHubGateway: true }));
    assert.deepEqual(plan.actions.map((action) => [action.id, action.resourceId.split('/').pop(), action.dependsOn]), [
      ['a1', 'vnet-hub-to-vnet-dev', []],
      ['a2', 'vnet-dev-to-vnet-hub', ['a1']],
      ['a3', 'vnet-hub-to-vnet-test', ['a1']],
      ['a4', 'vnet-test-to-vnet-hub', ['a3']],
    ]);

    // An existing pair that gains the gateway: the hub side's update still goes first.
    const spoke = peeringVnet({ name: 'vnet-dev', subscriptionId: 'sub-dev', addressSpace: ['10.2.0.0/16'] });
    hub.peerings = [existingPeering(hub, spoke, { name: 'hub-to-dev' })];
    spoke.peerings = [existingPeering(spoke, hub, { name: 'dev-to-hub' })];
    const update = planPeering(answers({ hub, spokes: [spoke], useHubGateway: true }));
    assert.deepEqual(update.actions.map((action) => [action.resourceId.split('/').pop(), action.existing, action.dependsOn]), [
      ['hub-to-dev', 'differs', []],
      ['dev-to-hub', 'differs', ['a1']],
    ]);
  });

  it('sends each side with its own tenant and the other as auxiliary across tenants, with a warning check', () => {
    const partner = peeringVnet({ name: 'vnet-partner', subscriptionId: 'sub-partner', tenantId: tenantB, addressSpace: ['10.20.0.0/16'] });
    const plan = planPeering(answers({ spokes: [partner] }));
    const [spokeSide, hubSide] = plan.actions;
    assert.deepEqual([spokeSide.tenantId, spokeSide.auxiliaryTenantIds], [tenantB, ['aaaaaaaa-0000-0000-0000-000000000001']]);
    assert.deepEqual([hubSide.tenantId, hubSide.auxiliaryTenantIds], ['aaaaaaaa-0000-0000-0000-000000000001', [tenantB]]);
    assert.equal(plan.checks.find((check) => check.id === 'crossTenant')?.status, 'warning');
    assert.equal(isBlocked(plan), false);
  });

  it('warns about global peering charges across regions', () => {
    const plan = planPeering(answers({ spokes: [peeringVnet({ name: 'vnet-north', location: 'uksouth', addressSpace: ['10.7.0.0/16'] })] }));
    assert.match(plan.warnings[0], /vnet-hub \(germanywestcentral\) and vnet-north \(uksouth\) are in different regions/);
  });
});

describe('peering plan: what an update of an existing peering keeps', () => {
  /** A subnet peering of hub's snet-shared with dev's snet-app, as the SDK reads it. */
  function subnetPeering(hub: PeeringVnet, dev: PeeringVnet, peeringState: string) {
    const peering = existingPeering(hub, dev, { name: 'hub-to-dev', peeringState });
    peering.properties = {
      id: peering.armId,
      name: 'hub-to-dev',
      etag: 'W/"1"',
      type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      doNotVerifyRemoteGateways: true,
      peerCompleteVnets: false,
      enableOnlyIPv6Peering: false,
      localSubnetNames: ['snet-shared'],
      remoteSubnetNames: ['snet-app'],
      localAddressSpace: { addressPrefixes: ['10.0.1.0/24'] },
      remoteAddressSpace: { addressPrefixes: ['10.2.1.0/24'] },
      remoteBgpCommunities: { virtualNetworkCommunity: '12076:20002', regionalCommunity: '12076:50004' },
      remoteVirtualNetworkEncryption: { enabled: false },
      remoteVirtualNetwork: { id: dev.armId },
      peeringState,
      peeringSyncLevel: 'FullyInSync',
      provisioningState: 'Succeeded',
      resourceGuid: '5b5d4c3a-1f2e-4d3c-9b8a-7f6e5d4c3b2a',
    };
    return peering;
  }

  it('updating a subnet peering keeps its subnets, IPv6-only choice, doNotVerifyRemoteGateways and address spaces, and writes back no status', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    hub.peerings = [subnetPeering(hub, dev, 'Connected')];
    const plan = planPeering(answers({ hub, spokes: [dev], allowForwardedTraffic: true }));
    const update = plan.actions.find((action) => action.resourceId.endsWith('/hub-to-dev'));
    assert.equal(update?.existing, 'differs');
    const kept = {
      doNotVerifyRemoteGateways: true,
      peerCompleteVnets: false,
      enableOnlyIPv6Peering: false,
      localSubnetNames: ['snet-shared'],
      remoteSubnetNames: ['snet-app'],
      localAddressSpace: { addressPrefixes: ['10.0.1.0/24'] },
      remoteAddressSpace: { addressPrefixes: ['10.2.1.0/24'] },
      remoteBgpCommunities: { virtualNetworkCommunity: '12076:20002' },
      remoteVirtualNetwork: { id: dev.armId },
      allowVirtualNetworkAccess: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    };
    assert.deepEqual(update?.body, { properties: { ...kept, allowForwardedTraffic: true } });
    assert.deepEqual(update?.undo, { kind: 'put', body: { properties: { ...kept, allowForwardedTraffic: false } } });
  });

  it('re-creating a Disconnected subnet peering keeps its subnets but lets Azure compute the address spaces again', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    hub.peerings = [subnetPeering(hub, dev, 'Disconnected')];
    const plan = planPeering(answers({ hub, spokes: [dev] }));
    const [remove, create] = plan.actions.filter((action) => action.resourceId.endsWith('/hub-to-dev'));
    assert.equal(remove.kind, 'delete');
    const subnetChoice = { doNotVerifyRemoteGateways: true, peerCompleteVnets: false, enableOnlyIPv6Peering: false, localSubnetNames: ['snet-shared'], remoteSubnetNames: ['snet-app'] };
    assert.deepEqual(create.body, {
      properties: { ...subnetChoice, remoteVirtualNetwork: { id: dev.armId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, allowGatewayTransit: false, useRemoteGateways: false },
    });
    assert.deepEqual(remove.undo, {
      kind: 'put',
      body: { properties: { ...subnetChoice, remoteVirtualNetwork: { id: dev.armId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false } },
    });
  });

  it('syncing a subnet peering writes it as it is, subnets included, and the CLI script still uses az network vnet peering sync', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    const peering = subnetPeering(hub, dev, 'Connected');
    peering.syncLevel = 'LocalNotInSync';
    hub.peerings = [peering];
    const plan = planPeeringSync(syncTargetsFor(hub.peerings, new Map([[hub.id, hub], [dev.id, dev]])).targets);
    const properties = (plan.actions[0].body as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(properties.localSubnetNames, ['snet-shared']);
    assert.equal(properties.peerCompleteVnets, false);
    for (const status of ['peeringState', 'peeringSyncLevel', 'provisioningState', 'resourceGuid', 'remoteVirtualNetworkEncryption', 'etag', 'id', 'name', 'type']) {
      assert.equal(status in properties, false, `${status} is not written back`);
    }
    assert.match(toAzureCliScript(plan), /az network vnet peering sync/);
  });
});

describe('peering sync plan', () => {
  function pair(): { hub: PeeringVnet; dev: PeeringVnet; vnets: Map<string, PeeringVnet> } {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16', '10.3.0.0/16'], subscriptionId: 'sub-dev', tenantId: tenantB });
    // dev's address space grew: the hub's peering to dev is stale, dev's own peering waits on the remote side.
    hub.peerings = [existingPeering(hub, dev, { name: 'hub-to-dev', peeringState: 'Connected', syncLevel: 'LocalNotInSync', allowForwardedTraffic: true })];
    dev.peerings = [existingPeering(dev, hub, { name: 'dev-to-hub', peeringState: 'Connected', syncLevel: 'RemoteNotInSync' })];
    return { hub, dev, vnets: new Map([[hub.id, hub], [dev.id, dev]]) };
  }

  it('syncs the stale peering itself with syncRemoteAddressSpace=true and its body as it is', () => {
    const { hub, vnets } = pair();
    const { targets, missing } = syncTargetsFor(hub.peerings, vnets);
    assert.deepEqual(missing, []);
    const plan = planPeeringSync(targets);
    assert.equal(plan.kind, 'syncPeering');
    assert.equal(isBlocked(plan), false);
    assert.equal(plan.actions.length, 1);
    const [action] = plan.actions;
    assert.deepEqual(action.query, { syncRemoteAddressSpace: 'true' });
    assert.equal(action.existing, 'differs');
    assert.equal(action.apiVersion, '2026-01-01');
    assert.deepEqual((action.body as { properties: Record<string, unknown> }).properties.allowForwardedTraffic, true);
    assert.deepEqual(action.auxiliaryTenantIds, [tenantB]);
    assert.equal(action.undo?.kind, 'none');
  });

  it('syncs the peering back from the remote side when the remote side is stale', () => {
    const { dev, hub, vnets } = pair();
    const { targets } = syncTargetsFor(dev.peerings, vnets);
    assert.deepEqual(targets.map((target) => target.peering.name), ['hub-to-dev']);
    assert.equal(targets[0].local, hub);
    const missing = syncTargetsFor(dev.peerings, new Map([[dev.id, dev]]));
    assert.equal(missing.targets.length, 0);
    const plan = planPeeringSync(missing.targets, missing.missing);
    assert.equal(isBlocked(plan), true);
    assert.equal(plan.checks.some((check) => check.status === 'warning' && /not in the subscriptions shown/.test(check.detail)), true);
  });

  it('keeps an in-sync peering and refuses one that is not Connected', () => {
    const hub = peeringVnet({ name: 'vnet-hub' });
    const dev = peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] });
    hub.peerings = [existingPeering(hub, dev, { name: 'hub-to-dev', peeringState: 'Connected' })];
    dev.peerings = [existingPeering(dev, hub, { name: 'dev-to-hub', peeringState: 'Initiated', syncLevel: 'LocalNotInSync' })];
    const vnets = new Map([[hub.id, hub], [dev.id, dev]]);
    const kept = planPeeringSync(syncTargetsFor(hub.peerings, vnets).targets);
    assert.deepEqual(actionsToSend(kept), []);
    const refused = planPeeringSync(syncTargetsFor(dev.peerings, vnets).targets);
    assert.equal(refused.checks.find((check) => check.id === 'state:dev-to-hub')?.status, 'failed');
  });
});
