/**
 * Host side of one open flow-log editor: owns the decode worker, relays the page's queries to it
 * and its replies back, and handles what needs VS Code (the save dialog for exports).
 */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  assertNever,
  isColumnLayouts,
  protocolVersion,
  type AddressOwners,
  type ColumnLayouts,
  type ExportFormat,
  type FileSummary,
  type HostToView,
  type Query,
  type RowFilter,
  type ViewMode,
} from '../core/viewerProtocol';
import type { MapEdges } from '../core/dependencyMap';
import { exportFileName, exportFolder } from './exportFolder';
import { checkViewToHost } from '../core/viewerProtocolChecks';
import { decodeWorkerOptions, workerFailureMessage, type DecodeWorkerData, type HostToWorker, type WorkerToHost } from '../core/workerProtocol';

const exportFilters: Record<ExportFormat, { label: string; extension: string }> = {
  csv: { label: 'CSV', extension: 'csv' },
  ndjson: { label: 'NDJSON', extension: 'ndjson' },
  ecs: { label: 'ECS NDJSON', extension: 'ecs.ndjson' },
};

/** What every viewer shares: the user's column layout and last export folder (globalState), and the inventory's NICs. */
export interface ViewerServices {
  /** The extension's `globalState`. */
  state: vscode.Memento;
  /** The NICs the signed-in inventory knows; undefined when signed out. */
  addressOwners(): Promise<AddressOwners | undefined>;
  /** Tells every open viewer that the column layout changed. */
  columnsChanged(from: FlowLogSession): void;
  /** Offers a message the protocol does not define to the add-ons of the viewer's page; false when none took it. */
  otherMessage(from: FlowLogSession, message: unknown): boolean;
}

export const columnLayoutKey = 'trafficLens.flowLogViewer.columns';
export const exportFolderKey = 'trafficLens.flowLogViewer.exportFolder';

export class FlowLogSession implements vscode.Disposable {
  private worker: Worker;
  /** Whether the worker keeps records identical to an earlier one (the page's "Keep them"). */
  private keepsRepeatedRecords = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly workerExitEmitter = new vscode.EventEmitter<void>();
  /** Fires when the decode worker has ended (the viewer closed, or it failed); its memory is given back then. */
  readonly onDidEndWorker = this.workerExitEmitter.event;
  /** Decode workers not yet ended: the current one, and one a re-decode replaced while it finishes an export. */
  private runningWorkers = 0;
  /** False once every decode worker of this viewer has ended. */
  get isWorkerRunning(): boolean {
    return this.runningWorkers > 0;
  }
  private summary: FileSummary;
  private isReady = false;
  private isDisposed = false;
  private nextExportId = 1;
  /** Counts the NIC lookups started, so one that ends after a later one is dropped. */
  private ownersLookup = 0;
  /** The names last sent, and how often they changed: the page asks its rows again on a change. */
  private ownersKey: string | undefined;
  private ownersRevision = 0;
  /** The NICs last given to the worker, given again to a worker that decodes the file anew. */
  private workerOwners: AddressOwners | undefined;
  /** Exports under way, and the worker writing each (a worker replaced by a new decode finishes its exports first). */
  private readonly pendingExports = new Map<number, { format: ExportFormat; worker: Worker }>();
  /** The filter of the page's latest query: a dependency map shows what the page shows. */
  private pageFilter: RowFilter = {};
  /** A filter to show once the page is ready (a map's edge opened the file). */
  private filterOnReady: { filter: RowFilter; mode: ViewMode } | undefined;
  private nextMapRequest = 1;
  private readonly pendingMaps = new Map<number, { resolve(edges: { edges: MapEdges; problems: string[] }): void; reject(error: Error): void }>();

  constructor(
    readonly uri: vscode.Uri,
    private readonly workerPath: string,
    private readonly webview: vscode.Webview,
    private readonly log: vscode.LogOutputChannel,
    private readonly services: ViewerServices,
    /** The file to decode: `uri` itself, or the cached download a blob URI stands for. */
    readonly path: string = uri.fsPath,
    /** The name shown in the header. */
    readonly fileName: string = basename(path),
    /** The name exports are suggested under (before their extension). */
    private readonly exportName: string = fileName,
  ) {
    this.summary = emptySummary(fileName);
    this.worker = this.startWorker();
    this.disposables.push(webview.onDidReceiveMessage((message: unknown) => this.onViewMessage(message)));
    this.log.info(`Opening flow log ${path}`);
    void this.sendOwners();
  }

  /** Starts a worker decoding the file; messages from a worker that a newer one replaced are dropped, except its exports' outcome. */
  private startWorker(): Worker {
    const workerData: DecodeWorkerData = { path: this.path, fileName: this.fileName, keepDuplicates: this.keepsRepeatedRecords };
    const worker = new Worker(this.workerPath, decodeWorkerOptions(workerData));
    this.runningWorkers++;
    worker.on('message', (message: WorkerToHost) => {
      if (worker === this.worker || message.type === 'exported' || message.type === 'exportFailed') {
        this.onWorkerMessage(message);
      }
      if (worker !== this.worker && ![...this.pendingExports.values()].some((pending) => pending.worker === worker)) {
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      this.log.error(`Flow-log worker for ${this.uri.fsPath} failed: ${error.stack ?? error.message}`);
      if (worker === this.worker) {
        this.post({ type: 'problem', message: workerFailureMessage(this.fileName, error) });
      }
    });
    worker.on('exit', (code) => {
      this.runningWorkers--;
      if (!this.isDisposed && worker === this.worker && code !== 0) {
        this.log.warn(`Flow-log worker for ${this.uri.fsPath} exited with code ${code}`);
      }
      if (this.runningWorkers === 0 && (this.isDisposed || worker === this.worker)) {
        this.workerExitEmitter.fire();
      }
      if (this.runningWorkers === 0 && this.isDisposed) {
        // Not among `disposables`: the last worker ends after dispose() asked it to.
        this.workerExitEmitter.dispose();
      }
    });
    return worker;
  }

  /**
   * Decodes the file again, keeping records identical to an earlier one or skipping them: the page
   * starts over as on first open (loading, then rows), with its filters, sort and mode kept.
   */
  private redecode(keep: boolean): void {
    if (keep === this.keepsRepeatedRecords) {
      return;
    }
    this.keepsRepeatedRecords = keep;
    this.log.info(`Decoding ${this.path} again, ${keep ? 'keeping' : 'skipping'} repeated records`);
    const previous = this.worker;
    this.worker = this.startWorker();
    // An export under way keeps its worker until it is written.
    if (![...this.pendingExports.values()].some((pending) => pending.worker === previous)) {
      void previous.terminate();
    }
    // Before the page's first query reaches it, so its rows name their NICs as before.
    if (this.workerOwners !== undefined) {
      this.toWorker({ type: 'owners', owners: this.workerOwners });
    }
    this.summary = emptySummary(this.fileName);
    const columns = this.columnLayouts();
    this.post(columns === undefined ? { type: 'init', protocolVersion, summary: this.summary } : { type: 'init', protocolVersion, summary: this.summary, columns });
  }

  /** Gives the worker the inventory's NICs (none when signed out), so rows name the NIC/VM of their addresses. */
  async sendOwners(): Promise<void> {
    const lookup = ++this.ownersLookup;
    let owners: AddressOwners | undefined;
    try {
      owners = await this.services.addressOwners();
    } catch (error) {
      this.log.warn(`Couldn't look up the inventory's NICs for ${this.fileName}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // A sign-in's slow listing may end after the sign-out that followed it: only the latest lookup counts.
    if (this.isDisposed || lookup !== this.ownersLookup) {
      return;
    }
    // Signed out: an empty lookup clears the names rows carried before.
    owners ??= { byMac: {}, byIp: {} };
    const key = JSON.stringify(owners);
    if (key !== this.ownersKey) {
      this.ownersKey = key;
      this.ownersRevision++;
    }
    this.workerOwners = owners;
    this.toWorker({ type: 'owners', owners });
    this.post({ type: 'owners', nics: new Set(Object.values(owners.byMac).concat(Object.values(owners.byIp)).map((owner) => owner.nic)).size, revision: this.ownersRevision });
  }

  /** The layout another viewer saved: this page takes it over. */
  columnsChanged(): void {
    const columns = this.columnLayouts();
    if (columns !== undefined) {
      this.post({ type: 'columns', columns });
    }
  }

  private columnLayouts(): ColumnLayouts | undefined {
    const saved = this.services.state.get<unknown>(columnLayoutKey);
    return isColumnLayouts(saved) ? saved : undefined;
  }

  /** The filter the page shows its rows with. */
  get filter(): RowFilter {
    return this.pageFilter;
  }

  /** The dependency map's edges of the rows the page's filter keeps (of the rows decoded so far). */
  dependencyMapEdges(): Promise<{ edges: MapEdges; problems: string[]; tuplesInFile: number; loading: boolean }> {
    const requestId = this.nextMapRequest++;
    const { tuples, loading } = this.summary;
    return new Promise<{ edges: MapEdges; problems: string[] }>((resolve, reject) => {
      if (this.isDisposed) {
        reject(new Error(`${this.fileName} was closed.`));
        return;
      }
      this.pendingMaps.set(requestId, { resolve, reject });
      this.toWorker({ type: 'dependencyMap', requestId, filter: this.pageFilter });
    }).then((result) => ({ ...result, tuplesInFile: tuples, loading: loading === true }));
  }

  /** Shows the rows `filter` keeps (a dependency map's edge), replacing the page's filter; a page still loading gets it once ready. */
  showFiltered(filter: RowFilter, mode: ViewMode = 'tuples'): void {
    if (this.isReady) {
      this.post({ type: 'setFilter', filter, mode });
    } else {
      this.filterOnReady = { filter, mode };
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.isDisposed = true;
    for (const pending of this.pendingMaps.values()) {
      pending.reject(new Error(`${this.fileName} was closed.`));
    }
    this.pendingMaps.clear();
    void this.worker.terminate();
    for (const pending of this.pendingExports.values()) {
      void pending.worker.terminate();
    }
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }

  private post(message: HostToView): void {
    if (this.isReady && !this.isDisposed) {
      void this.webview.postMessage(message);
    }
  }

  private toWorker(message: HostToWorker): void {
    if (!this.isDisposed) {
      this.worker.postMessage(message);
    }
  }

  private onViewMessage(value: unknown): void {
    const { message, problem } = checkViewToHost(value);
    if (message === undefined) {
      if (this.services.otherMessage(this, value)) {
        return;
      }
      this.refuse(value, problem);
      return;
    }
    switch (message.type) {
      case 'ready': {
        this.isReady = true;
        const columns = this.columnLayouts();
        this.post(columns === undefined ? { type: 'init', protocolVersion, summary: this.summary } : { type: 'init', protocolVersion, summary: this.summary, columns });
        if (this.filterOnReady !== undefined) {
          this.post({ type: 'setFilter', ...this.filterOnReady });
          this.filterOnReady = undefined;
        }
        // A page reloaded (hidden and shown again) asks the worker nothing new: tell it the NICs again.
        void this.sendOwners();
        return;
      }
      case 'saveColumns':
        void this.services.state.update(columnLayoutKey, message.columns).then(() => this.services.columnsChanged(this));
        return;
      case 'query':
        this.pageFilter = message.query.filter;
        this.toWorker({ type: 'view', message });
        return;
      case 'rows':
      case 'detail':
        this.toWorker({ type: 'view', message });
        return;
      case 'export':
        void this.export(message.format, message.query);
        return;
      case 'keepRepeatedRecords':
        this.redecode(message.keep);
        return;
      default:
        assertNever(message);
    }
  }

  /**
   * A message the page should never send (a bug, or a page that is not ours): logged with its
   * reason and never used. A refused request would leave the page waiting, so it says so.
   */
  private refuse(value: unknown, problem: string): void {
    let excerpt: string;
    try {
      excerpt = JSON.stringify(value)?.slice(0, 200) ?? String(value);
    } catch {
      excerpt = typeof value;
    }
    this.log.warn(`Refused a message from the flow-log page of ${this.path}: ${problem}. Message: ${excerpt}`);
    this.post({ type: 'problem', message: `The viewer refused a request from its page (${problem}). Close and reopen ${this.fileName}; see the "Azure Traffic Lens" output for details.` });
  }

  private onWorkerMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'view':
        if (message.message.type === 'summary') {
          this.summary = message.message.summary;
        }
        this.post(message.message);
        return;
      case 'exported': {
        this.pendingExports.delete(message.exportId);
        this.log.info(`Exported ${message.rows} rows to ${message.path}`);
        void vscode.window
          .showInformationMessage(`Exported ${message.rows.toLocaleString('en-US')} ${message.rows === 1 ? 'row' : 'rows'} to ${basename(message.path)}.`, 'Open File')
          .then((choice) => {
            if (choice === 'Open File') {
              void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.path));
            }
          });
        return;
      }
      case 'exportFailed':
        this.pendingExports.delete(message.exportId);
        this.log.error(`Export to ${message.path} failed: ${message.message}`);
        void vscode.window.showErrorMessage(`Couldn't export to ${basename(message.path)}: ${message.message}`, 'Show Details').then((choice) => {
          if (choice === 'Show Details') {
            this.log.show();
          }
        });
        return;
      case 'log':
        this.log[message.level](message.message);
        return;
      case 'dependencyMap': {
        const pending = this.pendingMaps.get(message.requestId);
        this.pendingMaps.delete(message.requestId);
        pending?.resolve({ edges: message.edges, problems: message.problems });
        return;
      }
      default:
        assertNever(message);
    }
  }

  private async export(format: ExportFormat, query: Query): Promise<void> {
    const { label, extension } = exportFilters[format];
    const folder = exportFolder(this.services.state.get<string>(exportFolderKey), vscode.workspace.workspaceFolders?.map((folder) => folder.uri), homedir());
    const target = await vscode.window.showSaveDialog({
      title: `Export the current view as ${label}`,
      defaultUri: vscode.Uri.file(join(folder, exportFileName(this.exportName, extension))),
      filters: { [label]: [extension.split('.').pop() as string] },
    });
    if (target === undefined) {
      return;
    }
    if (target.scheme === 'file') {
      await this.services.state.update(exportFolderKey, dirname(target.fsPath));
    }
    const exportId = this.nextExportId++;
    this.pendingExports.set(exportId, { format, worker: this.worker });
    this.toWorker({ type: 'export', exportId, path: target.fsPath, format, query });
  }
}

function emptySummary(fileName: string): FileSummary {
  return {
    fileName,
    fileBytes: 0,
    formats: [],
    records: 0,
    tuples: 0,
    rejectedTuples: 0,
    connections: 0,
    uniqueSources: 0,
    uniqueDestinations: 0,
    allowed: 0,
    denied: 0,
    bytes: 0,
    packets: 0,
    problems: [],
    loading: true,
    bytesRead: 0,
  };
}
