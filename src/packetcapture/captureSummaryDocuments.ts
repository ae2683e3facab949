import * as vscode from 'vscode';

export const captureSummaryScheme = 'trafficlens-capture';

/** Capture summaries as read-only markdown documents under their own scheme. */
export class CaptureSummaryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? `The summary of ${uri.path} is no longer cached. Use "Download and Summarize Packet Capture" on the capture again.\n`;
  }

  /**
   * Stores the markdown and shows it rendered, in the built-in markdown preview (its tables read as
   * tables); the source opens only where that preview is missing. The URI names the capture
   * (`/<name>.md?<armId>`).
   */
  async show(armId: string, name: string, markdown: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.from({ scheme: captureSummaryScheme, path: `/${name.replace(/[\\/]/g, '_')}.md`, query: armId });
    this.contents.set(uri.toString(), markdown);
    this.changeEmitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const typed = document.languageId === 'markdown' ? document : await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(typed, { preview: true });
    }
    return typed;
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.contents.clear();
  }
}
