import assert from 'node:assert/strict';
import { describeCaptureState, describeFlowLog, describeFolder, describePacketCapture, describeNic, describeNsg, describePeering, describeRule, describeSubnet, describeSubscription, describeTap, describeVnet, emptyFolderMessage, escapeMarkdown, describeSyncLevel } from '../../../src/tree/treeItems';
import { flowLog, nic, nsg, peering, subnet, subscription, tap, vnet } from './builders';

/** A tooltip as the user reads it: Markdown escapes removed. */
function plain(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

describe('tree item descriptions', () => {
  it('shows a VNet\'s address space and region, and a flow-log badge only for an enabled flow log', () => {
    const item = describeVnet(vnet({ addressSpace: ['10.1.0.0/16', '10.9.0.0/16'] }), []);
    assert.equal(item.label, 'vnet-a');
    assert.equal(item.description, '10.1.0.0/16 +1 · germanywestcentral');
    assert.match(plain(item.tooltip), /10\.1\.0\.0\/16 \(65,536 addresses\)/);
    assert.match(item.contextValue, /(^|;)vnet(;|$)/);
    assert.match(item.contextValue, /canFlowLog/);
    assert.equal(describeVnet(vnet(), [flowLog()]).description, '10.1.0.0/16 · germanywestcentral · flow log');
    assert.match(describeVnet(vnet(), [flowLog()]).contextValue, /hasFlowLog/);
    assert.doesNotMatch(describeVnet(vnet(), [flowLog({ enabled: false })]).description ?? '', /flow log/);
  });

  it('shows a subnet\'s prefix, NSG and where its flow log comes from', () => {
    const logged = describeSubnet(subnet(), 'nsg-web', { kind: 'vnet', flowLog: flowLog() }, 2);
    assert.equal(logged.description, '10.1.1.0/24 · NSG nsg-web · flow log (VNet)');
    assert.match(plain(logged.tooltip), /10\.1\.1\.0\/24 \(251 addresses usable\)/);
    assert.match(logged.contextValue, /hasNsg/);
    const bare = describeSubnet(subnet({ addressPrefixes: [] }), undefined, { kind: 'none' }, 0);
    assert.equal(bare.description, 'no prefix');
    assert.match(bare.contextValue, /canFlowLog/);
    assert.equal(describeSubnet(subnet(), undefined, { kind: 'nsg', flowLog: flowLog() }, 0).description, '10.1.1.0/24 · flow log (NSG)');
  });

  it('shows a NIC\'s private IP, VM, accelerated networking and TAP badge, with flags for later wizards', () => {
    const untapped = describeNic(nic(), []);
    assert.equal(untapped.description, '10.1.1.4 · VM vm-web-01');
    assert.equal(untapped.collapsible, false);
    assert.match(untapped.contextValue, /^nic;canTap;hasVm;canAccelerate/);
    assert.match(plain(untapped.tooltip), /Accelerated networking: off/);
    const tapped = describeNic(nic({ acceleratedNetworking: true, tapIds: ['x'] }), [{ name: 'vtap-local' }]);
    assert.equal(tapped.description, '10.1.1.4 · VM vm-web-01 · accelerated · TAP → vtap-local');
    assert.match(tapped.contextValue, /hasTap/);
    assert.doesNotMatch(tapped.contextValue, /canAccelerate/, 'the command is not offered on a NIC that has it on');
    assert.match(plain(tapped.tooltip), /Accelerated networking: on/);
    assert.match(plain(tapped.tooltip), /TAP configuration: mirrored to vtap-local {2}$/m);
    const elsewhere = describeNic(nic({ tapIds: ['x'] }), [{ name: 'vtap-collectors', subscriptionName: 'Contoso Security Hub' }]);
    assert.equal(elsewhere.description, '10.1.1.4 · VM vm-web-01 · TAP → vtap-collectors (Contoso Security Hub)');
    assert.match(plain(elsewhere.tooltip), /mirrored to vtap-collectors in Contoso Security Hub/);
    assert.equal(describeNic(nic({ primaryPrivateIp: undefined, virtualMachineName: undefined, virtualMachineId: undefined }), []).description, 'no private IP · no VM');
  });

  it('shows a peering\'s remote network, state and sync level, colouring the state', () => {
    const connected = describePeering(peering());
    assert.equal(connected.description, '→ vnet-hub · Connected · in sync');
    assert.equal(connected.iconColor, 'testing.iconPassed');
    assert.match(connected.contextValue, /peering-connected/);
    const initiated = describePeering(peering({ peeringState: 'Initiated', syncLevel: 'RemoteNotInSync' }));
    assert.equal(initiated.description, '→ vnet-hub · Initiated');
    assert.match(plain(initiated.tooltip), /Sync level: remote not in sync/);
    assert.match(initiated.contextValue, /canSync/, 'Sync Peering is offered on a peering out of sync');
    assert.doesNotMatch(connected.contextValue, /canSync/);
    assert.equal(describePeering(peering({ peeringState: 'Disconnected' })).iconColor, 'list.errorForeground');
    assert.equal(describeSyncLevel('LocalAndRemoteNotInSync'), 'local and remote not in sync');
  });

  it('describes NSGs, rules, flow logs, TAPs, folders and subscriptions', () => {
    const rule = { name: 'deny-rdp', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source: '*', sourcePorts: '*', destination: '*', destinationPorts: '3389' };
    assert.equal(describeNsg(nsg({ rules: [rule] }), [flowLog()]).description, '1 rule · germanywestcentral · flow log');
    assert.equal(describeRule(rule).label, '200 deny-rdp');
    assert.equal(describeRule(rule).description, 'Inbound · Deny · Tcp · * → * port 3389');
    const disabled = describeFlowLog(flowLog({ enabled: false, trafficAnalytics: true }));
    assert.equal(disabled.description, 'vnet-a → stlogs · disabled · Traffic Analytics');
    assert.match(disabled.contextValue, /flowLog;disabled;trafficAnalytics;hasStorage/);
    assert.equal(describeTap(tap({ sourceIds: ['a', 'b'] }), ['nic-1', 'nic-2']).description, '→ nic-collector:4789 · 2 sources');
    assert.equal(describeFolder('vnets', 3).description, '3');
    assert.equal(describeFolder('taps', 1).description, '1');
    assert.equal(
      describeFolder('taps', 0, [{ tapName: 'vtap-collectors', subscriptionName: 'Contoso Security Hub', nicCount: 2 }, { tapName: 'vtap-ids', subscriptionName: 'Contoso Shared', nicCount: 1 }]).description,
      '0 here · 2 NICs mirrored to vtap-collectors in Contoso Security Hub, 1 NIC mirrored to vtap-ids in Contoso Shared',
    );
    assert.equal(emptyFolderMessage('taps'), 'No virtual network TAPs in this subscription');
    assert.equal(
      emptyFolderMessage('taps', [{ tapName: 'vtap-collectors', subscriptionName: 'Contoso Security Hub', nicCount: 1 }]),
      'No virtual network TAPs in this subscription; 1 NIC mirrored to vtap-collectors in Contoso Security Hub',
    );
    assert.equal(emptyFolderMessage('vnets'), 'No virtual networks in this subscription');
    assert.equal(describeSubscription(subscription({ state: 'Disabled' })).description, 'Disabled');
    const busy = describeSubscription(subscription(), 'Contoso', 'Applying changes…');
    assert.deepEqual([busy.description, busy.icon], ['Applying changes…', 'loading~spin'], 'a subscription a plan is changing says so');
    assert.equal(describeSubscription(subscription()).icon, 'azure');
  });

  it("shows a packet capture's target, and its provisioning state only when that is not Succeeded", () => {
    const capture = { id: 'c', armId: '/subscriptions/s/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw/packetCaptures/pc-1', name: 'pc-1', resourceGroup: 'NetworkWatcherRG', properties: {}, watcherId: 'w', targetId: 't', targetArmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-02' };
    assert.equal(describePacketCapture({ ...capture, provisioningState: 'Succeeded' }).description, 'vm-web-02', 'Succeeded says nothing about whether it still runs');
    assert.equal(describePacketCapture({ ...capture, provisioningState: 'Failed' }).description, 'vm-web-02 · Failed');
    assert.match(describePacketCapture(capture).tooltip, /Packet Capture Status/);
    assert.match(plain(describeSubscription(subscription(), 'Contoso').tooltip), /Tenant: Contoso \(tenant-1\)/);
  });

  it("shows a packet capture's state from queryStatus: Running, Stopped with why, Error with what failed", () => {
    const capture = { id: 'c', armId: '/subscriptions/s/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw/packetCaptures/pc-1', name: 'pc-1', resourceGroup: 'NetworkWatcherRG', properties: {}, watcherId: 'w', targetId: 't', targetArmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-02', provisioningState: 'Succeeded' };
    const running = describePacketCapture(capture, { ok: true, value: { status: 'Running', errors: [] } });
    assert.deepEqual([running.description, running.icon, running.iconColor], ['vm-web-02 · Running', 'record', 'charts.red']);
    assert.match(running.contextValue, /capture-running/);
    const stopped = describePacketCapture(capture, { ok: true, value: { status: 'Stopped', stopReason: 'TimeExceeded', errors: [] } });
    assert.deepEqual([stopped.description, stopped.icon], ['vm-web-02 · Stopped (time limit reached)', 'debug-stop']);
    assert.equal(describePacketCapture(capture, { ok: true, value: { status: 'Stopped', stopReason: 'Manual', errors: ['StorageFailed'] } }).description, 'vm-web-02 · Stopped (stopped by a user) · uploading the file to storage failed');
    const failed = describePacketCapture(capture, { ok: true, value: { status: 'Error', errors: ['AgentStopped', 'LocalFileFailed'] } });
    assert.deepEqual([failed.description, failed.icon, failed.iconColor], ['vm-web-02 · Error: the Network Watcher agent stopped, writing the file on the VM failed', 'error', 'list.errorForeground']);
    assert.equal(describeCaptureState({ ok: true, value: { status: 'Error', errors: [] } }), 'Error: Network Watcher gave no reason');
    assert.equal(describeCaptureState({ ok: true, value: { status: 'NotStarted', errors: [] } }), 'Not started');
    assert.equal(describeCaptureState({ ok: true, value: { status: 'Stopped', stopReason: 'SomeNewReason', errors: [] } }), 'Stopped (some new reason)');
    const unknown = describePacketCapture(capture, { ok: false, problem: { code: 'AuthorizationFailed', message: 'no access' } });
    assert.equal(unknown.description, 'vm-web-02 · status unknown');
    assert.match(plain(unknown.tooltip), /Status query: AuthorizationFailed: no access/);
  });

  it('escapes every value from Azure in tooltips', () => {
    const hostile = describeVnet(vnet({ name: '<img src=x onerror=alert(1)>[click](command:x)' }), []);
    assert.doesNotMatch(hostile.tooltip, /<img/);
    assert.doesNotMatch(hostile.tooltip, /\[click\]\(command/);
    assert.equal(escapeMarkdown('a*b_<c>&'), 'a\\*b\\_&lt;c&gt;&amp;');
  });
});
