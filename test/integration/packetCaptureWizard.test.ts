import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OpenedCapture } from '../../src/commands/openPacketCapture';
import type { CaptureStatus } from '../../src/azure/packetCaptureReads';
import type { ApplyReport } from '../../src/core/plan';
import type { ScriptedAnswer } from './scriptedUi';
import { prodSubscriptionId } from '../standin/topologies/demo';
import { armGet, call, countOf, demoToken, faults, requestCounts, standInUrl, waitForOperation } from './standInClient';
import { suiteLog } from './suiteLog';
import { describeReport, wizardSuite } from './wizardSuite';
import type { TestedApi } from './testedExtension';

const network = '2026-01-01';
const compute = '2026-04-01';
const prodApp = `/subscriptions/${prodSubscriptionId}/resourceGroups/rg-prod-app`;
const vmId = `${prodApp}/providers/Microsoft.Compute/virtualMachines/vm-app-01`;
const nicId = `${prodApp}/providers/Microsoft.Network/networkInterfaces/nic-app-01`;
const extensionId = `${vmId}/extensions/AzureNetworkWatcherExtension`;
const watcherId = `/subscriptions/${prodSubscriptionId}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_germanywestcentral`;
const captureName = 'pc-app-01';
const captureId = `${watcherId}/packetCaptures/${captureName}`;
const failingName = 'pc-app-fail';

/** A tree row as menu commands receive it: only `resource` is read. */
function row(armId: string): { id: string; resource: { armId: string; name: string; tenantId: string; properties: unknown } } {
  return { id: armId.toLowerCase(), resource: { armId, name: armId.split('/').at(-1) ?? armId, tenantId: '', properties: {} } };
}

/** Questions after the VM (seeded from the NIC row): storage and a file, TCP to port 443, 120 s. */
function captureAnswers(name: string): ScriptedAnswer[] {
  return [
    { id: 'capture.mode', pick: 'advanced' },
    { id: 'capture.destination', pick: 'Both' },
    { id: 'capture.storage', pick: 'sthubflowlogsgwc01' },
    { id: 'capture.filePath', input: `/var/captures/${name}.cap` },
    { id: 'capture.protocol', pick: 'TCP' },
    { id: 'capture.localIp', input: '10.1.2.4' },
    { id: 'capture.remoteIp', input: '' },
    { id: 'capture.localPort', input: '' },
    { id: 'capture.remotePort', input: '443' },
    { id: 'capture.timeLimit', input: '120' },
    { id: 'capture.bytesPerPacket', input: '0' },
    { id: 'capture.bytesPerSession', input: '1 GB' },
    { id: 'capture.name', input: name },
  ];
}

async function remove(armId: string, apiVersion: string): Promise<void> {
  const answer = await call('DELETE', `${standInUrl}${armId}?api-version=${apiVersion}`, undefined, demoToken());
  if (answer.status !== 204) {
    await waitForOperation(answer);
  }
}

describe('Packet capture wizard', function () {
  this.timeout(180_000);
  let api: TestedApi;

  /** The description of a capture's row under prod's watcher, as the tree shows it now. */
  async function captureRow(armId: string): Promise<string | undefined> {
    const prod = `/subscriptions/${prodSubscriptionId}`;
    await api.inventory.children();
    await api.inventory.children(prod);
    await api.inventory.children(`${prod}#watchers`);
    const rows = await api.inventory.children(watcherId.toLowerCase());
    return rows.find((candidate) => candidate.id === armId.toLowerCase())?.description;
  }

  wizardSuite((started) => (api = started), {
    cleanUp: async () => {
      await remove(captureId, network);
      await remove(`${watcherId}/packetCaptures/${failingName}`, network);
      await remove(extensionId, compute);
    },
  });

  it('installs the agent, starts a capture from a NIC row, reports its status, stops it and summarizes the uploaded file', async () => {
    api.wizards.answer(captureAnswers(captureName));
    api.wizards.choose(['apply']);
    const report = (await vscode.commands.executeCommand('trafficLens.startPacketCapture', row(nicId))) as ApplyReport | undefined;
    assert.ok(report, 'a report');
    suiteLog('start:', describeReport(report));
    assert.equal(report.complete, true, describeReport(report));
    assert.deepEqual(report.plan.actions.map((action) => action.resourceType), ['Microsoft.Compute/virtualMachines/extensions', 'Microsoft.Network/networkWatchers/packetCaptures']);
    assert.equal(report.plan.checks.find((check) => check.id === 'agent')?.status, 'fixed');

    const extension = (await armGet(extensionId, compute)).body as { properties: { publisher: string; type: string; provisioningState: string } };
    assert.deepEqual([extension.properties.publisher, extension.properties.type, extension.properties.provisioningState], ['Microsoft.Azure.NetworkWatcher', 'NetworkWatcherAgentLinux', 'Succeeded']);
    const capture = (await armGet(captureId, network)).body as { properties: { target: string; filters: unknown[]; storageLocation: { filePath: string; storagePath?: string } } };
    assert.equal(capture.properties.target.toLowerCase(), vmId.toLowerCase());
    assert.deepEqual(capture.properties.filters, [{ protocol: 'TCP', localIPAddress: '10.1.2.4', remotePort: '443' }]);
    assert.equal(capture.properties.storageLocation.filePath, `/var/captures/${captureName}.cap`);

    const running = (await vscode.commands.executeCommand('trafficLens.packetCaptureStatus', row(captureId))) as CaptureStatus | undefined;
    assert.equal(running?.status, 'Running');
    assert.equal(await captureRow(captureId), 'vm-app-01 · Running', 'the capture row shows its state');

    // The same answers again: the running capture is kept and nothing is sent.
    const before = await requestCounts();
    api.wizards.answer(captureAnswers(captureName));
    api.wizards.choose(['apply']);
    const again = (await vscode.commands.executeCommand('trafficLens.startPacketCapture', row(nicId))) as ApplyReport | undefined;
    const after = await requestCounts();
    assert.ok(again, 'a report of the second run');
    assert.deepEqual([...new Set(again.outcomes.map((outcome) => outcome.status))], ['kept'], describeReport(again));
    assert.equal(countOf(after, 'PUT'), countOf(before, 'PUT'), 'no PUT was sent');

    const stopped = (await vscode.commands.executeCommand('trafficLens.stopPacketCapture', row(captureId))) as CaptureStatus | undefined;
    assert.equal(stopped?.status, 'Stopped');
    assert.equal(stopped?.stopReason, 'Manual');
    assert.equal(await captureRow(captureId), 'vm-app-01 · Stopped (stopped by a user)', 'the row follows the stop');

    const opened = (await vscode.commands.executeCommand('trafficLens.openPacketCapture', row(captureId))) as OpenedCapture | undefined;
    assert.ok(opened, 'the capture was downloaded and summarized');
    suiteLog('summary:', `${opened.summary.packets} packets, ${opened.summary.bytes} bytes, ${opened.summary.conversations.length} conversations`);
    assert.ok(opened.summary.packets > 0);
    assert.ok(opened.summary.conversations.some((conversation) => conversation.a.startsWith('10.1.2.4') || conversation.b.startsWith('10.1.2.4')), 'the capture holds the VM address');
    assert.match(opened.document.getText(), new RegExp(`^# Packet capture ${captureName}`));
    assert.equal(opened.document.uri.scheme, 'trafficlens-capture');
    // Shown rendered: the markdown preview's tab is active, and no editor shows the markdown source.
    const previewTab = async (): Promise<vscode.Tab | undefined> => {
      for (let tries = 0; tries < 50; tries++) {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        if (tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType)) {
          return tab;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return undefined;
    };
    const tab = await previewTab();
    assert.ok(tab, `the summary opens in the markdown preview; the active tab is ${vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? 'none'}`);
    assert.match(tab.label, new RegExp(captureName));
    assert.equal(vscode.window.visibleTextEditors.filter((editor) => editor.document.uri.scheme === 'trafficlens-capture').length, 0, 'the markdown source is not shown');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await remove(captureId, network);
    await remove(extensionId, compute);
  });

  it('starts a capture with the defaults in one step: 5 minutes, 1 GB, all traffic, to the storage account in the VM region', async () => {
    api.wizards.answer([{ id: 'capture.mode', pick: 'defaults' }]);
    api.wizards.choose(['apply']);
    const report = (await vscode.commands.executeCommand('trafficLens.startPacketCapture', row(nicId))) as ApplyReport | undefined;
    assert.ok(report, 'a report');
    assert.equal(report.complete, true, describeReport(report));
    assert.deepEqual(api.wizards.pending(), { answers: 0, choices: 0 }, 'one question, then the plan');
    const created = report.plan.actions.find((action) => action.resourceType === 'Microsoft.Network/networkWatchers/packetCaptures');
    assert.ok(created, 'the plan starts a capture');
    assert.match(created.resourceId, /\/packetCaptures\/vm-app-01-\d{8}-\d{4}$/);
    const capture = (await armGet(created.resourceId, network)).body as { properties: { timeLimitInSeconds: number; totalBytesPerSession: number; bytesToCapturePerPacket: number; filters?: unknown[]; storageLocation: { storageId?: string; filePath?: string } } };
    assert.deepEqual(
      [capture.properties.timeLimitInSeconds, capture.properties.totalBytesPerSession, capture.properties.bytesToCapturePerPacket, capture.properties.filters ?? []],
      [300, 1073741824, 0, []],
    );
    assert.match(capture.properties.storageLocation.storageId ?? '', /\/storageAccounts\/sthubflowlogsgwc01$/i);
    await remove(created.resourceId, network);
    await remove(extensionId, compute);
  });

  it('refuses a deallocated VM right after it is picked, before any other question or plan', async () => {
    const rest = [
      { id: 'capture.mode', pick: 'advanced' },
      { id: 'capture.destination', pick: 'File on the VM' },
      { id: 'capture.filePath', input: '/var/captures/dev.cap' },
      { id: 'capture.protocol', pick: 'Any' },
      { id: 'capture.localIp', input: '' },
      { id: 'capture.remoteIp', input: '' },
      { id: 'capture.localPort', input: '' },
      { id: 'capture.remotePort', input: '' },
      { id: 'capture.timeLimit', input: '60' },
      { id: 'capture.bytesPerPacket', input: '0' },
      { id: 'capture.bytesPerSession', input: '1073741824' },
      { id: 'capture.name', input: 'pc-dev-02' },
    ];
    api.wizards.answer([{ id: 'capture.vm', pick: 'vm-dev-02' }, ...rest]);
    // The refusal is a message naming the power state (gather.test.ts checks its text).
    await vscode.commands.executeCommand('trafficLens.startPacketCapture');
    assert.deepEqual(api.wizards.pending(), { answers: rest.length, choices: 0 }, 'no question after the VM was asked');
    assert.equal(api.wizards.lastPlan(), undefined, 'no plan was built');
    api.wizards.reset();
  });

  it('reports a failed capture after the agent install, retries it, then undoes the extension', async () => {
    await faults({ kind: 'throttle', match: 'packetCaptures', count: 2, retryAfterMs: 50 });
    // Enough 500s for every try of the apply and of the retry (the SDK and the plan runner both retry 5xx).
    await faults({ kind: 'serverError', match: `packetCaptures/${failingName}`, method: 'PUT', count: 40 });
    api.wizards.answer(captureAnswers(failingName));
    api.wizards.choose(['apply', 'retryRemaining', 'undoCreated']);
    await vscode.commands.executeCommand('trafficLens.startPacketCapture', row(nicId));
    const report = api.wizards.lastReport();
    assert.ok(report, 'a report');
    suiteLog('after undo:', describeReport(report));
    const byId = new Map(report.plan.actions.map((action) => [action.id, action]));
    const failed = report.outcomes.filter((outcome) => outcome.status === 'failed');
    assert.deepEqual(failed.map((outcome) => byId.get(outcome.actionId)?.resourceType), ['Microsoft.Network/networkWatchers/packetCaptures']);
    assert.equal(failed[0].code, 'InternalServerError');
    assert.ok(failed[0].attempts >= 2, 'tried again by Retry Remaining');
    const undone = report.outcomes.filter((outcome) => outcome.status === 'undone').map((outcome) => byId.get(outcome.actionId)?.resourceType);
    assert.deepEqual(undone, ['Microsoft.Compute/virtualMachines/extensions']);
    assert.equal((await armGet(extensionId, compute)).status, 404, 'the extension is gone');
    assert.equal((await armGet(`${watcherId}/packetCaptures/${failingName}`, network)).status, 404, 'no capture was created');
  });
});
