import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { StorageAccountAccess } from '../azure/storageAccess';
import type { DownloadResult, FlowLogStorage } from '../azure/storageFlowLogs';
import { StorageProblemError, isStorageCancellation } from '../azure/storageProblem';
import { FlowLogBlobNode } from '../tree/flowLogBlobNode';
import { formatBytes } from '../core/quantities';
import { plural } from '../core/quantities';
import { withStorage } from '../tree/storageNodes';
import type { FlowLogStorageScope } from '../tree/storageSource';
import { flowLogViewType } from '../webview/flowLogEditorProvider';
import type { DownloadedBlobs } from '../webview/downloadedBlobs';
import { downloadSegments } from '../tree/storageDownloads';
import type { LensCommand } from './lensCommand';
import { withCancellableProgress } from '../wizards/shared/progress';

/** Where downloads go and what to tell the user. */
export interface DownloadTarget {
  /** The download folder (under the extension's global storage), shown as `azure-flow-log:` URIs that name the blob. */
  blobs: DownloadedBlobs;
  log: vscode.LogOutputChannel;
}

/**
 * Streams flow-log blobs into one file inside a cancellable notification with a percentage, then
 * opens it in the flow-log viewer. The file sits at account/container/`pathInContainer` under the
 * download folder and opens as `azure-flow-log:/account/container/…`, so the tab and breadcrumbs
 * name the blob. A cancel shows nothing; a failure shows what failed on which blob or account with
 * "Show Details" (and resolves undefined).
 */
export async function downloadAndOpen(
  target: DownloadTarget,
  scope: FlowLogStorageScope,
  what: string,
  pathInContainer: string,
  download: (storage: FlowLogStorage, path: string, options: { signal: AbortSignal; onProgress(bytes: number, total: number): void }) => Promise<DownloadResult>,
): Promise<vscode.Uri | undefined> {
  const segments = downloadSegments(scope.accountName, scope.container, pathInContainer);
  const path = join(target.blobs.folder.fsPath, ...segments);
  await mkdir(dirname(path), { recursive: true });
  let result: DownloadResult;
  try {
    result = await withCancellableProgress(`Downloading ${what}`, async (progress, signal) => {
      let reported = 0;
      let lastReport = 0;
      return await withStorage(scope, signal, (access: StorageAccountAccess) =>
        access.run(
          (storage) =>
            download(storage, path, {
              signal,
              onProgress: (bytes, total) => {
                const percent = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 0;
                const now = Date.now();
                // Chunks arrive every few KB: report only whole percents, at most ten times a second.
                if (percent > reported && (now - lastReport >= 100 || percent === 100)) {
                  progress.report({ increment: percent - reported, message: `${formatBytes(bytes)} of ${formatBytes(total)}` });
                  reported = percent;
                  lastReport = now;
                }
              },
            }),
          signal,
        ),
      );
    });
  } catch (error) {
    if (isStorageCancellation(error) || error instanceof vscode.CancellationError) {
      return undefined;
    }
    scope.source.report(`Downloading ${what}`, error);
    const reason = error instanceof StorageProblemError ? error.message : error instanceof Error ? error.message.split('\n')[0] : String(error);
    const message = `Couldn't open ${what} from storage account ${scope.accountName}: ${reason}`;
    void vscode.window.showErrorMessage(message, 'Show Details').then((choice) => {
      if (choice === 'Show Details') {
        target.log.show();
      }
    });
    return undefined;
  }
  target.log.info(`Downloaded ${what} from ${scope.accountName}/${scope.container}: ${plural(result.blobs, 'blob')}, ${formatBytes(result.bytes)}, to ${result.path}.`);
  const uri = target.blobs.uriOf(segments);
  target.blobs.changed(uri);
  // Opening the same blob again (Azure appends to it all hour) must show the new download, not the viewer already open on the old one.
  const stale = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.uri.toString() === uri.toString());
  if (stale.length > 0) {
    await vscode.window.tabGroups.close(stale, true);
  }
  await vscode.commands.executeCommand('vscode.openWith', uri, flowLogViewType);
  return uri;
}

/** "Open" on a flow-log blob row (a click or the context menu): downloads it and opens it in the viewer. Returns the opened file's URI. */
export function openFlowLogBlobCommand(target: DownloadTarget): LensCommand {
  return {
    id: 'trafficLens.openFlowLogBlob',
    async run(node?: unknown): Promise<vscode.Uri | undefined> {
      if (!(node instanceof FlowLogBlobNode)) {
        void vscode.window.showInformationMessage('Pick a flow-log blob under a flow log in the Azure Traffic Lens view (Network watchers › watcher › flow log) to open it.');
        return undefined;
      }
      const { blob, scope } = node;
      const mac = blob.path.mac;
      const what = `flow log ${scope.name} (${blob.path.time.toISOString().slice(0, 13)}:00 UTC${mac === undefined ? '' : `, MAC ${mac}`})`;
      return downloadAndOpen(target, scope, what, blob.name, (storage, path, options) =>
        storage.downloadToFile(scope.container, blob.name, path, options),
      );
    },
  };
}
