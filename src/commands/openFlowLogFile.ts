import * as vscode from 'vscode';
import { uriArgument } from './lensCommand';
import { flowLogViewType } from '../webview/flowLogEditorProvider';

/**
 * "Open Flow Log File…": asks for a JSON file and opens it in the flow-log viewer. A URI argument
 * skips the dialog (used by other features and tests).
 */
export const openFlowLogFile = {
  id: 'trafficLens.openFlowLogFile',
  async run(uri?: unknown): Promise<void> {
    let target = uriArgument(uri);
    if (target === undefined) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Open Flow Log File',
        openLabel: 'Open',
        canSelectMany: false,
        filters: { 'Flow logs (JSON)': ['json'], 'All files': ['*'] },
      });
      target = picked?.[0];
    }
    if (target === undefined) {
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', target, flowLogViewType);
  },
};
