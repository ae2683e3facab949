/**
 * Host side of a dependency map: a webview panel that draws the model (media/dependencyMap), opens
 * the flows behind an edge in the flow-log viewer, and writes the map's exports.
 */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkMapToHost, edgeRowFilter, groupMap, type DependencyMapModel, type GroupedMap, type HostToMap, type MapEdge, type MapExportFormat, type MapGrouping } from '../core/dependencyMap';
import type { RowFilter } from '../core/viewerProtocol';
import { neutralizeBidi } from '../core/displayText';
import { exportFileName, exportFolder } from './exportFolder';
import { renderWebviewHtml } from './html';
/** The map's exports remember their own folder, apart from the viewer's. */
const exportFolderKey = 'trafficLens.dependencyMap.exportFolder';

export const dependencyMapViewType = 'trafficLens.dependencyMap';

const exportLabels: Record<MapExportFormat, string> = { csv: 'CSV edge list', mermaid: 'Mermaid', dot: 'DOT (Graphviz)' };
const exportExtensions: Record<MapExportFormat, string> = { csv: 'csv', mermaid: 'mmd', dot: 'dot' };

/** Writes a map as a file's text (src/flowlogs/mapExport.ts). */
export type MapExporter = (map: GroupedMap, format: MapExportFormat) => string;

/** Where a map's flows come from, and how to show the ones behind an edge. */
export interface MapSource {
  /** The map's title: `PT1H.json`, `3 files in flowlogs`. */
  label: string;
  /** The name exports are suggested under (before their extension). */
  exportName: string;
  /** Opens the flows `filter` keeps in the flow-log viewer; `edges` are the model's edges behind it. Absent when no flows are behind the map. */
  showFlows?(filter: RowFilter, edges: MapEdge[]): Promise<void>;
}

export class DependencyMapPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private isReady = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly model: DependencyMapModel,
    private readonly source: MapSource,
    private readonly grouping: MapGrouping,
    private readonly log: vscode.LogOutputChannel,
    private readonly state: vscode.Memento,
    private readonly exporter: MapExporter,
  ) {
    this.disposables.push(panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)));
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  /** Opens a map in a new panel beside the active editor. */
  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, state: vscode.Memento, exporter: MapExporter, model: DependencyMapModel, source: MapSource): DependencyMapPanel {
    const webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(dependencyMapViewType, neutralizeBidi(`Map: ${source.label}`), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot],
      retainContextWhenHidden: true,
    });
    panel.webview.html = renderWebviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'dependencyMap.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'map.css')).toString(),
      title: neutralizeBidi(`Dependency map: ${source.label}`),
      noScript: 'The dependency map needs scripts enabled.',
      settings: {},
    });
    // Many VMs: group them; a handful: show each address.
    const grouping: MapGrouping = model.named ? (model.endpoints.length > 40 ? 'vm' : 'endpoint') : 'endpoint';
    return new DependencyMapPanel(panel, model, source, grouping, log, state, exporter);
  }

  dispose(): void {
    this.disposables.splice(0).forEach((disposable) => disposable.dispose());
  }

  private post(message: HostToMap): void {
    if (this.isReady) {
      void this.panel.webview.postMessage(message);
    }
  }

  private async onMessage(value: unknown): Promise<void> {
    const checked = checkMapToHost(value);
    if ('problem' in checked) {
      this.log.warn(`Refused a message from the dependency map of ${this.source.label}: ${checked.problem}`);
      this.post({ type: 'problem', message: `The map refused a request from its page (${checked.problem}). Close and show the map again.` });
      return;
    }
    const message = checked.message;
    switch (message.type) {
      case 'ready':
        this.isReady = true;
        this.post({ type: 'init', model: this.model, grouping: this.grouping, canShowFlows: this.source.showFlows !== undefined });
        return;
      case 'openEdge': {
        const map = groupMap(this.model, message.grouping, message.filter);
        const edge = map.edges[message.edge];
        if (this.source.showFlows === undefined) {
          this.post({ type: 'problem', message: 'This map comes from connection snapshots alone: there are no flows behind its edges.' });
          return;
        }
        if (edge === undefined) {
          this.post({ type: 'problem', message: 'That connection is no longer on the map. Choose it again.' });
          return;
        }
        try {
          await this.source.showFlows(
            edgeRowFilter(this.model, map, edge, message.grouping),
            edge.edges.map((index) => this.model.edges[index]),
          );
        } catch (error) {
          this.post({ type: 'problem', message: `Couldn't show the flows: ${error instanceof Error ? error.message : String(error)}` });
        }
        return;
      }
      case 'export':
        await this.export(message.format, message.grouping, message.filter);
        return;
    }
  }

  private async export(format: MapExportFormat, grouping: MapGrouping, filter: Parameters<typeof groupMap>[2]): Promise<void> {
    const extension = exportExtensions[format];
    const folder = exportFolder(this.state.get<string>(exportFolderKey), vscode.workspace.workspaceFolders?.map((item) => item.uri), homedir());
    const target = await vscode.window.showSaveDialog({
      title: `Export the map as ${exportLabels[format]}`,
      defaultUri: vscode.Uri.file(join(folder, exportFileName(this.source.exportName, `map.${extension}`))),
      filters: { [exportLabels[format]]: [extension] },
    });
    if (target === undefined) {
      return;
    }
    const map = groupMap(this.model, grouping, filter);
    try {
      await writeFile(target.fsPath, this.exporter(map, format), 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(`Map export to ${target.fsPath} failed: ${reason}`);
      void vscode.window.showErrorMessage(`Couldn't export the map to ${target.fsPath}: ${reason}`);
      return;
    }
    await this.state.update(exportFolderKey, dirname(target.fsPath));
    this.log.info(`Exported the dependency map of ${this.source.label} (${map.edges.length} edges) to ${target.fsPath}`);
    this.post({ type: 'exported', path: target.fsPath, edges: map.edges.length });
    void vscode.window.showInformationMessage(`Exported ${map.edges.length.toLocaleString('en-US')} ${map.edges.length === 1 ? 'edge' : 'edges'} to ${target.fsPath}.`, 'Open File').then((choice) => {
      if (choice === 'Open File') {
        void vscode.commands.executeCommand('vscode.open', target);
      }
    });
  }
}
