import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseStorageAccountId } from '../azure/storageKeys';
import { StorageProblemError, isStorageCancellation } from '../azure/storageProblem';
import { captureBlobLocation } from '../packetcapture/captureBlob';
import type { CaptureSummaryDocuments } from '../packetcapture/captureSummaryDocuments';
import { PcapFormatError, renderPcapSummary, summarizePcap, type PcapSummary } from '../packetcapture/pcapSummary';
import type { FlowLogStorageBrowser } from '../tree/storageBrowser';
import type { WizardContext } from '../wizards/shared/wizardContext';
import type { LensCommand } from './lensCommand';
import { captureTarget } from './packetCaptureRows';
import { armFailure } from '../azure/armProblem';
import { formatBytes } from '../core/quantities';
import { withCancellableProgress } from '../wizards/shared/progress';

export interface OpenedCapture {
  path: string;
  summary: PcapSummary;
  document: vscode.TextDocument;
}

/**
 * "Download and Summarize": downloads the capture's .cap file from its storage account with the
 * sign-in (the account key only with consent, as for flow logs) and shows a read-only summary.
 */
export function openPacketCaptureCommand(context: WizardContext, storage: FlowLogStorageBrowser, folder: vscode.Uri, documents: CaptureSummaryDocuments): LensCommand {
  return {
    id: 'trafficLens.openPacketCapture',
    async run(node?: unknown, selection?: unknown): Promise<OpenedCapture | undefined> {
      const target = await captureTarget(context, node, selection);
      if (target === undefined) {
        return undefined;
      }
      const tenantId = target.entry.subscription.tenantId;
      let location;
      try {
        location = await target.reads.storageOf(target.armId, tenantId);
      } catch (error) {
        throw armFailure(context.log, `Reading packet capture ${target.armId}`, `read packet capture ${target.name}`, error);
      }
      if (location.storageId === undefined || location.storagePath === undefined) {
        throw new Error(`Packet capture ${target.name} writes only to ${location.filePath ?? 'a file'} on the VM, not to a storage account: copy the file from the VM to open it.`);
      }
      const accountName = parseStorageAccountId(location.storageId).accountName;
      const blob = captureBlobLocation(location.storagePath, accountName);
      await mkdir(folder.fsPath, { recursive: true });
      const path = join(folder.fsPath, `${target.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.cap`);
      const source = storage.sourceFor(target.entry.account, tenantId);
      let notUploadedYet = false;
      await withCancellableProgress(`Downloading packet capture ${target.name}`, async (progress, signal) => {
        let reported = 0;
        try {
          const access = await source.access(location.storageId!, signal);
          await access.run((files) => files.downloadToFile(blob.container, blob.blobName, path, {
            signal,
            onProgress: (written, total) => {
              const percent = total > 0 ? Math.floor((written / total) * 100) : 0;
              if (percent > reported) {
                progress.report({ increment: percent - reported, message: `${formatBytes(written)} of ${formatBytes(total)}` });
                reported = percent;
              }
            },
          }), signal);
        } catch (error) {
          if (isStorageCancellation(error) || signal.aborted) {
            throw new vscode.CancellationError();
          }
          if (error instanceof StorageProblemError && (error.code === 'blobNotFound' || error.code === 'containerNotFound')) {
            // Expected while the capture runs: Network Watcher uploads the file when it stops.
            context.log.info(`Packet capture ${target.name}: its file is not in ${accountName}/${blob.container}/${blob.blobName} yet.`);
            notUploadedYet = true;
            return;
          }
          source.report(`Downloading packet capture ${target.name} (${blob.container}/${blob.blobName})`, error);
          throw new Error(`Couldn't download packet capture ${target.name} from ${accountName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
      });
      if (notUploadedYet) {
        const stop = 'Stop Packet Capture';
        // Not awaited: the command ends now; the button works whenever it is pressed.
        void vscode.window.showInformationMessage(`The file of packet capture ${target.name} is not in ${accountName} yet: Network Watcher uploads it when the capture stops. Stop it, then download it again.`, stop).then((answer) =>
          answer === stop ? vscode.commands.executeCommand('trafficLens.stopPacketCapture', node, selection) : undefined,
        );
        return undefined;
      }
      let summary: PcapSummary;
      try {
        summary = summarizePcap(await readFile(path));
      } catch (error) {
        if (error instanceof PcapFormatError) {
          throw new Error(`Couldn't read ${path} (packet capture ${target.name}): ${error.message}`, { cause: error });
        }
        throw error;
      }
      context.log.info(`Packet capture ${target.name}: ${summary.packets} packets, ${summary.bytes} bytes, downloaded to ${path}.`);
      const document = await documents.show(target.armId, target.name, renderPcapSummary(summary, target.name, `${accountName}/${blob.container}/${blob.blobName}, downloaded to ${path}`));
      return { path, summary, document };
    },
  };
}
