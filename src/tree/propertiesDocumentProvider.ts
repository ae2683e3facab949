import * as vscode from 'vscode';

export const propertiesScheme = 'trafficlens-properties';

/**
 * "View Properties": a resource's properties as read-only JSON documents under their own scheme
 * (content providers' documents cannot be edited or saved).
 */
export class PropertiesDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? `// The properties of ${uri.query} are no longer cached. Use "View Properties" on the tree row again.\n`;
  }

  /** Stores the JSON and opens it; the URI names the resource (`/<name>.json?<armId>`). */
  async show(armId: string, name: string, properties: unknown): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: propertiesScheme, path: `/${name.replace(/[\\/]/g, '_')}.json`, query: armId });
    this.contents.set(uri.toString(), `${JSON.stringify(properties, null, 2)}\n`);
    this.changeEmitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const typed = document.languageId === 'json' ? document : await vscode.languages.setTextDocumentLanguage(document, 'json');
    return vscode.window.showTextDocument(typed, { preview: true });
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.contents.clear();
  }
}
