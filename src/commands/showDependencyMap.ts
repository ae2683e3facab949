import * as vscode from 'vscode';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MapEdges } from '../core/dependencyMap';
import type { RowFilter } from '../core/viewerProtocol';
import { formatBytes, plural } from '../core/quantities';
import type { MapWorkerData, MapWorkerToHost } from '../core/workerProtocol';
import type { ConnectionSnapshotStore } from '../core/connectionSnapshotStore';
import type { EstateSubscription } from '../inventory/estate';
import { mergeSnapshots } from '../flowlogs/mapSnapshots';
import { namedMap, type AddressBook } from '../flowlogs/mapEndpoints';
import { exportMap } from '../flowlogs/mapExport';
import { DependencyMapPanel, type MapSource } from '../webview/dependencyMapPanel';
import { flowLogViewType, type FlowLogEditorProvider } from '../webview/flowLogEditorProvider';
import type { WizardUi } from '../wizards/shared/wizardUi';
import { uriArgument, type LensCommand } from './lensCommand';

export interface DependencyMapServices {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  state: vscode.Memento;
  viewers: Pick<FlowLogEditorProvider, 'session'>;
  /** The subscriptions the inventory shows (none when signed out). */
  estate(): Promise<EstateSubscription[]>;
  /** What "Snapshot Connections…" saw inside VMs: merged into every map. */
  snapshots: Pick<ConnectionSnapshotStore, 'all'>;
  /** Asks which source to map when no viewer is open. */
  ui(): WizardUi;
}

/** Most files one map reads from a folder: a day of a busy estate's hourly blobs is well under it. */
const maxFiles = 5000;

/** The inventory's networks and NICs, to name the map's addresses; undefined when signed out. */
export async function addressBook(estate: EstateSubscription[]): Promise<AddressBook | undefined> {
  if (estate.length === 0) {
    return undefined;
  }
  const sections = await Promise.all(estate.map(async ({ inventory }) => ({ vnets: await inventory.section('vnets'), nics: await inventory.section('nics') })));
  return {
    vnets: sections.flatMap(({ vnets }) => (vnets.ok ? vnets.value : [])),
    nics: sections.flatMap(({ nics }) => (nics.ok ? nics.value : [])),
  };
}

/** Opens `uri` in the flow-log viewer (or brings its viewer forward) and filters it. */
async function showInViewer(services: DependencyMapServices, uri: vscode.Uri, filter: RowFilter): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', uri, flowLogViewType, vscode.ViewColumn.One);
  services.viewers.session(uri)?.showFiltered(filter);
}

function showMap(services: DependencyMapServices, edges: MapEdges, book: AddressBook | undefined, source: MapSource & { path: string }): void {
  const snapshots = services.snapshots.all();
  const model = namedMap(snapshots.length === 0 ? edges : mergeSnapshots(edges, snapshots), source.label, book);
  services.log.info(`Dependency map of ${source.path}: ${model.endpoints.length} addresses, ${model.edges.length} edges from ${model.tuples} tuples${snapshots.length === 0 ? '' : ` and the connection snapshots of ${plural(snapshots.length, 'VM')}`}.`);
  DependencyMapPanel.show(services.extensionUri, services.log, services.state, exportMap, model, source);
}

/**
 * "Show Dependency Map": the flows of the open flow-log viewer (as its filter shows them) as a
 * graph of who talks to whom on which service, addresses named from the inventory. Without an open
 * viewer, it maps flow-log files or folders the user picks.
 */
export function showDependencyMapCommand(services: DependencyMapServices): LensCommand {
  return {
    id: 'trafficLens.showDependencyMap',
    async run(uri?: unknown): Promise<void> {
      const session = services.viewers.session(uriArgument(uri));
      if (session === undefined) {
        const snapshots = services.snapshots.all();
        if (snapshots.length === 0) {
          await mapFiles(services, undefined);
          return;
        }
        const choice = await services.ui().pick({
          id: 'dependencyMap.source',
          title: 'Show Dependency Map',
          placeholder: 'Map what? (Open a flow log to map its flows as the viewer filters them.)',
          items: [
            { label: '$(files) Flow Log Files or Folders…', detail: 'PT1H.json blobs you downloaded; the connection snapshots label their edges with processes', value: 'files' as const },
            { label: `$(vm) Connection Snapshots of ${plural(snapshots.length, 'VM')}`, detail: snapshots.map((snapshot) => snapshot.vmName).join(', '), value: 'snapshots' as const },
          ],
        });
        if (choice === 'files') {
          await mapFiles(services, undefined);
        } else if (choice === 'snapshots') {
          showMap(services, { ips: [], edges: [], tuples: 0 }, await addressBook(await services.estate()), {
            label: `connection snapshots of ${plural(snapshots.length, 'VM')}`,
            path: 'connection snapshots',
            exportName: 'connection-snapshots',
          });
        }
        return;
      }
      const built = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Mapping the flows of ${session.fileName}` }, async () => {
        const [edges, book] = await Promise.all([session.dependencyMapEdges(), services.estate().then(addressBook)]);
        return { ...edges, book };
      });
      if (built.problems.length > 0) {
        void vscode.window.showWarningMessage(`The viewer's filter has a problem, so the map shows the flows without it: ${built.problems.join('; ')}`);
      }
      if (built.edges.edges.length === 0) {
        void vscode.window.showInformationMessage(`No flows to map: the viewer's filter keeps no tuples of ${session.fileName}.`);
        return;
      }
      if (built.loading) {
        void vscode.window.showInformationMessage(`${session.fileName} is still loading: the map shows the ${plural(built.edges.tuples, 'tuple')} decoded so far.`);
      }
      const label = Object.keys(session.filter).length > 0 ? `${session.fileName} (filtered)` : session.fileName;
      showMap(services, built.edges, built.book, {
        label,
        path: session.path,
        exportName: session.fileName,
        showFlows: (filter) => showInViewer(services, session.uri, filter),
      });
    },
  };
}

/** "Show Dependency Map of Flow Log Files…": files or folders from the explorer's selection or a dialog. */
export function showFilesDependencyMapCommand(services: DependencyMapServices): LensCommand {
  return {
    id: 'trafficLens.showDependencyMapOfFiles',
    async run(uri?: unknown, selection?: unknown): Promise<void> {
      const many = Array.isArray(selection) ? selection.map(uriArgument) : [];
      const one = uriArgument(uri);
      const picked = many.length > 0 && many.every((item) => item !== undefined) ? (many as vscode.Uri[]) : one !== undefined ? [one] : undefined;
      await mapFiles(services, picked);
    },
  };
}

/** The `.json` files of the picked files and folders (folders walked to any depth), in path order. */
async function flowLogFiles(uris: readonly vscode.Uri[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    if (files.length > maxFiles) {
      return;
    }
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        await walk(child);
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) {
        files.push(child);
      }
    }
  };
  for (const uri of uris) {
    const info = await stat(uri.fsPath);
    if (info.isDirectory()) {
      await walk(uri.fsPath);
    } else {
      files.push(uri.fsPath);
    }
  }
  return files;
}

async function mapFiles(services: DependencyMapServices, given: vscode.Uri[] | undefined): Promise<void> {
  const uris =
    given ??
    (await vscode.window.showOpenDialog({
      title: 'Show Dependency Map of Flow Log Files',
      openLabel: 'Map',
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: true,
      filters: { 'Flow logs (JSON)': ['json'] },
    }));
  if (uris === undefined || uris.length === 0) {
    return;
  }
  if (uris.some((uri) => uri.scheme !== 'file')) {
    void vscode.window.showErrorMessage('Only files on disk can be mapped. Download the blobs first (or open them from the tree, which downloads them).');
    return;
  }
  const paths = await flowLogFiles(uris);
  if (paths.length === 0) {
    void vscode.window.showInformationMessage(`No .json files in ${uris.map((uri) => basename(uri.fsPath)).join(', ')}.`);
    return;
  }
  if (paths.length > maxFiles) {
    void vscode.window.showErrorMessage(`More than ${maxFiles} flow-log files were found. Pick a smaller folder (a day or an hour of the container).`);
    return;
  }
  const label = paths.length === 1 ? basename(paths[0]) : `${paths.length} files in ${basename(uris[0].fsPath)}${uris.length > 1 ? ` and ${plural(uris.length - 1, 'more')}` : ''}`;
  const workerPath = vscode.Uri.joinPath(services.extensionUri, 'dist', 'mapWorker.js').fsPath;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Mapping ${label}`, cancellable: true },
    (progress, token) =>
      new Promise<{ edges: MapEdges; problems: string[] } | undefined>((resolve, reject) => {
        const data: MapWorkerData = { paths };
        const worker = new Worker(workerPath, { workerData: data });
        let reported = 0;
        token.onCancellationRequested(() => {
          void worker.terminate();
          resolve(undefined);
        });
        worker.on('message', (message: MapWorkerToHost) => {
          switch (message.type) {
            case 'progress': {
              const percent = message.totalBytes > 0 ? Math.floor((message.bytes / message.totalBytes) * 100) : 0;
              progress.report({ increment: percent - reported, message: `${formatBytes(message.bytes)} of ${formatBytes(message.totalBytes)}${paths.length > 1 ? ` (file ${message.file + 1} of ${paths.length})` : ''}` });
              reported = percent;
              return;
            }
            case 'done':
              resolve({ edges: message.edges, problems: message.problems });
              void worker.terminate();
              return;
            case 'failed':
              reject(new Error(`Couldn't map ${label}: ${message.message}`));
              void worker.terminate();
              return;
          }
        });
        worker.on('error', (error) => reject(new Error(`Couldn't map ${label}: ${error.message}`)));
      }),
  );
  if (result === undefined) {
    return;
  }
  for (const problem of result.problems) {
    services.log.warn(`Dependency map of ${label}: ${problem}`);
  }
  if (result.problems.length > 0) {
    void vscode.window.showWarningMessage(`${plural(result.problems.length, 'file')} had problems (${result.problems.slice(0, 2).join('; ')}${result.problems.length > 2 ? '; …' : ''}). The map shows what could be read.`, 'Show Details').then((choice) => {
      if (choice === 'Show Details') {
        services.log.show();
      }
    });
  }
  if (result.edges.edges.length === 0) {
    void vscode.window.showInformationMessage(`No flows to map in ${label}.`);
    return;
  }
  const book = await addressBook(await services.estate());
  showMap(services, result.edges, book, {
    label,
    path: paths.length === 1 ? paths[0] : `${paths.length} files`,
    exportName: paths.length === 1 ? basename(paths[0]) : basename(uris[0].fsPath),
    // The flows of an edge open in the first file it was seen in: the viewer shows one file.
    showFlows: async (filter, edges) => {
      const first = Math.min(...edges.map((edge) => edge.firstFile ?? 0));
      await showInViewer(services, vscode.Uri.file(paths[first]), filter);
    },
  });
}
