/**
 * Read-only custom editor `trafficLens.flowLogViewer`: decodes a flow-log JSON file in a worker
 * and shows it in a webview.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { neutralizeBidi } from '../core/displayText';
import { renderWebviewHtml } from './html';
import { downloadedBlobTitle, localBlobTitle } from '../core/blobPath';
import { FlowLogSession, type ViewerServices } from './flowLogSession';
import type { AddressOwners, RenderedReport, RowFilter, ViewMode } from '../core/viewerProtocol';

export const flowLogViewType = 'trafficLens.flowLogViewer';

/**
 * What `activate()` exposes for tests and other features, keyed by the document URI:
 * - `nextRendered(uri, timeoutMs)`: resolves with the next report of what the page rendered
 *   (total, mode, visible rows' cell texts) for an open viewer of that document.
 * - `setFilter(uri, filter, mode?)`: sets the page's filters as if the user typed them;
 *   false when no viewer of that document is open.
 * - `openDetail(uri, position)`: opens the details of the row at that position of the current
 *   view, as a click on it does; false when no viewer of that document is open.
 */
export interface FlowLogViewerApi {
  nextRendered(uri: vscode.Uri, timeoutMs?: number): Promise<RenderedReport>;
  setFilter(uri: vscode.Uri, filter: RowFilter, mode?: ViewMode): boolean;
  openDetail(uri: vscode.Uri, position: number): boolean;
  /** Decode workers still running for `uri`: one per open viewer; a closed viewer's worker ends. */
  runningWorkers(uri: vscode.Uri): number;
}

/**
 * The name the header shows: a file's name, or for a downloaded blob (`azure-flow-log:/account/
 * container/…/macAddress=…/PT1H.json`) the account, container and the blob's last folders, since
 * every blob is called PT1H.json.
 */
function headerName(uri: vscode.Uri): string {
  const segments = uri.path.split('/').filter((segment) => segment !== '');
  if (uri.scheme === 'file' || segments.length <= 3) {
    return segments.at(-1) ?? uri.path;
  }
  return `${segments[0]} › ${segments[1]} › ${segments.slice(-3).join('/')}`;
}

class FlowLogDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class FlowLogEditorProvider implements vscode.CustomReadonlyEditorProvider<FlowLogDocument>, FlowLogViewerApi {
  private readonly sessions = new Set<FlowLogSession>();
  /** Sessions whose worker still runs, closed ones included until it has ended. */
  private readonly working = new Set<FlowLogSession>();
  private readonly sessionAdded = new vscode.EventEmitter<FlowLogSession>();
  private readonly services: ViewerServices;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    state: vscode.Memento,
    addressOwners: () => Promise<AddressOwners | undefined>,
    private readonly localPath: (uri: vscode.Uri) => string | undefined = () => undefined,
  ) {
    this.services = {
      state,
      addressOwners,
      columnsChanged: (from) => this.sessions.forEach((session) => session !== from && session.columnsChanged()),
    };
  }

  /**
   * `state` keeps the user's column layout and last export folder (the extension's globalState);
   * `addressOwners` gives the NICs the signed-in inventory knows (undefined when signed out);
   * `localPath` gives the downloaded file behind a blob URI (`azure-flow-log:`).
   */
  static register(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    state: vscode.Memento,
    addressOwners: () => Promise<AddressOwners | undefined>,
    localPath: (uri: vscode.Uri) => string | undefined,
  ): { provider: FlowLogEditorProvider; registration: vscode.Disposable } {
    const provider = new FlowLogEditorProvider(extensionUri, log, state, addressOwners, localPath);
    const registration = vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(flowLogViewType, provider, {
        webviewOptions: { retainContextWhenHidden: false },
        supportsMultipleEditorsPerDocument: true,
      }),
      provider.sessionAdded,
      { dispose: () => provider.sessions.forEach((session) => session.dispose()) },
    );
    return { provider, registration };
  }

  openCustomDocument(uri: vscode.Uri): FlowLogDocument {
    return new FlowLogDocument(uri);
  }

  resolveCustomEditor(document: FlowLogDocument, panel: vscode.WebviewPanel): void {
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
    const localPath = document.uri.scheme === 'file' ? document.uri.fsPath : this.localPath(document.uri);
    const fileName = basename(document.uri.path);
    // Every blob is called PT1H.json: the tab (and an export) names the account, hour and MAC instead.
    const blobTitle = document.uri.scheme !== 'file' && localPath !== undefined ? downloadedBlobTitle(document.uri.path) : undefined;
    if (blobTitle !== undefined) {
      panel.title = neutralizeBidi(blobTitle);
    }
    // A file on disk in Azure's layout is one hour's PT1H.json too: its export is named by hour and MAC.
    const exportName = blobTitle ?? (document.uri.scheme === 'file' ? localBlobTitle(document.uri.path) : undefined) ?? fileName;
    panel.webview.html = renderWebviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'flowlogs.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'flowlogs.css')).toString(),
      title: neutralizeBidi(fileName),
      settings:
        localPath !== undefined
          ? { fileName: headerName(document.uri) }
          : { fileName, problem: `Only files on disk can be decoded; ${document.uri.toString()} is not one. Download it and open the local copy.` },
    });
    if (localPath === undefined) {
      return;
    }
    const workerPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'decodeWorker.js').fsPath;
    const session = new FlowLogSession(document.uri, workerPath, panel.webview, this.log, this.services, localPath, headerName(document.uri), exportName);
    this.sessions.add(session);
    this.working.add(session);
    session.onDidEndWorker(() => this.working.delete(session));
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
    this.sessionAdded.fire(session);
  }

  /** After a sign-in or sign-out: every open viewer looks the inventory's NICs up again. */
  refreshOwners(): void {
    this.sessions.forEach((session) => void session.sendOwners());
  }

  nextRendered(uri: vscode.Uri, timeoutMs = 30_000): Promise<RenderedReport> {
    const key = uri.toString();
    return new Promise<RenderedReport>((resolve, reject) => {
      const listeners: vscode.Disposable[] = [];
      const finish = (): void => {
        clearTimeout(timer);
        listeners.forEach((listener) => listener.dispose());
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`The flow-log viewer for ${uri.fsPath} rendered nothing within ${timeoutMs} ms.`));
      }, timeoutMs);
      const watch = (session: FlowLogSession): void => {
        if (session.uri.toString() !== key) {
          return;
        }
        listeners.push(
          session.onDidRender((report) => {
            finish();
            resolve(report);
          }),
        );
      };
      this.sessions.forEach(watch);
      listeners.push(this.sessionAdded.event(watch));
    });
  }

  setFilter(uri: vscode.Uri, filter: RowFilter, mode?: ViewMode): boolean {
    return this.forEachSession(uri, (session) => session.setFilter(filter, mode));
  }

  openDetail(uri: vscode.Uri, position: number): boolean {
    return this.forEachSession(uri, (session) => session.openDetail(position));
  }

  runningWorkers(uri: vscode.Uri): number {
    return [...this.working].filter((session) => session.uri.toString() === uri.toString() && session.isWorkerRunning).length;
  }

  /** Runs `action` on every open viewer of `uri`; false when there is none. */
  private forEachSession(uri: vscode.Uri, action: (session: FlowLogSession) => void): boolean {
    let found = false;
    for (const session of this.sessions) {
      if (session.uri.toString() === uri.toString()) {
        action(session);
        found = true;
      }
    }
    return found;
  }
}
