import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connectionsOf, listeningPorts, type ConnectionSnapshot } from '../../src/core/connectionSnapshot';
import type { SnapshotRunReport } from '../../src/wizards/connectionSnapshot/run';
import { devSubscriptionId, prodSubscriptionId } from '../standin/topologies/demo';
import { requestCounts } from './standInClient';
import { suiteLog } from './suiteLog';
import { wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const prodApp = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-app/providers/Microsoft.Compute/virtualMachines`;
const webSubnetId = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-network/providers/Microsoft.Network/virtualNetworks/vnet-prod-spoke/subnets/snet-web`;
const stoppedVmNicId = `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-network/providers/Microsoft.Network/networkInterfaces/nic-dev-02`;

/** A tree row as menu commands receive it: only `resource` is read. */
function row(armId: string): { id: string; resource: { armId: string; name: string; tenantId: string; properties: unknown } } {
  return { id: armId.toLowerCase(), resource: { armId, name: armId.split('/').at(-1) ?? armId, tenantId: '', properties: {} } };
}

/** Run Command POSTs the stand-in has answered so far. */
async function runCommandsSent(): Promise<number> {
  const counts = await requestCounts();
  return Object.entries(counts).filter(([route]) => route.startsWith('POST ') && /\/runcommand$/i.test(route)).reduce((sum, [, count]) => sum + count, 0);
}

/** The latest snapshot document of this name (`connection-snapshot.md` or `connection-snapshot-plan.md`). */
function latestDocument(fileName: string): string {
  const documents = vscode.workspace.textDocuments
    .filter((document) => document.uri.scheme === 'traffic-lens-snapshot' && document.uri.path.endsWith(`/${fileName}`))
    .sort((a, b) => Number(b.uri.path.split('/')[1]) - Number(a.uri.path.split('/')[1]));
  assert.ok(documents[0], `a ${fileName} document is open`);
  return documents[0].getText();
}

function describeResults(report: SnapshotRunReport): string[] {
  return report.results.map((result) => `${result.vmName}: ${result.status}${result.code ? ` (${result.code})` : ''}`);
}

function snapshotOf(report: SnapshotRunReport, vmName: string): ConnectionSnapshot {
  const snapshot = report.results.find((result) => result.vmName === vmName)?.snapshot;
  assert.ok(snapshot, `a snapshot of ${vmName}`);
  return snapshot;
}

describe('Snapshot connections', function () {
  this.timeout(180_000);
  let api: TestedApi;

  wizardSuite((started) => (api = started));

  it('snapshots Linux and Windows VMs from the palette, reports a stopped and an agentless VM without running anything there', async () => {
    const sentBefore = await runCommandsSent();
    api.wizards.answer([
      { id: 'snapshot.vms', pick: ['vm-web-01', 'vm-db-01', 'vm-dev-02', 'vm-app-02'] },
      { id: 'snapshot.samples', pick: 'Once' },
      { id: 'snapshot.review', pick: '$(play) Run Snapshot' },
    ]);
    const report = (await vscode.commands.executeCommand('trafficLens.snapshotConnections')) as SnapshotRunReport | undefined;
    assert.ok(report, 'a report');
    suiteLog('palette:', describeResults(report).join('; '));
    assert.deepEqual(describeResults(report).sort(), ['vm-app-02: agentNotReady', 'vm-db-01: ok', 'vm-dev-02: stopped', 'vm-web-01: ok']);
    assert.equal(await runCommandsSent() - sentBefore, 2, 'Run Command went only to the two VMs that can run it');

    const plan = latestDocument('connection-snapshot-plan.md');
    assert.match(plan, /```sh\nss -tunap\n```/, 'the review shows the Linux command');
    assert.match(plan, /Get-NetTCPConnection/, 'the review shows the PowerShell script');
    assert.match(plan, /\*\*vm-dev-02\*\*: The VM is deallocated/);
    assert.match(plan, /\*\*vm-app-02\*\*: The VM agent is not ready \(VM Agent is unresponsive\.\)/);

    const web = snapshotOf(report, 'vm-web-01');
    assert.equal(web.vmId, `${prodApp}/vm-web-01`.toLowerCase());
    assert.equal(web.os, 'Linux');
    assert.ok(listeningPorts(web).some((port) => port.protocol === 'TCP' && port.port === 443 && port.process === 'nginx'), 'nginx listens on 443');
    const toApps = connectionsOf(web).filter((connection) => connection.remote.port === 8080);
    assert.deepEqual(toApps.map((connection) => `${connection.direction} ${connection.remote.address} ${connection.process}`).sort(), [
      'outbound 10.1.2.4 nginx',
      'outbound 10.1.2.5 nginx',
      'outbound 10.1.2.6 nginx',
      'outbound 10.1.2.7 nginx',
    ]);
    const db = snapshotOf(report, 'vm-db-01');
    assert.equal(db.os, 'Windows');
    const fromApps = connectionsOf(db).filter((connection) => connection.local.port === 1433);
    assert.ok(fromApps.length >= 4 && fromApps.every((connection) => connection.direction === 'inbound' && connection.process === 'sqlservr'), 'sqlservr takes the app tier in');

    const result = latestDocument('connection-snapshot.md');
    assert.match(result, /\| vm-dev-02 \| Linux \| not running: The VM is deallocated/);
    assert.match(result, /\| vm-app-02 \| Linux \| VM agent not ready: /);
    assert.match(result, /## vm-db-01 \(Windows\)[\s\S]*\| TCP \| 1433 \| 0\.0\.0\.0, :: \| sqlservr \|/);
  });

  it('samples a subnet’s VMs three times and merges the samples', async () => {
    api.wizards.answer([
      { id: 'snapshot.vms', pick: ['vm-web-01', 'vm-web-02'] },
      { id: 'snapshot.samples', pick: '3 samples' },
      { id: 'snapshot.interval', pick: '10 seconds apart' },
      { id: 'snapshot.review', pick: '$(play) Run Snapshot' },
    ]);
    const report = (await vscode.commands.executeCommand('trafficLens.snapshotConnections', row(webSubnetId))) as SnapshotRunReport | undefined;
    assert.ok(report, 'a report');
    assert.deepEqual(describeResults(report), ['vm-web-01: ok', 'vm-web-02: ok']);
    const web = snapshotOf(report, 'vm-web-02');
    assert.equal(web.samples, 3);
    assert.ok(web.lastSampleAt && Date.parse(web.lastSampleAt) - Date.parse(web.takenAt) >= 19_000, 'the samples span the window');
    assert.ok(web.sockets.filter((socket) => socket.state === 'LISTEN').every((socket) => socket.seenInSamples === 3));
  });

  it('reports a stopped VM from its NIC’s row without sending Run Command', async () => {
    const sentBefore = await runCommandsSent();
    api.wizards.answer([
      { id: 'snapshot.samples', pick: 'Once' },
      { id: 'snapshot.review', pick: '$(close) Cancel' },
    ]);
    const report = await vscode.commands.executeCommand('trafficLens.snapshotConnections', row(stoppedVmNicId));
    assert.equal(report, undefined, 'nothing runs when no VM can: the review offers only Cancel');
    assert.equal(await runCommandsSent(), sentBefore);
    const plan = latestDocument('connection-snapshot-plan.md');
    assert.match(plan, /\| vm-dev-02 \| Linux \| 10\.2\.1\.5 \| [^|]+ \| no: not running \|/);
    assert.match(plan, /No VM can run the snapshot now\./);
  });
});
