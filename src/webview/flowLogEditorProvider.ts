/**
 * Read-only custom editor `trafficLens.flowLogViewer`: decodes a flow-log JSON file in a worker
 * and shows it in a webview.
 */
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { neutralizeBidi } from '../core/displayText';
import { renderWebviewHtml } from './html';
import { downloadedBlobTitle, localBlobTitle } from '../core/blobPath';
import { FlowLogSession, type ViewerServices } from './flowLogSession';
import type { AddressOwners } from '../core/viewerProtocol';

export const flowLogViewType = 'trafficLens.flowLogViewer';

/** An open viewer's page, as an add-on sees it. */
export interface FlowLogViewerPage {
  readonly uri: vscode.Uri;
  /** Posts to the page, where the add-on's scripts receive it as a `message` event before the page does. */
  postMessage(message: unknown): Thenable<boolean>;
}

/**
 * More for the viewer's page: scripts it loads before its own bundle, and the messages they send.
 * The page's CSP stays as strict: the scripts carry the page's nonce, and only their folders are
 * added to the webview's `localResourceRoots`.
 */
export interface FlowLogViewerAddOn {
  /** Script files (`file:` URIs) of the add-on, in the order they run. */
  scripts: vscode.Uri[];
  /** A viewer opened with the scripts; the result is disposed when it closes. */
  opened?(page: FlowLogViewerPage): vscode.Disposable | undefined;
  /** A message from the page that the viewer's protocol does not define; true when the add-on took it (otherwise it is logged as dropped). */
  receive?(page: FlowLogViewerPage, message: unknown): boolean;
}

/** The viewer's part of `activate()`'s result. */
export interface FlowLogViewerSeam {
  /** Adds `addOn` to the viewers opened from now on, until the result is disposed. */
  addOn(addOn: FlowLogViewerAddOn): vscode.Disposable;
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

export class FlowLogEditorProvider implements vscode.CustomReadonlyEditorProvider<FlowLogDocument>, FlowLogViewerSeam {
  private readonly sessions = new Set<FlowLogSession>();
  /** The viewer last active, while it is open. */
  private lastActive: FlowLogSession | undefined;
  /** Sessions whose worker still runs, closed ones included until it has ended. */
  private readonly working = new Set<FlowLogSession>();
  private readonly addOns: FlowLogViewerAddOn[] = [];
  /** The add-ons each session's page was opened with. */
  private readonly pageAddOns = new WeakMap<FlowLogSession, { page: FlowLogViewerPage; addOns: readonly FlowLogViewerAddOn[] }>();
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
      otherMessage: (from, message) => {
        const opened = this.pageAddOns.get(from);
        return opened?.addOns.some((addOn) => addOn.receive?.(opened.page, message) === true) === true;
      },
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
      { dispose: () => provider.sessions.forEach((session) => session.dispose()) },
    );
    return { provider, registration };
  }

  openCustomDocument(uri: vscode.Uri): FlowLogDocument {
    return new FlowLogDocument(uri);
  }

  resolveCustomEditor(document: FlowLogDocument, panel: vscode.WebviewPanel): void {
    const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const addOns = [...this.addOns];
    const scripts = addOns.flatMap((addOn) => addOn.scripts);
    const scriptRoots = [...new Set(scripts.map((script) => dirname(script.fsPath)))].map((folder) => vscode.Uri.file(folder));
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot, ...scriptRoots] };
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
      pageScripts: scripts.map((script) => panel.webview.asWebviewUri(script).toString()),
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
    const page: FlowLogViewerPage = { uri: document.uri, postMessage: (message) => panel.webview.postMessage(message) };
    this.pageAddOns.set(session, { page, addOns });
    this.sessions.add(session);
    this.working.add(session);
    session.onDidEndWorker(() => this.working.delete(session));
    const opened = addOns.map((addOn) => addOn.opened?.(page));
    this.lastActive = session;
    panel.onDidChangeViewState(() => {
      if (panel.active) {
        this.lastActive = session;
      }
    });
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      if (this.lastActive === session) {
        this.lastActive = undefined;
      }
      session.dispose();
      opened.forEach((disposable) => disposable?.dispose());
    });
  }

  /** The open viewer of `uri` (the last one opened when there are several), or the one last active when `uri` is undefined. */
  session(uri?: vscode.Uri): FlowLogSession | undefined {
    if (uri === undefined) {
      return this.lastActive;
    }
    const key = uri.toString();
    return [...this.sessions].reverse().find((session) => session.uri.toString() === key);
  }

  /** After a sign-in or sign-out: every open viewer looks the inventory's NICs up again. */
  refreshOwners(): void {
    this.sessions.forEach((session) => void session.sendOwners());
  }

  addOn(addOn: FlowLogViewerAddOn): vscode.Disposable {
    this.addOns.push(addOn);
    return new vscode.Disposable(() => {
      const index = this.addOns.indexOf(addOn);
      if (index >= 0) {
        this.addOns.splice(index, 1);
      }
    });
  }

  runningWorkers(uri: vscode.Uri): number {
    return [...this.working].filter((session) => session.uri.toString() === uri.toString() && session.isWorkerRunning).length;
  }
}
