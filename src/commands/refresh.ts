import type { LensTreeProvider } from '../tree/lensTreeProvider';
import type { TreeNode } from '../tree/treeNode';
import type { LensCommand } from './lensCommand';

function isNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && 'id' in value && 'toTreeItem' in value;
}

/** "Refresh": the whole tree from the view title or palette. */
export function refreshCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.refresh', run: () => tree.refresh() };
}

/** "Refresh" on a row: only that row's subtree is listed again. */
export function refreshNodeCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.refreshNode', run: (node?: unknown) => tree.refresh(isNode(node) ? node : undefined) };
}

/** "Retry" on an error or cancelled row: refreshes the row it belongs to. */
export function retryCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.retry', run: (node?: unknown) => tree.retry(isNode(node) ? node : undefined) };
}

/** "Cancel Loading": aborts every list call in flight. */
export function cancelLoadingCommand(tree: LensTreeProvider): LensCommand {
  return { id: 'trafficLens.cancelLoading', run: () => tree.cancelLoading() };
}
