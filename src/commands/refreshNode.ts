import type { LensTreeProvider } from '../tree/lensTreeProvider';
import { isTreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

/** "Refresh" on a row: only that row's subtree is listed again. */
export function refreshNodeCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.refreshNode', run: (node?: unknown) => tree.refresh(isTreeNode(node) ? node : undefined) };
}
