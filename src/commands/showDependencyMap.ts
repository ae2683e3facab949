import * as vscode from 'vscode';
import { plural } from '../core/quantities';
import type { EstateSubscription } from '../inventory/estate';
import { namedMap, type AddressBook } from '../flowlogs/mapEndpoints';
import { exportMap } from '../flowlogs/mapExport';
import { DependencyMapPanel } from '../webview/dependencyMapPanel';
import { flowLogViewType, type FlowLogEditorProvider } from '../webview/flowLogEditorProvider';
import type { LensCommand } from './lensCommand';

export interface DependencyMapServices {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  state: vscode.Memento;
  viewers: Pick<FlowLogEditorProvider, 'session'>;
  /** The subscriptions the inventory shows (none when signed out). */
  estate(): Promise<EstateSubscription[]>;
}

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

/**
 * "Show Dependency Map": the flows of the open flow-log viewer (as its filter shows them) as a
 * graph of who talks to whom on which service, addresses named from the inventory.
 */
export function showDependencyMapCommand(services: DependencyMapServices): LensCommand {
  return {
    id: 'trafficLens.showDependencyMap',
    async run(uri?: unknown): Promise<void> {
      const session = services.viewers.session(uri instanceof vscode.Uri ? uri : undefined);
      if (session === undefined) {
        const choice = await vscode.window.showInformationMessage('Open a flow log first: the map shows the flows of the flow-log viewer, as its filters show them.', 'Open Flow Log File…');
        if (choice !== undefined) {
          await vscode.commands.executeCommand('trafficLens.openFlowLogFile');
        }
        return;
      }
      const built = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Mapping the flows of ${session.fileName}`, cancellable: false }, async () => {
        const [edges, book] = await Promise.all([session.dependencyMapEdges(), services.estate().then(addressBook)]);
        return { ...edges, book };
      });
      if (built.problems.length > 0) {
        void vscode.window.showWarningMessage(`The viewer's filter has a problem, so the map shows the flows without it: ${built.problems.join('; ')}`);
      }
      if (built.edges.edges.length === 0) {
        void vscode.window.showInformationMessage(built.edges.tuples === 0 ? `No flows to map: the viewer's filter keeps no tuples of ${session.fileName}.` : `No connections in the ${plural(built.edges.tuples, 'tuple')} the viewer shows.`);
        return;
      }
      if (built.loading) {
        void vscode.window.showInformationMessage(`${session.fileName} is still loading: the map shows the ${plural(built.edges.tuples, 'tuple')} decoded so far.`);
      }
      const filtered = Object.keys(session.filter).length > 0;
      const label = filtered ? `${session.fileName} (filtered)` : session.fileName;
      const model = namedMap(built.edges, label, built.book);
      services.log.info(`Dependency map of ${session.path}: ${model.endpoints.length} addresses, ${model.edges.length} edges from ${model.tuples} tuples.`);
      DependencyMapPanel.show(services.extensionUri, services.log, services.state, exportMap, model, {
        label,
        exportName: session.fileName,
        showFlows: async (filter) => {
          // Brings the viewer forward (opening the file again if it was closed), then filters it.
          await vscode.commands.executeCommand('vscode.openWith', session.uri, flowLogViewType, vscode.ViewColumn.One);
          services.viewers.session(session.uri)?.showFiltered(filter);
        },
      });
    },
  };
}
