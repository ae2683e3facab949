import * as vscode from 'vscode';
import { openFlowLogFile } from './commands/openFlowLogFile';
import { FlowLogEditorProvider, type FlowLogViewerApi } from './webview/flowLogEditorProvider';

/** What the extension exposes to other extensions and integration tests. */
export interface TrafficLensApi {
  /** Watch and drive open flow-log viewers; see `FlowLogViewerApi`. */
  flowLogViewer: FlowLogViewerApi;
}

export function activate(context: vscode.ExtensionContext): TrafficLensApi {
  const log = vscode.window.createOutputChannel('Azure Traffic Lens', { log: true });
  context.subscriptions.push(log);

  const { provider, registration } = FlowLogEditorProvider.register(context.extensionUri, log);
  context.subscriptions.push(registration);
  context.subscriptions.push(vscode.commands.registerCommand(openFlowLogFile.id, (uri?: vscode.Uri) => openFlowLogFile.run(uri)));

  return {
    flowLogViewer: {
      nextRendered: (uri, timeoutMs) => provider.nextRendered(uri, timeoutMs),
      setFilter: (uri, filter, mode) => provider.setFilter(uri, filter, mode),
    },
  };
}

export function deactivate(): void {}
