import * as assert from 'node:assert/strict';
import { request } from 'node:https';
import * as vscode from 'vscode';
import type { InventoryRow } from '../../src/tree/lensTreeProvider';
import type { RowFilter } from '../../src/core/viewerProtocol';
import type { RenderedReport } from './viewerProbe';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { demoTenantId, hubSubscriptionId, prodSubscriptionId } from '../standin/topologies/demo';
import { activateTestedExtension, type TestedApi } from './testedExtension';
import { suiteLog } from './suiteLog';

/** The stand-in and Azurite the runner started before VS Code (their CA is in NODE_EXTRA_CA_CERTS). */
const standInUrl = process.env.TRAFFIC_LENS_STANDIN_URL;
const storageUrl = process.env.TRAFFIC_LENS_STORAGE_URL;

/** nic-web-01 in the demo topology: the seeded VNet flow logs carry its MAC and private IP. */
const webNic = { mac: '000D3A7A1001', macLabel: '00-0D-3A-7A-10-01', ip: '10.1.1.4' };

async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('trafficLens');
  for (const [name, value] of Object.entries(values)) {
    await config.update(name, value, vscode.ConfigurationTarget.Global);
  }
}

function only(rows: InventoryRow[], what: string): InventoryRow {
  assert.equal(rows.length, 1, `expected one ${what} row, got ${rows.map((row) => `${row.label} (${row.contextValue})`).join(', ')}`);
  return rows[0];
}

/**
 * Applies a filter to an open viewer and waits for the page to report the filtered, fully decoded
 * rows. Re-applies the filter while the page is still starting (the session may not exist yet).
 */
async function renderWith(api: TestedApi, uri: vscode.Uri, filter: RowFilter): Promise<RenderedReport> {
  const deadline = Date.now() + 60_000;
  let last: RenderedReport | undefined;
  while (Date.now() < deadline) {
    const next = api.flowLogViewer.nextRendered(uri, 5_000);
    api.flowLogViewer.setFilter(uri, filter);
    try {
      last = await next;
    } catch {
      continue;
    }
    if (!last.loading) {
      return last;
    }
  }
  throw new Error(`the viewer of ${uri.fsPath} did not render with ${JSON.stringify(filter)}; last: ${JSON.stringify(last).slice(0, 400)}`);
}

/** Sets (or with no rule clears) the stand-in's fault rules. */
function faults(rule?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = rule === undefined ? undefined : JSON.stringify(rule);
    const req = request(`${standInUrl}/_standin/faults`, { method: rule === undefined ? 'DELETE' : 'POST', headers: payload ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('flow logs in Azure Storage (Azurite)', function () {
  this.timeout(120_000);
  let api: TestedApi;

  before(async function () {
    if (standInUrl === undefined || standInUrl === '' || storageUrl === undefined || storageUrl === '') {
      throw new Error('TRAFFIC_LENS_STANDIN_URL or TRAFFIC_LENS_STORAGE_URL is not set: run this suite through test/vscode/runTests.js (npm test), which starts the stand-in and Azurite first.');
    }
    api = await activateTestedExtension();
    await setSettings(standInExtensionSettings(standInUrl, demoTenantId));
    assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
  });

  after(async () => {
    await faults();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('trafficLens.signOut');
    await setSettings(Object.fromEntries(Object.keys(standInExtensionSettings('', '')).map((name) => [name, undefined])));
  });

  it('browses a VNet flow log\'s blobs by target, day, hour and MAC, and opens one in the viewer with decoded rows', async () => {
    const subscription = `/subscriptions/${prodSubscriptionId}`;
    await api.inventory.children();
    await api.inventory.children(subscription);
    const watcher = only(await api.inventory.children(`${subscription}#watchers`), 'network watcher');
    const flowLog = (await api.inventory.children(watcher.id)).find((row) => row.label === 'fl-vnet-prod-spoke');
    assert.ok(flowLog, 'the flow log fl-vnet-prod-spoke is listed under its watcher');

    const target = only(await api.inventory.children(flowLog.id), 'target');
    assert.equal(target.label.toLowerCase(), 'fl-vnet-prod-spoke', 'the blobs are found by listing the container, under the flow log\'s own path');
    assert.equal(target.description, 'VNet flow logs · sthubflowlogsgwc01');

    const days = await api.inventory.children(target.id);
    assert.ok(days.length > 0 && days.every((row) => /^\d{4}-\d{2}-\d{2}$/.test(row.label)), `days: ${days.map((row) => row.label).join(', ')}`);
    const hours = await api.inventory.children(days[0].id);
    assert.ok(hours.length > 0 && hours.every((row) => / UTC$/.test(row.label)), `hours: ${hours.map((row) => row.label).join(', ')}`);
    const blobs = await api.inventory.children(hours[0].id);
    const blob = blobs.find((row) => row.label === webNic.macLabel);
    assert.ok(blob, `no blob of nic-web-01's MAC among ${blobs.map((row) => row.label).join(', ')}`);
    assert.match(blob.description ?? '', /^nic-web-01 · /, 'the blob names the NIC its MAC belongs to');
    assert.equal(blob.command, 'trafficLens.openFlowLogBlob', 'a click opens the blob');
    assert.match(blob.contextValue ?? '', /canOpenBlob/);

    const opened = await api.inventory.runOnRows('trafficLens.openFlowLogBlob', [blob.id]);
    assert.ok(opened instanceof vscode.Uri, `the command opened no file (returned ${String(opened)})`);
    // It opens as the blob (account › container › blob path), not as the copy in the extension's storage.
    assert.equal(opened.scheme, 'azure-flow-log');
    assert.match(opened.path, new RegExp(`^/[a-z0-9]+/insights-logs-flowlogflowevent/flowLogResourceID=/.+/macAddress=${webNic.mac}/PT1H\\.json$`, 'i'));

    const all = await renderWith(api, opened, {});
    assert.ok(all.total > 0, `no decoded rows: ${all.summary}`);
    assert.match(all.summary, /VNet flow log/);

    const ofNic = await renderWith(api, opened, { text: webNic.mac });
    assert.equal(ofNic.total, all.total, 'every decoded row carries nic-web-01\'s MAC');
    const otherNic = await renderWith(api, opened, { text: '000D3A7A1002' });
    assert.equal(otherNic.total, 0, 'no rows of another NIC\'s MAC in this blob');

    const byIp = await renderWith(api, opened, { ip: webNic.ip });
    assert.ok(byIp.total > 0, 'rows with nic-web-01\'s private IP');
    const source = byIp.columns.indexOf('Source');
    const destination = byIp.columns.indexOf('Destination');
    assert.ok(source >= 0 && destination >= 0, `columns: ${byIp.columns.join(', ')}`);
    for (const row of byIp.rows) {
      assert.ok(row[source] === webNic.ip || row[destination] === webNic.ip, `row ${row.join(' | ')} is not nic-web-01's`);
    }

    // Signed in, the inventory names the NIC and VM of nic-web-01's end of every row, in a column of its own.
    let owned = byIp;
    for (let attempt = 0; attempt < 20 && !owned.columns.includes('Source NIC/VM'); attempt++) {
      owned = await renderWith(api, opened, { ip: webNic.ip });
    }
    const sourceOwner = owned.columns.indexOf('Source NIC/VM');
    const destinationOwner = owned.columns.indexOf('Destination NIC/VM');
    assert.ok(sourceOwner >= 0 && destinationOwner >= 0, `no NIC/VM columns: ${owned.columns.join(', ')}`);
    assert.ok(owned.columns.includes('Source') && owned.columns.includes('Destination'), 'the addresses stay');
    for (const row of owned.rows) {
      const label = row[owned.columns.indexOf('Source')] === webNic.ip ? row[sourceOwner] : row[destinationOwner];
      assert.equal(label, 'nic-web-01 (vm-web-01)', `row ${row.join(' | ')}`);
    }
    // In the headless launcher's 1440-px window: next to the Explorer (about 790 px left for the
    // viewer) time and both ends' addresses with their NIC/VM fit without scrolling sideways; with
    // the side bar closed everything up to Decision does (as the README says).
    if (process.env.TRAFFIC_LENS_SUITE_MARKER !== undefined) {
      const rightEdge = (report: RenderedReport, label: string): number => {
        const index = report.columns.indexOf(label);
        assert.ok(index >= 0, `no column ${label}: ${report.columns.join(', ')}`);
        return (report.columnWidths ?? []).slice(0, index + 1).reduce((sum, width) => sum + width, 0);
      };
      const measure = async (sideBar: string): Promise<RenderedReport> => {
        await vscode.commands.executeCommand(sideBar);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await renderWith(api, opened, {});
        const report = await renderWith(api, opened, { ip: webNic.ip });
        suiteLog(`${sideBar}: viewer ${String(report.viewWidth)} px, table ${String(report.tableWidth)} px, Destination NIC/VM ends at ${rightEdge(report, 'Destination NIC/VM')} px, Decision at ${rightEdge(report, 'Decision')} px`);
        return report;
      };
      try {
        const narrow = await measure('workbench.view.explorer');
        assert.ok((narrow.viewWidth ?? Infinity) < 900, `the viewer is ${String(narrow.viewWidth)} px wide: is the side bar open?`);
        assert.ok(rightEdge(narrow, 'Destination NIC/VM') <= (narrow.tableWidth ?? 0), `next to the side bar the NIC/VM columns end past the table's ${String(narrow.tableWidth)} px`);
        const wide = await measure('workbench.action.closeSidebar');
        assert.ok(rightEdge(wide, 'Decision') <= (wide.tableWidth ?? 0), `without the side bar Decision ends past the table's ${String(wide.tableWidth)} px`);
      } finally {
        await vscode.commands.executeCommand('workbench.view.explorer');
      }
    }
    let next = api.flowLogViewer.nextRendered(opened, 20_000);
    api.flowLogViewer.openDetail(opened, 0);
    let detail = await next;
    for (let attempt = 0; attempt < 20 && detail.detail === undefined; attempt++) {
      next = api.flowLogViewer.nextRendered(opened, 20_000);
      detail = await next;
    }
    const detailOwners = (detail.detail ?? []).filter((field) => field.name.endsWith('NIC/VM')).map((field) => field.value);
    assert.ok(detailOwners.includes('nic-web-01 (vm-web-01)'), `row details: ${JSON.stringify(detail.detail)}`);
    const byVm = await renderWith(api, opened, { text: 'vm-web-01' });
    assert.equal(byVm.total, all.total, 'searching the VM name finds every row its NIC logged');

    // Opening it again downloads it again and shows it in one viewer.
    const again = await api.inventory.click(blob.id);
    assert.equal(String(again), String(opened));
    const reopened = await renderWith(api, opened, {});
    assert.ok(reopened.total >= all.total, `${reopened.total} rows after opening again, ${all.total} before`);
    const viewers = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.uri.toString() === opened.toString());
    assert.equal(viewers.length, 1);
  });

  it('finds an NSG flow log\'s blobs in the NSG container under its NSG', async () => {
    const subscription = `/subscriptions/${prodSubscriptionId}`;
    await api.inventory.children(subscription);
    const watcher = only(await api.inventory.children(`${subscription}#watchers`), 'network watcher');
    const flowLog = (await api.inventory.children(watcher.id)).find((row) => row.label === 'fl-nsg-prod-web');
    assert.ok(flowLog, 'the flow log fl-nsg-prod-web is listed under its watcher');
    const target = only(await api.inventory.children(flowLog.id), 'target');
    assert.deepEqual([target.label.toLowerCase(), target.description], ['nsg-prod-web', 'NSG flow logs · sthubflowlogsgwc01']);
    const days = await api.inventory.children(target.id);
    const hours = await api.inventory.children(days[0].id);
    const blobs = await api.inventory.children(hours[0].id);
    assert.ok(blobs.some((row) => row.label === webNic.macLabel), `blobs: ${blobs.map((row) => row.label).join(', ')}`);
  });

  /** The target row under prod's VNet flow log fl-vnet-prod-spoke (Network watchers › flow log › target). */
  async function prodSpokeTarget(): Promise<InventoryRow> {
    const subscription = `/subscriptions/${prodSubscriptionId}`;
    await api.inventory.children(subscription);
    const watcher = only(await api.inventory.children(`${subscription}#watchers`), 'network watcher');
    const flowLog = (await api.inventory.children(watcher.id)).find((row) => row.label === 'fl-vnet-prod-spoke');
    assert.ok(flowLog, 'the flow log fl-vnet-prod-spoke is listed under its watcher');
    return only(await api.inventory.children(flowLog.id), 'target');
  }

  it('opens every MAC of an hour together with "Open Time Range…" on the hour', async () => {
    const target = await prodSpokeTarget();
    const days = await api.inventory.children(target.id);
    const hours = await api.inventory.children(days[0].id);
    const macs = await api.inventory.children(hours[0].id);
    assert.ok(macs.length > 1, `the hour has blobs of several NICs: ${macs.map((row) => row.label).join(', ')}`);

    // The hour the command runs on is preselected in the multi-select pick of hours: accept it in
    // the real quick pick (no script answers it).
    api.wizards.reset();
    const running = api.inventory.runOnRows('trafficLens.openFlowLogTimeRange', [hours[0].id]);
    let opened: unknown;
    for (let attempt = 0; attempt < 50 && opened === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      opened = await Promise.race([running, new Promise((resolve) => setTimeout(() => resolve(undefined), 100))]);
    }
    opened ??= await running;
    assert.ok(opened instanceof vscode.Uri, `the command opened no file (returned ${String(opened)})`);
    assert.match(opened.fsPath, /fl-vnet-prod-spoke_\d{4}-\d{2}-\d{2}T\d{2}\.json$/);

    const all = await renderWith(api, opened, {});
    const ofOneNic = await renderWith(api, opened, { text: webNic.mac });
    assert.ok(ofOneNic.total > 0 && ofOneNic.total < all.total, `rows of nic-web-01 (${ofOneNic.total}) are some of the hour's rows (${all.total})`);
  });

  it('opens a range over midnight with "Open Time Range…" on a target: two days, then an hour of each', async () => {
    const target = await prodSpokeTarget();
    // The runner seeds 23:00 yesterday to 01:59 today (UTC); the newest day comes first.
    const [today, yesterday] = (await api.inventory.children(target.id)).map((row) => row.label);
    assert.ok(today !== undefined && yesterday !== undefined, 'the seeded hours cross midnight');
    api.wizards.answer([
      { id: 'timeRange.days', pick: [today, yesterday] },
      { id: 'timeRange.hours', pick: [`${yesterday} 23:00–00:00 UTC`, `${today} 00:00–01:00 UTC`] },
    ]);
    try {
      const opened = await api.inventory.runOnRows('trafficLens.openFlowLogTimeRange', [target.id]);
      assert.ok(opened instanceof vscode.Uri, `the command opened no file (returned ${String(opened)})`);
      assert.deepEqual(api.wizards.pending(), { answers: 0, choices: 0 }, 'both questions were asked');
      assert.ok(opened.fsPath.endsWith(`fl-vnet-prod-spoke_${yesterday}T23_to_${today}T00.json`), opened.fsPath);
      const report = await renderWith(api, opened, {});
      assert.ok(report.total > 0);
      assert.ok(report.summary.includes(`${yesterday} 23:`) && report.summary.includes(`${today} 00:`), `the flows span both hours: ${report.summary}`);
      assert.ok(!report.summary.includes(`${today} 01:`), `the 01:00 hour was not picked: ${report.summary}`);
    } finally {
      api.wizards.reset();
    }
  });

  it('browses a storage account\'s flow-log containers from the subscription\'s "Storage accounts" folder and opens a blob', async () => {
    const subscription = `/subscriptions/${hubSubscriptionId}`;
    await api.inventory.children();
    const folders = await api.inventory.children(subscription);
    const folder = folders.find((row) => row.label === 'Storage accounts');
    assert.ok(folder, `folders: ${folders.map((row) => row.label).join(', ')}`);
    assert.equal(folder.id, `${subscription}#storageAccounts`);

    const accounts = await api.inventory.children(folder.id);
    assert.deepEqual(accounts.map((row) => row.label), ['sthubflowlogsgwc01', 'sthubflowlogsuks01'], 'the hub\'s storage accounts, from one subscription-wide list');
    const account = accounts.find((row) => row.label === 'sthubflowlogsgwc01');
    assert.ok(account);
    assert.match(account.contextValue ?? '', /(^|;)storageAccount;.*canCopyId/);
    assert.equal(account.id, `${subscription}/resourcegroups/rg-hub-logs/providers/microsoft.storage/storageaccounts/sthubflowlogsgwc01`);

    const containers = await api.inventory.children(account.id);
    assert.deepEqual(
      containers.map((row) => row.label),
      ['insights-logs-flowlogflowevent', 'insights-logs-networksecuritygroupflowevent'],
      'both flow-log containers are present in the demo account',
    );
    const vnetContainer = containers[0];
    assert.equal(vnetContainer.description, 'VNet flow logs');

    const targets = await api.inventory.children(vnetContainer.id);
    const target = targets.find((row) => row.label.toLowerCase() === 'fl-vnet-prod-spoke');
    assert.ok(target, `targets: ${targets.map((row) => row.label).join(', ')}`);
    assert.match(target.contextValue ?? '', /canOpenTimeRange/, '"Open Time Range…" is offered on the target');

    const days = await api.inventory.children(target.id);
    assert.ok(days.length > 0 && days.every((row) => /^\d{4}-\d{2}-\d{2}$/.test(row.label)), `days: ${days.map((row) => row.label).join(', ')}`);
    const hours = await api.inventory.children(days[0].id);
    const blobs = await api.inventory.children(hours[0].id);
    const blob = blobs.find((row) => row.label === webNic.macLabel);
    assert.ok(blob, `no blob of nic-web-01's MAC among ${blobs.map((row) => row.label).join(', ')}`);

    const opened = await api.inventory.click(blob.id);
    assert.ok(opened instanceof vscode.Uri, `the command opened no file (returned ${String(opened)})`);
    assert.match(opened.path, new RegExp(`/macAddress=${webNic.mac}/PT1H\\.json$`, 'i'));
    const ofNic = await renderWith(api, opened, { text: webNic.mac });
    assert.ok(ofNic.total > 0, `no decoded rows of nic-web-01: ${ofNic.summary}`);
    assert.match(ofNic.summary, /VNet flow log/);

    // The NSG container lists the NSG targets.
    const nsgTargets = await api.inventory.children(containers[1].id);
    assert.ok(nsgTargets.some((row) => row.label.toLowerCase() === 'nsg-prod-web'), `NSG targets: ${nsgTargets.map((row) => row.label).join(', ')}`);
  });

  it('lists storage accounts behind a "Loading…" row that "Cancel Loading" cancels for that folder only, and loads on Retry', async () => {
    const subscription = `/subscriptions/${hubSubscriptionId}`;
    await api.inventory.children();
    await api.inventory.children(subscription);
    const folder = `${subscription}#storageAccounts`;
    await faults({ kind: 'latency', ms: 3000 });
    await api.inventory.refresh(folder);
    const loading = api.inventory.children(folder);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // What a click on the folder's "Loading…" row runs: Cancel Loading with the folder.
    await api.inventory.runOnRows('trafficLens.cancelLoading', [folder]);
    const cancelled = await loading;
    assert.deepEqual(cancelled.map((row) => row.id), [`${folder}#cancelled`]);
    assert.equal((await api.inventory.children(subscription)).length, 5, 'the subscription\'s own rows stay loaded');
    await faults();
    await api.inventory.click(cancelled[0].id);
    assert.deepEqual((await api.inventory.children(folder)).map((row) => row.label), ['sthubflowlogsgwc01', 'sthubflowlogsuks01']);
  });

  it('shows Azure\'s error as a row under the storage folder and recovers on Retry', async () => {
    const subscription = `/subscriptions/${hubSubscriptionId}`;
    await api.inventory.children(subscription);
    const folder = `${subscription}#storageAccounts`;
    await faults({ kind: 'forbidden', count: 100, match: '/providers/Microsoft.Storage/storageAccounts' });
    await api.inventory.refresh(folder);
    const failed = await api.inventory.children(folder);
    assert.deepEqual(failed.map((row) => row.id), [`${folder}#error`]);
    assert.match(failed[0].label, /^AuthorizationFailed: /);
    assert.equal(failed[0].command, 'trafficLens.retry');
    await faults();
    await api.inventory.click(failed[0].id);
    assert.equal((await api.inventory.children(folder)).length, 2);
  });
});
