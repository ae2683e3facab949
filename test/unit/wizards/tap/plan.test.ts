import assert from 'node:assert/strict';
import { actionsToSend, isBlocked } from '../../../../src/core/plan';
import { defaultConfigurationName, planRemoveTap, planRemoveTapSource, planTap, vxlanRuleName } from '../../../../src/wizards/tap/plan';
import { answers, armId, estate, key, lbDestination, nsg, rule, sourceNic, subnet, tap } from './builders';

const tapId = key(armId.tap('vtap-collectors'));

describe('TAP plan', () => {
  it('creates a TAP on an ILB frontend, then one tap configuration per NIC depending on it', () => {
    const plan = planTap(answers({ destinationKind: 'loadBalancer', destinationId: lbDestination().id, tap: { kind: 'new', name: 'vtap-ilb' }, configurationName: 'tapcfg-vtap-ilb' }), estate());
    assert.equal(plan.kind, 'tap');
    assert.equal(isBlocked(plan), false, JSON.stringify(plan.checks));
    assert.deepEqual(
      plan.actions.map((action) => [action.id, action.kind, action.resourceType, action.existing, action.dependsOn.join(',')]),
      [
        ['a1', 'put', 'Microsoft.Network/virtualNetworkTaps', 'absent', ''],
        ['a2', 'put', 'Microsoft.Network/networkInterfaces/tapConfigurations', 'absent', 'a1'],
        ['a3', 'put', 'Microsoft.Network/networkInterfaces/tapConfigurations', 'absent', 'a1'],
      ],
    );
    const [tapPut, configurationPut] = plan.actions;
    assert.equal(tapPut.resourceId, armId.tap('vtap-ilb'));
    assert.equal(tapPut.apiVersion, '2026-01-01');
    assert.deepEqual(tapPut.body, { location: 'eastus', properties: { destinationLoadBalancerFrontEndIPConfiguration: { id: lbDestination().armId }, destinationPort: 4789 } });
    assert.deepEqual(tapPut.undo, { kind: 'delete' });
    assert.equal(configurationPut.resourceId, `${armId.nic('nic-web-02')}/tapConfigurations/tapcfg-vtap-ilb`);
    assert.deepEqual(configurationPut.body, { properties: { virtualNetworkTap: { id: armId.tap('vtap-ilb') } } });
    assert.ok(plan.warnings.some((warning) => /deallocated\) and started once after the TAP exists/.test(warning)));
    assert.ok(plan.checks.some((check) => check.id === 'tap.loadBalancerSku' && check.status === 'passed'));
    assert.match(plan.title, /Mirror 2 NICs to ilb-collectors › fe-collectors \(virtual network TAP vtap-ilb\)/);
  });

  it('reuses an existing TAP unchanged and keeps a NIC already mirrored into it: a re-run sends nothing', () => {
    const mirrored = sourceNic('nic-web-02', { tapConfigurations: [{ id: key(`${armId.nic('nic-web-02')}/tapConfigurations/old-name`), armId: `${armId.nic('nic-web-02')}/tapConfigurations/old-name`, name: 'old-name', tapId }] });
    const world = estate({ nics: [mirrored, sourceNic('nic-app-01', { tapConfigurations: [{ id: 'c', armId: `${armId.nic('nic-app-01')}/tapConfigurations/tapcfg-vtap-collectors`, name: 'tapcfg-vtap-collectors', tapId }] })] });
    const plan = planTap(answers({ restartVms: true }), world);
    assert.deepEqual(plan.actions.map((action) => action.existing), ['same', 'same', 'same']);
    assert.equal(plan.actions[1].resourceId, `${armId.nic('nic-web-02')}/tapConfigurations/old-name`, 'the existing configuration keeps its name');
    assert.deepEqual(actionsToSend(plan), [], 'no restart steps for NICs that already mirror');
  });

  it('treats a new TAP name that already exists with the same destination as the same TAP', () => {
    const plan = planTap(answers({ tap: { kind: 'new', name: 'vtap-collectors' } }), estate());
    assert.equal(plan.actions[0].existing, 'same');
    const moved = planTap(answers({ tap: { kind: 'new', name: 'vtap-collectors' }, destinationKind: 'loadBalancer', destinationId: lbDestination().id }), estate());
    assert.equal(isBlocked(moved), true);
    assert.match(moved.checks.find((check) => check.id === 'tap.existingTap')?.detail ?? '', /vtap-collectors already exists in rg-net and sends to/);
  });

  it('adds the VXLAN rule first, before the deny rule, when an NSG drops UDP 4789 and the answer says so', () => {
    const denying = nsg('nsg-collectors', [rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [armId.subnet('vnet-hub', 'snet-collectors')]);
    const plan = planTap(answers(), estate({ nsgs: [denying] }));
    const check = plan.checks.find((item) => item.id === 'tap.nsgVxlan');
    assert.equal(check?.status, 'fixed');
    assert.deepEqual(check?.fixedBy, ['a1']);
    assert.match(check?.detail ?? '', /nsg-collectors rule deny-all-in \(priority 4000\) denies inbound UDP 4789/);
    const [rulePut] = plan.actions;
    assert.equal(rulePut.resourceId, `${armId.nsg('nsg-collectors')}/securityRules/${vxlanRuleName}`);
    assert.equal(rulePut.resourceType, 'Microsoft.Network/networkSecurityGroups/securityRules');
    assert.deepEqual((rulePut.body?.properties as Record<string, unknown>).priority, 3990);
    assert.equal((rulePut.body?.properties as Record<string, unknown>).protocol, 'Udp');
    assert.equal((rulePut.body?.properties as Record<string, unknown>).destinationPortRange, '4789');

    const declined = planTap(answers({ addNsgRule: false }), estate({ nsgs: [denying] }));
    assert.equal(declined.checks.find((item) => item.id === 'tap.nsgVxlan')?.status, 'warning');
    assert.ok(!declined.actions.some((action) => action.resourceType.endsWith('securityRules')));
  });

  it('for a load balancer destination, judges and opens the backends\u2019 NSGs for the backend addresses, not only the frontend', () => {
    // Backends in their own subnet behind nsg-backends, which denies everything inbound; the frontend's subnet allows it.
    const backendSubnet = armId.subnet('vnet-hub', 'snet-backends');
    const denying = nsg('nsg-backends', [rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [backendSubnet]);
    const destination = lbDestination({
      backends: [
        { label: 'nic-collector-01 \u203a ipconfig1', privateIp: '10.0.3.4', subnetId: key(backendSubnet) },
        { label: 'nic-collector-02 \u203a ipconfig1', privateIp: '10.0.3.5', subnetId: key(backendSubnet) },
      ],
    });
    const world = estate({ destinations: [destination], nsgs: [...estate().nsgs, denying] });
    world.vnets[0].subnets.push(subnet('vnet-hub', 'snet-backends', 'nsg-backends'));
    const plan = planTap(answers({ destinationKind: 'loadBalancer', destinationId: destination.id, tap: { kind: 'new', name: 'vtap-ilb' } }), world);
    const check = plan.checks.find((item) => item.id === 'tap.nsgVxlan');
    assert.equal(check?.status, 'fixed', JSON.stringify(check));
    assert.match(check?.detail ?? '', /nsg-backends rule deny-all-in/);
    const [rulePut] = plan.actions;
    assert.equal(rulePut.resourceId, `${armId.nsg('nsg-backends')}/securityRules/${vxlanRuleName}`);
    const properties = rulePut.body?.properties as Record<string, unknown>;
    assert.deepEqual(properties.destinationAddressPrefixes, ['10.0.3.4', '10.0.3.5']);
    assert.equal(properties.destinationAddressPrefix, undefined, 'Azure takes one of the two fields, not both');

    // Where the backends' NSG allows VXLAN, the check names the backends it judged.
    const allowing = nsg('nsg-backends', [rule({ name: 'allow-vxlan', priority: 100, protocol: 'Udp', destinationPorts: '4789' }), rule({ name: 'deny-all-in', priority: 4000, access: 'Deny' })], [backendSubnet]);
    const open = planTap(answers({ destinationKind: 'loadBalancer', destinationId: destination.id, tap: { kind: 'new', name: 'vtap-ilb' } }), { ...world, nsgs: [...estate().nsgs, allowing] });
    const passed = open.checks.find((item) => item.id === 'tap.nsgVxlan');
    assert.ok(passed, JSON.stringify(open.checks.map((item) => item.id)));
    assert.equal(passed?.status, 'passed');
    assert.match(passed?.detail ?? '', /^nsg-backends allows inbound UDP 4789 from the sources to the backends of ilb-collectors › fe-collectors \(nic-collector-01 › ipconfig1, 10\.0\.3\.4; nic-collector-02 › ipconfig1, 10\.0\.3\.5\)\.$/);

    // With Floating IP the backends see the frontend address, so the rule allows that.
    const floating = lbDestination({ ...destination, floatingIp: true });
    const floatingPlan = planTap(answers({ destinationKind: 'loadBalancer', destinationId: floating.id, tap: { kind: 'new', name: 'vtap-ilb' } }), { ...world, destinations: [floating] });
    assert.equal((floatingPlan.actions[0].body?.properties as Record<string, unknown>).destinationAddressPrefix, '10.0.1.10');
  });

  it('adds a deallocate and a start per new source VM, after its tap configuration, with the downtime stated', () => {
    const plan = planTap(answers({ restartVms: true, sourceIds: [key(armId.nic('nic-web-02'))] }), estate());
    const posts = plan.actions.filter((action) => action.kind === 'post');
    assert.deepEqual(posts.map((action) => [action.operation, action.resourceId, action.dependsOn.join(',')]), [
      ['deallocate', armId.vm('vm-web-02'), 'a2'],
      ['start', armId.vm('vm-web-02'), 'a3'],
    ]);
    assert.equal(posts[0].resourceType, 'Microsoft.Compute/virtualMachines');
    assert.equal(posts[0].impact, 'vm-web-02 is stopped and started: a few minutes of downtime.');
    assert.equal(posts[0].undo?.kind, 'none');
    const without = planTap(answers({ restartVms: false }), estate());
    assert.ok(without.warnings.some((warning) => /does not restart the VMs: stop \(deallocate\) and start vm-web-02, vm-app-01/.test(warning)));
  });

  it('restarts a VM with several new source NICs once, after all of its tap configurations', () => {
    const vm = { vmArmId: armId.vm('vm-multi'), vmName: 'vm-multi' };
    const world = estate({ nics: [sourceNic('nic-multi-a', vm), sourceNic('nic-multi-b', vm), sourceNic('nic-app-01')] });
    const plan = planTap(answers({ restartVms: true, sourceIds: [key(armId.nic('nic-multi-a')), key(armId.nic('nic-multi-b')), key(armId.nic('nic-app-01'))] }), world);
    const configurations = plan.actions.filter((action) => action.resourceType.endsWith('tapConfigurations')).map((action) => action.id);
    assert.deepEqual(configurations, ['a2', 'a3', 'a4']);
    const posts = plan.actions.filter((action) => action.kind === 'post');
    assert.deepEqual(posts.map((action) => [action.id, action.operation, action.resourceId, action.dependsOn.join(',')]), [
      ['a5', 'deallocate', armId.vm('vm-multi'), 'a2,a3'],
      ['a6', 'start', armId.vm('vm-multi'), 'a5'],
      ['a7', 'deallocate', armId.vm('vm-app-01'), 'a4'],
      ['a8', 'start', armId.vm('vm-app-01'), 'a7'],
    ]);
    assert.ok(plan.summary.some((line) => line === 'Stop and start 2 VMs so mirroring begins.'));
    const without = planTap(answers({ restartVms: false, sourceIds: [key(armId.nic('nic-multi-a')), key(armId.nic('nic-multi-b'))] }), world);
    assert.ok(without.warnings.some((warning) => /stop \(deallocate\) and start vm-multi yourself/.test(warning)));
  });

  it('still restarts a VM when one of its NICs is new and another already mirrors', () => {
    const vm = { vmArmId: armId.vm('vm-multi'), vmName: 'vm-multi' };
    const mirrored = sourceNic('nic-multi-a', { ...vm, tapConfigurations: [{ id: 'c', armId: `${armId.nic('nic-multi-a')}/tapConfigurations/cfg`, name: 'cfg', tapId }] });
    const plan = planTap(answers({ restartVms: true, sourceIds: [key(armId.nic('nic-multi-a')), key(armId.nic('nic-multi-b'))] }), estate({ nics: [mirrored, sourceNic('nic-multi-b', vm)] }));
    assert.deepEqual(plan.actions.filter((action) => action.kind === 'post').map((action) => [action.operation, action.dependsOn.join(',')]), [
      ['deallocate', 'a2,a3'],
      ['start', 'a4'],
    ]);
  });

  it('still shows a refused plan: a source mirrored elsewhere and a source in another region', () => {
    const elsewhere = sourceNic('nic-web-01', { tapConfigurations: [{ id: 'x', armId: 'x', name: 'cfg', tapId: key(armId.tap('vtap-other')) }] });
    const dev = sourceNic('nic-dev-01', { location: 'uksouth' });
    const world = estate({ nics: [elsewhere, dev], taps: [tap('vtap-collectors'), tap('vtap-other')] });
    const plan = planTap(answers({ sourceIds: [elsewhere.id, dev.id] }), world);
    assert.equal(isBlocked(plan), true);
    const failed = plan.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    assert.deepEqual(failed.sort(), ['tap.oneConfiguration', 'tap.sameRegion']);
    assert.equal(plan.actions.length, 3, 'the actions still show');
    assert.deepEqual(
      plan.remedies?.map((remedy) => `${remedy.label} ${remedy.detail} → ${remedy.command} ${remedy.resourceIds.join(' ')}`),
      [`Stop Mirroring This Network Interface… nic-web-01 (mirrors into vtap-other) → trafficLens.removeTapSource ${armId.nic('nic-web-01')}`],
      'another region has no wizard that fixes it',
    );
  });

  it('tells apart the Stop Mirroring… remedies of two sources with one name, each on its own NIC', () => {
    const mirrored = { tapConfigurations: [{ id: 'x', armId: 'x', name: 'cfg', tapId: key(armId.tap('vtap-other')) }] };
    const prodNic = sourceNic('nic-web-01', mirrored);
    const otherArmId = armId.nic('nic-web-01').replace('/resourceGroups/rg-app/', '/resourceGroups/rg-other/');
    const otherNic = sourceNic('nic-web-01', { ...mirrored, armId: otherArmId, id: key(otherArmId) });
    const plan = planTap(answers({ sourceIds: [prodNic.id, otherNic.id] }), estate({ nics: [prodNic, otherNic], taps: [tap('vtap-collectors'), tap('vtap-other')] }));
    const stops = (plan.remedies ?? []).filter((remedy) => remedy.command === 'trafficLens.removeTapSource');
    assert.equal(new Set(stops.map((remedy) => remedy.id)).size, 2, stops.map((remedy) => remedy.id).join(', '));
    assert.deepEqual(stops.map((remedy) => remedy.resourceIds), [[prodNic.armId], [otherArmId]]);
  });

  it('names Peer with Hub… for sources whose VNet is not peered, or not Connected, with the destination VNet, hub first', () => {
    const lonely = key(armId.nic('nic-lonely-01'));
    const plan = planTap(answers({ sourceIds: [lonely, key(armId.nic('nic-web-02'))] }), estate());
    assert.equal(plan.checks.find((check) => check.id === 'tap.reach')?.status, 'failed');
    assert.deepEqual(plan.remedies, [
      { id: 'peer', label: 'Peer with Hub…', detail: 'vnet-hub with vnet-lonely', command: 'trafficLens.createPeering', resourceIds: [armId.vnet('vnet-hub'), armId.vnet('vnet-lonely')] },
    ]);
    const reached = planTap(answers(), estate());
    assert.equal(reached.remedies, undefined, 'nothing to fix');
    const west = sourceNic('nic-west-01', { vnet: 'vnet-lonely', subnet: 'snet-a', location: 'westus' });
    assert.equal(planTap(answers({ sourceIds: [west.id] }), estate({ nics: [west] })).remedies, undefined, 'a peering does not bring a NIC of another region in');
  });

  it('refuses a source in another tenant than the TAP', () => {
    const other = sourceNic('nic-partner-01', { tenantId: 'tenant-2' });
    const plan = planTap(answers({ sourceIds: [other.id] }), estate({ nics: [other] }));
    const tenant = plan.checks.find((check) => check.id === 'tap.tenant');
    assert.equal(tenant?.status, 'failed');
    assert.match(tenant?.detail ?? '', /nic-partner-01 is in another tenant than nic-collector-01/);
    assert.equal(planTap(answers(), estate()).checks.find((check) => check.id === 'tap.tenant')?.status, 'passed');
  });

  it('refuses names Azure would refuse and an empty source list', () => {
    const plan = planTap(answers({ tap: { kind: 'new', name: 'bad name.' }, configurationName: '-x', sourceIds: [] }), estate());
    assert.deepEqual(plan.checks.filter((check) => check.status === 'failed').map((check) => check.id), ['tap.name', 'tap.configurationName', 'tap.sources']);
  });

  it('names the default tap configuration after the TAP', () => {
    assert.equal(defaultConfigurationName('vtap-collectors'), 'tapcfg-vtap-collectors');
    assert.equal(defaultConfigurationName('x'.repeat(80)).length, 80);
  });

  it('removes a TAP: its tap configurations first, then the TAP, each undoable', () => {
    const configurationId = `${armId.nic('nic-web-01')}/tapConfigurations/tapcfg-web-01`;
    const nic = sourceNic('nic-web-01', { tapConfigurations: [{ id: key(configurationId), armId: configurationId, name: 'tapcfg-web-01', tapId }] });
    const target = tap('vtap-collectors', { sourceIds: [key(configurationId), '/subscriptions/other/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic-far/tapconfigurations/cfg'] });
    const plan = planRemoveTap(target, estate({ nics: [nic] }));
    assert.equal(plan.kind, 'removeTap');
    assert.deepEqual(plan.actions.map((action) => [action.kind, action.resourceId, action.dependsOn.join(',')]), [
      ['delete', configurationId, ''],
      ['delete', '/subscriptions/other/resourcegroups/rg/providers/microsoft.network/networkinterfaces/nic-far/tapconfigurations/cfg', ''],
      ['delete', armId.tap('vtap-collectors'), 'a1,a2'],
    ]);
    assert.deepEqual(plan.actions[0].undo, { kind: 'put', body: { properties: { virtualNetworkTap: { id: armId.tap('vtap-collectors') } } } });
    assert.equal(plan.actions[2].undo?.kind, 'put');
    assert.equal(plan.checks[0].status, 'warning', 'a configuration on a NIC the tree does not show');
  });

  it('removes one NIC\u2019s tap configuration, or refuses when it has none', () => {
    const configurationId = `${armId.nic('nic-web-01')}/tapConfigurations/tapcfg-web-01`;
    const nic = sourceNic('nic-web-01', { tapConfigurations: [{ id: key(configurationId), armId: configurationId, name: 'tapcfg-web-01', tapId }] });
    const plan = planRemoveTapSource(nic, estate(), tapId);
    assert.deepEqual(plan.actions.map((action) => [action.kind, action.resourceId]), [['delete', configurationId]]);
    assert.equal(isBlocked(plan), false);
    assert.equal(isBlocked(planRemoveTapSource(sourceNic('nic-web-02'), estate())), true);
  });
  it('updating a reused TAP keeps its tags and its own destination, and Undo of its removal puts the tags back', () => {
    const lb = lbDestination();
    const tagged = tap('vtap-collectors', { destinationId: lb.id, destinationArmId: lb.armId, destinationPort: 4790, tags: { owner: 'secops' } });
    const plan = planTap(answers(), estate({ taps: [tagged] }));
    const tapAction = plan.actions.find((action) => action.resourceType === 'Microsoft.Network/virtualNetworkTaps');
    assert.equal(tapAction?.existing, 'differs');
    assert.deepEqual(tapAction?.body, { location: 'eastus', tags: { owner: 'secops' }, properties: { destinationLoadBalancerFrontEndIPConfiguration: { id: lb.armId }, destinationPort: 4789 } });
    const removal = planRemoveTap(tagged, estate()).actions.find((action) => action.resourceType === 'Microsoft.Network/virtualNetworkTaps');
    assert.deepEqual(removal?.undo, { kind: 'put', body: { location: 'eastus', tags: { owner: 'secops' }, properties: { destinationLoadBalancerFrontEndIPConfiguration: { id: lb.armId }, destinationPort: 4789 } } });
  });
});
