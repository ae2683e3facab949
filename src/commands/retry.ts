import type { LensTreeProvider } from '../tree/lensTreeProvider';
import { isTreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

/** "Retry" on an error or cancelled row: refreshes the row it belongs to. */
export function retryCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.retry', run: (node?: unknown) => tree.retry(isTreeNode(node) ? node : undefined) };
}
