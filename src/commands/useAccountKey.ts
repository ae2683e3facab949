import type { LensTreeProvider } from '../tree/lensTreeProvider';
import { storageScopeOfRow } from '../tree/storageNodes';
import { isTreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

/**
 * "Use Account Key…" on the error row of a storage listing Azure refused (the role Storage Blob
 * Data Reader is missing): asks Use Once / Use and Remember / Cancel, switches the account to its
 * key and refreshes the row the listing belongs to. `node` is that row.
 */
export function useAccountKeyCommand(tree: LensTreeProvider): LensCommand {
  return {
    id: 'trafficLens.useAccountKey',
    run: async (node?: unknown) => {
      const row = isTreeNode(node) && node.id.endsWith('#error') ? node.parent : node;
      const scope = isTreeNode(row) ? storageScopeOfRow(row) : undefined;
      if (!isTreeNode(row) || scope === undefined) {
        return false;
      }
      const switched = await scope.source.useAccountKey(scope.accountId);
      if (switched) {
        tree.refresh(row);
      }
      return switched;
    },
  };
}
