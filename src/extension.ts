import * as vscode from 'vscode';
import { AzureSignIn } from './azure/azureSignIn';
import { registerLensCommand, type LensCommand } from './commands/lensCommand';
import { openFlowLogFile } from './commands/openFlowLogFile';
import { showDependencyMapCommand, showFilesDependencyMapCommand, type DependencyMapServices } from './commands/showDependencyMap';
import { cancelLoadingCommand } from './commands/cancelLoading';
import { copyResourceIdCommand } from './commands/copyResourceId';
import { forgetAccountKeyCommand } from './commands/forgetAccountKey';
import { openFlowLogBlobCommand } from './commands/openFlowLogBlob';
import { openFlowLogTimeRangeCommand } from './commands/openFlowLogTimeRange';
import { openInPortalCommand } from './commands/openInPortal';
import { refreshCommand } from './commands/refresh';
import { refreshNodeCommand } from './commands/refreshNode';
import { retryCommand } from './commands/retry';
import { useAccountKeyCommand } from './commands/useAccountKey';
import { viewPropertiesCommand } from './commands/viewProperties';
import { selectSubscriptionsCommand } from './commands/selectSubscriptions';
import { signInCommand } from './commands/signIn';
import { signOutCommand } from './commands/signOut';
import { LensTreeProvider, type InventoryApi } from './tree/lensTreeProvider';
import { PropertiesDocumentProvider, propertiesScheme } from './tree/propertiesDocumentProvider';
import { FlowLogStorageBrowser } from './tree/storageBrowser';
import { pruneDownloads } from './tree/storageDownloads';
import { SubscriptionFilter } from './tree/subscriptionFilter';
import { plural } from './core/quantities';
import { FlowLogEditorProvider, type FlowLogViewerSeam } from './webview/flowLogEditorProvider';
import { buildAddressOwners } from './flowlogs/addressOwners';
import { DownloadedBlobs, downloadedBlobScheme } from './webview/downloadedBlobs';
import type { AddressOwners } from './core/viewerProtocol';
import { createWizardHost } from './wizards/shared/wizardHost';
import type { WizardSeam } from './wizards/shared/wizardPorts';
import { createPeeringCommand } from './commands/createPeering';
import { syncPeeringCommand } from './commands/syncPeering';
import { createTapCommand } from './commands/createTap';
import { createCollectorVmCommand } from './commands/createCollectorVm';
import { setUpMonitoringCommand } from './commands/setUpMonitoring';
import { removeTapCommand } from './commands/removeTap';
import { removeTapSourceCommand } from './commands/removeTapSource';
import { enableFlowLogsCommand } from './commands/enableFlowLogs';
import { migrateNsgFlowLogsCommand } from './commands/migrateNsgFlowLogs';
import { openPacketCaptureCommand } from './commands/openPacketCapture';
import { packetCaptureStatusCommand } from './commands/packetCaptureStatus';
import { startPacketCaptureCommand } from './commands/startPacketCapture';
import { enableAcceleratedNetworkingCommand } from './commands/enableAcceleratedNetworking';
import { stopPacketCaptureCommand } from './commands/stopPacketCapture';
import { snapshotConnectionsCommand, SnapshotDocuments } from './commands/snapshotConnections';
import { ConnectionSnapshotStore } from './core/connectionSnapshotStore';
import { tightenNsgCommand } from './commands/tightenNsg';
import { trafficAnalyticsQueries } from './commands/queryTrafficAnalytics';
import { CaptureSummaryDocuments, captureSummaryScheme } from './packetcapture/captureSummaryDocuments';

/** What the extension exposes to other extensions and integration tests. */
export interface TrafficLensApi {
  /** Add page scripts (and their messages) to the flow-log viewers opened from now on; see `FlowLogViewerAddOn`. */
  flowLogViewer: FlowLogViewerSeam;
  /**
   * Read and refresh the inventory tree by row id (lower-cased ARM ids; folders and messages add a
   * `#suffix`); see `InventoryApi`. Sign-in goes through the `trafficLens.signIn` command.
   */
  inventory: InventoryApi;
  /** Replace the wizards' questions UI and the plan review's dialogs, review a plan, read the Activity view; see `WizardSeam`. */
  wizards: WizardSeam;
}

export function activate(context: vscode.ExtensionContext): TrafficLensApi {
  const log = vscode.window.createOutputChannel('Azure Traffic Lens', { log: true });
  context.subscriptions.push(log);

  const signIn = new AzureSignIn(context.globalState, log);
  const filter = new SubscriptionFilter(context.globalState);
  const storage = new FlowLogStorageBrowser(signIn, context.secrets, log);
  const tree = new LensTreeProvider(signIn, filter, log, (account, subscription) => storage.sourceFor(account, subscription.tenantId));

  const blobs = new DownloadedBlobs(vscode.Uri.joinPath(context.globalStorageUri, 'flow-logs'));
  context.subscriptions.push(blobs, vscode.workspace.registerFileSystemProvider(downloadedBlobScheme, blobs, { isReadonly: true, isCaseSensitive: true }));
  const { provider, registration } = FlowLogEditorProvider.register(context.extensionUri, log, context.globalState, () => knownNics(tree), (uri) => blobs.localPath(uri));
  context.subscriptions.push(registration);
  context.subscriptions.push(vscode.commands.registerCommand(openFlowLogFile.id, (uri?: vscode.Uri) => openFlowLogFile.run(uri)));

  const properties = new PropertiesDocumentProvider();
  const view = vscode.window.createTreeView('trafficLens.inventory', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  tree.attachView(view);
  context.subscriptions.push(signIn, storage, tree, properties, view, vscode.workspace.registerTextDocumentContentProvider(propertiesScheme, properties));

  const updateSignedIn = (): void => {
    void vscode.commands.executeCommand('setContext', 'trafficLens.signedIn', signIn.isSignedIn);
  };
  context.subscriptions.push(signIn.onDidChange(updateSignedIn), signIn.onDidChange(() => provider.refreshOwners()));
  updateSignedIn();

  const downloads = { blobs, log };
  void pruneDownloads(blobs.folder.fsPath).then(
    (removed) => removed.length > 0 && log.info(`Removed ${plural(removed.length, 'flow-log download')} older than a week.`),
    (error: unknown) => log.warn(`Couldn't clean up old flow-log downloads: ${error instanceof Error ? error.message : String(error)}`),
  );
  const wizards = createWizardHost(tree, log);
  context.subscriptions.push(...wizards.disposables);
  const captureSummaries = new CaptureSummaryDocuments();
  context.subscriptions.push(captureSummaries, vscode.workspace.registerTextDocumentContentProvider(captureSummaryScheme, captureSummaries));
  // Connection snapshots taken in this window, read by the dependency map.
  const connectionSnapshots = new ConnectionSnapshotStore();
  context.subscriptions.push(connectionSnapshots);
  const wizardCommands: LensCommand[] = [
    // Wizards: one command per file in src/commands, each given `wizards.context`.
    setUpMonitoringCommand(wizards.context),
    createTapCommand(wizards.context),
    removeTapCommand(wizards.context),
    createCollectorVmCommand(wizards.context),
    removeTapSourceCommand(wizards.context),
    createPeeringCommand(wizards.context),
    syncPeeringCommand(wizards.context),
    enableFlowLogsCommand(wizards.context),
    migrateNsgFlowLogsCommand(wizards.context),
    startPacketCaptureCommand(wizards.context),
    stopPacketCaptureCommand(wizards.context, (subscriptionId) => tree.invalidateSubscriptions([subscriptionId])),
    packetCaptureStatusCommand(wizards.context),
    enableAcceleratedNetworkingCommand(wizards.context),
    snapshotConnectionsCommand(wizards.context, connectionSnapshots, SnapshotDocuments.register(context.subscriptions)),
    tightenNsgCommand(wizards.context, storage),
    openPacketCaptureCommand(wizards.context, storage, vscode.Uri.joinPath(context.globalStorageUri, 'packet-captures'), captureSummaries),
  ];

  const mapServices: DependencyMapServices = { extensionUri: context.extensionUri, log, state: context.globalState, viewers: provider, estate: () => tree.estate(), snapshots: connectionSnapshots, ui: () => wizards.context.ui() };
  const analytics = trafficAnalyticsQueries({ cloud: () => signIn.cloud(), estate: () => tree.estate(), ui: () => wizards.context.ui(), log, resultsFolder: vscode.Uri.joinPath(context.globalStorageUri, 'traffic-analytics') });
  context.subscriptions.push(analytics.disposable);

  for (const command of [
    ...wizardCommands,
    ...analytics.commands,
    signInCommand(signIn),
    signOutCommand(signIn),
    selectSubscriptionsCommand(tree, filter),
    refreshCommand(tree),
    refreshNodeCommand(tree),
    retryCommand(tree),
    cancelLoadingCommand(tree),
    copyResourceIdCommand(),
    openInPortalCommand(signIn),
    viewPropertiesCommand(properties),
    openFlowLogBlobCommand(downloads),
    openFlowLogTimeRangeCommand(downloads, () => wizards.context.ui()),
    forgetAccountKeyCommand(storage),
    useAccountKeyCommand(tree),
    showDependencyMapCommand(mapServices),
    showFilesDependencyMapCommand(mapServices),
  ]) {
    context.subscriptions.push(registerLensCommand(command, log));
  }

  void signIn.restore();

  return {
    flowLogViewer: { addOn: (addOn) => provider.addOn(addOn), runningWorkers: (uri) => provider.runningWorkers(uri) },
    inventory: tree.api(),
    wizards: wizards.seam,
  };
}

/** The NICs of the subscriptions the tree shows (listed once, then cached with the tree's), for the viewer's NIC/VM columns; undefined when signed out. */
async function knownNics(tree: LensTreeProvider): Promise<AddressOwners | undefined> {
  const estate = await tree.estate();
  if (estate.length === 0) {
    return undefined;
  }
  const lists = await Promise.all(estate.map(({ inventory }) => inventory.section('nics')));
  return buildAddressOwners(lists.flatMap((list) => (list.ok ? list.value : [])));
}

export function deactivate(): void {}
