/**
 * What the suites read from open flow-log viewers: the reports of the test page probe
 * (viewerProbe.ts) as the extension's API hands them out.
 */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { RenderedReport } from './viewerProbe';
import { activateTestedExtension } from './testedExtension';

export type { RenderedReport };

/** Waits for a report from the page that satisfies `isWanted` (earlier reports are skipped). */
export async function waitForRender(uri: vscode.Uri, isWanted: (report: RenderedReport) => boolean, start?: () => Thenable<unknown> | void): Promise<RenderedReport> {
  const api = await activateTestedExtension();
  const deadline = Date.now() + 60_000;
  let next = api.flowLogViewer.nextRendered(uri, 60_000);
  if (start !== undefined) {
    await start();
  }
  for (;;) {
    const report = await next;
    if (isWanted(report)) {
      return report;
    }
    if (Date.now() > deadline) {
      throw new Error(`no wanted render of ${uri.fsPath}; last: ${JSON.stringify(report).slice(0, 500)}`);
    }
    next = api.flowLogViewer.nextRendered(uri, Math.max(1000, deadline - Date.now()));
  }
}

/** The text of one visible cell, by its column's heading. */
export function cell(report: RenderedReport, row: number, column: string): string {
  const index = report.columns.indexOf(column);
  assert.ok(index >= 0, `no column ${column} in ${report.columns.join(', ')}`);
  return report.rows[row][index];
}
