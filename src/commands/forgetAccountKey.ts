import * as vscode from 'vscode';
import { nameOf } from '../azure/armIds';
import type { FlowLogStorageBrowser } from '../tree/storageBrowser';
import { FlowLogBlobNode } from '../tree/flowLogBlobNode';
import { StorageAccountNode, StorageContainerNode, StorageDayNode, StorageHourNode, StorageTargetNode } from '../tree/storageNodes';
import { FlowLogNode } from '../tree/watcherNode';
import type { LensCommand } from './lensCommand';

function storageAccountOf(node: unknown): string | undefined {
  if (node instanceof FlowLogNode) {
    return node.flowLog.storageArmId || undefined;
  }
  if (node instanceof StorageTargetNode || node instanceof StorageDayNode || node instanceof StorageHourNode || node instanceof FlowLogBlobNode || node instanceof StorageContainerNode || node instanceof StorageAccountNode) {
    return node.scope.accountId;
  }
  return undefined;
}

/**
 * "Forget Storage Account Key": deletes the key saved with "Use and Remember Key" from VS Code's
 * secret storage, so flow logs are read with the sign-in again. On a flow-log row it acts on that
 * row's account; from the palette it asks which of the accounts browsed since VS Code started,
 * or for an account id.
 */
export function forgetAccountKeyCommand(browser: FlowLogStorageBrowser): LensCommand {
  return {
    id: 'trafficLens.forgetAccountKey',
    async run(node?: unknown): Promise<boolean> {
      let accountId = storageAccountOf(node);
      if (accountId === undefined) {
        const known = browser.knownAccounts;
        if (known.length > 0) {
          const picked = await vscode.window.showQuickPick(
            known.map((id) => ({ label: nameOf(id), detail: id, id })),
            { title: 'Forget Storage Account Key', placeHolder: 'Storage account whose saved key to forget' },
          );
          accountId = picked?.id;
        } else {
          accountId = (await vscode.window.showInputBox({
            title: 'Forget Storage Account Key',
            prompt: 'Resource id of the storage account',
            placeHolder: '/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/…',
            validateInput: (value) => (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+\/?$/i.test(value.trim()) ? undefined : 'Enter a storage account resource id (/subscriptions/…/providers/Microsoft.Storage/storageAccounts/name).'),
          }))?.trim();
        }
      }
      if (accountId === undefined || accountId === '') {
        return false;
      }
      const wasSaved = await browser.forgetKey(accountId);
      void vscode.window.showInformationMessage(
        wasSaved
          ? `Forgot the saved key of storage account ${nameOf(accountId)}. Flow logs there are read with your sign-in again.`
          : `No key of storage account ${nameOf(accountId)} was saved: flow logs there are read with your sign-in.`,
      );
      return true;
    },
  };
}
