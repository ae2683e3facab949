import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { cell, waitForRender, type RenderedReport } from './viewerRenders';
import { suiteLog } from './suiteLog';
import { activateTestedExtension, expectedExtension, projectRoot } from './testedExtension';

const samples = join(projectRoot, 'test', 'fixtures', 'samples');
const vnetSample = vscode.Uri.file(join(samples, 'vnet-flow-logs-overview.sample.json'));
const v1Sample = vscode.Uri.file(join(samples, 'nsg-flow-logs-overview.v1-sample.json'));

/**
 * Uses the mouse in the page, where only the page can (the headless launcher does it, see
 * test/vscode/launcher.ts); the caller waits for the render that follows.
 */
function click(selector: string): void {
  suiteLog(`[click] ${selector}`);
}

function drag(selector: string, from: number, to: number): void {
  suiteLog(`[drag] ${selector} ${from} ${to}`);
}

function press(selector: string, keys: string[]): void {
  suiteLog(`[press] ${selector} ${keys.join(',')}`);
}

function needsLauncher(context: Mocha.Context): void {
  if (process.env.TRAFFIC_LENS_SUITE_MARKER === undefined) {
    // Only the headless launcher can click inside a webview.
    context.skip();
  }
}

/** Opens a sample with its charts shown (on a short editor they fold away until asked for). */
async function openSample(uri: vscode.Uri): Promise<RenderedReport> {
  const loaded = await waitForRender(
    uri,
    (report) => !report.loading && report.total > 0 && (report.timeBars ?? 0) > 0 && report.chartsShown !== undefined,
    () => vscode.commands.executeCommand('vscode.openWith', uri, 'trafficLens.flowLogViewer'),
  );
  return loaded.chartsShown === true ? loaded : waitForRender(uri, (report) => report.chartsShown === true, async () => click('.charts-button'));
}

describe('flow-log viewer', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('ends the decode worker when the viewer closes, giving its memory back', async () => {
    const api = await activateTestedExtension();
    await waitForRender(
      v1Sample,
      (report) => !report.loading && report.total > 0,
      () => vscode.commands.executeCommand('vscode.openWith', v1Sample, 'trafficLens.flowLogViewer'),
    );
    assert.equal(api.flowLogViewer.runningWorkers(v1Sample), 1, 'the open viewer has its worker');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const deadline = Date.now() + 10_000;
    while (api.flowLogViewer.runningWorkers(v1Sample) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(api.flowLogViewer.runningWorkers(v1Sample), 0, 'the worker ended after the close');
  });

  it('shows the 19 tuples of the VNet sample and filters them', async () => {
    const loaded = await waitForRender(
      vnetSample,
      (report) => !report.loading && report.total > 0,
      () => vscode.commands.executeCommand('vscode.openWith', vnetSample, 'trafficLens.flowLogViewer'),
    );
    assert.equal(loaded.mode, 'tuples');
    assert.equal(loaded.total, 19);
    assert.ok(loaded.rows.length > 0, 'the table shows rows');
    assert.equal(cell(loaded, 0, 'Time (UTC)'), '2022-09-14 09:00:03.599');
    assert.equal(cell(loaded, 0, 'Source'), '10.0.0.6');
    assert.equal(cell(loaded, 0, 'Destination'), '52.239.184.180');
    assert.equal(cell(loaded, 0, 'Dst port'), '443');
    assert.equal(cell(loaded, 0, 'State'), 'Begin');
    assert.equal(cell(loaded, 0, 'Rule'), 'DefaultRule_AllowInternetOutBound');
    assert.match(loaded.summary, /VNet flow log v4/);
    assert.match(loaded.summary, /Tuples: 19;/);

    const api = await activateTestedExtension();
    const denied = await waitForRender(
      vnetSample,
      (report) => report.total === 9,
      async () => assert.equal(api.flowLogViewer.setFilter(vnetSample, { decision: 'deny' }), true),
    );
    assert.ok(denied.rows.every((row) => row[denied.columns.indexOf('Decision')] === 'Deny'));
    assert.equal(cell(denied, 0, 'Source'), '101.33.218.153');
    assert.equal(cell(denied, 0, 'Dst port'), '22');

    const cidr = await waitForRender(
      vnetSample,
      (report) => report.total === 2,
      async () => api.flowLogViewer.setFilter(vnetSample, { ip: '104.16.0.0/16' }),
    );
    assert.deepEqual(
      cidr.rows.map((row) => row[cidr.columns.indexOf('Destination')]),
      ['104.16.218.84', '104.16.218.84'],
    );

    const invalid = await waitForRender(
      vnetSample,
      (report) => report.filterProblems.length > 0,
      async () => api.flowLogViewer.setFilter(vnetSample, { ip: '10.0.0.0/40' }),
    );
    assert.equal(invalid.filterProblems[0].field, 'ip');
    assert.match(invalid.filterProblems[0].message, /prefix length/);

    const connections = await waitForRender(
      vnetSample,
      (report) => report.mode === 'connections' && report.filterProblems.length === 0,
      async () => api.flowLogViewer.setFilter(vnetSample, { decision: 'allow' }, 'connections'),
    );
    assert.equal(connections.total, 5, 'five B→E flows');
    assert.ok(connections.columns.includes('Duration'));
  });

  it("suggests the open file's own time range in the From and To filters", async () => {
    const report = await waitForRender(
      v1Sample,
      (candidate) => !candidate.loading,
      () => vscode.commands.executeCommand('vscode.openWith', v1Sample, 'trafficLens.flowLogViewer'),
    );
    // Its tuples run from 21:59:30 to 22:01:52 UTC.
    assert.equal(report.placeholders?.timeFrom, '2017-02-16 21:00');
    assert.equal(report.placeholders?.timeTo, '2017-02-16 23:00');
    assert.equal(report.placeholders?.text, 'address, port, rule, MAC, resource');
  });

  it('shows the details of a row as the table shows it, each short value on one line', async () => {
    const api = await activateTestedExtension();
    const loaded = await waitForRender(
      vnetSample,
      (report) => !report.loading && report.total > 0,
      () => vscode.commands.executeCommand('vscode.openWith', vnetSample, 'trafficLens.flowLogViewer'),
    );
    const tuple = await waitForRender(
      vnetSample,
      (report) => report.detail !== undefined,
      async () => assert.equal(api.flowLogViewer.openDetail(vnetSample, 0), true),
    );
    const fields = new Map((tuple.detail ?? []).map((field) => [field.name, field]));
    for (const column of ['Time (UTC)', 'Direction', 'Decision', 'State', 'Rule']) {
      assert.equal(fields.get(column)?.value, cell(loaded, 0, column), column);
    }
    assert.equal(fields.get('Source')?.value, `${cell(loaded, 0, 'Source')}:${cell(loaded, 0, 'Src port')}`);
    for (const name of ['Time (UTC)', 'Source', 'Destination', 'Rule', 'MAC', 'Direction']) {
      assert.equal(fields.get(name)?.lines, 1, `${name} "${fields.get(name)?.value}" fits on one line`);
    }

    const connections = await waitForRender(
      vnetSample,
      (report) => report.mode === 'connections' && report.total > 0 && report.detail === undefined,
      async () => api.flowLogViewer.setFilter(vnetSample, {}, 'connections'),
    );
    const connection = await waitForRender(
      vnetSample,
      (report) => report.detail?.some((field) => field.name === 'Duration') === true,
      async () => assert.equal(api.flowLogViewer.openDetail(vnetSample, 0), true),
    );
    const connectionFields = new Map((connection.detail ?? []).map((field) => [field.name, field.value]));
    for (const column of ['Start (UTC)', 'Duration', 'Direction', 'Decision']) {
      assert.equal(connectionFields.get(column), cell(connections, 0, column), column);
    }
  });

  it('shows values from the log and the file name with bidirectional control characters neutralised', async () => {
    const api = await activateTestedExtension();
    // U+202E makes "invoice‮gnp.exe" read as "invoiceexe.png".
    const folder = mkdtempSync(join(tmpdir(), 'bidi-'));
    const file = vscode.Uri.file(join(folder, 'invoice\u202Egnp.exe.json'));
    const rule = 'Allow\u202Egnp.exe\u2067x\u2069';
    writeFileSync(file.fsPath, readFileSync(vnetSample.fsPath, 'utf8').replaceAll('DefaultRule_AllowInternetOutBound', rule));
    const controls = /[\u202A-\u202E\u2066-\u2069]/;
    try {
      const loaded = await waitForRender(
        file,
        (report) => !report.loading && report.total > 0,
        () => vscode.commands.executeCommand('vscode.openWith', file, 'trafficLens.flowLogViewer'),
      );
      const ruleColumn = loaded.columns.indexOf('Rule');
      const shownRules = loaded.rows.map((row) => row[ruleColumn]);
      assert.ok(shownRules.includes('Allow\uFFFDgnp.exe\uFFFDx\uFFFD'), `rules shown: ${shownRules.join(', ')}`);
      assert.match(loaded.summary, /invoice\uFFFDgnp\.exe\.json/);
      assert.doesNotMatch(JSON.stringify([loaded.rows, loaded.summary]), controls);
      const row = shownRules.indexOf('Allow\uFFFDgnp.exe\uFFFDx\uFFFD');
      const detailed = await waitForRender(file, (report) => report.detail !== undefined, async () => assert.equal(api.flowLogViewer.openDetail(file, row), true));
      const fields = new Map((detailed.detail ?? []).map((field) => [field.name, field.value]));
      assert.equal(fields.get('Rule'), 'Allow\uFFFDgnp.exe\uFFFDx\uFFFD');
      assert.doesNotMatch(JSON.stringify(detailed.detail), controls);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('shows top talkers\' addresses whole next to a wide side bar', async () => {
    // The launcher's 1440-px window with the Explorer open leaves the viewer about 790 px: three
    // charts side by side, each near its narrowest.
    const folded = await waitForRender(
      vnetSample,
      (candidate) => !candidate.loading && candidate.total > 0 && candidate.clippedLabels !== undefined && candidate.chartsShown !== undefined,
      () => vscode.commands.executeCommand('vscode.openWith', vnetSample, 'trafficLens.flowLogViewer'),
    );
    suiteLog(`viewer width ${String(folded.viewWidth)} px, table ${String(folded.tableHeight)} px high, charts ${folded.chartsShown === true ? 'shown' : 'folded'}`);
    // Filters and charts would leave the table a few rows here: the charts fold away by themselves.
    assert.equal(folded.chartsShown, false, `the table is ${String(folded.tableHeight)} px high with the charts shown`);
    assert.ok((folded.tableHeight ?? 0) >= 200, `the table is ${String(folded.tableHeight)} px high`);
    if (process.env.TRAFFIC_LENS_SUITE_MARKER === undefined) {
      return;
    }
    const report = await waitForRender(vnetSample, (candidate) => candidate.chartsShown === true, async () => click('.charts-button'));
    assert.ok((report.viewWidth ?? Infinity) < 900, `the viewer is ${String(report.viewWidth)} px wide: too wide to test cut-off labels`);
    const ipv4 = (report.clippedLabels ?? []).filter((label) => /^\d+\.\d+\.\d+\.\d+$/.test(label));
    assert.deepEqual(ipv4, [], `addresses cut off at ${String(report.viewWidth)} px`);
  });

  it('opens a file through the Open Flow Log File command and shows decoding warnings', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('trafficLens.openFlowLogFile'));
    const report = await waitForRender(
      v1Sample,
      (candidate) => !candidate.loading,
      () => vscode.commands.executeCommand('trafficLens.openFlowLogFile', v1Sample),
    );
    assert.match(report.summary, /NSG flow log v1/);
    assert.match(report.summary, /2 problems/, 'the nested and repeated records are reported in the summary');
    assert.equal(report.total, 12);
  });

  it('decodes the file again keeping repeated records when asked, and skipping them again, with the filters kept', async function () {
    needsLauncher(this);
    const api = await activateTestedExtension();
    // The VNet sample's one record (19 tuples, 9 denied) written three times: two repeat the first.
    const folder = mkdtempSync(join(tmpdir(), 'repeated-'));
    const file = vscode.Uri.file(join(folder, 'PT1H.json'));
    const sample = JSON.parse(readFileSync(vnetSample.fsPath, 'utf8')) as { records: unknown[] };
    writeFileSync(file.fsPath, JSON.stringify({ records: [sample.records[0], sample.records[0], sample.records[0]] }));
    try {
      const skipped = await waitForRender(
        file,
        (report) => !report.loading && report.total > 0,
        () => vscode.commands.executeCommand('vscode.openWith', file, 'trafficLens.flowLogViewer'),
      );
      assert.equal(skipped.total, 19);
      assert.match(skipped.summary, /Records: 1; Repeated records: 2 skipped · Keep them; Tuples: 19;/);
      const denied = await waitForRender(file, (report) => report.total === 9, async () => assert.equal(api.flowLogViewer.setFilter(file, { decision: 'deny' }), true));
      assert.equal(denied.fieldValues?.decision, 'deny');

      const kept = await waitForRender(file, (report) => !report.loading && /Repeated records: 2 kept/.test(report.summary) && report.total === 27, async () => click('button[name="repeated-records"]'));
      assert.match(kept.summary, /Records: 3; Repeated records: 2 kept · Skip them; Tuples: 57;/);
      // Each denied tuple three times, with the filter kept.
      assert.equal(kept.fieldValues?.decision, 'deny');

      const again = await waitForRender(file, (report) => !report.loading && /Repeated records: 2 skipped/.test(report.summary) && report.total === 9, async () => click('button[name="repeated-records"]'));
      assert.match(again.summary, /Records: 1; Repeated records: 2 skipped · Keep them; Tuples: 19;/);
      assert.equal(again.fieldValues?.decision, 'deny');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('keeps a column the user hid hidden after reopening, and scrolls sideways to the columns that do not fit', async function () {
    needsLauncher(this);
    const loaded = await openSample(vnetSample);
    assert.ok(loaded.columns.includes('Src port'));
    assert.ok((loaded.tableOverflow ?? 0) > 0, `at ${String(loaded.viewWidth)} px the columns are wider than the table (overflow ${String(loaded.tableOverflow)})`);
    click('.columns-button');
    const hidden = await waitForRender(vnetSample, (report) => !report.columns.includes('Src port'), async () => click('input[name="column-srcPort"]'));
    assert.ok(hidden.columns.includes('Source') && hidden.columns.includes('Dst port'), 'only that column went');
    assert.equal(hidden.rows[0].length, hidden.columns.length, 'the rows lost the same column');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const reopened = await openSample(vnetSample);
    assert.equal(reopened.columns.includes('Src port'), false, `after reopening: ${reopened.columns.join(', ')}`);

    // Dragging the Rule column's right edge 120 px to the right widens it by that much, and it stays so.
    const rule = reopened.columns.indexOf('Rule');
    const before = reopened.columnWidths?.[rule] ?? 0;
    const widened = await waitForRender(
      vnetSample,
      (report) => (report.columnWidths?.[report.columns.indexOf('Rule')] ?? 0) > before,
      async () => drag('.header-row .cell[data-column="rule"] .resize-handle', 0.5, 20.5),
    );
    assert.equal(widened.columnWidths?.[widened.columns.indexOf('Rule')], before + 120);
    assert.deepEqual(widened.columns, reopened.columns, 'a resize moves no column');

    click('.columns-button');
    const reset = await waitForRender(vnetSample, (report) => report.columns.includes('Src port'), async () => click('button[name="reset-columns"]'));
    assert.deepEqual(reset.columns, loaded.columns);
    assert.deepEqual(reset.columnWidths, loaded.columnWidths);
  });

  it('closes the Columns menu on Escape right after a click on Columns…, and gives the focus back to the button', async function () {
    needsLauncher(this);
    await openSample(vnetSample);
    const open = await waitForRender(vnetSample, (report) => report.columnsMenuOpen === true, async () => click('.columns-button'));
    assert.equal(open.columnsMenuOpen, true);
    const closed = await waitForRender(vnetSample, (report) => report.columnsMenuOpen === false, async () => press('.columns-button', ['Escape']));
    assert.match(closed.focused ?? '', /\bcolumns-button\b/, `the focus is on ${String(closed.focused)}`);
  });

  it('filters by a top talker when it is clicked, shows it in the IP field, and clears it on a second click', async function () {
    needsLauncher(this);
    const loaded = await openSample(vnetSample);
    assert.equal(loaded.total, 19);
    // The first talker, 10.0.0.6, is in every tuple of the sample; the second is not.
    const filtered = await waitForRender(vnetSample, (report) => report.fieldValues?.ip !== undefined, async () => click('.talkers .bar-row:nth-child(2)'));
    const ip = filtered.fieldValues?.ip ?? '';
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.notEqual(ip, '10.0.0.6');
    assert.ok(filtered.total > 0 && filtered.total < 19, `${filtered.total} of 19 tuples from or to ${ip}`);
    assert.deepEqual(filtered.activeBars, [ip], 'the clicked bar shows it is the filter');
    assert.ok(filtered.rows.every((row) => row[filtered.columns.indexOf('Source')] === ip || row[filtered.columns.indexOf('Destination')] === ip));

    const cleared = await waitForRender(vnetSample, (report) => report.fieldValues?.ip === undefined, async () => click('.talkers .bar-row.active'));
    assert.equal(cleared.total, 19);

    const denied = await waitForRender(vnetSample, (report) => report.fieldValues?.decision === 'deny', async () => click('.bar-row.deny'));
    assert.equal(denied.total, 9);
  });

  it('draws traffic per minute and sets the time filter from a drag across the chart', async function () {
    needsLauncher(this);
    const loaded = await openSample(vnetSample);
    // The sample's tuples run from 08:59:49 to 09:00:22 UTC: two minutes.
    assert.equal(loaded.timeBars, 2);
    const brushed = await waitForRender(vnetSample, (report) => report.fieldValues?.timeFrom !== undefined, async () => drag('.time-plot', 0.05, 0.3));
    assert.equal(brushed.fieldValues?.timeFrom, '2022-09-14 08:59:00.000');
    assert.equal(brushed.fieldValues?.timeTo, '2022-09-14 08:59:59.999');
    assert.ok(brushed.total > 0 && brushed.total < 19, `${brushed.total} tuples in the first minute`);
    assert.ok(brushed.rows.every((row) => row[brushed.columns.indexOf('Time (UTC)')].startsWith('2022-09-14 08:59:')));

    // From the keyboard: Escape clears the range; Right, Shift+Right, Enter picks both minutes.
    const cleared = await waitForRender(vnetSample, (report) => report.fieldValues?.timeFrom === undefined, async () => press('.time-plot', ['Escape']));
    assert.equal(cleared.total, 19);
    const keyed = await waitForRender(vnetSample, (report) => report.fieldValues?.timeFrom !== undefined, async () => press('.time-plot', ['ArrowRight', 'Shift+ArrowRight', 'Enter']));
    assert.equal(keyed.fieldValues?.timeFrom, '2022-09-14 08:59:00.000');
    assert.equal(keyed.fieldValues?.timeTo, '2022-09-14 09:00:59.999');
    assert.equal(keyed.total, 19);
  });

  it('starts the Export save dialog in the workspace folder, not next to the opened file', async function () {
    needsLauncher(this);
    if (expectedExtension().kind === 'installed') {
      // The dialog is replaced on this suite's `vscode` API object, which is the extension's own
      // only when the extension is loaded from the project: an installed extension gets an API
      // object of its own, so the real dialog would open. The folder is chosen by exportFolder.ts,
      // unit-tested, and the same bundle code runs in the development run.
      this.skip();
    }
    await openSample(vnetSample);
    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    let asked: vscode.SaveDialogOptions | undefined;
    const dialogShown = new Promise<void>((resolve) => {
      window.showSaveDialog = async (options) => {
        asked = options;
        resolve();
        return undefined;
      };
    });
    try {
      click('button[name="export"]');
      await Promise.race([dialogShown, new Promise((_, reject) => setTimeout(() => reject(new Error('no save dialog within 20 s')), 20_000))]);
    } finally {
      window.showSaveDialog = original;
    }
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file')?.uri.fsPath ?? homedir();
    assert.equal(asked?.defaultUri?.fsPath, join(folder, 'vnet-flow-logs-overview.sample.csv'));
  });
});
