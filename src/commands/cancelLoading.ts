import type { LensTreeProvider } from '../tree/lensTreeProvider';
import { isTreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

/** "Cancel Loading": aborts the listing of a storage row's "Loading…" row, else every list call in flight; the rows show "Loading cancelled" with a Retry. */
export function cancelLoadingCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.cancelLoading', run: (node?: unknown) => tree.cancelLoading(isTreeNode(node) ? node : undefined) };
}
