import assert from 'node:assert/strict';
import { summarizePcap } from '../../../src/packetcapture/pcapSummary';
import { startStandIn, type StandIn } from '../../standin/server';
import { demoTenantId, demoTopology, devSubscriptionId, hubFlowLogStorageId, hubSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';
import { sdkClients } from './standInHarness';

const fastPoll = { updateIntervalInMs: 5 };
const vm = (subscriptionId: string, group: string, name: string) => `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`;

describe('ARM stand-in: packet captures on VMs, status and stop as long-running operations, .cap upload', function () {
  this.timeout(15000);
  let standIn: StandIn;
  const written: Array<{ storageAccountId: string; container: string; blobName: string; data: Buffer }> = [];

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    standIn.useCaptureStorage({
      write: (storageAccountId, container, blobName, data) => {
        written.push({ storageAccountId, container, blobName, data });
        return Promise.resolve(`https://example/${container}/${blobName}`);
      },
    });
  });

  after(async () => {
    await standIn.close();
  });

  it('starts, reports Running, stops and uploads a pcap at the documented path', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    const target = vm(hubSubscriptionId, 'rg-hub-network', 'vm-jumpbox-01');
    const capture = await network.packetCaptures.beginCreateAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-unit', {
      target,
      targetType: 'AzureVM',
      storageLocation: { storageId: hubFlowLogStorageId, filePath: 'C:\\captures\\pc-unit.cap' },
      bytesToCapturePerPacket: 0,
      timeLimitInSeconds: 600,
    }, fastPoll);
    assert.match(String(capture.storageLocation?.storagePath), /^https:\/\/sthubflowlogsgwc01\.blob\.core\.windows\.net\/network-watcher-logs\/subscriptions\/3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13\/resourcegroups\/rg-hub-network\/providers\/microsoft\.compute\/virtualmachines\/vm-jumpbox-01\/\d{4}\/\d{2}\/\d{2}\/packetcapture_\d{2}_\d{2}_\d{2}_\d{3}\.cap$/);
    const running = await network.packetCaptures.beginGetStatusAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-unit', fastPoll);
    assert.equal(running.packetCaptureStatus, 'Running');
    assert.equal(written.length, 0);
    await network.packetCaptures.beginStopAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-unit', fastPoll);
    const stopped = await network.packetCaptures.beginGetStatusAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-unit', fastPoll);
    assert.equal(stopped.packetCaptureStatus, 'Stopped');
    assert.equal(stopped.stopReason, 'Manual');
    assert.equal(written.length, 1);
    assert.equal(written[0].container, 'network-watcher-logs');
    assert.ok(String(capture.storageLocation?.storagePath).endsWith(written[0].blobName));
    const summary = summarizePcap(written[0].data);
    assert.ok(summary.conversations.some((conversation) => conversation.a.startsWith('10.0.2.4') || conversation.b.startsWith('10.0.2.4')), 'the capture holds the VM\'s own address');
    await network.packetCaptures.beginDeleteAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-unit', fastPoll);
  });

  it('answers queryStatus with 202 and a Location that yields the status', async () => {
    const { network } = sdkClients(standIn, demoTenantId, hubSubscriptionId);
    await network.packetCaptures.beginCreateAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-lro', {
      target: vm(hubSubscriptionId, 'rg-hub-network', 'vm-collector-01'),
      storageLocation: { filePath: '/var/captures/pc-lro.cap' },
    }, fastPoll);
    const poller = await network.packetCaptures.beginGetStatus('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-lro', fastPoll);
    assert.equal(poller.isDone(), false);
    const result = await poller.pollUntilDone();
    assert.equal(result.packetCaptureStatus, 'Running');
    await network.packetCaptures.beginDeleteAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-lro', fastPoll);
  });

  it('refuses a VM without the agent, a deallocated VM and a Linux file path outside /var/captures', async () => {
    const prod = sdkClients(standIn, demoTenantId, prodSubscriptionId).network;
    await assert.rejects(
      prod.packetCaptures.beginCreateAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-no-agent', { target: vm(prodSubscriptionId, 'rg-prod-app', 'vm-app-01'), storageLocation: { filePath: '/var/captures/x.cap' } }, fastPoll),
      (error: { code?: string; message: string }) => error.code === 'NetworkWatcherAgentNotInstalled' && /vm-app-01/.test(error.message),
    );
    await assert.rejects(
      prod.packetCaptures.beginCreateAndWait('NetworkWatcherRG', 'NetworkWatcher_germanywestcentral', 'pc-bad-path', { target: vm(prodSubscriptionId, 'rg-prod-app', 'vm-web-01'), storageLocation: { filePath: '/tmp/x.cap' } }, fastPoll),
      (error: { code?: string }) => error.code === 'InvalidRequestFormat',
    );
    const dev = sdkClients(standIn, demoTenantId, devSubscriptionId).network;
    await assert.rejects(
      dev.packetCaptures.beginCreateAndWait('NetworkWatcherRG', 'NetworkWatcher_uksouth', 'pc-stopped', { target: vm(devSubscriptionId, 'rg-dev-network', 'vm-dev-02'), storageLocation: { filePath: '/var/captures/x.cap' } }, fastPoll),
      (error: { code?: string }) => error.code === 'VirtualMachineNotRunning',
    );
  });
});
